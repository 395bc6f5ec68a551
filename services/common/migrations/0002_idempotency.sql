-- Responses of creates made with an Idempotency-Key, per tenant, user and operation:
-- a retry with the same key gets the first response instead of a second resource.
CREATE TABLE qq_idempotency (
  tenant_id    text NOT NULL,
  user_id      text NOT NULL,
  operation    text NOT NULL,
  key          text NOT NULL,
  request_hash text NOT NULL,
  response     bytea NOT NULL DEFAULT '',
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, user_id, operation, key)
);
