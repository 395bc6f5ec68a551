-- The customer service publishes its changes (customer.*, ledger.posted; the qq_outbox
-- table is a common migration).

-- CustomerChanged.version: grows with every published change of the customer, so a
-- consumer keeps the latest state whatever order events arrive in. Not updated_at: last
-- activity moves without the record being edited, and two transactions' now() need not
-- follow their commit order. Set to greatest(version + 1, clock in microseconds) under the
-- row lock. A constant default first, so adding the column does not rewrite the table.
ALTER TABLE customers ADD COLUMN version bigint NOT NULL DEFAULT 0;
ALTER TABLE customers
  ALTER COLUMN version SET DEFAULT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint;

-- The notification rule whose action posted the entry ('' = none), carried on ledger.posted
-- so the rule is not triggered by its own entry.
ALTER TABLE ledger_entries ADD COLUMN caused_by_rule text NOT NULL DEFAULT '';
