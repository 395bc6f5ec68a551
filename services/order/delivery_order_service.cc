#include "services/order/delivery_order_service.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "qingquan/common/v1/events.pb.h"
#include "services/common/civil_text.h"
#include "services/common/ids.h"
#include "services/common/page_token.h"
#include "services/common/status.h"
#include "services/common/text_limits.h"
#include "services/order/domain/delivery_order_draft.h"
#include "services/order/domain/work_order_draft.h"
#include "services/order/ticket_saga.h"

namespace qq::order {

namespace v1 = qingquan::order::v1;

namespace {

constexpr int kMaxPageSize = 100;
constexpr size_t kMaxCommentChars = 4000;
constexpr size_t kMaxUserIdChars = 64;

// Who may read delivery orders (the 360 view shows them to every archive reader); each
// transition names its own roles in the workflow.
constexpr std::initializer_list<absl::string_view> kDeliveryStaff = {
    roles::kAgent,  roles::kDispatcher, roles::kCourier, roles::kManager,
    roles::kLeader, roles::kWorker,     roles::kFinance, roles::kService};

absl::Status CheckDeliveryId(const std::string& id) {
  if (!LooksLikeUuid(id)) return WithField(absl::NotFoundError("no such delivery order"), "id");
  return absl::OkStatus();
}

}  // namespace

grpc::ServerUnaryReactor* DeliveryOrderServiceImpl::CreateDeliveryOrder(
    grpc::CallbackServerContext* ctx, const v1::CreateDeliveryOrderRequest* request,
    DeliveryOrder* response) {
  return guard_.Offloaded(
      ctx, "CreateDeliveryOrder",
      [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kAgent, roles::kDispatcher, roles::kManager}));
        QQ_ASSIGN_OR_RETURN(DeliveryOrderDraft draft,
                            CheckNewDeliveryOrder(request->delivery_order(), absl::Now()));
        QQ_ASSIGN_OR_RETURN(IdempotencyScope idempotency,
                            IdempotencyScopeOf(call, "CreateDeliveryOrder", *request));
        QQ_RETURN_IF_ERROR(customers_.CheckCustomFields(
            call.identity.tenant, qingquan::customer::v1::FieldDefinition::ORDER,
            &draft.custom_fields, forms::WriteMode::kCreate, nullptr, "customFields"));
        QQ_ASSIGN_OR_RETURN(auto customer, customers_.GetCustomer(call, draft.customer_id));
        QQ_ASSIGN_OR_RETURN(DeliveryCustomer courier_view, CourierView(customer, draft.address_id));
        // No window asked for: the customer's standing wishes give it (下午3点后送, 工作日派送),
        // and with it the route's time constraint.
        if (!draft.window_start && !draft.window_end) {
          if (auto preferred = PreferredWindowOfCustomer(customer)) {
            if (auto window = NextPreferredWindow(*preferred, absl::Now(), BeijingTime())) {
              draft.window_start = window->first;
              draft.window_end = window->second;
            }
          }
        }
        const Actor actor(call.identity.user_id, call.identity.NameOrUsername());
        QQ_ASSIGN_OR_RETURN(*response, store_.Create(call.identity.tenant, actor, draft,
                                                     courier_view, idempotency));
        relay_.Wake();
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* DeliveryOrderServiceImpl::GetDeliveryOrder(
    grpc::CallbackServerContext* ctx, const v1::GetDeliveryOrderRequest* request,
    DeliveryOrder* response) {
  return guard_.Offloaded(
      ctx, "GetDeliveryOrder", [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(call, kDeliveryStaff));
        QQ_RETURN_IF_ERROR(CheckDeliveryId(request->id()));
        QQ_ASSIGN_OR_RETURN(*response, store_.Get(call.identity.tenant, request->id()));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* DeliveryOrderServiceImpl::ListDeliveryOrders(
    grpc::CallbackServerContext* ctx, const v1::ListDeliveryOrdersRequest* request,
    v1::ListDeliveryOrdersResponse* response) {
  return guard_.Offloaded(
      ctx, "ListDeliveryOrders",
      [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(call, kDeliveryStaff));
        QQ_ASSIGN_OR_RETURN(int page_size, PageSizeOf(request->page_size(), kMaxPageSize));
        DeliveryFilter filter{.state = request->state(), .courier_id = request->courier_id()};
        filter.number = NormalizeOrderNumber(request->number());
        if (!request->phone().empty()) {
          QQ_ASSIGN_OR_RETURN(filter.customer_ids,
                              customers_.CustomerIdsWithPhone(call, request->phone()));
          if (filter.customer_ids->empty()) return absl::OkStatus();  // nobody has it
        }
        if (!request->customer_id().empty()) {
          if (!LooksLikeUuid(request->customer_id())) return absl::OkStatus();  // matches nothing
          filter.customer_id = request->customer_id();
        }
        if (!request->standing_order_id().empty()) {
          if (!LooksLikeUuid(request->standing_order_id())) return absl::OkStatus();
          filter.standing_order_id = request->standing_order_id();
        }
        QQ_ASSIGN_OR_RETURN(
            filter.custom_fields_json,
            customers_.CustomFieldFilter(
                call.identity.tenant, qingquan::customer::v1::FieldDefinition::ORDER,
                {request->custom_field().begin(), request->custom_field().end()}, "customField"));
        QQ_ASSIGN_OR_RETURN(DeliveryPage page, store_.List(call.identity.tenant, filter, page_size,
                                                           request->page_token()));
        for (auto& o : page.orders) *response->add_delivery_orders() = std::move(o);
        response->set_next_page_token(page.next_page_token);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* DeliveryOrderServiceImpl::UpdateDeliveryOrder(
    grpc::CallbackServerContext* ctx, const v1::UpdateDeliveryOrderRequest* request,
    DeliveryOrder* response) {
  return guard_.Offloaded(
      ctx, "UpdateDeliveryOrder",
      [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kAgent, roles::kDispatcher, roles::kManager}));
        const DeliveryOrder& patch = request->delivery_order();
        QQ_RETURN_IF_ERROR(CheckDeliveryId(patch.id()));
        const std::string& tenant = call.identity.tenant;
        QQ_ASSIGN_OR_RETURN(DeliveryOrder current, store_.Get(tenant, patch.id()));
        QQ_ASSIGN_OR_RETURN(DeliveryOrder merged,
                            MergeDeliveryEdit(current, patch, request->update_mask()));
        const std::vector<std::string> paths(request->update_mask().paths().begin(),
                                             request->update_mask().paths().end());
        auto masked = [&](const char* path) {
          return std::find(paths.begin(), paths.end(), path) != paths.end();
        };
        // Checked as a new order would be, but only a window that changes must still be
        // open (a new one already over is refused; the order's own may have passed).
        const absl::Time window_checked_at = masked("window") ? absl::Now() : absl::InfinitePast();
        QQ_ASSIGN_OR_RETURN(DeliveryOrderDraft edited,
                            CheckNewDeliveryOrder(merged, window_checked_at));
        std::optional<DeliveryCustomer> address;
        if (masked("address_id")) {
          QQ_ASSIGN_OR_RETURN(auto customer, customers_.GetCustomer(call, current.customer_id()));
          QQ_ASSIGN_OR_RETURN(address, CourierView(customer, edited.address_id));
        }
        const Actor actor(call.identity.user_id, call.identity.NameOrUsername());
        QQ_ASSIGN_OR_RETURN(*response,
                            store_.Edit(tenant, patch.id(), actor, edited, paths, address));
        relay_.Wake();
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* DeliveryOrderServiceImpl::TransitionDeliveryOrder(
    grpc::CallbackServerContext* ctx, const v1::TransitionDeliveryOrderRequest* request,
    DeliveryOrder* response) {
  return guard_.Offloaded(
      ctx, "TransitionDeliveryOrder",
      [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(call, kDeliveryStaff));
        QQ_RETURN_IF_ERROR(CheckDeliveryId(request->id()));
        if (request->transition().empty()) {
          return InvalidField("transition", "is required, e.g. deliver");
        }
        QQ_ASSIGN_OR_RETURN(auto attachments,
                            CheckAttachmentIds(request->attachment_ids(), "attachmentIds"));
        TransitionInput input{
            .comment = std::string(absl::StripAsciiWhitespace(request->comment())),
            .assignee_id = std::string(absl::StripAsciiWhitespace(request->courier_id())),
            .attachment_count = static_cast<int>(attachments.size()),
            .assignee_field = "courierId"};
        QQ_RETURN_IF_ERROR(CheckTextLength("comment", input.comment, kMaxCommentChars));
        QQ_RETURN_IF_ERROR(CheckTextLength("courierId", input.assignee_id, kMaxUserIdChars));
        const Identity& actor = call.identity;
        if (NamesSomeoneElse(input, actor)) {
          QQ_ASSIGN_OR_RETURN(input.assignee_account,
                              customers_.AssigneeAccountOf(actor.tenant, input.assignee_id));
        }
        auto decide = [&](const DeliveryOrder& current,
                          const Workflow& workflow) -> absl::StatusOr<DeliveryChange> {
          QQ_ASSIGN_OR_RETURN(const WorkflowTransition* step,
                              CheckTransition(workflow, {current.state(), current.courier_id()},
                                              request->transition(), actor, input));
          DeliveryChange change{.to = step->to(),
                                .transition = step->name(),
                                .actor = actor.user_id,
                                .comment = input.comment,
                                .attachment_ids = attachments};
          change.actor_name = actor.NameOrUsername();
          if (step->assigns()) {
            ChosenAssignee chosen = AssigneeOf(input, actor);
            change.courier_id = std::move(chosen.id);
            change.courier_name = std::move(chosen.name);
          }
          change.mark_delivered = step->resolves();
          change.cancels = step->cancels();
          change.event_type = TransitionEventType(workflow, *step);
          change.step_kind = StepKindOf(workflow, *step);
          return change;
        };
        QQ_ASSIGN_OR_RETURN(*response, store_.Change(actor.tenant, request->id(), decide));
        relay_.Wake();
        saga_.Wake();
        return absl::OkStatus();
      });
}

namespace {

// Dispatch's events are settled once handled, and also when the order has moved on (the
// decision said CANCELLED) or is unknown here; only a failure is retried.
template <typename T>
absl::Status SettledUnlessFailed(const absl::StatusOr<T>& changed) {
  if (changed.ok() || changed.status().code() == absl::StatusCode::kCancelled ||
      changed.status().code() == absl::StatusCode::kNotFound) {
    return absl::OkStatus();
  }
  return changed.status();
}

}  // namespace

absl::Status HandleDeliveryAssigned(DeliveryStore& store, pqxx::work& txn,
                                    const StreamEvent& event) {
  const bool reassigned = event.type == "delivery.reassigned";
  if (event.type != "delivery.assigned" && !reassigned) return absl::OkStatus();
  qingquan::common::v1::DeliveryAssigned assigned;
  if (!assigned.ParseFromString(event.payload) || assigned.order_id().empty() ||
      assigned.courier_id().empty()) {
    return absl::InvalidArgumentError("delivery.assigned payload does not parse");
  }
  const Identity dispatch{event.tenant, "system:dispatch", "dispatch", {"service"}};
  const absl::Status kept = absl::CancelledError("the order has moved on; left as it is");
  auto decide = [&](const DeliveryOrder& current,
                    const Workflow& workflow) -> absl::StatusOr<DeliveryChange> {
    // A first assignment only takes an order nobody assigned; a re-plan moves one that is
    // assigned but not under way (the workflow's "assign" decides which states allow it).
    if (!reassigned &&
        (current.state() != workflow.initial_state() || !current.courier_id().empty())) {
      return kept;
    }
    if (reassigned && current.courier_id() == assigned.courier_id()) return kept;
    TransitionInput input{.assignee_id = assigned.courier_id(), .assignee_field = "courierId"};
    auto step_or = CheckTransition(workflow, {current.state(), current.courier_id()}, "assign",
                                   dispatch, input);
    if (!step_or.ok()) return kept;
    const WorkflowTransition* step = *step_or;
    std::string comment = absl::StrCat(
        reassigned ? "重新规划路线: " : "自动派单: ", assigned.courier_name(),
        assigned.courier_name().empty() ? "" : ", ", "第 ", assigned.sequence(), " 站");
    if (assigned.has_eta()) {
      absl::StrAppend(
          &comment, ", 预计 ",
          absl::FormatTime("%H:%M", absl::FromUnixSeconds(assigned.eta().seconds()), BeijingTime()),
          " 到达");
    }
    return DeliveryChange{.to = step->to(),
                          .transition = step->name(),
                          .actor = dispatch.user_id,
                          .comment = comment,
                          .courier_id = assigned.courier_id(),
                          .courier_name = assigned.courier_name(),
                          .event_type = TransitionEventType(workflow, *step),
                          .step_kind = StepKindOf(workflow, *step)};
  };
  return SettledUnlessFailed(store.ChangeIn(txn, event.tenant, assigned.order_id(), decide));
}

absl::Status HandleDeliveryUnplaced(DeliveryStore& store, pqxx::work& txn,
                                    const StreamEvent& event) {
  qingquan::common::v1::DeliveryUnplaced unplaced;
  if (!unplaced.ParseFromString(event.payload) || unplaced.order_id().empty()) {
    return absl::InvalidArgumentError("delivery.unplaced payload does not parse");
  }
  auto decide = [&](const DeliveryOrder& current,
                    const Workflow& workflow) -> absl::StatusOr<DeliveryChange> {
    if (current.state() != workflow.initial_state() || !current.courier_id().empty()) {
      return absl::CancelledError("assigned meanwhile");
    }
    return DeliveryChange{
        .to = current.state(),
        .transition = "unplaced",
        .actor = "system:dispatch",
        .comment = absl::StrCat("未能自动派单: ",
                                unplaced.detail().empty() ? unplaced.reason() : unplaced.detail())};
  };
  return SettledUnlessFailed(store.ChangeIn(txn, event.tenant, unplaced.order_id(), decide));
}

grpc::ServerUnaryReactor* WorkflowServiceImpl::ListWorkflows(
    grpc::CallbackServerContext* ctx, const v1::ListWorkflowsRequest* request,
    v1::ListWorkflowsResponse* response) {
  return guard_.Offloaded(ctx, "ListWorkflows",
                          [this, request, response](const CallContext& call) -> absl::Status {
                            QQ_RETURN_IF_ERROR(RequireRole(call, kDeliveryStaff));
                            QQ_ASSIGN_OR_RETURN(auto all, store_.ListCurrent(call.identity.tenant));
                            for (auto& wf : all) {
                              wf.set_routing(RoutingOf(wf));  // the routing in force
                              *response->add_workflows() = std::move(wf);
                            }
                            return absl::OkStatus();
                          });
}

grpc::ServerUnaryReactor* WorkflowServiceImpl::GetWorkflow(grpc::CallbackServerContext* ctx,
                                                           const v1::GetWorkflowRequest* request,
                                                           Workflow* response) {
  return guard_.Offloaded(
      ctx, "GetWorkflow", [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(call, kDeliveryStaff));
        if (!IsWorkflowKind(request->kind())) {
          return WithField(absl::NotFoundError("no such workflow kind"), "kind");
        }
        if (request->version() < 0) return InvalidField("version", "must not be negative");
        if (request->version() == 0) {
          QQ_ASSIGN_OR_RETURN(*response, store_.Current(call.identity.tenant, request->kind()));
        } else {
          QQ_ASSIGN_OR_RETURN(*response, store_.AtVersion(call.identity.tenant, request->kind(),
                                                          request->version()));
        }
        response->set_routing(RoutingOf(*response));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* WorkflowServiceImpl::UpdateWorkflow(
    grpc::CallbackServerContext* ctx, const v1::UpdateWorkflowRequest* request,
    Workflow* response) {
  return guard_.Offloaded(
      ctx, "UpdateWorkflow", [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kManager}));
        QQ_RETURN_IF_ERROR(ValidateWorkflow(request->workflow()));
        QQ_ASSIGN_OR_RETURN(*response, store_.Save(call.identity.tenant, call.identity.user_id,
                                                   request->workflow()));
        return absl::OkStatus();
      });
}

}  // namespace qq::order
