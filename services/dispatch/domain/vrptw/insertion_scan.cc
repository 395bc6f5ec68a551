#include "services/dispatch/domain/vrptw/insertion_scan.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "services/dispatch/domain/vrptw/plan_evaluator.h"

namespace qq::dispatch::vrptw {
namespace {

constexpr int kLateFlag = 1;      // the stop itself, or a later one, would be late
constexpr int kShiftFlag = 2;     // the vehicle would be back after its shift end
constexpr int kCapacityFlag = 4;  // the vehicle would carry more than its capacity

}  // namespace

InsertionScan ScanInsertion(const Problem& problem, const Plan& plan, int stop,
                            double vehicle_cost) {
  InsertionScan out;
  const TravelModel& travel = *problem.travel;
  const Stop& s = problem.stops[stop];
  int everywhere = kLateFlag | kShiftFlag | kCapacityFlag;  // flags present at every position
  int sole = 0;                                             // flags that alone block somewhere
  bool any_position = false;
  // A negative vehicle cost is the hierarchical objective: an idle vehicle only when no
  // vehicle already out can take the stop.
  const bool lexicographic = vehicle_cost < 0;
  double best = std::numeric_limits<double>::infinity();
  int best_rank = 2;

  std::vector<double> departure, window_latest, shift_latest;
  for (int k = 0; k < static_cast<int>(problem.vehicles.size()); ++k) {
    const Vehicle& v = problem.vehicles[k];
    const std::vector<int>& stops = plan.routes[k].stops;
    const int len = static_cast<int>(stops.size());
    const int profile = v.travel_profile;
    auto loc = [&](int i) { return problem.stops[stops[i]].location; };
    // Forward: departure after each stop (-1 = the start).
    departure.resize(len);
    int load = 0;
    double time = v.shift_start;
    int at = v.start_location;
    std::vector<double> service_start(len);
    for (int i = 0; i < len; ++i) {
      const Stop& t = problem.stops[stops[i]];
      service_start[i] = std::max(time + travel.Time(at, t.location, profile), t.earliest);
      time = departure[i] = service_start[i] + t.service_time;
      at = t.location;
      load += t.demand;
    }
    const double end_arrival =
        len == 0 ? v.shift_start : time + travel.Time(at, v.end_location, profile);
    // Backward: the latest service start at each stop that makes no stop later than it is
    // allowed to be (or than it already is), counting windows and the shift end apart.
    window_latest.resize(len + 1);
    shift_latest.resize(len + 1);
    window_latest[len] = kNoDeadline;
    shift_latest[len] = std::max(v.shift_end, end_arrival);
    for (int i = len - 1; i >= 0; --i) {
      const Stop& t = problem.stops[stops[i]];
      const int next_loc = i + 1 < len ? loc(i + 1) : v.end_location;
      const double hop = t.service_time + travel.Time(t.location, next_loc, profile);
      window_latest[i] = std::min(std::max(t.latest, service_start[i]), window_latest[i + 1] - hop);
      shift_latest[i] = shift_latest[i + 1] - hop;
    }
    const bool over_capacity = load + s.demand > v.capacity;
    const int first = static_cast<int>(v.fixed_prefix.size());
    for (int q = first; q <= len; ++q) {
      any_position = true;
      const int prev_loc = q == 0 ? v.start_location : loc(q - 1);
      const double prev_dep = q == 0 ? v.shift_start : departure[q - 1];
      const int next_loc = q == len ? v.end_location : loc(q);
      const double arrival = prev_dep + travel.Time(prev_loc, s.location, profile);
      const double start = std::max(arrival, s.earliest);
      int flags = over_capacity ? kCapacityFlag : 0;
      if (start > s.latest + kTimeTolerance) flags |= kLateFlag;
      const double next_arrival =
          start + s.service_time + travel.Time(s.location, next_loc, profile);
      if (q == len) {
        if (next_arrival > shift_latest[len] + kTimeTolerance) flags |= kShiftFlag;
      } else {
        const double next_start = std::max(next_arrival, problem.stops[stops[q]].earliest);
        if (next_start > window_latest[q] + kTimeTolerance) flags |= kLateFlag;
        if (next_start > shift_latest[q] + kTimeTolerance) flags |= kShiftFlag;
      }
      everywhere &= flags;
      if (flags == kLateFlag || flags == kShiftFlag || flags == kCapacityFlag) sole |= flags;
      if (flags != 0) continue;
      const bool idle = len == 0;
      const double added = travel.Distance(prev_loc, s.location) +
                           travel.Distance(s.location, next_loc) -
                           (idle ? 0.0 : travel.Distance(prev_loc, next_loc));
      const double cost = added + (idle && !lexicographic ? vehicle_cost : 0.0);
      const int rank = lexicographic && idle ? 1 : 0;
      if (rank < best_rank || (rank == best_rank && cost < best)) {
        best = cost;
        best_rank = rank;
        out.vehicle = k;
        out.position = q;
        out.cost = cost;
        out.added_distance = added;
      }
    }
  }
  if (!any_position) {
    out.reason = UnservedReason::kNoVehicle;
  } else if (everywhere & kCapacityFlag) {
    out.reason = UnservedReason::kCapacity;
  } else if (everywhere & kLateFlag) {
    out.reason = UnservedReason::kTimeWindow;
  } else if (everywhere & kShiftFlag) {
    out.reason = UnservedReason::kShiftEnd;
  } else if (sole & kCapacityFlag) {
    out.reason = UnservedReason::kCapacity;
  } else if (sole & kShiftFlag) {
    out.reason = UnservedReason::kShiftEnd;
  } else {
    out.reason = UnservedReason::kTimeWindow;
  }
  return out;
}

}  // namespace qq::dispatch::vrptw
