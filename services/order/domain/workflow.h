// Workflows as data (流程引擎): the states an order moves through, the transitions
// between them, who may take each and what each needs. Pure: no I/O. A tenant's own
// versions are stored by the order store; the defaults below ship for every kind.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "qingquan/order/v1/order.pb.h"
#include "services/common/auth.h"

namespace qq::order {

using qingquan::order::v1::Workflow;
using qingquan::order::v1::WorkflowTransition;

// The workflow kind of delivery orders; work orders use their type's name.
inline constexpr char kDeliveryKind[] = "DELIVERY";

// Every kind a tenant can have a workflow for: the work-order types, then DELIVERY.
std::vector<std::string> WorkflowKinds();
bool IsWorkflowKind(absl::string_view kind);

// The shipped default for `kind` (version 0). Must be a known kind.
Workflow DefaultWorkflow(absl::string_view kind);

// Checks a workflow a tenant sends: names well formed and unique, transitions between
// existing states, terminal states left by nothing, the initial state not terminal,
// every state reachable from it, known roles and required fields. INVALID_ARGUMENT with
// the field path (e.g. "transitions[2].to") and the reason.
absl::Status ValidateWorkflow(const Workflow& workflow);

// What a caller sends with a transition.
// The staff account behind an assignee id, as the customer service knows it.
struct AssigneeAccount {
  bool found = false;  // an account of the order's tenant
  bool disabled = false;
  std::vector<std::string> roles;
  std::string display_name;
};

struct TransitionInput {
  std::string comment;
  std::string result;
  std::string assignee_id;
  // Set by handlers when a person names someone else as assignee: checked by a step that
  // assigns. Unset for assignees chosen by the system (dispatch), which are trusted.
  int attachment_count = 0;
  std::optional<AssigneeAccount> assignee_account;
  // The JSON name of assignee_id in errors ("courierId" for deliveries).
  std::string assignee_field = "assigneeId";
};

// Where an order stands, as far as a transition's checks are concerned.
struct OrderPosition {
  std::string state;
  std::string assignee_id;
};

// The transition `name` from `order.state` for `actor`, after checking it exists,
// leaves the current state, the actor's roles, assignee_only, the required fields and, for a
// step that assigns someone named in `input.assignee_account`, that they can take the order:
// an active account of the tenant with a role of one of the workflow's assignee-only steps
// (what the assignee will have to do: accept, resolve, deliver …) → else INVALID_ARGUMENT
// naming the assignee field;
//   unknown name or not allowed from here → FAILED_PRECONDITION naming the current state
//   and the transitions allowed from it;
//   roles → PERMISSION_DENIED; a missing required field → INVALID_ARGUMENT naming it.
// Admin and the internal `service` role pass every role check.
absl::StatusOr<const WorkflowTransition*> CheckTransition(const Workflow& workflow,
                                                          const OrderPosition& order,
                                                          absl::string_view name,
                                                          const Identity& actor,
                                                          const TransitionInput& input);

// True when a person names someone other than themselves as the assignee: that account is
// looked up (TransitionInput::assignee_account) and checked by a step that assigns.
bool NamesSomeoneElse(const TransitionInput& input, const Identity& actor);

// Whom a step that assigns gives the order to, and their name: the person named (named as
// their looked-up account says), else the actor themselves.
struct ChosenAssignee {
  std::string id;
  std::string name;
};
ChosenAssignee AssigneeOf(const TransitionInput& input, const Identity& actor);

// True in the workflow's initial state and where a step that assigns leads: an order that
// has not set out yet, so what it asks for may still change (UpdateDeliveryOrder).
bool IsBeforeSetOut(const Workflow& workflow, absl::string_view state);

// Who takes a new work order of this workflow: its own routing, else the kind's default
// (投诉, 咨询, 回访 the service desk; every other type a field team).
qingquan::order::v1::Workflow::Routing RoutingOf(const Workflow& workflow);

// Desk work (routing SERVICE_DESK) is the agents': field staff (only worker or courier
// roles) may step it only when it is assigned to them. PERMISSION_DENIED otherwise.
absl::Status CheckDeskWork(qingquan::order::v1::Workflow::Routing routing,
                           const OrderPosition& order, const Identity& actor);

// Names of the transitions leaving `state`, in definition order.
std::vector<std::string> TransitionsFrom(const Workflow& workflow, absl::string_view state);

// The state's definition; nullptr when the workflow has no such state.
const qingquan::order::v1::WorkflowState* FindState(const Workflow& workflow,
                                                    absl::string_view state);

// The event type a transition emits: its `event`, else "<prefix>.<name in the past>"
// (accept → workorder.accepted) where prefix is "order" for deliveries and "workorder"
// otherwise.
std::string TransitionEventType(const Workflow& workflow, const WorkflowTransition& transition);

// What a step means whatever its name: its declared kind, else its flags (resolves — which
// for a delivery means delivered —, reopens, cancels), else the shipped step names (accept,
// arrive, assign, close, deliver, dispatch, fail, start).
qingquan::common::v1::StepKind StepKindOf(const Workflow& workflow,
                                          const WorkflowTransition& transition);

}  // namespace qq::order
