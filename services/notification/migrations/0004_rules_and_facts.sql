-- What rules look at, kept from events (never read from another service's database):
-- customers with their ticket balances and last order, and open work orders.
CREATE TABLE customer_facts (
  tenant_id     text NOT NULL,
  customer_id   text NOT NULL,
  name          text NOT NULL DEFAULT '',
  phone         text NOT NULL DEFAULT '',
  birthday      date,
  status        text NOT NULL DEFAULT 'ACTIVE',
  tags          text[] NOT NULL DEFAULT '{}',
  area_id       text NOT NULL DEFAULT '',
  channel       text NOT NULL DEFAULT '',
  created_at    timestamptz,
  last_order_at timestamptz,
  -- Ticket balance per product, e.g. {"18.9L": 2}.
  tickets       jsonb NOT NULL DEFAULT '{}',
  -- The CustomerChanged version applied (a late, older event changes nothing).
  version       bigint NOT NULL DEFAULT 0,
  deleted       boolean NOT NULL DEFAULT false,
  PRIMARY KEY (tenant_id, customer_id)
);

CREATE TABLE work_order_facts (
  tenant_id     text NOT NULL,
  work_order_id text NOT NULL,
  number        text NOT NULL DEFAULT '',
  customer_id   text NOT NULL DEFAULT '',
  type          text NOT NULL DEFAULT '',
  urgency       text NOT NULL DEFAULT '',
  state         text NOT NULL DEFAULT '',
  channel       text NOT NULL DEFAULT '',
  area_id       text NOT NULL DEFAULT '',
  team_id       text NOT NULL DEFAULT '',
  created_at    timestamptz,
  last_step_at  timestamptz,
  open          boolean NOT NULL DEFAULT true,
  PRIMARY KEY (tenant_id, work_order_id)
);
CREATE INDEX work_order_facts_open ON work_order_facts (tenant_id) WHERE open;

-- A tenant's rules; every change is a new version (rule_versions keeps them all).
CREATE TABLE rules (
  tenant_id    text NOT NULL,
  id           uuid NOT NULL DEFAULT gen_random_uuid(),
  name         text NOT NULL,
  template_id  text NOT NULL DEFAULT '',
  params       text NOT NULL DEFAULT '{}',
  definition   text NOT NULL,
  trigger_kind text NOT NULL,  -- event or schedule
  trigger      text NOT NULL,  -- the event type, or the schedule
  version      integer NOT NULL DEFAULT 1,
  paused       boolean NOT NULL DEFAULT false,
  next_fire_at timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now(),
  updated_by   text NOT NULL DEFAULT '',
  PRIMARY KEY (tenant_id, id),
  UNIQUE (id)
);
CREATE INDEX rules_due ON rules (next_fire_at) WHERE NOT paused AND trigger_kind = 'schedule';

CREATE TABLE rule_versions (
  rule_id    uuid NOT NULL REFERENCES rules (id),
  version    integer NOT NULL,
  name       text NOT NULL,
  params     text NOT NULL,
  definition text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text NOT NULL DEFAULT '',
  PRIMARY KEY (rule_id, version)
);

-- Every firing with what it saw; one per (rule, subject, occasion), so a redelivered
-- event or a sweep run again after a crash fires nothing twice.
CREATE TABLE rule_firings (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id    text NOT NULL,
  rule_id      uuid NOT NULL,
  rule_version integer NOT NULL,
  rule_name    text NOT NULL,
  subject      text NOT NULL,
  subject_id   text NOT NULL,
  customer_id  text NOT NULL DEFAULT '',
  trigger      text NOT NULL,
  occasion     text NOT NULL,  -- the event id, or the scheduled time
  facts        text NOT NULL,
  evaluation   text NOT NULL,
  fired_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, rule_id, subject_id, occasion)
);
CREATE INDEX rule_firings_rule ON rule_firings (tenant_id, rule_id, fired_at DESC);
CREATE INDEX rule_firings_customer ON rule_firings (tenant_id, customer_id, fired_at DESC)
  WHERE customer_id <> '';

-- Per rule and subject, when it last fired (cool-downs).
CREATE TABLE rule_cooldowns (
  tenant_id     text NOT NULL,
  rule_id       uuid NOT NULL,
  subject_id    text NOT NULL,
  last_fired_at timestamptz NOT NULL,
  PRIMARY KEY (tenant_id, rule_id, subject_id)
);

-- The actions of a firing. Sends are queued with the firing; the others call another
-- service and are done by the action worker with an idempotency key per action.
CREATE TABLE rule_actions (
  id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id       text NOT NULL,
  firing_id       uuid NOT NULL REFERENCES rule_firings (id),
  idx             integer NOT NULL,
  type            text NOT NULL,
  payload         text NOT NULL,
  status          text NOT NULL,  -- PENDING, DONE, FAILED, SKIPPED
  detail          text NOT NULL DEFAULT '',
  reference       text NOT NULL DEFAULT '',
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (firing_id, idx)
);
CREATE INDEX rule_actions_due ON rule_actions (next_attempt_at) WHERE status = 'PENDING';
