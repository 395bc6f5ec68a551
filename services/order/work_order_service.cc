#include "services/order/work_order_service.h"

#include "absl/strings/ascii.h"
#include "qingquan/common/v1/events.pb.h"
#include "services/common/ids.h"
#include "services/common/status.h"
#include "services/order/domain/work_order_draft.h"
#include "services/order/domain/work_order_state_machine.h"
#include "services/order/work_order_events.h"

namespace qq::order {

namespace v1 = qingquan::order::v1;

namespace {

constexpr int kDefaultPageSize = 20;
constexpr int kMaxPageSize = 100;
constexpr size_t kMaxResultBytes = 4000;

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
  const qingquan::customer::v1::Address* chosen = nullptr;
  for (const auto& a : c.addresses()) {
    if (address_id.empty() || a.id() == address_id) {
      chosen = &a;
      break;
    }
  }
  if (!address_id.empty() && chosen == nullptr) {
    return WithField(absl::NotFoundError("the customer has no such address"), "addressId");
  }
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

EventFor NoEvent() {
  return [](const WorkOrder&, const std::string&) { return std::nullopt; };
}

}  // namespace

grpc::ServerUnaryReactor* WorkOrderServiceImpl::CreateWorkOrder(
    grpc::CallbackServerContext* ctx, const v1::CreateWorkOrderRequest* request,
    WorkOrder* response) {
  return guard_.Unary(ctx, "CreateWorkOrder", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kAgent, roles::kDispatcher, roles::kLeader}));
    QQ_ASSIGN_OR_RETURN(WorkOrderDraft draft, CheckNewWorkOrder(request->work_order()));
    QQ_ASSIGN_OR_RETURN(IdempotencyScope idempotency,
                        IdempotencyScopeOf(call, "CreateWorkOrder", *request));
    QQ_ASSIGN_OR_RETURN(auto customer, customers_.GetCustomer(call, draft.customer_id));
    QQ_ASSIGN_OR_RETURN(CustomerSnapshot snapshot, SnapshotCustomer(customer, draft.address_id));
    const std::string& tenant = call.identity.tenant;
    QQ_ASSIGN_OR_RETURN(*response, store_.CreateWorkOrder(
                                       tenant, call.identity.user_id, draft, snapshot, idempotency,
                                       [&](const WorkOrder& wo, const std::string&) {
                                         return std::optional(WorkOrderCreatedEvent(tenant, wo));
                                       }));
    relay_.Wake();
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* WorkOrderServiceImpl::GetWorkOrder(grpc::CallbackServerContext* ctx,
                                                             const v1::GetWorkOrderRequest* request,
                                                             WorkOrder* response) {
  return guard_.Unary(ctx, "GetWorkOrder", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, kStaff));
    QQ_RETURN_IF_ERROR(CheckWorkOrderId(request->id()));
    QQ_ASSIGN_OR_RETURN(*response, store_.GetWorkOrder(call.identity.tenant, request->id()));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* WorkOrderServiceImpl::ListWorkOrders(
    grpc::CallbackServerContext* ctx, const v1::ListWorkOrdersRequest* request,
    v1::ListWorkOrdersResponse* response) {
  return guard_.Unary(ctx, "ListWorkOrders", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, kStaff));
    int page_size = request->page_size() == 0 ? kDefaultPageSize : request->page_size();
    if (page_size < 1 || page_size > kMaxPageSize) {
      return InvalidField("pageSize", "must be between 1 and 100");
    }
    WorkOrderFilter filter;
    if (!request->customer_id().empty()) {
      if (!LooksLikeUuid(request->customer_id())) return absl::OkStatus();  // matches nothing
      filter.customer_id = request->customer_id();
    }
    if (request->state() != WorkOrder::STATE_UNSPECIFIED) {
      filter.state = StateName(request->state());
    }
    QQ_ASSIGN_OR_RETURN(
        WorkOrderPage page,
        store_.ListWorkOrders(call.identity.tenant, filter, page_size, request->page_token()));
    for (auto& wo : page.work_orders) *response->add_work_orders() = std::move(wo);
    response->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* WorkOrderServiceImpl::AcceptWorkOrder(
    grpc::CallbackServerContext* ctx, const v1::AcceptWorkOrderRequest* request,
    WorkOrder* response) {
  return guard_.Unary(ctx, "AcceptWorkOrder", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kWorker, roles::kLeader}));
    QQ_RETURN_IF_ERROR(CheckWorkOrderId(request->id()));
    const std::string& tenant = call.identity.tenant;
    auto decide = [&](const WorkOrder& current) -> absl::StatusOr<WorkOrderChange> {
      QQ_ASSIGN_OR_RETURN(
          WorkOrderState next,
          WorkOrderStateMachine::Next(current.state(), WorkOrderAction::kAccept, call.identity));
      WorkOrderChange change{
          .to = next, .actor = call.identity.user_id, .comment = request->comment()};
      change.assignee_id = call.identity.user_id;
      return change;
    };
    QQ_ASSIGN_OR_RETURN(
        *response, store_.ChangeWorkOrder(
                       tenant, request->id(), decide, [&](const WorkOrder& wo, const std::string&) {
                         return std::optional(WorkOrderAcceptedEvent(tenant, wo));
                       }));
    relay_.Wake();
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* WorkOrderServiceImpl::ResolveWorkOrder(
    grpc::CallbackServerContext* ctx, const v1::ResolveWorkOrderRequest* request,
    WorkOrder* response) {
  return guard_.Unary(ctx, "ResolveWorkOrder", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kWorker, roles::kLeader}));
    QQ_RETURN_IF_ERROR(CheckWorkOrderId(request->id()));
    std::string result(absl::StripAsciiWhitespace(request->result()));
    if (result.empty()) return InvalidField("result", "is required: say what was done");
    if (result.size() > kMaxResultBytes) return InvalidField("result", "is longer than 4000 bytes");
    const std::string& tenant = call.identity.tenant;
    auto decide = [&](const WorkOrder& current) -> absl::StatusOr<WorkOrderChange> {
      QQ_ASSIGN_OR_RETURN(
          WorkOrderState next,
          WorkOrderStateMachine::Next(current.state(), WorkOrderAction::kResolve, call.identity));
      // A worker resolves only what they accepted; leaders may close for their team.
      if (!call.identity.HasAnyRole({roles::kLeader, roles::kAdmin}) &&
          current.assignee_id() != call.identity.user_id) {
        return absl::PermissionDeniedError("this work order was accepted by someone else");
      }
      WorkOrderChange change{.to = next, .actor = call.identity.user_id, .comment = result};
      change.result = result;
      change.mark_resolved = true;
      return change;
    };
    QQ_ASSIGN_OR_RETURN(
        *response,
        store_.ChangeWorkOrder(tenant, request->id(), decide,
                               [&](const WorkOrder& wo, const std::string& phone) {
                                 return std::optional(WorkOrderResolvedEvent(tenant, wo, phone));
                               }));
    relay_.Wake();
    return absl::OkStatus();
  });
}

absl::Status HandleDispatchEvent(OrderStore& store, pqxx::work& txn, const StreamEvent& event) {
  if (event.type != "workorder.assigned") return absl::OkStatus();
  qingquan::common::v1::WorkOrderAssigned assigned;
  if (!assigned.ParseFromString(event.payload)) {
    return absl::InvalidArgumentError("workorder.assigned payload does not parse");
  }
  Identity dispatch_service{event.tenant, "system:dispatch", "dispatch", {"service"}};
  auto decide = [&](const WorkOrder& current) -> absl::StatusOr<WorkOrderChange> {
    WorkOrderChange change{.to = current.state(), .actor = "system:dispatch"};
    change.team_id = assigned.team_id();
    change.team_name = assigned.team_name();
    change.area_name = assigned.area_name();
    change.comment = assigned.team_name().empty()
                         ? "no team covers this address"
                         : "assigned to " + assigned.team_name() +
                               (assigned.outside_areas() ? " (outside all areas)" : "");
    // Only a fresh order moves on; a late assignment of an order already taken or
    // cancelled is recorded without a state step.
    auto next =
        WorkOrderStateMachine::Next(current.state(), WorkOrderAction::kDispatch, dispatch_service);
    if (next.ok() && !assigned.team_id().empty()) {
      change.to = *next;
    } else {
      change.changes_state = false;
    }
    return change;
  };
  auto changed =
      store.ChangeWorkOrderIn(txn, event.tenant, assigned.work_order_id(), decide, NoEvent());
  // An assignment for an order this tenant doesn't have can never succeed: drop it.
  if (changed.status().code() == absl::StatusCode::kNotFound) return absl::OkStatus();
  return changed.status();
}

}  // namespace qq::order
