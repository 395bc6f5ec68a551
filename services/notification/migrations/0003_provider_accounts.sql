-- A tenant's provider per channel. The secret (AccessKey Secret, SecretKey, AppSecret) is
-- sealed with the service's at-rest key (XChaCha20-Poly1305, the tenant as associated
-- data) and never returned by the API.
CREATE TABLE provider_accounts (
  tenant_id     text NOT NULL,
  channel       text NOT NULL,
  provider      text NOT NULL,
  key_id        text NOT NULL DEFAULT '',
  secret_key_id text NOT NULL DEFAULT '',
  secret_sealed text NOT NULL DEFAULT '',  -- base64
  sign_name     text NOT NULL DEFAULT '',
  sdk_app_id    text NOT NULL DEFAULT '',
  region        text NOT NULL DEFAULT '',
  updated_at    timestamptz NOT NULL DEFAULT now(),
  updated_by    text NOT NULL DEFAULT '',
  PRIMARY KEY (tenant_id, channel)
);
