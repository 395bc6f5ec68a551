-- Automatic assignment of work orders to workers: the tenants' settings, and every offer
-- made (who, why, what became of it).

CREATE TABLE dispatch_settings (
  tenant_id  text PRIMARY KEY,
  -- qingquan.dispatch.v1.DispatchSettings in proto JSON.
  settings   text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- A deleted area stays for the history of the orders it routed, renamed out of the way.
ALTER TABLE areas ADD COLUMN deleted_at timestamptz;

-- What a re-offer needs to know about the order.
ALTER TABLE assignments
  ADD COLUMN work_order_type text NOT NULL DEFAULT '',
  ADD COLUMN lat float8,
  ADD COLUMN lng float8;

-- Round-robin among equally good workers: the one offered least recently goes first.
ALTER TABLE staff ADD COLUMN last_offered_at timestamptz;

CREATE TABLE worker_offers (
  tenant_id        text NOT NULL,
  work_order_id    text NOT NULL,
  attempt          int NOT NULL,
  worker_id        text NOT NULL,
  worker_name      text NOT NULL DEFAULT '',
  -- OFFERED, ACCEPTED, REJECTED, EXPIRED, OVERRIDDEN, DONE.
  state            text NOT NULL,
  score            float8 NOT NULL,
  skill_score      float8 NOT NULL,
  load_score       float8 NOT NULL,
  distance_score   float8 NOT NULL,
  distance_km      float8 NOT NULL,
  open_orders      int NOT NULL,
  in_shift         boolean NOT NULL,
  reason           text NOT NULL,
  decision_comment text NOT NULL DEFAULT '',
  offered_at       timestamptz NOT NULL DEFAULT now(),
  expires_at       timestamptz NOT NULL,
  decided_at       timestamptz,
  PRIMARY KEY (tenant_id, work_order_id, attempt)
);
CREATE INDEX worker_offers_due ON worker_offers (expires_at) WHERE state = 'OFFERED';
CREATE INDEX worker_offers_active ON worker_offers (tenant_id, worker_id)
  WHERE state IN ('OFFERED', 'ACCEPTED');
