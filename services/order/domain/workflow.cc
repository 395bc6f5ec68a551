#include "services/order/domain/workflow.h"

#include <algorithm>
#include <deque>
#include <initializer_list>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/status.h"
#include "services/common/text_limits.h"

namespace qq::order {
namespace {

namespace v1 = qingquan::order::v1;
using v1::WorkflowState;

constexpr size_t kMaxNameBytes = 40;
constexpr size_t kMaxLabelChars = 100;
constexpr int kMaxStates = 30;
constexpr int kMaxTransitions = 60;
constexpr int kMaxAttachments = 20;

constexpr absl::string_view kStaffRoles[] = {roles::kAdmin,   roles::kAgent,  roles::kDispatcher,
                                             roles::kLeader,  roles::kWorker, roles::kCourier,
                                             roles::kManager, roles::kFinance};
constexpr absl::string_view kRequirableFields[] = {"comment", "result", "assignee_id"};

// Builds the defaults readably.
class WorkflowBuilder {
 public:
  WorkflowBuilder(absl::string_view kind, absl::string_view initial) {
    wf_.set_kind(std::string(kind));
    wf_.set_initial_state(std::string(initial));
  }
  WorkflowBuilder& State(absl::string_view name, absl::string_view label, bool terminal = false,
                         bool pauses_sla = false) {
    WorkflowState* s = wf_.add_states();
    s->set_name(std::string(name));
    s->set_label(std::string(label));
    s->set_terminal(terminal);
    s->set_pauses_sla(pauses_sla);
    return *this;
  }
  // Adds a transition and returns it for the flags.
  WorkflowTransition& Step(absl::string_view name, absl::string_view label,
                           std::initializer_list<absl::string_view> from, absl::string_view to,
                           std::initializer_list<absl::string_view> roles,
                           std::initializer_list<absl::string_view> required = {}) {
    WorkflowTransition* t = wf_.add_transitions();
    t->set_name(std::string(name));
    t->set_label(std::string(label));
    for (auto f : from) t->add_from(std::string(f));
    t->set_to(std::string(to));
    for (auto r : roles) t->add_roles(std::string(r));
    for (auto f : required) t->add_required_fields(std::string(f));
    return *t;
  }
  Workflow Build() { return std::move(wf_); }

 private:
  Workflow wf_;
};

// 派单, 指派, 接单: how a work order a worker goes out for reaches the worker. The
// dispatch service takes "dispatch" when it routes the order to a team.
void AddFieldIntake(WorkflowBuilder& b) {
  b.Step("dispatch", "派单", {"CREATED"}, "DISPATCHED", {roles::kDispatcher, roles::kLeader})
      .set_event("workorder.dispatched");
  auto& assign = b.Step("assign", "指派", {"CREATED", "DISPATCHED"}, "DISPATCHED",
                        {roles::kDispatcher, roles::kLeader}, {"assignee_id"});
  assign.set_assigns(true);
  assign.set_event("workorder.assigned");
  auto& accept =
      b.Step("accept", "接单", {"DISPATCHED"}, "ACCEPTED", {roles::kWorker, roles::kLeader});
  accept.set_assigns(true);
  accept.set_assignee_only(true);
}

// Repairs and every other work order a worker goes out for. Photos prove a repair.
Workflow FieldWorkWorkflow(absl::string_view kind, int photos_to_resolve) {
  WorkflowBuilder b(kind, "CREATED");
  b.State("CREATED", "待派单")
      .State("DISPATCHED", "已派单")
      .State("ACCEPTED", "已接单")
      .State("ARRIVED", "已到场")
      .State("WAITING_CUSTOMER", "待客户", false, /*pauses_sla=*/true)
      .State("RESOLVED", "已处理")
      .State("CLOSED", "已关闭")
      .State("CANCELLED", "已取消", /*terminal=*/true);
  AddFieldIntake(b);
  b.Step("arrive", "到场", {"ACCEPTED"}, "ARRIVED", {roles::kWorker, roles::kLeader})
      .set_assignee_only(true);
  b.Step("wait_customer", "等待客户", {"ACCEPTED", "ARRIVED"}, "WAITING_CUSTOMER",
         {roles::kWorker, roles::kLeader}, {"comment"})
      .set_assignee_only(true);
  b.Step("resume", "继续处理", {"WAITING_CUSTOMER"}, "ACCEPTED",
         {roles::kWorker, roles::kLeader, roles::kAgent});
  auto& resolve = b.Step("resolve", "完成", {"ACCEPTED", "ARRIVED"}, "RESOLVED",
                         {roles::kWorker, roles::kLeader}, {"result"});
  resolve.set_assignee_only(true);
  resolve.set_resolves(true);
  resolve.set_min_attachments(photos_to_resolve);
  b.Step("close", "关闭", {"RESOLVED"}, "CLOSED", {roles::kAgent, roles::kLeader, roles::kManager});
  b.Step("reopen", "重新处理", {"RESOLVED", "CLOSED"}, "DISPATCHED",
         {roles::kAgent, roles::kLeader, roles::kManager}, {"comment"})
      .set_reopens(true);
  b.Step("cancel", "取消", {"CREATED", "DISPATCHED", "ACCEPTED", "ARRIVED", "WAITING_CUSTOMER"},
         "CANCELLED", {roles::kAgent, roles::kDispatcher, roles::kManager}, {"comment"})
      .set_cancels(true);
  return b.Build();
}

// 报装: a survey, then the manager approves the connection before the work starts.
Workflow NewConnectionWorkflow() {
  WorkflowBuilder b("NEW_CONNECTION", "CREATED");
  b.State("CREATED", "已受理")
      .State("DISPATCHED", "已派单")
      .State("ACCEPTED", "勘察中")
      .State("PENDING_APPROVAL", "待审批")
      .State("APPROVED", "施工中")
      .State("WAITING_CUSTOMER", "待客户", false, /*pauses_sla=*/true)
      .State("RESOLVED", "已通水")
      .State("CLOSED", "已关闭")
      .State("CANCELLED", "已取消", /*terminal=*/true);
  AddFieldIntake(b);
  b.Step("submit_survey", "提交勘察", {"ACCEPTED"}, "PENDING_APPROVAL",
         {roles::kWorker, roles::kLeader}, {"result"})
      .set_assignee_only(true);
  b.Step("approve", "审批通过", {"PENDING_APPROVAL"}, "APPROVED", {roles::kManager});
  b.Step("reject", "审批退回", {"PENDING_APPROVAL"}, "ACCEPTED", {roles::kManager}, {"comment"});
  b.Step("wait_customer", "等待客户", {"ACCEPTED", "APPROVED"}, "WAITING_CUSTOMER",
         {roles::kWorker, roles::kLeader, roles::kAgent}, {"comment"});
  b.Step("resume", "继续施工", {"WAITING_CUSTOMER"}, "APPROVED",
         {roles::kWorker, roles::kLeader, roles::kAgent});
  auto& resolve = b.Step("resolve", "通水完成", {"APPROVED"}, "RESOLVED",
                         {roles::kWorker, roles::kLeader}, {"result"});
  resolve.set_resolves(true);
  resolve.set_min_attachments(1);
  b.Step("close", "关闭", {"RESOLVED"}, "CLOSED", {roles::kAgent, roles::kLeader, roles::kManager});
  b.Step("reopen", "重新处理", {"RESOLVED", "CLOSED"}, "APPROVED",
         {roles::kAgent, roles::kLeader, roles::kManager}, {"comment"})
      .set_reopens(true);
  b.Step("cancel", "取消",
         {"CREATED", "DISPATCHED", "ACCEPTED", "PENDING_APPROVAL", "APPROVED", "WAITING_CUSTOMER"},
         "CANCELLED", {roles::kAgent, roles::kManager}, {"comment"})
      .set_cancels(true);
  return b.Build();
}

// 投诉, 咨询, 回访: handled by people in the office; no site visit, no photos.
Workflow DeskWorkflow(absl::string_view kind) {
  WorkflowBuilder b(kind, "CREATED");
  b.State("CREATED", "待处理")
      .State("DISPATCHED", "已转派")
      .State("ACCEPTED", "处理中")
      .State("WAITING_CUSTOMER", "待客户", false, /*pauses_sla=*/true)
      .State("RESOLVED", "已办结")
      .State("CLOSED", "已关闭")
      .State("CANCELLED", "已取消", /*terminal=*/true);
  const std::initializer_list<absl::string_view> desk = {roles::kAgent, roles::kLeader,
                                                         roles::kManager};
  b.Step("dispatch", "转派", {"CREATED"}, "DISPATCHED", {roles::kDispatcher, roles::kLeader})
      .set_event("workorder.dispatched");
  auto& assign = b.Step("assign", "指派", {"CREATED", "DISPATCHED"}, "DISPATCHED",
                        {roles::kDispatcher, roles::kLeader, roles::kManager}, {"assignee_id"});
  assign.set_assigns(true);
  assign.set_event("workorder.assigned");
  auto& accept = b.Step("accept", "受理", {"CREATED", "DISPATCHED"}, "ACCEPTED",
                        {roles::kAgent, roles::kWorker, roles::kLeader, roles::kManager});
  accept.set_assigns(true);
  accept.set_assignee_only(true);
  b.Step("wait_customer", "等待客户", {"ACCEPTED"}, "WAITING_CUSTOMER", desk, {"comment"});
  b.Step("resume", "继续处理", {"WAITING_CUSTOMER"}, "ACCEPTED", desk);
  auto& resolve =
      b.Step("resolve", "办结", {"ACCEPTED"}, "RESOLVED",
             {roles::kAgent, roles::kWorker, roles::kLeader, roles::kManager}, {"result"});
  resolve.set_resolves(true);
  b.Step("close", "关闭", {"RESOLVED"}, "CLOSED", desk);
  b.Step("reopen", "重新处理", {"RESOLVED", "CLOSED"}, "ACCEPTED", desk, {"comment"})
      .set_reopens(true);
  b.Step("cancel", "取消", {"CREATED", "DISPATCHED", "ACCEPTED", "WAITING_CUSTOMER"}, "CANCELLED",
         desk, {"comment"})
      .set_cancels(true);
  return b.Build();
}

// 送水: 待派单 → 已派单 → 配送中 → 已到达 → 已完成, or 已取消. A failed attempt goes back to
// the pool. Arriving is optional (a courier may deliver straight away), but it tells the
// customer's tracking that the courier is at the door and keeps the stop first on the route.
Workflow DeliveryWorkflow() {
  WorkflowBuilder b(kDeliveryKind, "PENDING");
  b.State("PENDING", "待派单")
      .State("ASSIGNED", "已派单")
      .State("DELIVERING", "配送中")
      .State("ARRIVED", "已到达")
      .State("DELIVERED", "已完成")
      .State("CANCELLED", "已取消", /*terminal=*/true);
  auto& assign = b.Step("assign", "派单", {"PENDING", "ASSIGNED"}, "ASSIGNED",
                        {roles::kDispatcher, roles::kManager}, {"assignee_id"});
  assign.set_assigns(true);
  auto& start =
      b.Step("start", "出发", {"ASSIGNED"}, "DELIVERING", {roles::kCourier, roles::kDispatcher});
  start.set_assignee_only(true);
  start.set_event("order.delivering");
  auto& arrive = b.Step("arrive", "到达", {"ASSIGNED", "DELIVERING"}, "ARRIVED",
                        {roles::kCourier, roles::kDispatcher});
  arrive.set_assignee_only(true);
  arrive.set_event("order.arrived");
  auto& deliver = b.Step("deliver", "送达", {"ASSIGNED", "DELIVERING", "ARRIVED"}, "DELIVERED",
                         {roles::kCourier, roles::kDispatcher});
  deliver.set_assignee_only(true);
  deliver.set_resolves(true);
  deliver.set_event("order.delivered");
  b.Step("fail", "配送失败", {"ASSIGNED", "DELIVERING", "ARRIVED"}, "PENDING",
         {roles::kCourier, roles::kDispatcher}, {"comment"})
      .set_assignee_only(true);
  b.Step("cancel", "取消", {"PENDING", "ASSIGNED", "DELIVERING", "ARRIVED"}, "CANCELLED",
         {roles::kAgent, roles::kDispatcher, roles::kManager}, {"comment"})
      .set_cancels(true);
  // Undoing a completed delivery (wrong address, goods returned) gives tickets back.
  auto& revoke =
      b.Step("revoke", "撤销完成", {"DELIVERED"}, "CANCELLED", {roles::kManager}, {"comment"});
  revoke.set_cancels(true);
  revoke.set_event("order.cancelled");
  return b.Build();
}

bool IsUpperSnake(absl::string_view s) {
  if (s.empty() || s.size() > kMaxNameBytes || !absl::ascii_isupper(s[0])) return false;
  for (char c : s) {
    if (!absl::ascii_isupper(c) && !absl::ascii_isdigit(c) && c != '_') return false;
  }
  return true;
}

bool IsLowerSnake(absl::string_view s) {
  if (s.empty() || s.size() > kMaxNameBytes || !absl::ascii_islower(s[0])) return false;
  for (char c : s) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '_') return false;
  }
  return true;
}

// "workorder.resolved", "order.tickets_short": lower-case words joined by dots.
bool IsEventType(absl::string_view s) {
  if (s.empty() || s.size() > 2 * kMaxNameBytes) return false;
  for (absl::string_view part : absl::StrSplit(s, '.')) {
    if (!IsLowerSnake(part)) return false;
  }
  return s.find('.') != absl::string_view::npos;
}

template <size_t N>
bool OneOf(absl::string_view value, const absl::string_view (&set)[N]) {
  for (auto v : set) {
    if (v == value) return true;
  }
  return false;
}

absl::Status CheckStates(const Workflow& wf, std::set<std::string>& names) {
  if (wf.states_size() == 0) return InvalidField("states", "needs at least one state");
  if (wf.states_size() > kMaxStates) {
    return InvalidField("states", absl::StrCat("has more than ", kMaxStates, " states"));
  }
  for (int i = 0; i < wf.states_size(); ++i) {
    const auto& s = wf.states(i);
    std::string at = absl::StrCat("states[", i, "]");
    if (!IsUpperSnake(s.name())) {
      return InvalidField(at + ".name", "must be UPPER_SNAKE_CASE, at most 40 characters");
    }
    QQ_RETURN_IF_ERROR(CheckTextLength(at + ".label", s.label(), kMaxLabelChars));
    if (!names.insert(s.name()).second) {
      return InvalidField(at + ".name", "repeats the state " + s.name());
    }
  }
  if (!names.count(wf.initial_state())) {
    return InvalidField("initialState", "must name one of the states");
  }
  if (FindState(wf, wf.initial_state())->terminal()) {
    return InvalidField("initialState", "must not be a terminal state");
  }
  return absl::OkStatus();
}

absl::Status CheckTransitionDefinition(const Workflow& wf, int i,
                                       const std::set<std::string>& states,
                                       std::set<std::string>& names) {
  const WorkflowTransition& t = wf.transitions(i);
  std::string at = absl::StrCat("transitions[", i, "]");
  if (!IsLowerSnake(t.name())) {
    return InvalidField(at + ".name", "must be lower_snake_case, at most 40 characters");
  }
  if (!names.insert(t.name()).second) {
    return InvalidField(at + ".name", "repeats the transition " + t.name());
  }
  QQ_RETURN_IF_ERROR(CheckTextLength(at + ".label", t.label(), kMaxLabelChars));
  if (t.from_size() == 0) return InvalidField(at + ".from", "needs at least one state");
  for (int j = 0; j < t.from_size(); ++j) {
    if (!states.count(t.from(j))) {
      return InvalidField(absl::StrCat(at, ".from[", j, "]"), "is not a state: " + t.from(j));
    }
    if (FindState(wf, t.from(j))->terminal()) {
      return InvalidField(absl::StrCat(at, ".from[", j, "]"),
                          t.from(j) + " is terminal: nothing leaves it");
    }
  }
  if (!states.count(t.to())) return InvalidField(at + ".to", "is not a state: " + t.to());
  for (int j = 0; j < t.roles_size(); ++j) {
    if (!OneOf(t.roles(j), kStaffRoles)) {
      return InvalidField(absl::StrCat(at, ".roles[", j, "]"),
                          "is not a role; roles are " + absl::StrJoin(kStaffRoles, ", "));
    }
  }
  for (int j = 0; j < t.required_fields_size(); ++j) {
    if (!OneOf(t.required_fields(j), kRequirableFields)) {
      return InvalidField(absl::StrCat(at, ".requiredFields[", j, "]"),
                          "can be " + absl::StrJoin(kRequirableFields, ", "));
    }
  }
  if (t.min_attachments() < 0 || t.min_attachments() > kMaxAttachments) {
    return InvalidField(at + ".minAttachments", "must be between 0 and 20");
  }
  if (!t.event().empty() && !IsEventType(t.event())) {
    return InvalidField(at + ".event", "must look like workorder.resolved");
  }
  if (t.resolves() + t.reopens() + t.cancels() > 1) {
    return InvalidField(at, "can only one of resolve, reopen and cancel");
  }
  return absl::OkStatus();
}

// Every state must be reachable from the initial one, or orders could never get there.
absl::Status CheckReachable(const Workflow& wf) {
  std::set<std::string> seen = {wf.initial_state()};
  std::deque<std::string> queue = {wf.initial_state()};
  while (!queue.empty()) {
    std::string state = queue.front();
    queue.pop_front();
    for (const auto& t : wf.transitions()) {
      for (const auto& from : t.from()) {
        if (from == state && seen.insert(t.to()).second) queue.push_back(t.to());
      }
    }
  }
  for (int i = 0; i < wf.states_size(); ++i) {
    if (!seen.count(wf.states(i).name())) {
      return InvalidField(absl::StrCat("states[", i, "]"),
                          wf.states(i).name() + " cannot be reached from " + wf.initial_state());
    }
  }
  return absl::OkStatus();
}

bool GivenNonBlank(const std::string& s) { return !absl::StripAsciiWhitespace(s).empty(); }

std::string ToCamel(absl::string_view snake) {
  std::string out;
  bool upper = false;
  for (char c : snake) {
    if (c == '_') {
      upper = true;
    } else {
      out.push_back(upper ? absl::ascii_toupper(c) : c);
      upper = false;
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> WorkflowKinds() {
  std::vector<std::string> kinds;
  const auto* type = v1::WorkOrder::Type_descriptor();
  for (int i = 0; i < type->value_count(); ++i) {
    if (type->value(i)->number() != 0) kinds.push_back(type->value(i)->name());
  }
  kinds.push_back(kDeliveryKind);
  return kinds;
}

bool IsWorkflowKind(absl::string_view kind) {
  for (const auto& k : WorkflowKinds()) {
    if (k == kind) return true;
  }
  return false;
}

Workflow DefaultWorkflow(absl::string_view kind) {
  if (kind == kDeliveryKind) return DeliveryWorkflow();
  if (kind == "NEW_CONNECTION") return NewConnectionWorkflow();
  if (kind == "COMPLAINT" || kind == "ENQUIRY" || kind == "FOLLOW_UP") return DeskWorkflow(kind);
  const bool repair = kind == "REPAIR" || kind == "DISPENSER_REPAIR";
  return FieldWorkWorkflow(kind, repair ? 1 : 0);
}

absl::Status ValidateWorkflow(const Workflow& wf) {
  if (!IsWorkflowKind(wf.kind())) {
    return InvalidField(
        "kind", "is not a workflow kind; kinds are " + absl::StrJoin(WorkflowKinds(), ", "));
  }
  std::set<std::string> states;
  QQ_RETURN_IF_ERROR(CheckStates(wf, states));
  if (wf.transitions_size() == 0) return InvalidField("transitions", "needs at least one");
  if (wf.transitions_size() > kMaxTransitions) {
    return InvalidField("transitions",
                        absl::StrCat("has more than ", kMaxTransitions, " transitions"));
  }
  std::set<std::string> names;
  for (int i = 0; i < wf.transitions_size(); ++i) {
    QQ_RETURN_IF_ERROR(CheckTransitionDefinition(wf, i, states, names));
  }
  return CheckReachable(wf);
}

const qingquan::order::v1::WorkflowState* FindState(const Workflow& workflow,
                                                    absl::string_view state) {
  for (const auto& s : workflow.states()) {
    if (s.name() == state) return &s;
  }
  return nullptr;
}

std::vector<std::string> TransitionsFrom(const Workflow& workflow, absl::string_view state) {
  std::vector<std::string> names;
  for (const auto& t : workflow.transitions()) {
    for (const auto& from : t.from()) {
      if (from == state) {
        names.push_back(t.name());
        break;
      }
    }
  }
  return names;
}

namespace {

// See CheckTransition: may the account be given an order of `workflow`?
absl::Status CheckAssignee(const Workflow& workflow, const AssigneeAccount& account,
                           const std::string& field) {
  if (!account.found) return InvalidField(field, "is not a staff account of this tenant");
  if (account.disabled) return InvalidField(field, "is a disabled account");
  std::vector<std::string> needed;
  for (const auto& t : workflow.transitions()) {
    if (!t.assignee_only()) continue;
    for (const auto& role : t.roles()) {
      if (std::find(needed.begin(), needed.end(), role) == needed.end()) needed.push_back(role);
    }
  }
  if (needed.empty()) return absl::OkStatus();
  for (const auto& role : account.roles) {
    if (std::find(needed.begin(), needed.end(), role) != needed.end()) return absl::OkStatus();
  }
  return InvalidField(field, absl::StrCat("cannot take this order: it needs one of the roles ",
                                          absl::StrJoin(needed, ", ")));
}

}  // namespace

absl::StatusOr<const WorkflowTransition*> CheckTransition(const Workflow& workflow,
                                                          const OrderPosition& order,
                                                          absl::string_view name,
                                                          const Identity& actor,
                                                          const TransitionInput& input) {
  const WorkflowTransition* found = nullptr;
  for (const auto& t : workflow.transitions()) {
    if (t.name() == name) found = &t;
  }
  bool from_here = false;
  if (found != nullptr) {
    for (const auto& from : found->from()) from_here = from_here || from == order.state;
  }
  if (!from_here) {
    std::vector<std::string> allowed = TransitionsFrom(workflow, order.state);
    std::string what = found == nullptr ? absl::StrCat("there is no transition \"", name, "\"")
                                        : absl::StrCat("\"", name, "\" is not allowed");
    return WithField(absl::FailedPreconditionError(absl::StrCat(
                         what, " from state ", order.state,
                         "; allowed: ", allowed.empty() ? "none" : absl::StrJoin(allowed, ", "))),
                     "transition");
  }
  const bool privileged = actor.HasAnyRole({roles::kAdmin, roles::kService});
  if (!privileged && found->roles_size() > 0) {
    bool permitted = false;
    for (const auto& role : found->roles()) permitted = permitted || actor.HasRole(role);
    if (!permitted) {
      return absl::PermissionDeniedError(absl::StrCat("\"", name, "\" needs one of the roles ",
                                                      absl::StrJoin(found->roles(), ", ")));
    }
  }
  if (found->assignee_only() && !order.assignee_id.empty() && order.assignee_id != actor.user_id &&
      !privileged && !actor.HasAnyRole({roles::kLeader, roles::kManager, roles::kDispatcher})) {
    return absl::PermissionDeniedError("this order is assigned to someone else");
  }
  for (const auto& field : found->required_fields()) {
    const std::string& value = field == "comment"  ? input.comment
                               : field == "result" ? input.result
                                                   : input.assignee_id;
    if (!GivenNonBlank(value)) {
      std::string json_name = field == "assignee_id" ? input.assignee_field : ToCamel(field);
      return InvalidField(json_name, absl::StrCat("is required to ", name));
    }
  }
  if (input.attachment_count < found->min_attachments()) {
    return InvalidField("attachmentIds", absl::StrCat("\"", name, "\" needs at least ",
                                                      found->min_attachments(), " photo(s)"));
  }
  if (found->assigns() && input.assignee_account) {
    QQ_RETURN_IF_ERROR(CheckAssignee(workflow, *input.assignee_account, input.assignee_field));
  }
  return found;
}

bool IsBeforeSetOut(const Workflow& workflow, absl::string_view state) {
  if (state == workflow.initial_state()) return true;
  for (const auto& t : workflow.transitions()) {
    if (t.assigns() && t.to() == state) return true;
  }
  return false;
}

bool NamesSomeoneElse(const TransitionInput& input, const Identity& actor) {
  return !input.assignee_id.empty() && input.assignee_id != actor.user_id;
}

ChosenAssignee AssigneeOf(const TransitionInput& input, const Identity& actor) {
  if (!NamesSomeoneElse(input, actor)) return {actor.user_id, actor.NameOrUsername()};
  return {input.assignee_id, input.assignee_account ? input.assignee_account->display_name : ""};
}

Workflow::Routing RoutingOf(const Workflow& workflow) {
  if (workflow.routing() != Workflow::ROUTING_UNSPECIFIED) return workflow.routing();
  const std::string& kind = workflow.kind();
  if (kind == "COMPLAINT" || kind == "ENQUIRY" || kind == "FOLLOW_UP")
    return Workflow::SERVICE_DESK;
  if (kind == kDeliveryKind) return Workflow::ROUTING_UNSPECIFIED;
  return Workflow::FIELD_TEAM;
}

absl::Status CheckDeskWork(Workflow::Routing routing, const OrderPosition& order,
                           const Identity& actor) {
  if (routing != Workflow::SERVICE_DESK || order.assignee_id == actor.user_id) {
    return absl::OkStatus();
  }
  for (const auto& role : actor.roles) {
    if (role != roles::kWorker && role != roles::kCourier) return absl::OkStatus();
  }
  return absl::PermissionDeniedError(
      "desk work (complaints, enquiries, follow-ups) is taken by the customer-service agents; "
      "a worker steps it only when it is assigned to them");
}

qingquan::common::v1::StepKind StepKindOf(const Workflow& workflow,
                                          const WorkflowTransition& transition) {
  namespace c = qingquan::common::v1;
  if (transition.kind() != c::STEP_KIND_UNSPECIFIED) return transition.kind();
  if (transition.resolves()) {
    return workflow.kind() == kDeliveryKind ? c::STEP_DELIVERED : c::STEP_RESOLVED;
  }
  if (transition.reopens()) return c::STEP_REOPENED;
  if (transition.cancels()) return c::STEP_CANCELLED;
  static constexpr std::pair<absl::string_view, c::StepKind> kShipped[] = {
      {"accept", c::STEP_ACCEPTED},   {"arrive", c::STEP_ARRIVED},
      {"assign", c::STEP_ASSIGNED},   {"close", c::STEP_CLOSED},
      {"deliver", c::STEP_DELIVERED}, {"dispatch", c::STEP_DISPATCHED},
      {"fail", c::STEP_FAILED},       {"start", c::STEP_DEPARTED},
      {"depart", c::STEP_DEPARTED}};
  for (const auto& [name, kind] : kShipped) {
    if (transition.name() == name) return kind;
  }
  return c::STEP_KIND_UNSPECIFIED;
}

std::string TransitionEventType(const Workflow& workflow, const WorkflowTransition& transition) {
  if (!transition.event().empty()) return transition.event();
  static constexpr std::pair<absl::string_view, absl::string_view> kPast[] = {
      {"accept", "accepted"},     {"arrive", "arrived"},  {"assign", "assigned"},
      {"cancel", "cancelled"},    {"close", "closed"},    {"deliver", "delivered"},
      {"dispatch", "dispatched"}, {"fail", "failed"},     {"reopen", "reopened"},
      {"resolve", "resolved"},    {"resume", "resumed"},  {"start", "started"},
      {"approve", "approved"},    {"reject", "rejected"}, {"revoke", "revoked"}};
  absl::string_view name = transition.name();
  for (const auto& [present, past] : kPast) {
    if (present == name) name = past;
  }
  return absl::StrCat(workflow.kind() == kDeliveryKind ? "order." : "workorder.", name);
}

}  // namespace qq::order
