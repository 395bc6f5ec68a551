// gRPC handlers for the people in the field: their profiles, duty and location reports
// (StaffService), the couriers' routes and the customers' tracking (RouteService); and
// the handler of the order service's delivery events that keeps the routes.
#pragma once

#include <pqxx/pqxx>

#include "qingquan/dispatch/v1/dispatch.grpc.pb.h"
#include "services/common/call_guard.h"
#include "services/common/event_consumer.h"
#include "services/common/outbox.h"
#include "services/dispatch/route_store.h"
#include "services/dispatch/staff_directory.h"
#include "services/dispatch/staff_store.h"
#include "services/dispatch/tracking_hub.h"

namespace qq::dispatch {

class StaffServiceImpl final : public qingquan::dispatch::v1::StaffService::CallbackService {
 public:
  // `people` tells whether a user id is a fitting staff account of the tenant.
  StaffServiceImpl(CallGuard& guard, StaffStore& staff, RouteStore& routes, OutboxRelay& relay,
                   StaffDirectory& people)
      : guard_(guard), staff_(staff), routes_(routes), relay_(relay), people_(people) {}

  // The user must be a staff account of the tenant with a role fitting the kind
  // (INVALID_ARGUMENT naming "userId"); UNAVAILABLE when the customer service cannot say.
  // An empty name becomes the account's display name.
  grpc::ServerUnaryReactor* PutStaff(grpc::CallbackServerContext* ctx,
                                     const qingquan::dispatch::v1::PutStaffRequest* request,
                                     Staff* response) override;
  grpc::ServerUnaryReactor* GetStaff(grpc::CallbackServerContext* ctx,
                                     const qingquan::dispatch::v1::GetStaffRequest* request,
                                     Staff* response) override;
  grpc::ServerUnaryReactor* ListStaff(grpc::CallbackServerContext* ctx,
                                      const qingquan::dispatch::v1::ListStaffRequest* request,
                                      qingquan::dispatch::v1::ListStaffResponse* response) override;
  // Refused while the person has open work (StaffStore::Delete).
  grpc::ServerUnaryReactor* DeleteStaff(
      grpc::CallbackServerContext* ctx, const qingquan::dispatch::v1::DeleteStaffRequest* request,
      qingquan::dispatch::v1::DeleteStaffResponse* response) override;
  // Coming on duty puts the stops waiting for a courier on routes.
  grpc::ServerUnaryReactor* SetMyDuty(grpc::CallbackServerContext* ctx,
                                      const qingquan::dispatch::v1::SetMyDutyRequest* request,
                                      Staff* response) override;
  grpc::ServerUnaryReactor* ReportLocations(
      grpc::CallbackServerContext* ctx,
      const qingquan::dispatch::v1::ReportLocationsRequest* request,
      qingquan::dispatch::v1::ReportLocationsResponse* response) override;

 private:
  CallGuard& guard_;
  StaffStore& staff_;
  RouteStore& routes_;
  OutboxRelay& relay_;
  StaffDirectory& people_;
};

class RouteServiceImpl final : public qingquan::dispatch::v1::RouteService::CallbackService {
 public:
  // Live tracking reads on `workers` when `hub` wakes it.
  RouteServiceImpl(CallGuard& guard, RouteStore& routes, OutboxRelay& relay, TrackingHub& hub,
                   WorkerPool& workers)
      : guard_(guard), routes_(routes), relay_(relay), hub_(hub), workers_(workers) {}

  grpc::ServerUnaryReactor* GetMyRoute(grpc::CallbackServerContext* ctx,
                                       const qingquan::dispatch::v1::GetMyRouteRequest* request,
                                       Route* response) override;
  grpc::ServerUnaryReactor* GetRoute(grpc::CallbackServerContext* ctx,
                                     const qingquan::dispatch::v1::GetRouteRequest* request,
                                     Route* response) override;
  grpc::ServerUnaryReactor* ReplanRoutes(
      grpc::CallbackServerContext* ctx, const qingquan::dispatch::v1::ReplanRoutesRequest* request,
      qingquan::dispatch::v1::ReplanRoutesResponse* response) override;
  grpc::ServerUnaryReactor* GetTracking(grpc::CallbackServerContext* ctx,
                                        const qingquan::dispatch::v1::GetTrackingRequest* request,
                                        qingquan::dispatch::v1::Tracking* response) override;
  grpc::ServerWriteReactor<qingquan::dispatch::v1::Tracking>* WatchTracking(
      grpc::CallbackServerContext* ctx,
      const qingquan::dispatch::v1::GetTrackingRequest* request) override;

 private:
  class TrackingWatch;
  struct TrackingView {
    qingquan::dispatch::v1::Tracking tracking;
    std::string courier_id;  // whose route the order is on; empty: none
    bool finished = false;   // delivered or cancelled: nothing more will change
  };
  // The tracking the caller may see (NOT_FOUND for a customer's look at another's order).
  absl::StatusOr<TrackingView> TrackingOf(const CallContext& call, const std::string& order_id);

  CallGuard& guard_;
  RouteStore& routes_;
  OutboxRelay& relay_;
  TrackingHub& hub_;
  WorkerPool& workers_;
};

// Event types of "qq:events:order" that shape the routes.
inline constexpr const char* kDeliveryEventTypes[] = {
    "order.created",   "order.assigned",  "order.delivering", "order.arrived",
    "order.delivered", "order.cancelled", "order.failed",     "order.updated"};

// Handles one delivery event inside the consumer's transaction: a new order becomes a
// stop and is placed on a courier's route (announced as "delivery.assigned"); later steps
// move it along or off its route. Other types: ignored.
absl::Status HandleDeliveryEvent(pqxx::work& txn, const StreamEvent& event);

}  // namespace qq::dispatch
