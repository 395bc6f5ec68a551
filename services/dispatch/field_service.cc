#include "services/dispatch/field_service.h"

#include <chrono>
#include <mutex>
#include <utility>

#include <google/protobuf/util/time_util.h>

#include "absl/strings/ascii.h"
#include "qingquan/common/v1/events.pb.h"
#include "services/common/grpc_status.h"
#include "services/common/ids.h"
#include "services/common/log.h"
#include "services/common/pg_pool.h"
#include "services/common/status.h"
#include "services/common/text/utf8_text.h"
#include "services/dispatch/domain/staff_profile.h"

namespace qq::dispatch {

namespace v1 = qingquan::dispatch::v1;

namespace {

// Tokens of customers (the mini-program): the user id is the customer id.
constexpr absl::string_view kCustomerRole = "customer";

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
        if (staff.user_id().empty()) {
          return InvalidField("userId", "is required (the person's login id)");
        }
        staff.set_name(std::string(text::TrimSpaces(staff.name())));
        QQ_RETURN_IF_ERROR(CheckStaffProfile(staff));
        // Only the tenant's own staff, in a role that fits the kind, get a profile.
        const StaffPlace& place = staff.kind() == Staff::COURIER ? kCourierPlace : kWorkerPlace;
        QQ_ASSIGN_OR_RETURN(
            std::vector<StaffAccount> accounts,
            CheckStaff(people_, call.identity.tenant,
                       {{.field = "userId", .id = staff.user_id(), .place = &place}}));
        const StaffAccount* account = FindAccount(accounts, staff.user_id());
        // The account's own spelling: the id tokens carry.
        if (account != nullptr) staff.set_user_id(account->id);
        if (staff.name().empty() && account != nullptr) {
          staff.set_name(text::TruncateChars(
              account->display_name.empty() ? account->username : account->display_name,
              kMaxStaffNameChars));
        }
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

grpc::ServerUnaryReactor* StaffServiceImpl::DeleteStaff(grpc::CallbackServerContext* ctx,
                                                        const v1::DeleteStaffRequest* request,
                                                        v1::DeleteStaffResponse* response) {
  return guard_.Offloaded(ctx, "DeleteStaff",
                          [this, request, response](const CallContext& call) -> absl::Status {
                            (void)response;
                            QQ_RETURN_IF_ERROR(RequireRole(call, kProfileWriters));
                            return staff_.Delete(call.identity.tenant, request->user_id());
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

namespace {

absl::Status CheckTrackingCaller(const CallContext& call) {
  if (call.identity.HasAnyRole(kTrackingStaff) || call.identity.HasRole(kCustomerRole)) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError("tracking is for the order's customer and staff");
}

}  // namespace

absl::StatusOr<RouteServiceImpl::TrackingView> RouteServiceImpl::TrackingOf(
    const CallContext& call, const std::string& order_id) {
  const std::string& tenant = call.identity.tenant;
  QQ_ASSIGN_OR_RETURN(StopRecord stop, routes_.StopOf(tenant, order_id));
  // Someone else's order does not exist for a customer.
  if (!call.identity.HasAnyRole(kTrackingStaff) && stop.customer_id != call.identity.user_id) {
    return WithField(absl::NotFoundError("no such delivery order"), "orderId");
  }
  TrackingView view;
  v1::Tracking& tracking = view.tracking;
  tracking.set_order_id(stop.stop.order_id());
  tracking.set_number(stop.stop.number());
  tracking.set_state(stop.state);
  view.finished = stop.state == "DELIVERED" || stop.state == "CANCELLED";
  const bool on_route =
      !stop.courier_id.empty() && stop.stop.sequence() > 0 && IsOnRouteState(stop.state);
  if (!on_route) return view;
  view.courier_id = stop.courier_id;
  QQ_ASSIGN_OR_RETURN(Route route, routes_.RouteOf(tenant, stop.courier_id, absl::Now()));
  tracking.set_courier_name(route.courier_name());
  if (route.has_position()) {
    *tracking.mutable_courier_position() = route.position();
    *tracking.mutable_position_time() = route.position_time();
  }
  for (int i = 0; i < route.stops_size(); ++i) {
    if (route.stops(i).order_id() != stop.stop.order_id()) continue;
    tracking.set_stops_before(i);
    *tracking.mutable_eta() = route.stops(i).eta();
    tracking.mutable_eta()->set_nanos(0);  // whole seconds: no event for a change below that
  }
  return view;
}

grpc::ServerUnaryReactor* RouteServiceImpl::GetTracking(grpc::CallbackServerContext* ctx,
                                                        const v1::GetTrackingRequest* request,
                                                        v1::Tracking* response) {
  return guard_.Offloaded(
      ctx, "GetTracking", [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(CheckTrackingCaller(call));
        QQ_ASSIGN_OR_RETURN(TrackingView view, TrackingOf(call, request->order_id()));
        *response = std::move(view.tracking);
        return absl::OkStatus();
      });
}

// One WatchTracking call. The hub wakes it (on its own thread) when the order, its route
// or its courier's position may have changed; the tracking is then read again on the
// handler pool and written when it differs from the last one sent (or when the hub's
// heartbeat asks). At most one read and one write are in flight; a wake arriving during
// either is remembered and served after. The reactor is deleted once gRPC is done with
// it and no read is pending.
class RouteServiceImpl::TrackingWatch final : public grpc::ServerWriteReactor<v1::Tracking> {
 public:
  TrackingWatch(RouteServiceImpl& service, grpc::CallbackServerContext* ctx,
                const v1::GetTrackingRequest& request)
      : service_(service), order_id_(request.order_id()), start_(std::chrono::steady_clock::now()) {
    absl::StatusOr<CallContext> call = service_.guard_.AuthenticateStream(ctx);
    absl::Status status = call.status();
    if (status.ok()) status = CheckTrackingCaller(*call);
    if (!status.ok()) {
      finished_ = true;
      End(status);
      return;
    }
    call_ = *std::move(call);
    watcher_ = service_.hub_.Watch(call_.identity.tenant, order_id_, [this] { Refresh(); });
    Refresh();
  }

  void OnWriteDone(bool ok) override {
    bool again = false;
    {
      std::lock_guard lock(mu_);
      writing_ = false;
      if (finished_) return;
      if (!ok || last_was_final_) {
        finished_ = true;
      } else {
        again = std::exchange(dirty_, false);
      }
    }
    if (!ok) return End(absl::CancelledError("the client went away"));
    if (last_was_final_) return End(absl::OkStatus());
    if (again) Refresh();
  }

  void OnCancel() override {
    {
      std::lock_guard lock(mu_);
      if (finished_) return;
      finished_ = true;
    }
    End(absl::CancelledError("the client went away"));
  }

  void OnDone() override {
    if (watcher_ != 0) service_.hub_.Unwatch(watcher_);  // no wake runs after this
    bool last = false;
    {
      std::lock_guard lock(mu_);
      done_ = true;
      last = !reading_;
    }
    if (last) delete this;
  }

 private:
  // Asks for a fresh read; runs on the hub's thread or after a write.
  void Refresh() {
    {
      std::lock_guard lock(mu_);
      if (finished_ || done_) return;
      if (reading_ || writing_) {
        dirty_ = true;
        return;
      }
      reading_ = true;
    }
    service_.workers_.Submit([this] { Read(); });
  }

  void Read() {
    absl::StatusOr<TrackingView> view = [&]() -> absl::StatusOr<TrackingView> {
      ScopedLogContext log_context(call_.request_id, call_.identity.tenant);
      return CallGuard::RunGuarded([&] { return service_.TrackingOf(call_, order_id_); });
    }();
    if (view.ok() && watcher_ != 0) {
      const long long seen_report = view->tracking.has_position_time()
                                        ? google::protobuf::util::TimeUtil::TimestampToMicroseconds(
                                              view->tracking.position_time())
                                        : 0;
      service_.hub_.Follow(watcher_, view->courier_id, seen_report);
    }
    std::unique_lock lock(mu_);
    if (done_) {  // gRPC is done with the call and waited for this read to end
      lock.unlock();
      delete this;
      return;
    }
    if (finished_) {
      reading_ = false;
      return;
    }
    if (!view.ok()) {
      reading_ = false;
      finished_ = true;
      lock.unlock();  // OnDone cannot come before Finish
      return End(view.status());
    }
    std::string bytes = view->tracking.SerializeAsString();
    const auto now = std::chrono::steady_clock::now();
    // Unchanged: sent again only as a heartbeat, so the client (and any proxy) knows the
    // stream is alive.
    if (bytes != last_sent_ || now - last_write_ >= kHeartbeat) {
      last_sent_ = std::move(bytes);
      last_write_ = now;
      out_ = std::move(view->tracking);
      last_was_final_ = view->finished;
      reading_ = false;
      writing_ = true;
      StartWrite(&out_);  // under the lock: Finish (and so OnDone) cannot overtake it
      return;
    }
    if (std::exchange(dirty_, false)) {
      lock.unlock();  // still reading_: read again
      service_.workers_.Submit([this] { Read(); });
      return;
    }
    reading_ = false;
  }

  void End(const absl::Status& status) {
    service_.guard_.RecordOutcome("WatchTracking", status, start_);
    Finish(ToGrpcStatus(status));
  }

  static constexpr auto kHeartbeat = std::chrono::seconds(15);

  RouteServiceImpl& service_;
  const std::string order_id_;
  const std::chrono::steady_clock::time_point start_;
  CallContext call_;
  uint64_t watcher_ = 0;
  std::mutex mu_;
  bool reading_ = false;
  bool writing_ = false;
  bool dirty_ = false;
  bool finished_ = false;  // Finish called or about to be
  bool done_ = false;      // OnDone ran
  bool last_was_final_ = false;
  std::string last_sent_;
  std::chrono::steady_clock::time_point last_write_{};
  v1::Tracking out_;
};

grpc::ServerWriteReactor<v1::Tracking>* RouteServiceImpl::WatchTracking(
    grpc::CallbackServerContext* ctx, const v1::GetTrackingRequest* request) {
  return new TrackingWatch(*this, ctx, *request);
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
    return RouteStore::PlaceOrAnnounceIn(txn, event.tenant, order, now);
  }
  return RouteStore::ApplyOrderChangeIn(txn, event.tenant, event.type, order, now);
}

}  // namespace qq::dispatch
