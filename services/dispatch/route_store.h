// SQL for the couriers' delivery stops: copies of the delivery orders the order service
// announces, each with the courier and place on the route the optimiser gave it.
// Placing a stop runs under a per-tenant advisory lock, so two placements never read the
// same routes and write conflicting sequences.
#pragma once

#include <pqxx/pqxx>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "qingquan/common/v1/events.pb.h"
#include "qingquan/dispatch/v1/dispatch.pb.h"
#include "services/dispatch/domain/route_planning.h"

namespace qq {
class PgPool;
}

namespace qq::dispatch {

using qingquan::dispatch::v1::Route;
using qingquan::dispatch::v1::RouteStop;
using qingquan::dispatch::v1::Staff;

// A delivery order's state on a route: the courier set out (DELIVERING) or is at the door
// (ARRIVED). Such a stop stays at the front of its route when re-planning.
inline bool IsUnderWay(const std::string& state) {
  return state == "DELIVERING" || state == "ARRIVED";
}
// Any state of an order still on a route.
inline bool IsOnRouteState(const std::string& state) {
  return state == "ASSIGNED" || IsUnderWay(state);
}

struct StopRecord {
  std::string tenant;
  std::string customer_id;
  std::string state;
  RouteStop stop;  // sequence 0 when not on a route
  std::string courier_id;
  std::string unassigned_reason;
  StopForPlanning planning;
};

class RouteStore {
 public:
  explicit RouteStore(PgPool& pool);

  // Copies a new delivery order (order.created); a repeat changes nothing. With `refresh`
  // (order.updated) an existing stop takes the order's address, notes, items and window.
  static void AddStopIn(pqxx::work& txn, const std::string& tenant,
                        const qingquan::common::v1::DeliveryOrderChanged& order,
                        bool refresh = false);

  // Puts the stop on a courier's route (the best place among the couriers on duty, or on
  // `only_courier`'s route), renumbering that route, and appends "delivery.assigned" to
  // the outbox. Not placed: records why and returns the reason. A stop already on a route
  // (or closed, or unknown) is left alone and nullopt returned.
  static absl::StatusOr<std::optional<Placement>> PlaceStopIn(pqxx::work& txn,
                                                              const std::string& tenant,
                                                              const std::string& order_id,
                                                              absl::Time now,
                                                              const std::string& only_courier = "");

  // PlaceStopIn for the order's stop, announcing "delivery.unplaced" when no courier can
  // take it (the order service then says why on the order's timeline).
  static absl::Status PlaceOrAnnounceIn(pqxx::work& txn, const std::string& tenant,
                                        const qingquan::common::v1::DeliveryOrderChanged& order,
                                        absl::Time now);

  // Appends "delivery.unplaced" with `placement`'s reason, in words too.
  static void AnnounceUnplacedIn(pqxx::work& txn, const std::string& tenant,
                                 const qingquan::common::v1::DeliveryOrderChanged& order,
                                 const Placement& placement);

  // Places every stop not on a route yet (a courier came on duty), most urgent first.
  static absl::StatusOr<int> PlaceWaitingStopsIn(pqxx::work& txn, const std::string& tenant,
                                                 absl::Time now);

  // Follows the order through its workflow (order.assigned, .delivering, .delivered,
  // .cancelled, .failed): state, courier changes by a person, leaving the route.
  static absl::Status ApplyOrderChangeIn(pqxx::work& txn, const std::string& tenant,
                                         const std::string& type,
                                         const qingquan::common::v1::DeliveryOrderChanged& order,
                                         absl::Time now);

  // Re-plans the tenant's open stops over the couriers on duty (ReplanAll) for `budget`
  // without holding anything, then applies the plan under the routes lock: new sequences,
  // stops that changed courier announced as "delivery.reassigned" (waiting ones placed as
  // "delivery.assigned"); stops placed meanwhile keep their courier and follow; stops the
  // plan cannot serve stay at the end of their route. ABORTED when a stop the plan moved
  // was started meanwhile by its courier.
  absl::StatusOr<qingquan::dispatch::v1::ReplanRoutesResponse> Replan(const std::string& tenant,
                                                                      absl::Duration budget,
                                                                      bool dry_run, absl::Time now);

  // The routes of `couriers` (profiles as FillStaff reads them), in their order, with ETAs
  // as RouteOf; a courier with no open stop has an empty route.
  static std::vector<Route> RoutesOfIn(pqxx::work& txn, const std::string& tenant,
                                       const std::vector<Staff>& couriers, absl::Time now);

  // The courier's open stops in order, with ETAs from `position` at `now`.
  absl::StatusOr<Route> RouteOf(const std::string& tenant, const std::string& courier_id,
                                absl::Time now);
  // One stop (NOT_FOUND, field "orderId", when the tenant has no such delivery order).
  absl::StatusOr<StopRecord> StopOf(const std::string& tenant, const std::string& order_id);

  PgPool& pool() { return pool_; }

 private:
  PgPool& pool_;
};

}  // namespace qq::dispatch
