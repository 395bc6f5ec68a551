-- Messages become an outbox of their own: queued in the transaction of the event that
-- asks for them, delivered by the sender worker outside any transaction, with retries.
-- The dedupe key (event, recipient, template) replaces the per-event unique key, so a
-- redelivered event or a repeated rule firing never queues twice.
ALTER TABLE messages
  ADD COLUMN dedupe_key          text,
  ADD COLUMN delivery_order_id   text NOT NULL DEFAULT '',
  ADD COLUMN category            text NOT NULL DEFAULT 'service',
  ADD COLUMN reason              text NOT NULL DEFAULT '',
  ADD COLUMN send_after          timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN next_attempt_at     timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN lease_until         timestamptz,
  ADD COLUMN attempts            integer NOT NULL DEFAULT 0,
  ADD COLUMN provider_message_id text NOT NULL DEFAULT '',
  ADD COLUMN provider_template   text NOT NULL DEFAULT '',
  ADD COLUMN params              jsonb NOT NULL DEFAULT '[]',
  ADD COLUMN sent_at             timestamptz,
  ADD COLUMN delivered_at        timestamptz,
  ADD COLUMN local_day           date,
  ADD COLUMN rule_id             text NOT NULL DEFAULT '';
UPDATE messages SET dedupe_key = source_event || '|' || recipient || '|' || template,
                    sent_at = created_at, local_day = (created_at AT TIME ZONE 'Asia/Shanghai')::date;
ALTER TABLE messages ALTER COLUMN dedupe_key SET NOT NULL;
ALTER TABLE messages DROP CONSTRAINT messages_tenant_id_source_event_template_key;
CREATE UNIQUE INDEX messages_dedupe ON messages (tenant_id, dedupe_key);
-- The sender's queue: only rows still to send are indexed.
CREATE INDEX messages_due ON messages (next_attempt_at) WHERE status = 'QUEUED';
CREATE INDEX messages_delivery_order ON messages (tenant_id, delivery_order_id, created_at DESC)
  WHERE delivery_order_id <> '';
-- Daily caps count a customer's messages per channel and tenant day.
CREATE INDEX messages_customer_day ON messages (tenant_id, customer_id, channel, local_day)
  WHERE customer_id <> '';
CREATE INDEX messages_provider_id ON messages (provider, provider_message_id)
  WHERE provider_message_id <> '';

-- The development provider records by message id: sending again after a crash between
-- "recorded" and "marked sent" finds the record and does not add a second.
ALTER TABLE dev_sms_sent ADD COLUMN channel text NOT NULL DEFAULT 'SMS';

-- A tenant's own template text per event and channel; without a row the shipped default
-- applies.
CREATE TABLE templates (
  tenant_id              text NOT NULL,
  event                  text NOT NULL,
  channel                text NOT NULL,
  body                   text NOT NULL,
  provider_template_code text NOT NULL DEFAULT '',
  enabled                boolean NOT NULL DEFAULT true,
  updated_at             timestamptz NOT NULL DEFAULT now(),
  updated_by             text NOT NULL DEFAULT '',
  PRIMARY KEY (tenant_id, event, channel)
);

-- One row per tenant once a manager saved settings; defaults otherwise.
CREATE TABLE notification_settings (
  tenant_id         text PRIMARY KEY,
  quiet_enabled     boolean NOT NULL,
  quiet_start       text NOT NULL,
  quiet_end         text NOT NULL,
  urgent_categories text[] NOT NULL,
  daily_caps        jsonb NOT NULL,
  sms_signature     text NOT NULL,
  time_zone         text NOT NULL,
  updated_at        timestamptz NOT NULL DEFAULT now(),
  updated_by        text NOT NULL DEFAULT ''
);

-- Opt-outs per customer and channel (no row: opted in).
CREATE TABLE customer_preferences (
  tenant_id   text NOT NULL,
  customer_id text NOT NULL,
  channel     text NOT NULL,
  opted_out   boolean NOT NULL,
  source      text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  updated_by  text NOT NULL DEFAULT '',
  PRIMARY KEY (tenant_id, customer_id, channel)
);
