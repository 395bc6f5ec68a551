#include "services/dispatch/domain/route_planning.h"

#include <algorithm>
#include <map>
#include <optional>

#include "absl/strings/str_cat.h"
#include "services/common/status.h"
#include "services/dispatch/domain/vrptw/plan.h"
#include "services/dispatch/domain/vrptw/plan_evaluator.h"
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

namespace {

// The couriers and stops as a vrptw::Problem over a great-circle travel model; `plan` holds
// the routes as they are now.
class PlanningProblem {
 public:
  PlanningProblem(const std::vector<CourierForPlanning>& couriers, absl::Time now,
                  const std::string& only_courier)
      : now_(now) {
    for (const auto& c : couriers) {
      if (!only_courier.empty() && c.user_id != only_courier) continue;
      vrptw::Vehicle v;
      v.id = c.user_id;
      v.start_location = AddPoint(c.start);
      v.end_location = AddPoint(c.home);
      v.capacity = c.capacity;
      v.shift_end =
          c.shift_end ? std::max(0.0, SecondsFrom(now, *c.shift_end)) : vrptw::kNoDeadline;
      v.travel_profile = std::clamp(static_cast<int>(c.vehicle), 0, kProfiles - 1);
      vehicle_of_[c.user_id] = static_cast<int>(problem_.vehicles.size());
      plan_.routes.push_back({static_cast<int>(problem_.vehicles.size()), {}});
      problem_.vehicles.push_back(std::move(v));
    }
  }

  bool has_vehicles() const { return !problem_.vehicles.empty(); }

  // Adds the stop; on its courier's current route when `on_route` and the courier is here.
  // Returns its index, or -1 for a routed stop whose courier is not planned.
  int AddStop(const StopForPlanning& s, bool on_route) {
    int vehicle = -1;
    if (on_route) {
      auto it = vehicle_of_.find(s.courier_id);
      if (it == vehicle_of_.end()) return -1;
      vehicle = it->second;
    }
    vrptw::Stop out;
    out.id = s.order_id;
    out.location = AddPoint(s.location);
    out.demand = s.demand;
    out.service_time = absl::ToDoubleSeconds(ServiceTimeFor(s.demand));
    out.earliest = s.window_start ? std::max(0.0, SecondsFrom(now_, *s.window_start)) : 0;
    out.latest = s.window_end ? SecondsFrom(now_, *s.window_end) : vrptw::kNoDeadline;
    // A window already over cannot be met any more; the stop stays where it is.
    if (out.latest < out.earliest) out.latest = out.earliest;
    const int index = static_cast<int>(problem_.stops.size());
    problem_.stops.push_back(std::move(out));
    if (vehicle >= 0) {
      plan_.routes[vehicle].stops.push_back(index);
      if (s.started) problem_.vehicles[vehicle].fixed_prefix.push_back(index);
    }
    return index;
  }

  // Call once, after the last AddStop.
  absl::Status Finish() {
    QQ_ASSIGN_OR_RETURN(
        travel_, vrptw::HaversineTravelModel::Create(points_, kDetourFactor, ProfileSpeeds()));
    problem_.travel = &*travel_;
    return absl::OkStatus();
  }

  const vrptw::Problem& problem() const { return problem_; }
  const vrptw::Plan& plan() const { return plan_; }

 private:
  int AddPoint(const vrptw::LatLng& p) {
    points_.push_back(p);
    return static_cast<int>(points_.size()) - 1;
  }

  absl::Time now_;
  std::vector<vrptw::LatLng> points_;
  vrptw::Problem problem_;
  vrptw::Plan plan_;
  std::map<std::string, int> vehicle_of_;
  std::optional<vrptw::HaversineTravelModel> travel_;
};

// The stops with every started one first, each group in its given order. A route stored
// with an under-way stop behind one not yet started (the courier set out for another stop
// first) would otherwise have a fixed prefix that its own route does not begin with.
std::vector<StopForPlanning> StartedFirst(const std::vector<StopForPlanning>& stops) {
  std::vector<StopForPlanning> ordered = stops;
  std::stable_partition(ordered.begin(), ordered.end(),
                        [](const StopForPlanning& s) { return s.started; });
  return ordered;
}

}  // namespace

std::string UnplacedDetail(const std::string& reason, int demand, int largest_vehicle) {
  if (reason == "NO_VEHICLE") return "没有在岗的送水工";
  if (reason == "NO_LOCATION") return "地址没有坐标, 无法排进路线";
  if (reason == "TIME_WINDOW") return "在岗送水工都赶不上约定的时间窗";
  if (reason == "SHIFT_END") return "在岗送水工下班前送不到";
  if (reason == "CAPACITY") {
    if (demand > largest_vehicle) {
      return absl::StrCat("需 ", demand, " 桶, 超过在岗车辆的最大容量 ", largest_vehicle, " 桶");
    }
    return absl::StrCat("需 ", demand, " 桶, 在岗车辆都已装满");
  }
  return reason;
}

absl::StatusOr<Placement> PlaceStop(const std::vector<CourierForPlanning>& couriers,
                                    const std::vector<StopForPlanning>& routed,
                                    const StopForPlanning& stop, absl::Time now,
                                    const std::string& only_courier) {
  Placement placement;
  PlanningProblem planning(couriers, now, only_courier);
  if (!planning.has_vehicles()) {
    placement.reason = "NO_VEHICLE";
    return placement;
  }
  for (const auto& s : StartedFirst(routed)) planning.AddStop(s, /*on_route=*/true);
  const int new_stop = planning.AddStop(stop, /*on_route=*/false);
  QQ_RETURN_IF_ERROR(planning.Finish());
  const vrptw::Problem& problem = planning.problem();
  QQ_ASSIGN_OR_RETURN(vrptw::InsertResult result,
                      vrptw::Insert(problem, planning.plan(), new_stop));
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

absl::StatusOr<ReplanOutcome> ReplanAll(const std::vector<CourierForPlanning>& couriers,
                                        const std::vector<StopForPlanning>& stops, absl::Time now,
                                        absl::Duration budget, uint64_t seed) {
  ReplanOutcome outcome;
  PlanningProblem planning(couriers, now, "");
  for (const auto& s : StartedFirst(stops)) {
    planning.AddStop(s, /*on_route=*/!s.courier_id.empty());
  }
  QQ_RETURN_IF_ERROR(planning.Finish());
  const vrptw::Problem& problem = planning.problem();
  vrptw::Plan before = planning.plan();
  // Stops not on any route yet count as unserved in the plan as it is.
  std::vector<bool> routed(problem.stops.size(), false);
  for (const auto& r : before.routes) {
    for (int s : r.stops) routed[s] = true;
  }
  for (size_t s = 0; s < routed.size(); ++s) {
    if (!routed[s])
      before.unserved.push_back({static_cast<int>(s), vrptw::UnservedReason::kNoVehicle});
  }
  const vrptw::PlanEvaluation was = vrptw::EvaluatePlan(problem, before);
  outcome.couriers_used_before = was.vehicles_used;
  outcome.distance_before_m = was.distance;
  if (problem.vehicles.empty()) {
    for (const auto& s : problem.stops) outcome.unserved.push_back({s.id, "NO_VEHICLE"});
    return outcome;
  }
  vrptw::ReplanOptions options;
  options.time_budget_seconds = absl::ToDoubleSeconds(budget);
  options.seed = seed;
  options.vehicle_cost = 0;  // couriers on duty are out anyway: distance alone
  QQ_ASSIGN_OR_RETURN(vrptw::ReplanResult result, vrptw::Replan(problem, options));
  const vrptw::PlanEvaluation now_plan = vrptw::EvaluatePlan(problem, result.plan);
  outcome.couriers_used_after = now_plan.vehicles_used;
  outcome.distance_after_m = now_plan.distance;
  outcome.seconds = result.stats.seconds;
  for (const auto& route : result.plan.routes) {
    std::vector<std::string> ids;
    for (int s : route.stops) ids.push_back(problem.stops[s].id);
    outcome.routes.push_back({problem.vehicles[route.vehicle].id, std::move(ids)});
  }
  for (const auto& u : result.plan.unserved) {
    outcome.unserved.push_back(
        {problem.stops[u.stop].id, std::string(vrptw::UnservedReasonName(u.reason))});
  }
  return outcome;
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
