#include "services/order/work_order_service.h"

#include "absl/strings/ascii.h"
#include "qingquan/common/v1/events.pb.h"
#include "services/common/ids.h"
#include "services/common/page_token.h"
#include "services/common/status.h"
#include "services/common/text/utf8_text.h"
#include "services/common/text_limits.h"
#include "services/order/domain/work_order_draft.h"
#include "services/order/domain/workflow.h"
#include "services/order/todo_store.h"
#include "services/order/work_order_events.h"

namespace qq::order {

namespace v1 = qingquan::order::v1;
using qingquan::customer::v1::FieldDefinition;

namespace {

constexpr int kMaxPageSize = 100;
// In characters (code points).
constexpr size_t kMaxResultChars = 4000;
constexpr size_t kMaxCommentChars = 4000;
constexpr size_t kMaxUserIdChars = 64;
// To-do titles quote the order's text this far.
constexpr size_t kTitleQuoteChars = 60;

constexpr std::initializer_list<absl::string_view> kStaff = {roles::kAgent,   roles::kDispatcher,
                                                             roles::kLeader,  roles::kWorker,
                                                             roles::kManager, roles::kService};

// The customer as the order keeps it: name, first phone, and the chosen address (the
// first one unless `address_id` picks another).
absl::StatusOr<CustomerSnapshot> SnapshotCustomer(const qingquan::customer::v1::Customer& c,
                                                  const std::string& address_id) {
  CustomerSnapshot snapshot;
  snapshot.name = c.name();
  if (c.phones_size() > 0) snapshot.contact_phone = c.phones(0);
  QQ_ASSIGN_OR_RETURN(const qingquan::customer::v1::Address* chosen, ChooseAddress(c, address_id));
  if (chosen != nullptr) {
    snapshot.address_id = chosen->id();
    snapshot.address_text = chosen->text();
    if (chosen->has_location()) {
      snapshot.lat = chosen->location().lat();
      snapshot.lng = chosen->location().lng();
    }
  }
  return snapshot;
}

absl::Status CheckWorkOrderId(const std::string& id) {
  if (!LooksLikeUuid(id)) return WithField(absl::NotFoundError("no such work order"), "id");
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* WorkOrderServiceImpl::CreateWorkOrder(
    grpc::CallbackServerContext* ctx, const v1::CreateWorkOrderRequest* request,
    WorkOrder* response) {
  return guard_.Offloaded(
      ctx, "CreateWorkOrder", [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kAgent, roles::kDispatcher, roles::kLeader}));
        QQ_ASSIGN_OR_RETURN(WorkOrderDraft draft, CheckNewWorkOrder(request->work_order()));
        QQ_ASSIGN_OR_RETURN(IdempotencyScope idempotency,
                            IdempotencyScopeOf(call, "CreateWorkOrder", *request));
        const std::string& tenant = call.identity.tenant;
        QQ_RETURN_IF_ERROR(
            customers_.CheckCustomFields(tenant, FieldDefinition::WORK_ORDER, &draft.custom_fields,
                                         forms::WriteMode::kCreate, nullptr, "customFields"));
        QQ_ASSIGN_OR_RETURN(auto customer, customers_.GetCustomer(call, draft.customer_id));
        QQ_ASSIGN_OR_RETURN(CustomerSnapshot snapshot,
                            SnapshotCustomer(customer, draft.address_id));
        const Actor actor(call.identity.user_id, call.identity.NameOrUsername());
        QQ_ASSIGN_OR_RETURN(*response,
                            store_.CreateWorkOrder(tenant, actor, draft, snapshot, idempotency));
        relay_.Wake();
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* WorkOrderServiceImpl::GetWorkOrder(grpc::CallbackServerContext* ctx,
                                                             const v1::GetWorkOrderRequest* request,
                                                             WorkOrder* response) {
  return guard_.Offloaded(
      ctx, "GetWorkOrder", [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(call, kStaff));
        QQ_RETURN_IF_ERROR(CheckWorkOrderId(request->id()));
        QQ_ASSIGN_OR_RETURN(*response, store_.GetWorkOrder(call.identity.tenant, request->id()));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* WorkOrderServiceImpl::ListWorkOrders(
    grpc::CallbackServerContext* ctx, const v1::ListWorkOrdersRequest* request,
    v1::ListWorkOrdersResponse* response) {
  return guard_.Offloaded(
      ctx, "ListWorkOrders", [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(call, kStaff));
        QQ_ASSIGN_OR_RETURN(int page_size, PageSizeOf(request->page_size(), kMaxPageSize));
        WorkOrderFilter filter;
        if (!request->customer_id().empty()) {
          if (!LooksLikeUuid(request->customer_id())) return absl::OkStatus();  // matches nothing
          filter.customer_id = request->customer_id();
        }
        filter.state = request->state();
        filter.number = NormalizeOrderNumber(request->number());
        if (!request->phone().empty()) {
          QQ_ASSIGN_OR_RETURN(filter.customer_ids,
                              customers_.CustomerIdsWithPhone(call, request->phone()));
          if (filter.customer_ids->empty()) return absl::OkStatus();  // nobody has it
        }
        if (request->type() != WorkOrder::TYPE_UNSPECIFIED) {
          filter.type = WorkOrder::Type_Name(request->type());
        }
        if (request->channel() != v1::CHANNEL_UNSPECIFIED) {
          filter.channel = v1::Channel_Name(request->channel());
        }
        QQ_ASSIGN_OR_RETURN(
            filter.custom_fields_json,
            customers_.CustomFieldFilter(
                call.identity.tenant, FieldDefinition::WORK_ORDER,
                {request->custom_field().begin(), request->custom_field().end()}, "customField"));
        QQ_ASSIGN_OR_RETURN(
            WorkOrderPage page,
            store_.ListWorkOrders(call.identity.tenant, filter, page_size, request->page_token()));
        for (auto& wo : page.work_orders) *response->add_work_orders() = std::move(wo);
        response->set_next_page_token(page.next_page_token);
        return absl::OkStatus();
      });
}

absl::StatusOr<WorkOrder> WorkOrderServiceImpl::Transition(
    const CallContext& call, const std::string& id, const std::string& transition,
    TransitionInput input, std::vector<std::string> attachment_ids,
    std::optional<google::protobuf::Struct> custom_fields) {
  QQ_RETURN_IF_ERROR(RequireRole(call, kStaff));
  QQ_RETURN_IF_ERROR(CheckWorkOrderId(id));
  if (transition.empty()) return InvalidField("transition", "is required, e.g. resolve");
  input.comment = std::string(text::TrimSpaces(input.comment));
  input.result = std::string(text::TrimSpaces(input.result));
  input.assignee_id = std::string(text::TrimSpaces(input.assignee_id));
  QQ_RETURN_IF_ERROR(CheckTextLength("comment", input.comment, kMaxCommentChars));
  QQ_RETURN_IF_ERROR(CheckTextLength("result", input.result, kMaxResultChars));
  QQ_RETURN_IF_ERROR(CheckTextLength("assigneeId", input.assignee_id, kMaxUserIdChars));
  input.attachment_count = static_cast<int>(attachment_ids.size());
  // Someone named by a person must be able to take the order (asked before the row lock).
  if (NamesSomeoneElse(input, call.identity)) {
    QQ_ASSIGN_OR_RETURN(input.assignee_account,
                        customers_.AssigneeAccountOf(call.identity.tenant, input.assignee_id));
  }
  if (custom_fields) {
    // Checked without the stored values: a patch names only what this step fills in.
    QQ_RETURN_IF_ERROR(customers_.CheckCustomFields(
        call.identity.tenant, FieldDefinition::WORK_ORDER, &*custom_fields,
        forms::WriteMode::kPatch, nullptr, "customFields"));
  }
  const Identity& actor = call.identity;
  auto decide = [&](const WorkOrder& current,
                    const Workflow& workflow) -> absl::StatusOr<WorkOrderChange> {
    QQ_ASSIGN_OR_RETURN(const WorkflowTransition* step,
                        CheckTransition(workflow, {current.state(), current.assignee_id()},
                                        transition, actor, input));
    QQ_RETURN_IF_ERROR(
        CheckDeskWork(current.routing(), {current.state(), current.assignee_id()}, actor));
    WorkOrderChange change{.to = step->to(), .transition = step->name(), .actor = actor.user_id};
    change.actor_name = actor.NameOrUsername();
    change.comment = input.comment.empty() ? input.result : input.comment;
    change.attachment_ids = attachment_ids;
    if (step->assigns()) {
      ChosenAssignee chosen = AssigneeOf(input, actor);
      change.assignee_id = std::move(chosen.id);
      change.assignee_name = std::move(chosen.name);
    }
    if (!input.result.empty()) change.result = input.result;
    change.mark_resolved = step->resolves();
    change.reopen = step->reopens();
    change.closes = step->cancels();
    change.event_type = TransitionEventType(workflow, *step);
    change.step_kind = StepKindOf(workflow, *step);
    change.custom_fields_patch = custom_fields;
    return change;
  };
  QQ_ASSIGN_OR_RETURN(WorkOrder changed, store_.ChangeWorkOrder(actor.tenant, id, decide));
  relay_.Wake();
  return changed;
}

grpc::ServerUnaryReactor* WorkOrderServiceImpl::TransitionWorkOrder(
    grpc::CallbackServerContext* ctx, const v1::TransitionWorkOrderRequest* request,
    WorkOrder* response) {
  return guard_.Offloaded(
      ctx, "TransitionWorkOrder",
      [this, request, response](const CallContext& call) -> absl::Status {
        QQ_ASSIGN_OR_RETURN(auto attachments,
                            CheckAttachmentIds(request->attachment_ids(), "attachmentIds"));
        TransitionInput input{.comment = request->comment(),
                              .result = request->result(),
                              .assignee_id = request->assignee_id()};
        std::optional<google::protobuf::Struct> custom_fields;
        if (request->has_custom_fields()) custom_fields = request->custom_fields();
        QQ_ASSIGN_OR_RETURN(*response,
                            Transition(call, request->id(), request->transition(), std::move(input),
                                       std::move(attachments), std::move(custom_fields)));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* WorkOrderServiceImpl::ListWorkOrderPool(
    grpc::CallbackServerContext* ctx, const v1::ListWorkOrderPoolRequest* request,
    v1::ListWorkOrdersResponse* response) {
  return guard_.Offloaded(
      ctx, "ListWorkOrderPool", [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(
            call, {roles::kDispatcher, roles::kLeader, roles::kManager, roles::kAgent}));
        QQ_ASSIGN_OR_RETURN(int page_size, PageSizeOf(request->page_size(), kMaxPageSize));
        PoolFilter filter{.area_name = request->area_name(), .team_id = request->team_id()};
        if (request->type() != WorkOrder::TYPE_UNSPECIFIED) {
          filter.type = WorkOrder::Type_Name(request->type());
        }
        if (request->channel() != v1::CHANNEL_UNSPECIFIED) {
          filter.channel = v1::Channel_Name(request->channel());
        }
        auto to_time = [](const google::protobuf::Timestamp& t) {
          return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
        };
        if (request->has_created_after()) filter.created_after = to_time(request->created_after());
        if (request->has_created_before())
          filter.created_before = to_time(request->created_before());
        QQ_ASSIGN_OR_RETURN(WorkOrderPage page, store_.ListPool(call.identity.tenant, filter,
                                                                page_size, request->page_token()));
        for (auto& wo : page.work_orders) *response->add_work_orders() = std::move(wo);
        response->set_next_page_token(page.next_page_token);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* WorkOrderServiceImpl::AcceptWorkOrder(
    grpc::CallbackServerContext* ctx, const v1::AcceptWorkOrderRequest* request,
    WorkOrder* response) {
  return guard_.Offloaded(
      ctx, "AcceptWorkOrder", [this, request, response](const CallContext& call) -> absl::Status {
        TransitionInput input{.comment = request->comment()};
        QQ_ASSIGN_OR_RETURN(*response,
                            Transition(call, request->id(), "accept", std::move(input), {}));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* WorkOrderServiceImpl::ResolveWorkOrder(
    grpc::CallbackServerContext* ctx, const v1::ResolveWorkOrderRequest* request,
    WorkOrder* response) {
  return guard_.Offloaded(
      ctx, "ResolveWorkOrder", [this, request, response](const CallContext& call) -> absl::Status {
        QQ_ASSIGN_OR_RETURN(auto attachments,
                            CheckAttachmentIds(request->attachment_ids(), "attachmentIds"));
        TransitionInput input{.result = request->result()};
        QQ_ASSIGN_OR_RETURN(*response, Transition(call, request->id(), "resolve", std::move(input),
                                                  std::move(attachments)));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* WorkOrderServiceImpl::UpdateWorkOrder(
    grpc::CallbackServerContext* ctx, const v1::UpdateWorkOrderRequest* request,
    WorkOrder* response) {
  return guard_.Offloaded(
      ctx, "UpdateWorkOrder", [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(
            call, {roles::kAgent, roles::kDispatcher, roles::kLeader, roles::kManager}));
        const WorkOrder& patch = request->work_order();
        QQ_RETURN_IF_ERROR(CheckWorkOrderId(patch.id()));
        QQ_ASSIGN_OR_RETURN(WorkOrderEdit edit, CheckWorkOrderEdit(patch, request->update_mask()));
        const std::string& tenant = call.identity.tenant;
        std::optional<CustomerSnapshot> address;
        if (edit.address_id) {
          // Another address of the order's own customer, as the customer service has it now.
          QQ_ASSIGN_OR_RETURN(WorkOrder current, store_.GetWorkOrder(tenant, patch.id()));
          QQ_ASSIGN_OR_RETURN(auto customer, customers_.GetCustomer(call, current.customer_id()));
          QQ_ASSIGN_OR_RETURN(address, SnapshotCustomer(customer, *edit.address_id));
        }
        const Actor actor(call.identity.user_id, call.identity.NameOrUsername());
        QQ_ASSIGN_OR_RETURN(*response,
                            store_.EditWorkOrder(tenant, patch.id(), actor, edit, address));
        relay_.Wake();
        return absl::OkStatus();
      });
}

namespace {

// A to-do for the team leader: a work order of their team needs a worker.
void AskLeader(pqxx::work& txn, const std::string& tenant, const WorkOrder& wo,
               const std::string& leader_id, const std::string& why) {
  NewTodo todo = WorkOrderTodo(tenant, wo, Todo::DISPATCH,
                               absl::StrCat("待指派: ", wo.number(), " ",
                                            text::TruncateChars(wo.description(), kTitleQuoteChars),
                                            why.empty() ? "" : " (" + why + ")"));
  todo.assignee_id = leader_id;
  todo.dedupe_key = absl::StrCat("dispatch:", wo.id());
  TodoStore::InsertIn(txn, todo);
}

// workorder.worker_offered: the worker dispatch chose takes the order ("assign"), or, when
// dispatch found none, the leader gets a to-do.
absl::Status HandleWorkerOffered(OrderStore& store, pqxx::work& txn, const StreamEvent& event) {
  qingquan::common::v1::WorkerOffered offered;
  if (!offered.ParseFromString(event.payload) || offered.work_order_id().empty()) {
    return absl::InvalidArgumentError("workorder.worker_offered payload does not parse");
  }
  const Identity dispatch_service{event.tenant, "system:dispatch", "dispatch", {"service"}};
  const absl::Status kept = absl::CancelledError("the order has moved on; left as it is");
  bool ask_leader = false;
  auto decide = [&](const WorkOrder& current,
                    const Workflow& workflow) -> absl::StatusOr<WorkOrderChange> {
    if (offered.worker_id().empty()) {
      // Nobody (else) to offer: the worker who let it pass is taken off, the leader decides.
      auto assignable = CheckTransition(workflow, {current.state(), ""}, "assign", dispatch_service,
                                        {.assignee_id = offered.leader_id()});
      ask_leader = assignable.ok();
      if (!ask_leader || current.assignee_id().empty()) return kept;
      WorkOrderChange change{.to = current.state(), .actor = dispatch_service.user_id};
      change.changes_state = false;
      change.assignee_id = "";
      change.assignee_name = "";
      change.comment = absl::StrCat("自动派单未找到人员: ", offered.reason());
      return change;
    }
    // The first offer takes an order nobody has; a later one replaces the worker who let
    // it pass, never one who accepted (the workflow allows "assign" before "accept" only).
    if (offered.attempt() <= 1 && !current.assignee_id().empty()) return kept;
    if (current.assignee_id() == offered.worker_id()) return kept;
    TransitionInput input{.assignee_id = offered.worker_id()};
    auto step = CheckTransition(workflow, {current.state(), current.assignee_id()}, "assign",
                                dispatch_service, input);
    if (!step.ok()) return kept;
    WorkOrderChange change{
        .to = (*step)->to(), .transition = (*step)->name(), .actor = dispatch_service.user_id};
    change.assignee_id = offered.worker_id();
    change.assignee_name = offered.worker_name();
    change.comment = absl::StrCat("自动派单", offered.attempt() > 1 ? "(改派)" : "", ": ",
                                  offered.worker_name(), " — ", offered.reason());
    change.event_type = TransitionEventType(workflow, **step);
    change.step_kind = StepKindOf(workflow, **step);
    return change;
  };
  auto changed = store.ChangeWorkOrderIn(txn, event.tenant, offered.work_order_id(), decide);
  if ((changed.ok() || changed.status().code() == absl::StatusCode::kCancelled) && ask_leader &&
      !offered.leader_id().empty()) {
    QQ_ASSIGN_OR_RETURN(WorkOrder wo,
                        store.GetWorkOrderIn(txn, event.tenant, offered.work_order_id()));
    AskLeader(txn, event.tenant, wo, offered.leader_id(), offered.reason());
    return absl::OkStatus();
  }
  if (changed.ok() || changed.status().code() == absl::StatusCode::kCancelled ||
      changed.status().code() == absl::StatusCode::kNotFound) {
    return absl::OkStatus();
  }
  return changed.status();
}

}  // namespace

absl::Status HandleDispatchEvent(OrderStore& store, pqxx::work& txn, const StreamEvent& event) {
  if (event.type == "workorder.worker_offered") return HandleWorkerOffered(store, txn, event);
  if (event.type != "workorder.assigned") return absl::OkStatus();
  qingquan::common::v1::WorkOrderAssigned assigned;
  if (!assigned.ParseFromString(event.payload)) {
    return absl::InvalidArgumentError("workorder.assigned payload does not parse");
  }
  Identity dispatch_service{event.tenant, "system:dispatch", "dispatch", {"service"}};
  auto decide = [&](const WorkOrder& current,
                    const Workflow& workflow) -> absl::StatusOr<WorkOrderChange> {
    // Desk work is the agents'; a team routing (from a dispatch service that predates
    // routing per type) is not applied to it.
    if (current.routing() == Workflow::SERVICE_DESK) {
      return absl::CancelledError("desk work: not routed to a team");
    }
    WorkOrderChange change{.to = current.state(), .actor = "system:dispatch"};
    change.team_id = assigned.team_id();
    change.team_name = assigned.team_name();
    change.area_name = assigned.area_name();
    change.comment = assigned.team_name().empty()
                         ? "没有班组负责此地址"
                         : "派给 " + assigned.team_name() +
                               (assigned.outside_areas() ? " (地址不在任何片区)" : "");
    // Only a fresh order moves on ("dispatch" from its state in its workflow); a late
    // assignment of an order already taken or cancelled is recorded without a state step.
    auto step = CheckTransition(workflow, {current.state(), current.assignee_id()}, "dispatch",
                                dispatch_service, {});
    if (step.ok() && !assigned.team_id().empty()) {
      change.to = (*step)->to();
      change.transition = (*step)->name();
      change.event_type = TransitionEventType(workflow, **step);
      change.step_kind = StepKindOf(workflow, **step);
    } else {
      change.changes_state = false;
    }
    return change;
  };
  auto changed = store.ChangeWorkOrderIn(txn, event.tenant, assigned.work_order_id(), decide);
  // An assignment for an order this tenant doesn't have can never succeed: drop it.
  if (changed.status().code() == absl::StatusCode::kNotFound ||
      changed.status().code() == absl::StatusCode::kCancelled) {
    return absl::OkStatus();
  }
  QQ_RETURN_IF_ERROR(changed.status());
  // Without automatic assignment the leader picks the worker: a to-do, where the order's
  // workflow has someone to assign.
  if (!assigned.auto_assign() && !assigned.leader_id().empty() && changed->assignee_id().empty()) {
    QQ_ASSIGN_OR_RETURN(Workflow workflow, store.WorkflowOf(txn, event.tenant, *changed));
    // Could someone be assigned now? (The leader stands in for whoever they will pick.)
    if (CheckTransition(workflow, {changed->state(), ""}, "assign", dispatch_service,
                        {.assignee_id = assigned.leader_id()})
            .ok()) {
      AskLeader(txn, event.tenant, *changed, assigned.leader_id(), "");
    }
  }
  return absl::OkStatus();
}

}  // namespace qq::order
