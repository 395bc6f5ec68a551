-- Every message to a customer or staff member, one row per (source event, template):
-- the unique key makes a redelivered event never send twice.
CREATE TABLE messages (
  id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     text NOT NULL,
  source_event  text NOT NULL,
  channel       text NOT NULL,
  recipient     text NOT NULL,
  customer_id   text NOT NULL DEFAULT '',
  work_order_id text NOT NULL DEFAULT '',
  template      text NOT NULL,
  body          text NOT NULL,
  status        text NOT NULL,
  provider      text NOT NULL DEFAULT '',
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, source_event, template)
);
CREATE INDEX messages_customer ON messages (tenant_id, customer_id, created_at DESC);
CREATE INDEX messages_work_order ON messages (tenant_id, work_order_id, created_at DESC);

-- What the development SMS provider would have sent (it sends nothing).
CREATE TABLE dev_sms_sent (
  message_id uuid PRIMARY KEY REFERENCES messages (id),
  phone      text NOT NULL,
  body       text NOT NULL,
  sent_at    timestamptz NOT NULL DEFAULT now()
);
