#include "services/dispatch/field_service.h"

#include "absl/strings/ascii.h"
#include "qingquan/common/v1/events.pb.h"
#include "services/common/ids.h"
#include "services/common/pg_pool.h"
#include "services/common/status.h"
#include "services/dispatch/domain/staff_profile.h"

namespace qq::dispatch {

namespace v1 = qingquan::dispatch::v1;

namespace {

// Tokens of customers (the mini-program): the user id is the customer id.
constexpr absl::string_view kCustomerRole = "customer";
constexpr size_t kMaxUserIdBytes = 64;

constexpr std::initializer_list<absl::string_view> kProfileWriters = {
    roles::kAdmin, roles::kManager, roles::kDispatcher, roles::kLeader};
constexpr std::initializer_list<absl::string_view> kStaffReaders = {
    roles::kAdmin,  roles::kManager, roles::kDispatcher, roles::kLeader,
    roles::kWorker, roles::kCourier, roles::kAgent,      roles::kService};
constexpr std::initializer_list<absl::string_view> kFieldRoles = {roles::kWorker, roles::kCourier};
constexpr std::initializer_list<absl::string_view> kTrackingStaff = {
    roles::kAdmin, roles::kManager, roles::kDispatcher,
    roles::kAgent, roles::kCourier, roles::kService};

}  // namespace

grpc::ServerUnaryReactor* StaffServiceImpl::PutStaff(grpc::CallbackServerContext* ctx,
                                                     const v1::PutStaffRequest* request,
                                                     Staff* response) {
  return guard_.Offloaded(
      ctx, "PutStaff", [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(call, kProfileWriters));
        Staff staff = request->staff();
        staff.set_user_id(std::string(absl::StripAsciiWhitespace(staff.user_id())));
        if (staff.user_id().empty() || staff.user_id().size() > kMaxUserIdBytes) {
          return InvalidField("userId", "is required (the person's login id), at most 64 bytes");
        }
        staff.set_name(std::string(absl::StripAsciiWhitespace(staff.name())));
        QQ_RETURN_IF_ERROR(CheckStaffProfile(staff));
        QQ_ASSIGN_OR_RETURN(*response, staff_.Put(call.identity.tenant, staff));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* StaffServiceImpl::GetStaff(grpc::CallbackServerContext* ctx,
                                                     const v1::GetStaffRequest* request,
                                                     Staff* response) {
  return guard_.Offloaded(
      ctx, "GetStaff", [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(call, kStaffReaders));
        const std::string user =
            request->user_id() == "me" ? call.identity.user_id : request->user_id();
        QQ_ASSIGN_OR_RETURN(*response, staff_.Get(call.identity.tenant, user));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* StaffServiceImpl::ListStaff(grpc::CallbackServerContext* ctx,
                                                      const v1::ListStaffRequest* request,
                                                      v1::ListStaffResponse* response) {
  return guard_.Offloaded(
      ctx, "ListStaff", [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(call, kStaffReaders));
        StaffFilter filter{.team_id = request->team_id(),
                           .on_duty_only = request->on_duty(),
                           .skill = request->skill()};
        if (request->kind() != Staff::KIND_UNSPECIFIED) {
          filter.kind = Staff::Kind_Name(request->kind());
        }
        QQ_ASSIGN_OR_RETURN(auto all, staff_.List(call.identity.tenant, filter));
        for (auto& s : all) *response->add_staff() = std::move(s);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* StaffServiceImpl::SetMyDuty(grpc::CallbackServerContext* ctx,
                                                      const v1::SetMyDutyRequest* request,
                                                      Staff* response) {
  return guard_.Offloaded(
      ctx, "SetMyDuty", [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(call, kFieldRoles));
        const std::string& tenant = call.identity.tenant;
        QQ_ASSIGN_OR_RETURN(*response,
                            staff_.SetDuty(tenant, call.identity.user_id, request->on_duty()));
        if (request->on_duty() && response->kind() == Staff::COURIER) {
          QQ_RETURN_IF_ERROR(routes_.pool().Transact([&](pqxx::work& txn) -> absl::Status {
            return RouteStore::PlaceWaitingStopsIn(txn, tenant, absl::Now()).status();
          }));
          relay_.Wake();
          QQ_ASSIGN_OR_RETURN(*response, staff_.Get(tenant, call.identity.user_id));
        }
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* StaffServiceImpl::ReportLocations(
    grpc::CallbackServerContext* ctx, const v1::ReportLocationsRequest* request,
    v1::ReportLocationsResponse* response) {
  return guard_.Offloaded(
      ctx, "ReportLocations", [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(call, kFieldRoles));
        QQ_RETURN_IF_ERROR(CheckLocationBatch(*request, absl::Now()));
        QQ_ASSIGN_OR_RETURN(*response, staff_.ReportLocations(call.identity.tenant,
                                                              call.identity.user_id, *request));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RouteServiceImpl::GetMyRoute(grpc::CallbackServerContext* ctx,
                                                       const v1::GetMyRouteRequest* request,
                                                       Route* response) {
  return guard_.Offloaded(
      ctx, "GetMyRoute", [this, request, response](const CallContext& call) -> absl::Status {
        (void)request;
        QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kCourier}));
        QQ_ASSIGN_OR_RETURN(
            *response, routes_.RouteOf(call.identity.tenant, call.identity.user_id, absl::Now()));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RouteServiceImpl::GetRoute(grpc::CallbackServerContext* ctx,
                                                     const v1::GetRouteRequest* request,
                                                     Route* response) {
  return guard_.Offloaded(
      ctx, "GetRoute", [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(
            call, {roles::kAdmin, roles::kManager, roles::kDispatcher, roles::kService}));
        QQ_ASSIGN_OR_RETURN(
            *response, routes_.RouteOf(call.identity.tenant, request->courier_id(), absl::Now()));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RouteServiceImpl::ReplanRoutes(grpc::CallbackServerContext* ctx,
                                                         const v1::ReplanRoutesRequest* request,
                                                         v1::ReplanRoutesResponse* response) {
  return guard_.Offloaded(
      ctx, "ReplanRoutes", [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kAdmin, roles::kManager, roles::kDispatcher}));
        double budget = request->time_budget_seconds() == 0 ? 10 : request->time_budget_seconds();
        if (!(budget >= 0.5 && budget <= 60)) {
          return InvalidField("timeBudgetSeconds", "must be between 0.5 and 60");
        }
        QQ_ASSIGN_OR_RETURN(*response, routes_.Replan(call.identity.tenant, absl::Seconds(budget),
                                                      request->dry_run(), absl::Now()));
        relay_.Wake();
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* RouteServiceImpl::GetTracking(grpc::CallbackServerContext* ctx,
                                                        const v1::GetTrackingRequest* request,
                                                        v1::Tracking* response) {
  return guard_.Offloaded(
      ctx, "GetTracking", [this, request, response](const CallContext& call) -> absl::Status {
        const bool staff = call.identity.HasAnyRole(kTrackingStaff);
        const bool customer = call.identity.HasRole(kCustomerRole);
        if (!staff && !customer) {
          return absl::PermissionDeniedError("tracking is for the order's customer and staff");
        }
        const std::string& tenant = call.identity.tenant;
        QQ_ASSIGN_OR_RETURN(StopRecord stop, routes_.StopOf(tenant, request->order_id()));
        // Someone else's order does not exist for a customer.
        if (!staff && stop.customer_id != call.identity.user_id) {
          return WithField(absl::NotFoundError("no such delivery order"), "orderId");
        }
        response->set_order_id(stop.stop.order_id());
        response->set_number(stop.stop.number());
        response->set_state(stop.state);
        const bool on_route = !stop.courier_id.empty() && stop.stop.sequence() > 0 &&
                              (stop.state == "ASSIGNED" || stop.state == "DELIVERING");
        if (!on_route) return absl::OkStatus();
        QQ_ASSIGN_OR_RETURN(Route route, routes_.RouteOf(tenant, stop.courier_id, absl::Now()));
        response->set_courier_name(route.courier_name());
        if (route.has_position()) {
          *response->mutable_courier_position() = route.position();
          *response->mutable_position_time() = route.position_time();
        }
        for (int i = 0; i < route.stops_size(); ++i) {
          if (route.stops(i).order_id() != stop.stop.order_id()) continue;
          response->set_stops_before(i);
          *response->mutable_eta() = route.stops(i).eta();
        }
        return absl::OkStatus();
      });
}

absl::Status HandleDeliveryEvent(pqxx::work& txn, const StreamEvent& event) {
  bool wanted = false;
  for (const char* type : kDeliveryEventTypes) wanted = wanted || event.type == type;
  if (!wanted) return absl::OkStatus();
  qingquan::common::v1::DeliveryOrderChanged order;
  if (!order.ParseFromString(event.payload) || order.order_id().empty() || event.tenant.empty()) {
    return absl::InvalidArgumentError(event.type + " payload does not parse or names no order");
  }
  const absl::Time now = absl::Now();
  if (event.type == "order.created") {
    RouteStore::AddStopIn(txn, event.tenant, order);
    return RouteStore::PlaceStopIn(txn, event.tenant, order.order_id(), now).status();
  }
  return RouteStore::ApplyOrderChangeIn(txn, event.tenant, event.type, order, now);
}

}  // namespace qq::dispatch
