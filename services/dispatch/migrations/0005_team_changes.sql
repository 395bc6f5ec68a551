-- Teams can be deleted: a deleted team stays for the history of the work orders it was
-- given, renamed out of the way (its name is free again), and is no longer listed, chosen
-- for an area or a profile, or the default.
ALTER TABLE teams ADD COLUMN deleted_at timestamptz;
