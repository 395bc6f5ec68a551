// Standing orders (定期送水): the gRPC handlers, and the generator that turns each due
// occurrence into an ordinary delivery order.
#pragma once

#include <chrono>

#include "qingquan/order/v1/order.grpc.pb.h"
#include "services/common/call_guard.h"
#include "services/common/outbox.h"
#include "services/common/wakeable_loop.h"
#include "services/order/customer_directory.h"
#include "services/order/delivery_store.h"
#include "services/order/sla_store.h"
#include "services/order/standing_order_store.h"

namespace qq::order {

// The tenant's time zone (its SLA business calendar's) and today there.
struct TenantClock {
  absl::TimeZone zone;
  absl::Time now;
  absl::CivilDay today;
};
absl::StatusOr<TenantClock> TenantClockOf(SlaSettingsStore& settings, const std::string& tenant,
                                          absl::Time now);

class StandingOrderGenerator {
 public:
  StandingOrderGenerator(StandingOrderStore& store, DeliveryStore& deliveries,
                         CustomerDirectory& customers, SlaSettingsStore& settings,
                         OutboxRelay& relay)
      : store_(store),
        deliveries_(deliveries),
        customers_(customers),
        settings_(settings),
        relay_(relay) {}

  void Start(std::chrono::milliseconds interval);
  void Wake() { loop_.Wake(); }
  void Stop() { loop_.Stop(); }
  // One pass over the due standing orders; returns how many orders it created.
  absl::StatusOr<int> RunOnce();

 private:
  // Creates the order of `due`'s next delivery day (or passes the day over, pauses the
  // standing order on a lasting problem, or postpones on a passing one). True when an
  // order was created.
  absl::StatusOr<bool> CreateOccurrence(const DueStandingOrder& due);

  StandingOrderStore& store_;
  DeliveryStore& deliveries_;
  CustomerDirectory& customers_;
  SlaSettingsStore& settings_;
  OutboxRelay& relay_;
  WakeableLoop loop_;  // last: stopped before the members it uses go
};

class StandingOrderServiceImpl final
    : public qingquan::order::v1::StandingOrderService::CallbackService {
 public:
  StandingOrderServiceImpl(CallGuard& guard, StandingOrderStore& store,
                           CustomerDirectory& customers, SlaSettingsStore& settings,
                           StandingOrderGenerator& generator)
      : guard_(guard),
        store_(store),
        customers_(customers),
        settings_(settings),
        generator_(generator) {}

  grpc::ServerUnaryReactor* CreateStandingOrder(
      grpc::CallbackServerContext* ctx,
      const qingquan::order::v1::CreateStandingOrderRequest* request,
      StandingOrder* response) override;
  grpc::ServerUnaryReactor* GetStandingOrder(
      grpc::CallbackServerContext* ctx, const qingquan::order::v1::GetStandingOrderRequest* request,
      StandingOrder* response) override;
  grpc::ServerUnaryReactor* ListStandingOrders(
      grpc::CallbackServerContext* ctx,
      const qingquan::order::v1::ListStandingOrdersRequest* request,
      qingquan::order::v1::ListStandingOrdersResponse* response) override;
  grpc::ServerUnaryReactor* UpdateStandingOrder(
      grpc::CallbackServerContext* ctx,
      const qingquan::order::v1::UpdateStandingOrderRequest* request,
      StandingOrder* response) override;
  grpc::ServerUnaryReactor* ChangeStandingOrderState(
      grpc::CallbackServerContext* ctx,
      const qingquan::order::v1::ChangeStandingOrderStateRequest* request,
      StandingOrder* response) override;

 private:
  // Checks a whole spec as of `clock` (template, schedule, custom fields against
  // `current_fields` when updating, the customer and address); returns the schedule.
  absl::StatusOr<StandingSchedule> CheckSpec(const CallContext& call, StandingOrder& spec,
                                             const TenantClock& clock,
                                             const google::protobuf::Struct* current_fields);

  CallGuard& guard_;
  StandingOrderStore& store_;
  CustomerDirectory& customers_;
  SlaSettingsStore& settings_;
  StandingOrderGenerator& generator_;
};

}  // namespace qq::order
