// Routes new work orders to a team as the order service announces them: the team of
// the area the address lies in, else the tenant's default team. Runs inside the event
// consumer's transaction, so the assignment, the "workorder.assigned" outbox event and
// the processed-event mark commit together.
#pragma once

#include <pqxx/pqxx>

#include "absl/status/status.h"
#include "services/common/event_consumer.h"

namespace qq::dispatch {

// Stream type this handler acts on; other order-service events are ignored.
inline constexpr char kWorkOrderCreated[] = "workorder.created";
// The order service's work-order steps that settle automatic offers.
inline constexpr const char* kWorkOrderStepTypes[] = {"workorder.accepted", "workorder.assigned",
                                                      "workorder.resolved", "workorder.closed",
                                                      "workorder.cancelled"};
// WorkOrderCreated.routing of desk work, which dispatch leaves to the agents' queue.
// "FIELD_TEAM" and empty (events from before routing per type) are routed to a team.
inline constexpr char kServiceDeskRouting[] = "SERVICE_DESK";
// Event type appended to qq:events:dispatch for each new assignment.
inline constexpr char kWorkOrderAssigned[] = "workorder.assigned";

// Handles one event of stream "qq:events:order". For "workorder.created" with routing
// SERVICE_DESK does nothing (no assignment, no event, no offers); otherwise records the
// assignment (once per work order: a repeated event changes nothing and emits nothing)
// and appends WorkOrderAssigned to the outbox. INVALID_ARGUMENT when the payload does
// not parse or names no work order or tenant (the consumer retries, then dead-letters).
// Needs a DispatchStore to have been built on the consumer's pool (prepared queries).
// The work-order steps of kWorkOrderStepTypes settle the order's automatic offers.
absl::Status HandleOrderEvent(pqxx::work& txn, const StreamEvent& event);

}  // namespace qq::dispatch
