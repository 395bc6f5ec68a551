-- Customer 360: the full archive (encrypted personal data, tags, custom fields, derived
-- status), search terms, utility data, the prepaid ledger, communication records and
-- service accounts for billing systems. pg_trgm is created by the superuser set-up
-- (deploy/dev, deploy/compose/init-db.sql).

-- Customers ------------------------------------------------------------------------------
ALTER TABLE customers
  ADD COLUMN id_number_ciphertext bytea,
  ADD COLUMN id_number_index      bytea,
  ADD COLUMN id_number_last4      text,
  ADD COLUMN birthday             date,
  ADD COLUMN channel              text NOT NULL DEFAULT 'CHANNEL_UNSPECIFIED',
  ADD COLUMN tags                 text[] NOT NULL DEFAULT '{}',
  ADD COLUMN custom_fields        jsonb NOT NULL DEFAULT '{}',
  -- Status (active / silent / churned) is derived from this at read time.
  ADD COLUMN last_activity_at     timestamptz NOT NULL DEFAULT now(),
  -- Key that encrypted id_number (and produced its blind index).
  ADD COLUMN pii_key_id           text;
CREATE INDEX customers_tags ON customers USING gin (tags) WHERE deleted_at IS NULL;
CREATE INDEX customers_custom_fields ON customers USING gin (custom_fields jsonb_path_ops)
  WHERE deleted_at IS NULL;
CREATE INDEX customers_tenant_activity ON customers (tenant_id, last_activity_at);

-- Phones are kept encrypted (XChaCha20-Poly1305, tenant as associated data), found by a
-- keyed hash of the normalised number (blind index) and by their last four digits. The
-- plain `phone` column of 0001 is emptied by the service on start (it encrypts what it finds).
ALTER TABLE customer_phones
  ALTER COLUMN phone DROP NOT NULL,
  ADD COLUMN ciphertext  bytea,
  ADD COLUMN blind_index bytea,
  ADD COLUMN last4       text,
  ADD COLUMN key_id      text,
  -- false once the customer is deleted: the number may then be used by someone else.
  ADD COLUMN active      boolean NOT NULL DEFAULT true;
DROP INDEX customer_phones_lookup;
CREATE UNIQUE INDEX customer_phones_unique_active ON customer_phones (tenant_id, blind_index)
  WHERE active;
CREATE INDEX customer_phones_blind_index ON customer_phones (tenant_id, blind_index);
CREATE INDEX customer_phones_last4 ON customer_phones (tenant_id, last4) WHERE active;
CREATE INDEX customer_phones_key ON customer_phones (key_id);

-- Addresses: service area as answered by the dispatch service, custom fields, soft delete.
ALTER TABLE addresses
  ADD COLUMN area_id       text NOT NULL DEFAULT '',
  ADD COLUMN area_name     text NOT NULL DEFAULT '',
  ADD COLUMN outside_areas boolean NOT NULL DEFAULT false,
  ADD COLUMN area_pending  boolean NOT NULL DEFAULT true,
  ADD COLUMN custom_fields jsonb NOT NULL DEFAULT '{}',
  ADD COLUMN deleted_at    timestamptz;
CREATE INDEX addresses_text_trgm ON addresses USING gin (text gin_trgm_ops);
CREATE INDEX addresses_tenant_area ON addresses (tenant_id, area_id) WHERE deleted_at IS NULL;
CREATE INDEX addresses_area_pending ON addresses (tenant_id) WHERE area_pending;

-- Search terms: name suffixes (a fragment search is a prefix match on one of them) and
-- pinyin keys (full spelling, initials, mixed; one set per reading of 多音字).
-- "C" collation so `term LIKE 'zs%'` uses the btree.
CREATE TABLE customer_search_terms (
  tenant_id   text NOT NULL,
  term        text COLLATE "C" NOT NULL,
  customer_id uuid NOT NULL REFERENCES customers (id),
  -- 1 = name fragment, 2 = pinyin.
  kind        smallint NOT NULL
);
CREATE INDEX customer_search_terms_prefix ON customer_search_terms (tenant_id, term);
CREATE INDEX customer_search_terms_customer ON customer_search_terms (customer_id);

-- The tenant's tag dictionary.
CREATE TABLE tags (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id   text NOT NULL,
  name        text NOT NULL,
  color       text NOT NULL DEFAULT '',
  description text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, name)
);

-- Custom field definitions (form engine); values live in the entities' custom_fields.
CREATE TABLE field_definitions (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id  text NOT NULL,
  entity     text NOT NULL,
  key        text NOT NULL,
  label      text NOT NULL,
  type       text NOT NULL,
  required   boolean NOT NULL DEFAULT false,
  min_value  double precision,
  max_value  double precision,
  options    jsonb NOT NULL DEFAULT '[]',
  decimals   int NOT NULL DEFAULT -1,
  active     boolean NOT NULL DEFAULT true,
  position   int NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, entity, key),
  UNIQUE (tenant_id, entity, label)
);

-- Utility data ---------------------------------------------------------------------------
CREATE TABLE meters (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id       text NOT NULL,
  customer_id     uuid NOT NULL REFERENCES customers (id),
  number          text NOT NULL,
  caliber_mm      int NOT NULL,
  install_date    date,
  address_id      uuid REFERENCES addresses (id),
  last_reading    numeric(14, 3),
  last_reading_at timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, number)
);
CREATE INDEX meters_customer ON meters (customer_id);

CREATE TABLE contracts (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id      text NOT NULL,
  customer_id    uuid NOT NULL REFERENCES customers (id),
  account_number text NOT NULL,
  water_use      text NOT NULL DEFAULT '',
  start_date     date,
  end_date       date,
  address_id     uuid REFERENCES addresses (id),
  created_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, account_number)
);
CREATE INDEX contracts_customer ON contracts (customer_id);

-- Payments pushed by billing systems; the billing system's record id (per source) is the
-- idempotency key, and content_hash tells a resend from a conflicting change.
CREATE TABLE payments (
  tenant_id      text NOT NULL,
  source         text NOT NULL,
  record_id      text NOT NULL,
  customer_id    uuid NOT NULL REFERENCES customers (id),
  account_number text NOT NULL,
  amount_fen     bigint NOT NULL,
  paid_at        timestamptz NOT NULL,
  period         text NOT NULL DEFAULT '',
  method         text NOT NULL DEFAULT '',
  content_hash   text NOT NULL,
  received_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, source, record_id)
);
CREATE INDEX payments_customer ON payments (customer_id, paid_at DESC);

-- Prepaid ledger -------------------------------------------------------------------------
-- Every change is an entry; ledger_balances is their running sum per asset, updated in
-- the same transaction under the row lock, and the CHECKs make a negative balance
-- impossible even for a buggy caller.
CREATE TABLE ledger_entries (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id         text NOT NULL,
  customer_id       uuid NOT NULL REFERENCES customers (id),
  kind              text NOT NULL,
  asset_kind        text NOT NULL,
  product           text NOT NULL DEFAULT '',
  quantity_delta    bigint NOT NULL,
  amount_fen_delta  bigint NOT NULL,
  quantity_after    bigint NOT NULL,
  amount_fen_after  bigint NOT NULL,
  reason            text NOT NULL DEFAULT '',
  actor_id          text NOT NULL,
  order_id          text NOT NULL DEFAULT '',
  reverses_entry_id uuid UNIQUE REFERENCES ledger_entries (id),
  idempotency_key   text NOT NULL DEFAULT '',
  created_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_entries_customer ON ledger_entries (customer_id, created_at DESC, id);
-- One delivery deduction per order: DeductForOrder is idempotent by order id.
CREATE UNIQUE INDEX ledger_entries_order_deduction ON ledger_entries (tenant_id, order_id)
  WHERE kind = 'DELIVERY_DEDUCTION';

CREATE FUNCTION ledger_entries_are_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'ledger entries are never changed or deleted; post a reversal';
END $$;
CREATE TRIGGER ledger_entries_immutable BEFORE UPDATE OR DELETE ON ledger_entries
  FOR EACH ROW EXECUTE FUNCTION ledger_entries_are_immutable();

CREATE TABLE ledger_balances (
  tenant_id   text NOT NULL,
  customer_id uuid NOT NULL REFERENCES customers (id),
  asset_kind  text NOT NULL,
  product     text NOT NULL DEFAULT '',
  quantity    bigint NOT NULL DEFAULT 0 CHECK (quantity >= 0),
  amount_fen  bigint NOT NULL DEFAULT 0 CHECK (amount_fen >= 0),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (customer_id, asset_kind, product)
);

-- Communication records ------------------------------------------------------------------
CREATE TABLE communications (
  id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id        text NOT NULL,
  customer_id      uuid NOT NULL REFERENCES customers (id),
  kind             text NOT NULL,
  summary          text NOT NULL,
  happened_at      timestamptz NOT NULL,
  staff_id         text NOT NULL,
  staff_name       text NOT NULL DEFAULT '',
  order_id         text NOT NULL DEFAULT '',
  duration_seconds int NOT NULL DEFAULT 0,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX communications_customer ON communications (customer_id, happened_at DESC, id);

-- Machine accounts (billing systems) log in with client credentials.
CREATE TABLE qq_auth.service_accounts (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id   text NOT NULL,
  client_id   text NOT NULL,
  secret_hash text NOT NULL,
  roles       text[] NOT NULL,
  disabled    boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, client_id)
);
