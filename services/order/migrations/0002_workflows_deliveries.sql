-- Workflows as data, delivery orders with the ticket saga, and attachments.

-- A tenant's own workflow versions (the shipped defaults are version 0 and live in the
-- code). Versions are never changed, so orders keep following the one they began on.
CREATE TABLE workflow_versions (
  tenant_id  text NOT NULL,
  kind       text NOT NULL,
  version    int NOT NULL CHECK (version > 0),
  -- qingquan.order.v1.Workflow in proto JSON.
  definition text NOT NULL,
  created_by text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, kind, version)
);

ALTER TABLE work_orders
  ADD COLUMN workflow_version int NOT NULL DEFAULT 0,
  ADD COLUMN reopen_count int NOT NULL DEFAULT 0,
  ADD COLUMN attachment_ids uuid[] NOT NULL DEFAULT '{}';
ALTER TABLE work_order_timeline
  ADD COLUMN transition text NOT NULL DEFAULT '',
  ADD COLUMN attachment_ids uuid[] NOT NULL DEFAULT '{}';
CREATE INDEX work_orders_state ON work_orders (tenant_id, state, created_at DESC, id);

-- Delivery orders (送水订单) with what the courier needs copied from the customer.
CREATE TABLE delivery_orders (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id        text NOT NULL,
  number           text NOT NULL,
  channel          text NOT NULL,
  state            text NOT NULL,
  workflow_version int NOT NULL,
  customer_id      uuid NOT NULL,
  customer_name    text NOT NULL DEFAULT '',
  address_id       uuid,
  address_text     text NOT NULL DEFAULT '',
  lat              double precision,
  lng              double precision,
  customer_tags    text[] NOT NULL DEFAULT '{}',
  delivery_notes   text NOT NULL DEFAULT '',
  item_products    text[] NOT NULL,
  item_quantities  int[] NOT NULL,
  payment          text NOT NULL,
  window_start     timestamptz,
  window_end       timestamptz,
  notes            text NOT NULL DEFAULT '',
  courier_id       text NOT NULL DEFAULT '',
  -- NOT_APPLICABLE, PENDING, DEDUCTING, DEDUCTED, INSUFFICIENT, REFUNDING, REFUNDED
  ticket_status    text NOT NULL,
  collect_cash     boolean NOT NULL DEFAULT false,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  delivered_at     timestamptz,
  UNIQUE (tenant_id, number),
  CHECK (cardinality(item_products) = cardinality(item_quantities))
);
CREATE INDEX delivery_orders_tenant_created ON delivery_orders (tenant_id, created_at DESC, id);
CREATE INDEX delivery_orders_customer ON delivery_orders (tenant_id, customer_id, created_at DESC);
CREATE INDEX delivery_orders_state ON delivery_orders (tenant_id, state, created_at DESC, id);
CREATE INDEX delivery_orders_courier ON delivery_orders (tenant_id, courier_id, created_at DESC)
  WHERE courier_id <> '';

CREATE TABLE delivery_order_timeline (
  id             bigserial PRIMARY KEY,
  tenant_id      text NOT NULL,
  order_id       uuid NOT NULL REFERENCES delivery_orders (id),
  at             timestamptz NOT NULL DEFAULT now(),
  actor          text NOT NULL,
  from_state     text NOT NULL,
  to_state       text NOT NULL,
  transition     text NOT NULL DEFAULT '',
  comment        text NOT NULL DEFAULT '',
  attachment_ids uuid[] NOT NULL DEFAULT '{}'
);
CREATE INDEX delivery_order_timeline_order ON delivery_order_timeline (order_id, id);

CREATE TABLE delivery_order_counters (
  tenant_id text NOT NULL,
  day       date NOT NULL,
  last      int NOT NULL,
  PRIMARY KEY (tenant_id, day)
);

-- The ticket saga: each step is written in the same transaction as the state change
-- that needs it, and a worker carries it out against the customer service's ledger
-- (idempotent by order there), so a crash between the two is finished on restart.
CREATE TABLE ticket_saga_steps (
  id              bigserial PRIMARY KEY,
  tenant_id       text NOT NULL,
  order_id        uuid NOT NULL REFERENCES delivery_orders (id),
  action          text NOT NULL CHECK (action IN ('deduct', 'refund')),
  done            boolean NOT NULL DEFAULT false,
  attempts        int NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text NOT NULL DEFAULT '',
  created_at      timestamptz NOT NULL DEFAULT now(),
  done_at         timestamptz
);
CREATE INDEX ticket_saga_steps_due ON ticket_saga_steps (next_attempt_at, id) WHERE NOT done;
CREATE INDEX ticket_saga_steps_order ON ticket_saga_steps (order_id, id);

-- Photos; the bytes live in the blob store under blob_key.
CREATE TABLE attachments (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id    text NOT NULL,
  uploaded_by  text NOT NULL,
  content_type text NOT NULL,
  size_bytes   bigint NOT NULL,
  sha256       text NOT NULL,
  file_name    text NOT NULL DEFAULT '',
  blob_key     text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachments_tenant ON attachments (tenant_id, id);
