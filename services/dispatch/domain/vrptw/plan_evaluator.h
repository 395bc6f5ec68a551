// Recomputes a plan from scratch — arrival, waiting, service start and load at every stop,
// distance and return time of every route — and lists every broken rule. Deliberately a
// separate, plain forward simulation that shares nothing with the optimiser's incremental
// bookkeeping, so the benchmark and the tests can check the optimiser against it.
#pragma once

#include <string>
#include <vector>

#include "services/dispatch/domain/vrptw/plan.h"
#include "services/dispatch/domain/vrptw/problem.h"

namespace qq::dispatch::vrptw {

// Slack allowed on time comparisons, so rounding in the last bits never counts as late.
inline constexpr double kTimeTolerance = 1e-6;

enum class ViolationKind {
  kLate,           // service starts after the stop's latest time
  kCapacity,       // the route's demand exceeds the vehicle's capacity
  kShiftEnd,       // the vehicle is back after its shift end
  kDuplicateStop,  // a stop appears twice (in routes or in the unserved list)
  kMissingStop,    // a stop is neither in a route nor in the unserved list
  kPrefixNotKept,  // a route does not start with its vehicle's fixed prefix, in order
  kMalformed,      // wrong number of routes, a route for the wrong vehicle, an index out of range
};

struct Violation {
  ViolationKind kind = ViolationKind::kMalformed;
  int vehicle = -1;   // -1 when not about one route
  int stop = -1;      // -1 when not about one stop
  double amount = 0;  // time late, barrels over, time past shift end
  std::string ToString() const;
};

struct StopVisit {
  int stop = 0;
  double arrival = 0;
  double service_start = 0;  // max(arrival, earliest)
  double departure = 0;
};

struct RouteSchedule {
  int vehicle = 0;
  std::vector<StopVisit> visits;
  double distance = 0;
  double end_arrival = 0;  // back at the end location
  int load = 0;            // total demand served
};

struct PlanEvaluation {
  std::vector<RouteSchedule> routes;
  int vehicles_used = 0;  // routes with at least one stop
  double distance = 0;    // total over used routes (an idle vehicle drives nothing)
  int served = 0;
  int unserved = 0;
  std::vector<Violation> violations;
  bool feasible() const { return violations.empty(); }
};

// Vehicles leave their start at shift_start, wait for windows to open, and are late when a
// service starts more than kTimeTolerance after `latest`. An idle vehicle (no stops) does
// not drive.
PlanEvaluation EvaluatePlan(const Problem& problem, const Plan& plan);

}  // namespace qq::dispatch::vrptw
