#include "services/dispatch/domain/route_planning.h"

#include <algorithm>
#include <map>

#include "services/common/status.h"
#include "services/dispatch/domain/vrptw/plan.h"
#include "services/dispatch/domain/vrptw/problem.h"
#include "services/dispatch/domain/vrptw/route_optimizer.h"

namespace qq::dispatch {
namespace {

namespace v1 = qingquan::dispatch::v1;

constexpr int kProfiles = 6;  // one per Staff::Vehicle value

std::vector<double> ProfileSpeeds() {
  std::vector<double> speeds(kProfiles);
  for (int v = 0; v < kProfiles; ++v) speeds[v] = SpeedOf(static_cast<Vehicle>(v));
  return speeds;
}

double SecondsFrom(absl::Time now, absl::Time t) { return absl::ToDoubleSeconds(t - now); }

}  // namespace

double SpeedOf(Vehicle vehicle) {
  switch (vehicle) {
    case v1::Staff::ON_FOOT:
      return 1.2;
    case v1::Staff::BICYCLE:
      return 3.5;
    case v1::Staff::E_BIKE:
      return 5.0;
    case v1::Staff::VAN:
      return 6.0;  // city traffic, parking
    default:
      return 3.0;  // a loaded tricycle
  }
}

absl::Duration ServiceTimeFor(int barrels) {
  return absl::Minutes(3) + absl::Seconds(30) * std::max(0, barrels);
}

absl::StatusOr<Placement> PlaceStop(const std::vector<CourierForPlanning>& couriers,
                                    const std::vector<StopForPlanning>& routed,
                                    const StopForPlanning& stop, absl::Time now,
                                    const std::string& only_courier) {
  Placement placement;
  std::vector<vrptw::LatLng> points;
  vrptw::Problem problem;
  std::map<std::string, int> vehicle_of;
  for (const auto& c : couriers) {
    if (!only_courier.empty() && c.user_id != only_courier) continue;
    vrptw::Vehicle v;
    v.id = c.user_id;
    v.start_location = static_cast<int>(points.size());
    points.push_back(c.start);
    v.end_location = static_cast<int>(points.size());
    points.push_back(c.home);
    v.capacity = c.capacity;
    v.shift_start = 0;
    v.shift_end = c.shift_end ? std::max(0.0, SecondsFrom(now, *c.shift_end)) : vrptw::kNoDeadline;
    v.travel_profile = std::clamp(static_cast<int>(c.vehicle), 0, kProfiles - 1);
    vehicle_of[c.user_id] = static_cast<int>(problem.vehicles.size());
    problem.vehicles.push_back(std::move(v));
  }
  if (problem.vehicles.empty()) {
    placement.reason = "NO_VEHICLE";
    return placement;
  }
  vrptw::Plan current;
  for (size_t k = 0; k < problem.vehicles.size(); ++k) {
    current.routes.push_back({static_cast<int>(k), {}});
  }
  auto add_stop = [&](const StopForPlanning& s) {
    vrptw::Stop out;
    out.id = s.order_id;
    out.location = static_cast<int>(points.size());
    points.push_back(s.location);
    out.demand = s.demand;
    out.service_time = absl::ToDoubleSeconds(ServiceTimeFor(s.demand));
    out.earliest = s.window_start ? std::max(0.0, SecondsFrom(now, *s.window_start)) : 0;
    out.latest = s.window_end ? SecondsFrom(now, *s.window_end) : vrptw::kNoDeadline;
    // A window already over cannot be met any more; the stop stays where it is.
    if (out.latest < out.earliest) out.latest = out.earliest;
    problem.stops.push_back(std::move(out));
    return static_cast<int>(problem.stops.size()) - 1;
  };
  for (const auto& s : routed) {
    auto it = vehicle_of.find(s.courier_id);
    if (it == vehicle_of.end()) continue;
    const int index = add_stop(s);
    current.routes[it->second].stops.push_back(index);
    if (s.started) problem.vehicles[it->second].fixed_prefix.push_back(index);
  }
  const int new_stop = add_stop(stop);
  QQ_ASSIGN_OR_RETURN(vrptw::HaversineTravelModel travel,
                      vrptw::HaversineTravelModel::Create(points, kDetourFactor, ProfileSpeeds()));
  problem.travel = &travel;
  QQ_ASSIGN_OR_RETURN(vrptw::InsertResult result, vrptw::Insert(problem, current, new_stop));
  if (!result.inserted) {
    placement.reason = std::string(vrptw::UnservedReasonName(result.reason));
    return placement;
  }
  placement.placed = true;
  placement.courier_id = problem.vehicles[result.vehicle].id;
  for (int index : result.plan.routes[result.vehicle].stops) {
    placement.route.push_back(problem.stops[index].id);
  }
  placement.sequence = result.position + 1;
  return placement;
}

std::vector<absl::Time> EstimateArrivals(const vrptw::LatLng& from, Vehicle vehicle, absl::Time now,
                                         const std::vector<StopForPlanning>& route) {
  std::vector<vrptw::LatLng> points{from};
  for (const auto& s : route) points.push_back(s.location);
  std::vector<absl::Time> arrivals;
  auto travel = vrptw::HaversineTravelModel::Create(points, kDetourFactor, {SpeedOf(vehicle)});
  if (!travel.ok()) return arrivals;
  absl::Time clock = now;
  for (size_t i = 0; i < route.size(); ++i) {
    clock += absl::Seconds(travel->Time(static_cast<int>(i), static_cast<int>(i) + 1, 0));
    arrivals.push_back(clock);
    if (route[i].window_start && clock < *route[i].window_start) clock = *route[i].window_start;
    clock += ServiceTimeFor(route[i].demand);
  }
  return arrivals;
}

}  // namespace qq::dispatch
