-- Work orders (工单) with a snapshot of the customer and address taken at creation,
-- their timeline, and per-tenant per-day counters for human-friendly numbers.
CREATE TABLE work_orders (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     text NOT NULL,
  number        text NOT NULL,
  type          text NOT NULL,
  channel       text NOT NULL,
  urgency       text NOT NULL,
  state         text NOT NULL,
  customer_id   uuid NOT NULL,
  customer_name text NOT NULL DEFAULT '',
  contact_phone text NOT NULL DEFAULT '',
  address_id    uuid,
  address_text  text NOT NULL DEFAULT '',
  lat           double precision,
  lng           double precision,
  description   text NOT NULL DEFAULT '',
  team_id       text NOT NULL DEFAULT '',
  team_name     text NOT NULL DEFAULT '',
  area_name     text NOT NULL DEFAULT '',
  assignee_id   text NOT NULL DEFAULT '',
  result        text NOT NULL DEFAULT '',
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  resolved_at   timestamptz,
  UNIQUE (tenant_id, number)
);
CREATE INDEX work_orders_tenant_created ON work_orders (tenant_id, created_at DESC, id);
CREATE INDEX work_orders_customer ON work_orders (tenant_id, customer_id, created_at DESC);

CREATE TABLE work_order_timeline (
  id            bigserial PRIMARY KEY,
  tenant_id     text NOT NULL,
  work_order_id uuid NOT NULL REFERENCES work_orders (id),
  at            timestamptz NOT NULL DEFAULT now(),
  actor         text NOT NULL,
  from_state    text NOT NULL,
  to_state      text NOT NULL,
  comment       text NOT NULL DEFAULT ''
);
CREATE INDEX work_order_timeline_order ON work_order_timeline (work_order_id, id);

CREATE TABLE work_order_counters (
  tenant_id text NOT NULL,
  day       date NOT NULL,
  last      int NOT NULL,
  PRIMARY KEY (tenant_id, day)
);
