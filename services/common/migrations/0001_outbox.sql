-- Events written in the same transaction as the change that caused them; the relay
-- copies them to Redis Streams and keeps them for a retention window for replays.
CREATE TABLE qq_outbox (
  seq          bigserial PRIMARY KEY,
  event_id     uuid NOT NULL DEFAULT gen_random_uuid() UNIQUE,
  stream       text NOT NULL,
  tenant_id    text NOT NULL,
  event_type   text NOT NULL,
  aggregate_id text NOT NULL,
  payload      bytea NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  relayed_at   timestamptz
);
CREATE INDEX qq_outbox_unrelayed ON qq_outbox (seq) WHERE relayed_at IS NULL;

-- Events this service has handled, per consumer group: a redelivered event is skipped.
CREATE TABLE qq_processed_events (
  consumer_group text NOT NULL,
  event_id       text NOT NULL,
  processed_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer_group, event_id)
);
