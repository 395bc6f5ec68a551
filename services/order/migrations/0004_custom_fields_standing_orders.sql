-- Custom field values on orders (definitions live in the customer service's form engine)
-- and standing orders (定期送水) with the delivery orders they create; to-do indexes for
-- long lists of team to-dos.

-- A person's open to-dos and their roles' apart (a leader's many "needs a worker" to-dos
-- never slow a worker's list), and an order's open to-dos (closed when done).
CREATE INDEX todos_open_mine ON todos
  (tenant_id, assignee_id, (coalesce(due_at, 'infinity')), created_at)
  WHERE done_at IS NULL AND assignee_id <> '';
CREATE INDEX todos_open_for_roles ON todos
  (tenant_id, assignee_role, (coalesce(due_at, 'infinity')), created_at)
  WHERE done_at IS NULL AND assignee_id = '';
CREATE INDEX todos_open_by_order ON todos (tenant_id, order_id) WHERE done_at IS NULL;
DROP INDEX todos_open;

ALTER TABLE work_orders ADD COLUMN custom_fields jsonb NOT NULL DEFAULT '{}';
ALTER TABLE delivery_orders
  ADD COLUMN custom_fields jsonb NOT NULL DEFAULT '{}',
  ADD COLUMN standing_order_id uuid,
  ADD COLUMN occurrence_date date,
  -- For the courier's route: the customer's first phone, masked.
  ADD COLUMN customer_phone_masked text NOT NULL DEFAULT '';

-- Filters "key=value" are JSONB containment (@>).
CREATE INDEX work_orders_custom_fields ON work_orders USING gin (custom_fields jsonb_path_ops);
CREATE INDEX delivery_orders_custom_fields
  ON delivery_orders USING gin (custom_fields jsonb_path_ops);

-- One order per standing order and delivery day, whatever happens to the generator.
CREATE UNIQUE INDEX delivery_orders_one_per_occurrence
  ON delivery_orders (tenant_id, standing_order_id, occurrence_date)
  WHERE standing_order_id IS NOT NULL;

CREATE TABLE standing_orders (
  tenant_id          text NOT NULL,
  id                 uuid NOT NULL DEFAULT gen_random_uuid(),
  customer_id        uuid NOT NULL,
  -- What each occurrence's order gets and when: qingquan.order.v1.StandingOrder in proto
  -- JSON, holding only the fields a client sets.
  spec               text NOT NULL,
  state              text NOT NULL DEFAULT 'ACTIVE',
  state_reason       text NOT NULL DEFAULT '',
  -- The next delivery day to create an order for, and when to create it; NULL when the
  -- schedule is over.
  next_delivery_date date,
  next_create_at     timestamptz,
  -- A generator holds the row until then while it creates the order (replicas share the
  -- work; a crashed one's rows come free again).
  lease_until        timestamptz,
  created_count      int NOT NULL DEFAULT 0,
  last_delivery_date date,
  last_order_id      uuid,
  last_error         text NOT NULL DEFAULT '',
  created_by         text NOT NULL,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX standing_orders_due ON standing_orders (next_create_at) WHERE state = 'ACTIVE';
CREATE INDEX standing_orders_by_customer ON standing_orders (tenant_id, customer_id, created_at);
