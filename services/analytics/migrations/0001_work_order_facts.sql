-- One row per work order, filled from order-service events; KPIs aggregate over it.
CREATE TABLE work_order_facts (
  tenant_id     text NOT NULL,
  work_order_id text NOT NULL,
  type          text NOT NULL,
  channel       text NOT NULL DEFAULT '',
  created_at    timestamptz NOT NULL,
  resolved_at   timestamptz,
  PRIMARY KEY (tenant_id, work_order_id)
);
CREATE INDEX work_order_facts_created ON work_order_facts (tenant_id, created_at);
