-- The name people know a staff member by (王师傅, 客服小刘), shown on timelines and boards
-- instead of the login name; empty = none (the username is shown). Read by LookupUsers,
-- which finds accounts by primary key, so no index is needed.
ALTER TABLE qq_auth.users ADD COLUMN display_name text NOT NULL DEFAULT '';
