// The default work-order process: which action moves a work order from which state to
// which, and who may take it. Pure: no I/O. (Per-tenant workflows as data replace this
// table later; the interface stays.)
//
//   CREATED --dispatch--> DISPATCHED --accept--> ACCEPTED --resolve--> RESOLVED --close--> CLOSED
//   CREATED, DISPATCHED, ACCEPTED --cancel--> CANCELLED
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "qingquan/order/v1/order.pb.h"
#include "services/common/auth.h"

namespace qq::order {

using WorkOrderState = qingquan::order::v1::WorkOrder::State;

enum class WorkOrderAction { kDispatch, kAccept, kResolve, kClose, kCancel };

std::string ActionName(WorkOrderAction action);
std::string StateName(WorkOrderState state);

class WorkOrderStateMachine {
 public:
  // The state after `action`. FAILED_PRECONDITION naming the current state and the
  // states the action is allowed from; PERMISSION_DENIED when `actor` holds none of
  // the roles the action needs (admin and the `service` role always may).
  static absl::StatusOr<WorkOrderState> Next(WorkOrderState current, WorkOrderAction action,
                                             const Identity& actor);

  // Actions possible from `state`, for error messages and clients.
  static std::vector<WorkOrderAction> ActionsFrom(WorkOrderState state);
};

}  // namespace qq::order
