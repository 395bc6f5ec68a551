-- Customer archive. Phones are kept normalised; encryption at rest with a blind index
-- comes with the Customer 360 work.
CREATE TABLE customers (
  id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id   text NOT NULL,
  kind        text NOT NULL DEFAULT 'PERSON',
  name        text NOT NULL,
  notes       text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  deleted_at  timestamptz
);
CREATE INDEX customers_tenant_created ON customers (tenant_id, created_at DESC, id);

CREATE TABLE customer_phones (
  tenant_id   text NOT NULL,
  customer_id uuid NOT NULL REFERENCES customers (id),
  position    int NOT NULL,
  phone       text NOT NULL,
  PRIMARY KEY (customer_id, position)
);
CREATE INDEX customer_phones_lookup ON customer_phones (tenant_id, phone);

CREATE TABLE addresses (
  id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id      text NOT NULL,
  customer_id    uuid NOT NULL REFERENCES customers (id),
  position       int NOT NULL,
  text           text NOT NULL,
  lat            double precision,
  lng            double precision,
  delivery_notes text NOT NULL DEFAULT '',
  UNIQUE (customer_id, position)
);
