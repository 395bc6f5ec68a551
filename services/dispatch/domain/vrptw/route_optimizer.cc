#include "services/dispatch/domain/vrptw/route_optimizer.h"

#include <algorithm>
#include <chrono>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/dispatch/domain/vrptw/construction.h"
#include "services/dispatch/domain/vrptw/genetic_search.h"
#include "services/dispatch/domain/vrptw/insertion_scan.h"
#include "services/dispatch/domain/vrptw/route_minimizer.h"
#include "services/dispatch/domain/vrptw/search_state.h"
#include "services/dispatch/domain/vrptw/solver_model.h"

namespace qq::dispatch::vrptw {
namespace {

// Route minimisation: pool steps per attempt to remove one route, and (without a time
// budget) failed attempts in a row after which the fleet size is taken as settled.
constexpr int64_t kIterationsPerRemoval = 5000;
constexpr int kMaxFailedRemovals = 3;
// Pool steps to place what the construction could not.
constexpr int64_t kPoolIterations = 5000;

Plan Skeleton(const Problem& problem) {
  Plan plan;
  for (int k = 0; k < static_cast<int>(problem.vehicles.size()); ++k) {
    plan.routes.push_back({k, problem.vehicles[k].fixed_prefix});
  }
  return plan;
}

// INVALID_ARGUMENT / FAILED_PRECONDITION as documented on Insert.
absl::Status CheckPlan(const Problem& problem, const Plan& plan, int stop) {
  const int stops = static_cast<int>(problem.stops.size());
  if (plan.routes.size() != problem.vehicles.size()) {
    return absl::InvalidArgumentError(absl::StrCat("plan has ", plan.routes.size(), " routes for ",
                                                   problem.vehicles.size(), " vehicles"));
  }
  std::vector<char> seen(stops, 0);
  for (int k = 0; k < static_cast<int>(plan.routes.size()); ++k) {
    const PlannedRoute& route = plan.routes[k];
    if (route.vehicle != k) {
      return absl::InvalidArgumentError(
          absl::StrCat("plan.routes[", k, "] is for vehicle ", route.vehicle));
    }
    for (int s : route.stops) {
      if (s < 0 || s >= stops) {
        return absl::InvalidArgumentError(absl::StrCat("plan.routes[", k, "] has stop ", s));
      }
      if (seen[s]++) {
        return absl::InvalidArgumentError(absl::StrCat("stop ", s, " is planned twice"));
      }
    }
    const std::vector<int>& prefix = problem.vehicles[k].fixed_prefix;
    if (route.stops.size() < prefix.size() ||
        !std::equal(prefix.begin(), prefix.end(), route.stops.begin())) {
      return absl::FailedPreconditionError(
          absl::StrCat("plan.routes[", k, "] does not start with the vehicle's fixed prefix"));
    }
  }
  if (seen[stop]) {
    return absl::FailedPreconditionError(absl::StrCat("stop ", stop, " is already planned"));
  }
  return absl::OkStatus();
}

void SortUnserved(Plan& plan) {
  std::sort(plan.unserved.begin(), plan.unserved.end(),
            [](const UnservedStop& a, const UnservedStop& b) { return a.stop < b.stop; });
}

}  // namespace

absl::StatusOr<ReplanResult> Replan(const Problem& problem, const ReplanOptions& options) {
  if (absl::Status s = ValidateProblem(problem); !s.ok()) return s;
  if (options.time_budget_seconds <= 0 && options.iteration_limit <= 0) {
    return absl::InvalidArgumentError("options: set a time budget or an iteration limit");
  }
  const auto started = std::chrono::steady_clock::now();
  auto elapsed = [&started] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  const bool timed = options.time_budget_seconds > 0;
  const Deadline deadline = timed ? Deadline::In(options.time_budget_seconds) : Deadline();
  const Deadline rm_deadline =
      timed ? Deadline::In(options.time_budget_seconds * options.route_minimisation_share)
            : Deadline();
  const bool hierarchical = options.vehicle_cost < 0;

  ReplanResult result;
  Plan& plan = result.plan;
  plan = Skeleton(problem);

  // Stops no vehicle could serve even alone are out from the start, with the reason.
  std::vector<char> fixed(problem.stops.size(), 0);
  for (const Vehicle& v : problem.vehicles) {
    for (int s : v.fixed_prefix) fixed[s] = 1;
  }
  std::vector<int> clients;
  for (int s = 0; s < static_cast<int>(problem.stops.size()); ++s) {
    if (fixed[s]) continue;
    const InsertionScan alone = ScanInsertion(problem, plan, s, 0);
    if (alone.found()) {
      clients.push_back(s);
    } else {
      plan.unserved.push_back({s, alone.reason});
    }
  }

  const SolverModel model = BuildSolverModel(problem, clients, options.granularity);
  // Objective weight of a vehicle under the hierarchical objective: more than any total
  // distance could differ by.
  const double vehicle_cost =
      hierarchical ? 4.0 * (model.n + 1) * (model.max_distance + 1) : options.vehicle_cost;
  Rng rng(options.seed);
  SearchState state(model);
  std::vector<int> pool;
  ConstructFeasible(state, pool);
  result.stats.vehicles_after_construction = state.UsedVehicles();
  RouteMinimizer minimizer(model, rng);
  if (!pool.empty()) minimizer.InsertPool(state, pool, kPoolIterations, deadline);

  std::vector<char> active(model.VehicleCount(), 1);
  if (hierarchical) {
    auto keep_used_only = [&] {
      for (int k = 0; k < model.VehicleCount(); ++k) {
        state.active[k] = state.routes[k].clients() > 0 || model.vehicles[k].has_prefix;
      }
    };
    keep_used_only();
    // With stops left over every vehicle is needed; otherwise remove routes while it works:
    // with a time budget, until its share is spent or half the share has passed without a
    // success; without one, until a few attempts in a row have failed.
    const int lower_bound = RouteMinimizer::CapacityLowerBound(model);
    const double share_seconds = options.time_budget_seconds * options.route_minimisation_share;
    double last_success = elapsed();
    int failures = 0;
    while (
        pool.empty() && state.UsedVehicles() > lower_bound &&
        (timed ? elapsed() - last_success < 0.5 * share_seconds : failures < kMaxFailedRemovals) &&
        !rm_deadline.Passed() && !deadline.Passed()) {
      Deadline attempt = Deadline::Min(rm_deadline, deadline);
      if (timed) {
        attempt =
            Deadline::Min(attempt, Deadline::In(last_success + 0.5 * share_seconds - elapsed()));
      }
      if (minimizer.RemoveOneRoute(state, kIterationsPerRemoval, attempt)) {
        failures = 0;
        keep_used_only();
        last_success = result.stats.last_route_removed_seconds = elapsed();
      } else {
        failures++;
      }
    }
    active = state.active;
  }
  result.stats.vehicles_after_route_minimisation = state.UsedVehicles();
  result.stats.route_minimisation_iterations = minimizer.iterations();
  result.stats.route_minimisation_seconds = elapsed();

  std::vector<std::vector<int>> routes = state.ClientRoutes();
  if (model.n > 0 && std::find(active.begin(), active.end(), 1) != active.end()) {
    GeneticSearch search(model, rng, active, vehicle_cost, hierarchical ? 0.0 : vehicle_cost);
    GeneticSearch::Result found = search.Run(routes, options.iteration_limit, deadline);
    result.stats.genetic_iterations = found.iterations;
    if (found.feasible) routes = std::move(found.routes);
  }

  for (int k = 0; k < model.VehicleCount(); ++k) {
    for (int c : routes[k]) plan.routes[k].stops.push_back(model.client_stop[c]);
  }
  // What the search could not place: a last plain insertion, else the reason.
  std::sort(pool.begin(), pool.end());
  for (int c : pool) {
    const int stop = model.client_stop[c];
    const InsertionScan scan = ScanInsertion(problem, plan, stop, options.vehicle_cost);
    if (scan.found()) {
      auto& stops = plan.routes[scan.vehicle].stops;
      stops.insert(stops.begin() + scan.position, stop);
    } else {
      plan.unserved.push_back({stop, scan.reason});
    }
  }
  SortUnserved(plan);
  result.stats.seconds = elapsed();
  return result;
}

absl::StatusOr<InsertResult> Insert(const Problem& problem, const Plan& current, int stop,
                                    const InsertOptions& options) {
  if (absl::Status s = ValidateProblem(problem); !s.ok()) return s;
  if (stop < 0 || stop >= static_cast<int>(problem.stops.size())) {
    return absl::InvalidArgumentError(absl::StrCat("stop ", stop, " does not exist"));
  }
  if (absl::Status s = CheckPlan(problem, current, stop); !s.ok()) return s;
  InsertResult result;
  result.plan = current;
  // A stop listed as unserved is being retried.
  auto& unserved = result.plan.unserved;
  unserved.erase(std::remove_if(unserved.begin(), unserved.end(),
                                [stop](const UnservedStop& u) { return u.stop == stop; }),
                 unserved.end());
  const InsertionScan scan = ScanInsertion(problem, result.plan, stop, options.vehicle_cost);
  if (scan.found()) {
    auto& stops = result.plan.routes[scan.vehicle].stops;
    stops.insert(stops.begin() + scan.position, stop);
    result.inserted = true;
    result.vehicle = scan.vehicle;
    result.position = scan.position;
    result.added_distance = scan.added_distance;
  } else {
    result.reason = scan.reason;
    unserved.push_back({stop, scan.reason});
    SortUnserved(result.plan);
  }
  return result;
}

}  // namespace qq::dispatch::vrptw
