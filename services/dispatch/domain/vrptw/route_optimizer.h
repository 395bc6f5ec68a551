// The delivery-route optimiser (VRP with time windows, capacities, shifts and fixed
// prefixes): re-plan the whole day, or insert one new stop into the current plan. Pure
// code: no I/O, no clock except the time budget, deterministic for a seed.
// The method is described in docs/dispatch.md ("Route optimisation").
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "services/dispatch/domain/vrptw/plan.h"
#include "services/dispatch/domain/vrptw/problem.h"

namespace qq::dispatch::vrptw {

// Vehicle cost meaning "fewest vehicles first, then least distance" (the objective of the
// literature's best-known tables): a route is only added to save a stop from going unserved.
inline constexpr double kHierarchicalVehicleCost = -1;

struct ReplanOptions {
  // Wall-clock budget; <= 0 means none (then iteration_limit must be set). Stopping on time
  // makes the result depend on the machine's speed; stopping on iterations does not.
  double time_budget_seconds = 10;
  uint64_t seed = 1;
  // Genetic-search iterations (one crossover + local search each); 0: no limit.
  int64_t iteration_limit = 0;
  // Price of one used vehicle, in distance units, or kHierarchicalVehicleCost.
  double vehicle_cost = kHierarchicalVehicleCost;
  // Longest share of the time budget spent removing vehicles before optimising distance
  // (hierarchical objective only).
  double route_minimisation_share = 0.3;
  // Neighbours per stop in the local search.
  int granularity = 40;
};

struct ReplanStats {
  int vehicles_after_construction = 0;
  int vehicles_after_route_minimisation = 0;
  int64_t route_minimisation_iterations = 0;
  int64_t genetic_iterations = 0;
  double route_minimisation_seconds = 0;
  double last_route_removed_seconds = 0;  // when the route minimiser last succeeded
  double seconds = 0;
};

struct ReplanResult {
  Plan plan;
  ReplanStats stats;
};

// Plans the stops on the vehicles, keeping each vehicle's fixed prefix first, with every
// window, capacity and shift end respected, and minimises vehicle_cost × vehicles used +
// total distance. Serving a stop comes before any vehicle or distance: a stop is left out
// only if no vehicle could serve it even alone, or if the ejection search could not fit
// it in with every vehicle out; it is then listed with the reason.
// INVALID_ARGUMENT: the problem fails ValidateProblem, or there is neither a time budget
// nor an iteration limit.
absl::StatusOr<ReplanResult> Replan(const Problem& problem, const ReplanOptions& options);

struct InsertOptions {
  // Price of sending out an idle vehicle, as for Replan.
  double vehicle_cost = kHierarchicalVehicleCost;
};

struct InsertResult {
  Plan plan;  // `current` with the stop added, or listed as unserved
  bool inserted = false;
  int vehicle = -1;   // where it went
  int position = -1;  // its index in plan.routes[vehicle].stops
  double added_distance = 0;
  UnservedReason reason = UnservedReason::kNoVehicle;  // when not inserted
};

// Puts `stop` where it adds the least cost without making anything infeasible or later
// than it already is, never before or inside a vehicle's fixed prefix, and moves no other
// stop. Linear in the size of the plan; meant for the live path (well under 100 ms for
// 200 vehicles and 5,000 stops).
// INVALID_ARGUMENT: the problem fails ValidateProblem, `stop` is out of range, or `current`
// does not have one route per vehicle with valid stop indices.
// FAILED_PRECONDITION: `stop` is already in `current`, or a route of `current` does not
// start with its vehicle's fixed prefix.
absl::StatusOr<InsertResult> Insert(const Problem& problem, const Plan& current, int stop,
                                    const InsertOptions& options = {});

}  // namespace qq::dispatch::vrptw
