-- Staff accounts for the login that issues access tokens (argon2id hashes).
CREATE SCHEMA qq_auth;
CREATE TABLE qq_auth.users (
  id            uuid PRIMARY KEY,
  tenant_id     text NOT NULL,
  username      text NOT NULL,
  password_hash text NOT NULL,
  roles         text[] NOT NULL,
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, username)
);
