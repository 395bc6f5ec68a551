// Delivery routes as the dispatch service runs them: the couriers on duty and their open
// stops become a vrptw::Problem (times in seconds from now, straight-line travel with a
// detour factor at the vehicle's speed), a new order goes where the optimiser's Insert
// puts it, and ETAs follow a route from the courier's position. Pure: no I/O.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "qingquan/dispatch/v1/dispatch.pb.h"
#include "services/dispatch/domain/vrptw/travel_model.h"

namespace qq::dispatch {

using Vehicle = qingquan::dispatch::v1::Staff::Vehicle;

// Streets are not straight: great-circle distance × this.
inline constexpr double kDetourFactor = 1.3;

// Average city speed of a vehicle type, m/s.
double SpeedOf(Vehicle vehicle);
// Time at a stop: parking, carrying barrels up, collecting empties.
absl::Duration ServiceTimeFor(int barrels);

struct CourierForPlanning {
  std::string user_id;
  vrptw::LatLng start;  // the last reported position, else the home base
  vrptw::LatLng home;   // where the route ends
  int capacity = 0;     // barrels
  Vehicle vehicle = qingquan::dispatch::v1::Staff::TRICYCLE;
  std::optional<absl::Time> shift_end;  // must be home by then
};

struct StopForPlanning {
  std::string order_id;
  vrptw::LatLng location;
  int demand = 0;  // barrels
  std::optional<absl::Time> window_start;
  std::optional<absl::Time> window_end;
  std::string courier_id;  // empty: not on a route
  bool started = false;    // under way (DELIVERING): stays at the front of its route
};

struct Placement {
  bool placed = false;
  std::string courier_id;
  // The courier's stops (order ids) in their new order, the new one included.
  std::vector<std::string> route;
  int sequence = 0;  // 1-based place of the new stop
  // Why it could not be placed: TIME_WINDOW, CAPACITY, SHIFT_END or NO_VEHICLE.
  std::string reason;
};

// Why a stop was not placed, for people (the order's timeline): `reason` as in Placement,
// `demand` the stop's barrels, `largest_vehicle` the most any courier on duty carries (0:
// none on duty).
std::string UnplacedDetail(const std::string& reason, int demand, int largest_vehicle);

// Where `stop` goes among `couriers`, given the stops already on their routes (`routed`,
// each courier's in route order). Stops already routed do not move; stops of couriers not
// in `couriers` are ignored. `only_courier` restricts the choice (a dispatcher's pick).
absl::StatusOr<Placement> PlaceStop(const std::vector<CourierForPlanning>& couriers,
                                    const std::vector<StopForPlanning>& routed,
                                    const StopForPlanning& stop, absl::Time now,
                                    const std::string& only_courier = "");

struct ReplanOutcome {
  // Every courier given, with their stops (order ids) in the new order.
  std::vector<std::pair<std::string, std::vector<std::string>>> routes;
  // Stops no courier can take, with the reason (TIME_WINDOW, CAPACITY, SHIFT_END,
  // NO_VEHICLE).
  std::vector<std::pair<std::string, std::string>> unserved;
  int couriers_used_before = 0;
  int couriers_used_after = 0;
  double distance_before_m = 0;
  double distance_after_m = 0;
  double seconds = 0;
};

// Plans all `stops` (on routes or waiting) anew over `couriers` with the optimiser's full
// search for `budget`, minimising total distance; started stops stay first on their
// courier's route. Stops of couriers not given are left out of the plan (and of the
// outcome). Deterministic for a seed when the search stops on iterations, not on time.
absl::StatusOr<ReplanOutcome> ReplanAll(const std::vector<CourierForPlanning>& couriers,
                                        const std::vector<StopForPlanning>& stops, absl::Time now,
                                        absl::Duration budget, uint64_t seed = 1);

// Arrival time at each stop of `route` in order, leaving `from` at `now`: travel at the
// vehicle's speed, wait for a window to open, then the service time.
std::vector<absl::Time> EstimateArrivals(const vrptw::LatLng& from, Vehicle vehicle, absl::Time now,
                                         const std::vector<StopForPlanning>& route);

}  // namespace qq::dispatch
