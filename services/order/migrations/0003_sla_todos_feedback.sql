-- SLA clocks kept with each work order, the tenants' SLA settings, to-dos and feedback.

CREATE TABLE sla_settings (
  tenant_id  text PRIMARY KEY,
  -- qingquan.order.v1.SlaSettings in proto JSON.
  settings   text NOT NULL,
  updated_by text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The targets are copied onto the order when it is created, so a later change of the
-- settings never moves a deadline already promised. Pauses are kept as closed intervals
-- plus the running one (sla_paused_since); closed ones as epoch microseconds.
ALTER TABLE work_orders
  ADD COLUMN open boolean NOT NULL DEFAULT true,
  ADD COLUMN sla_response_minutes int NOT NULL DEFAULT 0,
  ADD COLUMN sla_resolve_minutes int NOT NULL DEFAULT 0,
  ADD COLUMN sla_around_the_clock boolean NOT NULL DEFAULT false,
  ADD COLUMN sla_pause_from bigint[] NOT NULL DEFAULT '{}',
  ADD COLUMN sla_pause_to bigint[] NOT NULL DEFAULT '{}',
  ADD COLUMN sla_paused_since timestamptz,
  ADD COLUMN responded_at timestamptz,
  ADD COLUMN response_due_at timestamptz,
  ADD COLUMN resolve_due_at timestamptz,
  -- 1 response warned, 2 response breached, 4 resolution warned, 8 resolution breached.
  ADD COLUMN sla_alerts_sent int NOT NULL DEFAULT 0,
  ADD COLUMN escalation_level int NOT NULL DEFAULT 0,
  ADD COLUMN sla_next_check_at timestamptz;
UPDATE work_orders SET open = false WHERE resolved_at IS NOT NULL OR state = 'CANCELLED';

-- The scheduler's queue: only orders with something left to watch.
CREATE INDEX work_orders_sla_due ON work_orders (sla_next_check_at) WHERE sla_next_check_at IS NOT NULL;
-- The pool (open, nobody took it) and my open orders, most urgent first.
CREATE INDEX work_orders_pool ON work_orders
  (tenant_id, (coalesce(resolve_due_at, 'infinity')), created_at, id)
  WHERE open AND assignee_id = '';
CREATE INDEX work_orders_pool_area ON work_orders
  (tenant_id, area_name, (coalesce(resolve_due_at, 'infinity')), created_at, id)
  WHERE open AND assignee_id = '';
CREATE INDEX work_orders_mine ON work_orders
  (tenant_id, assignee_id, (coalesce(resolve_due_at, 'infinity')), created_at, id)
  WHERE open AND assignee_id <> '';

CREATE TABLE todos (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     text NOT NULL,
  -- ESCALATION or FOLLOW_UP (open work orders of a person are listed from work_orders).
  kind          text NOT NULL,
  order_id      uuid NOT NULL,
  order_kind    text NOT NULL,
  number        text NOT NULL,
  type          text NOT NULL DEFAULT '',
  title         text NOT NULL,
  assignee_role text NOT NULL DEFAULT '',
  assignee_id   text NOT NULL DEFAULT '',
  customer_name text NOT NULL DEFAULT '',
  address_text  text NOT NULL DEFAULT '',
  due_at        timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now(),
  done_at       timestamptz,
  done_by       text NOT NULL DEFAULT '',
  done_comment  text NOT NULL DEFAULT '',
  -- One escalation per order and level, one follow-up per order.
  dedupe_key    text NOT NULL,
  UNIQUE (tenant_id, dedupe_key)
);
CREATE INDEX todos_open ON todos (tenant_id, (coalesce(due_at, 'infinity')), created_at)
  WHERE done_at IS NULL;

CREATE TABLE feedback (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id   text NOT NULL,
  order_id    uuid NOT NULL,
  order_kind  text NOT NULL,
  score       int NOT NULL CHECK (score BETWEEN 1 AND 5),
  comment     text NOT NULL DEFAULT '',
  customer_id uuid NOT NULL,
  recorded_by text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, order_id, order_kind)
);
