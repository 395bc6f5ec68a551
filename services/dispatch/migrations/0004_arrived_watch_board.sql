-- ARRIVED (the courier is at the door) is one more open state of a stop; notifications
-- for the customers' live tracking; what the dispatch board shows of work orders.

DROP INDEX delivery_stops_open;
CREATE INDEX delivery_stops_open ON delivery_stops (tenant_id, courier_id, sequence)
  WHERE state IN ('PENDING', 'ASSIGNED', 'DELIVERING', 'ARRIVED');

-- Live tracking (RouteService.WatchTracking) listens on channel qq_routes. Every change
-- of a stop notifies "o <tenant> <order>" and "c <tenant> <courier>" for the routes it
-- leaves and joins; once per key and statement (PostgreSQL folds repeats within a
-- transaction), and only once the transaction commits, so a watcher never sees a change
-- that is then rolled back. Tenant ids hold no spaces; the order or user id is the rest of
-- the line. (Positions are not notified: notifying transactions commit one at a time, too
-- slow for location reports; watchers poll the couriers' last report time instead.)
CREATE FUNCTION notify_stop_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM pg_notify('qq_routes', key) FROM (
      SELECT 'o ' || tenant_id || ' ' || order_id AS key FROM new_stops
      UNION SELECT 'c ' || tenant_id || ' ' || courier_id FROM new_stops WHERE courier_id <> ''
    ) AS keys;
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM pg_notify('qq_routes', key) FROM (
      SELECT 'o ' || tenant_id || ' ' || order_id AS key FROM new_stops
      UNION SELECT 'c ' || tenant_id || ' ' || courier_id FROM new_stops WHERE courier_id <> ''
      UNION SELECT 'c ' || tenant_id || ' ' || courier_id FROM old_stops WHERE courier_id <> ''
    ) AS keys;
  ELSE
    PERFORM pg_notify('qq_routes', key) FROM (
      SELECT 'o ' || tenant_id || ' ' || order_id AS key FROM old_stops
      UNION SELECT 'c ' || tenant_id || ' ' || courier_id FROM old_stops WHERE courier_id <> ''
    ) AS keys;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER delivery_stops_inserted AFTER INSERT ON delivery_stops
  REFERENCING NEW TABLE AS new_stops FOR EACH STATEMENT EXECUTE FUNCTION notify_stop_changes();
CREATE TRIGGER delivery_stops_updated AFTER UPDATE ON delivery_stops
  REFERENCING OLD TABLE AS old_stops NEW TABLE AS new_stops
  FOR EACH STATEMENT EXECUTE FUNCTION notify_stop_changes();
CREATE TRIGGER delivery_stops_deleted AFTER DELETE ON delivery_stops
  REFERENCING OLD TABLE AS old_stops FOR EACH STATEMENT EXECUTE FUNCTION notify_stop_changes();

-- The board lists work orders nobody has taken yet: kept from the order service's events.
ALTER TABLE assignments
  ADD COLUMN number text NOT NULL DEFAULT '',
  ADD COLUMN address_text text NOT NULL DEFAULT '',
  -- Who holds the order (accepted, or assigned by a person); empty while nobody does.
  ADD COLUMN worker_id text NOT NULL DEFAULT '',
  -- Resolved, closed or cancelled.
  ADD COLUMN finished boolean NOT NULL DEFAULT false;

-- Orders routed before this migration: what the offers tell.
UPDATE assignments s SET worker_id = o.worker_id
  FROM worker_offers o
  WHERE o.tenant_id = s.tenant_id AND o.work_order_id = s.work_order_id AND o.state = 'ACCEPTED';
UPDATE assignments s SET worker_id = split_part(o.decision_comment, '指派给 ', 2)
  FROM worker_offers o
  WHERE o.tenant_id = s.tenant_id AND o.work_order_id = s.work_order_id
    AND o.state = 'OVERRIDDEN' AND s.worker_id = '';
UPDATE assignments s SET finished = true
  WHERE EXISTS (SELECT 1 FROM worker_offers o WHERE o.tenant_id = s.tenant_id
                  AND o.work_order_id = s.work_order_id AND o.state = 'DONE');
-- Without offers nothing tells what became of an order: older than three days, it is
-- history rather than waiting.
UPDATE assignments SET finished = true
  WHERE worker_id = '' AND assigned_at < now() - interval '3 days';

CREATE INDEX assignments_waiting ON assignments (tenant_id, assigned_at)
  WHERE worker_id = '' AND NOT finished;
CREATE INDEX assignments_open_by_worker ON assignments (tenant_id, worker_id)
  WHERE worker_id <> '' AND NOT finished;
