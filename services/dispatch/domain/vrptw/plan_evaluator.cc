#include "services/dispatch/domain/vrptw/plan_evaluator.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace qq::dispatch::vrptw {
namespace {

const char* KindName(ViolationKind kind) {
  switch (kind) {
    case ViolationKind::kLate:
      return "late";
    case ViolationKind::kCapacity:
      return "over capacity";
    case ViolationKind::kShiftEnd:
      return "back after shift end";
    case ViolationKind::kDuplicateStop:
      return "duplicate stop";
    case ViolationKind::kMissingStop:
      return "missing stop";
    case ViolationKind::kPrefixNotKept:
      return "fixed prefix not kept";
    case ViolationKind::kMalformed:
      return "malformed plan";
  }
  return "unknown";
}

}  // namespace

std::string Violation::ToString() const {
  return absl::StrCat(KindName(kind), " (vehicle ", vehicle, ", stop ", stop, ", amount ", amount,
                      ")");
}

PlanEvaluation EvaluatePlan(const Problem& problem, const Plan& plan) {
  PlanEvaluation out;
  const TravelModel& travel = *problem.travel;
  const int stops = static_cast<int>(problem.stops.size());
  const int vehicles = static_cast<int>(problem.vehicles.size());
  auto violate = [&out](ViolationKind kind, int vehicle, int stop, double amount) {
    out.violations.push_back({kind, vehicle, stop, amount});
  };
  if (static_cast<int>(plan.routes.size()) != vehicles) {
    violate(ViolationKind::kMalformed, -1, -1, static_cast<double>(plan.routes.size()));
  }
  std::vector<int> seen(stops, 0);
  for (int r = 0; r < static_cast<int>(plan.routes.size()); ++r) {
    const PlannedRoute& route = plan.routes[r];
    if (route.vehicle != r || route.vehicle < 0 || route.vehicle >= vehicles) {
      violate(ViolationKind::kMalformed, route.vehicle, -1, r);
      continue;
    }
    const Vehicle& vehicle = problem.vehicles[route.vehicle];
    RouteSchedule schedule;
    schedule.vehicle = route.vehicle;
    const std::vector<int>& prefix = vehicle.fixed_prefix;
    if (route.stops.size() < prefix.size() ||
        !std::equal(prefix.begin(), prefix.end(), route.stops.begin())) {
      violate(ViolationKind::kPrefixNotKept, route.vehicle, -1, 0);
    }
    int location = vehicle.start_location;
    double time = vehicle.shift_start;
    bool well_formed = true;
    for (int stop : route.stops) {
      if (stop < 0 || stop >= stops) {
        violate(ViolationKind::kMalformed, route.vehicle, stop, 0);
        well_formed = false;
        continue;
      }
      if (++seen[stop] == 2) violate(ViolationKind::kDuplicateStop, route.vehicle, stop, 0);
      const Stop& s = problem.stops[stop];
      StopVisit visit;
      visit.stop = stop;
      visit.arrival = time + travel.Time(location, s.location, vehicle.travel_profile);
      visit.service_start = std::max(visit.arrival, s.earliest);
      if (visit.service_start > s.latest + kTimeTolerance) {
        violate(ViolationKind::kLate, route.vehicle, stop, visit.service_start - s.latest);
      }
      visit.departure = visit.service_start + s.service_time;
      schedule.distance += travel.Distance(location, s.location);
      schedule.load += s.demand;
      time = visit.departure;
      location = s.location;
      schedule.visits.push_back(visit);
    }
    if (!route.stops.empty() && well_formed) {
      schedule.end_arrival =
          time + travel.Time(location, vehicle.end_location, vehicle.travel_profile);
      schedule.distance += travel.Distance(location, vehicle.end_location);
      if (schedule.end_arrival > vehicle.shift_end + kTimeTolerance) {
        violate(ViolationKind::kShiftEnd, route.vehicle, -1,
                schedule.end_arrival - vehicle.shift_end);
      }
      if (schedule.load > vehicle.capacity) {
        violate(ViolationKind::kCapacity, route.vehicle, -1, schedule.load - vehicle.capacity);
      }
      out.vehicles_used++;
      out.distance += schedule.distance;
    } else {
      schedule.end_arrival = vehicle.shift_start;
    }
    out.served += static_cast<int>(schedule.visits.size());
    out.routes.push_back(std::move(schedule));
  }
  for (const UnservedStop& u : plan.unserved) {
    if (u.stop < 0 || u.stop >= stops) {
      violate(ViolationKind::kMalformed, -1, u.stop, 0);
      continue;
    }
    if (++seen[u.stop] == 2) violate(ViolationKind::kDuplicateStop, -1, u.stop, 0);
    out.unserved++;
  }
  for (int i = 0; i < stops; ++i) {
    if (seen[i] == 0) violate(ViolationKind::kMissingStop, -1, i, 0);
  }
  return out;
}

}  // namespace qq::dispatch::vrptw
