#include "services/order/domain/work_order_state_machine.h"

#include <initializer_list>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace qq::order {
namespace {

using qingquan::order::v1::WorkOrder;

struct Transition {
  WorkOrderState from;
  WorkOrderAction action;
  WorkOrderState to;
  std::initializer_list<absl::string_view> roles;
};

const Transition kTransitions[] = {
    {WorkOrder::CREATED,
     WorkOrderAction::kDispatch,
     WorkOrder::DISPATCHED,
     {roles::kDispatcher, roles::kLeader}},
    {WorkOrder::DISPATCHED,
     WorkOrderAction::kAccept,
     WorkOrder::ACCEPTED,
     {roles::kWorker, roles::kLeader}},
    {WorkOrder::ACCEPTED,
     WorkOrderAction::kResolve,
     WorkOrder::RESOLVED,
     {roles::kWorker, roles::kLeader}},
    {WorkOrder::RESOLVED,
     WorkOrderAction::kClose,
     WorkOrder::CLOSED,
     {roles::kAgent, roles::kManager}},
    {WorkOrder::CREATED,
     WorkOrderAction::kCancel,
     WorkOrder::CANCELLED,
     {roles::kAgent, roles::kDispatcher, roles::kManager}},
    {WorkOrder::DISPATCHED,
     WorkOrderAction::kCancel,
     WorkOrder::CANCELLED,
     {roles::kAgent, roles::kDispatcher, roles::kManager}},
    {WorkOrder::ACCEPTED,
     WorkOrderAction::kCancel,
     WorkOrder::CANCELLED,
     {roles::kDispatcher, roles::kManager}},
};

}  // namespace

std::string ActionName(WorkOrderAction action) {
  switch (action) {
    case WorkOrderAction::kDispatch:
      return "dispatch";
    case WorkOrderAction::kAccept:
      return "accept";
    case WorkOrderAction::kResolve:
      return "resolve";
    case WorkOrderAction::kClose:
      return "close";
    case WorkOrderAction::kCancel:
      return "cancel";
  }
  return "unknown";
}

std::string StateName(WorkOrderState state) { return WorkOrder::State_Name(state); }

absl::StatusOr<WorkOrderState> WorkOrderStateMachine::Next(WorkOrderState current,
                                                           WorkOrderAction action,
                                                           const Identity& actor) {
  std::vector<std::string> allowed_from;
  for (const Transition& t : kTransitions) {
    if (t.action != action) continue;
    if (t.from != current) {
      allowed_from.push_back(StateName(t.from));
      continue;
    }
    if (!actor.HasRole(roles::kAdmin) && !actor.HasRole(roles::kService) &&
        !actor.HasAnyRole(t.roles)) {
      return absl::PermissionDeniedError(
          absl::StrCat("to ", ActionName(action),
                       " a work order needs one of the roles: ", absl::StrJoin(t.roles, ", ")));
    }
    return t.to;
  }
  return absl::FailedPreconditionError(
      absl::StrCat("cannot ", ActionName(action), " a work order in state ", StateName(current),
                   "; allowed from: ", absl::StrJoin(allowed_from, ", ")));
}

std::vector<WorkOrderAction> WorkOrderStateMachine::ActionsFrom(WorkOrderState state) {
  std::vector<WorkOrderAction> actions;
  for (const Transition& t : kTransitions) {
    if (t.from == state) actions.push_back(t.action);
  }
  return actions;
}

}  // namespace qq::order
