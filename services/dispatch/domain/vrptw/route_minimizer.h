// Internal to the optimiser: fewer vehicles. Removes one route at a time and pushes its
// clients back into the others through an ejection pool, the route-minimisation heuristic
// of Nagata & Bräysy (2009): insert where feasible; else "squeeze" (insert where the
// penalty is least, then a local search on the penalty alone); else insert anyway and eject
// up to a few clients whose accumulated failure counts are smallest, then perturb with
// random feasible moves. Every state it keeps is feasible.
#pragma once

#include <cstdint>
#include <vector>

#include "services/dispatch/domain/vrptw/local_search.h"
#include "services/dispatch/domain/vrptw/search_state.h"

namespace qq::dispatch::vrptw {

class RouteMinimizer {
 public:
  RouteMinimizer(const SolverModel& model, Rng& rng);

  // Inserts every client of `pool` into the feasible `state`'s active routes. True when the
  // pool is empty; false when `max_iterations` pool steps or the deadline ran out first (the
  // state is then feasible but `pool` still holds clients).
  bool InsertPool(SearchState& state, std::vector<int>& pool, int64_t max_iterations,
                  const Deadline& deadline);

  // Tries to empty one route (without a fixed prefix) of the feasible `state`. On success
  // the route's vehicle becomes inactive; on failure `state` is as it was.
  bool RemoveOneRoute(SearchState& state, int64_t max_iterations, const Deadline& deadline);

  // Fewest routes any feasible solution can have by capacity alone.
  static int CapacityLowerBound(const SolverModel& model);

  int64_t iterations() const { return iterations_; }

 private:
  bool InsertFeasible(SearchState& s, int v);
  bool Squeeze(SearchState& s, int v);
  bool EjectAndInsert(SearchState& s, int v, std::vector<int>& pool);
  void Perturb(SearchState& s, int moves);
  void EjectionSearch(int k, int prev, double departure, int removed_load, int count, int psum);

  const SolverModel& m_;
  Rng& rng_;
  LocalSearch squeeze_search_;
  std::vector<int> failures_;  // per client: times it could not be inserted (NB's p[v])
  int64_t iterations_ = 0;

  // Ejection search scratch.
  struct Ejection {
    int route = -1;
    int position = -1;
    int psum = 0;
    std::vector<int> ejected;
  };
  std::vector<int> seq_;
  std::vector<double> latest_;
  std::vector<int> ejected_;
  int inserted_ = 0;
  int slot_ = 0;
  int capacity_ = 0;
  int total_load_ = 0;
  int64_t budget_ = 0;
  Ejection best_;
  Ejection current_;
};

}  // namespace qq::dispatch::vrptw
