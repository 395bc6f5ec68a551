-- Names as people know them, kept with what they did: who took each step (from their
-- token when they did it) and who has the order now. Ids stay for joins; names are what
-- timelines and lists show. Rows from before show the id (people) or the system's label.
ALTER TABLE work_order_timeline ADD COLUMN actor_name text NOT NULL DEFAULT '';
ALTER TABLE delivery_order_timeline ADD COLUMN actor_name text NOT NULL DEFAULT '';
ALTER TABLE work_orders ADD COLUMN assignee_name text NOT NULL DEFAULT '';
ALTER TABLE delivery_orders ADD COLUMN courier_name text NOT NULL DEFAULT '';
