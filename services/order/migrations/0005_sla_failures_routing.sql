-- An SLA check that fails is postponed instead of stopping the scheduler's pass for every
-- tenant; the failures and the last error stay on the row for operators to see.
ALTER TABLE work_orders
  ADD COLUMN sla_check_failures int NOT NULL DEFAULT 0,
  ADD COLUMN sla_check_error text NOT NULL DEFAULT '';

-- Who takes the order (qingquan.order.v1.Workflow.Routing), fixed when it is created from
-- its workflow: FIELD_TEAM (routed by dispatch to the area's team) or SERVICE_DESK (the
-- customer-service agents' queue). Orders from before were all routed to teams.
ALTER TABLE work_orders ADD COLUMN routing text NOT NULL DEFAULT 'FIELD_TEAM';
