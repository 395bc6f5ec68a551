// Internal to the optimiser: the distance phase, a hybrid genetic search in the manner of
// Vidal et al. (HGS: penalised infeasible solutions in their own subpopulation, biased
// fitness = cost rank + diversity rank, granular local search as "education", adaptive
// penalties, repair, restarts). Individuals are route sets rather than giant tours, and the
// crossover is a selective route exchange (Nagata & Kobayashi's SREX) so that vehicles may
// differ (own start, end, capacity, shift, speed) and the fleet size found by the route
// minimiser is kept.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "services/dispatch/domain/vrptw/local_search.h"
#include "services/dispatch/domain/vrptw/search_state.h"

namespace qq::dispatch::vrptw {

struct GeneticConfig {
  int population = 25;            // μ: kept after survivor selection
  int generation = 40;            // λ: offspring before survivor selection
  int elite = 4;                  // best individuals protected from the diversity term
  int close = 5;                  // neighbours averaged in the diversity contribution
  double target_feasible = 0.2;   // share of feasible local-search results penalties aim at
  int64_t restart_after = 10000;  // iterations without a better solution before a restart
  double repair_probability = 0.5;
  int penalty_update_every = 25;  // local-search results between penalty adjustments
  int initial = 50;               // individuals generated at the start and on restarts
};

class GeneticSearch {
 public:
  // `active`: the vehicles the search may use. `vehicle_cost`: the price of a used vehicle
  // in the objective; `search_vehicle_cost` the price the local search sees (0 when the
  // fleet size is already settled, so that moves are judged on distance alone).
  GeneticSearch(const SolverModel& model, Rng& rng, std::vector<char> active, double vehicle_cost,
                double search_vehicle_cost, GeneticConfig config = {});
  ~GeneticSearch();

  struct Result {
    std::vector<std::vector<int>> routes;  // per vehicle, clients
    bool feasible = false;
    double distance = 0;
    int vehicles = 0;
    int64_t iterations = 0;
  };

  // Evolves from `seed` (a complete solution, usually feasible) until `iteration_limit`
  // iterations (0: none) or the deadline; returns the best feasible solution met (or the
  // seed's routes if none was feasible).
  Result Run(const std::vector<std::vector<int>>& seed, int64_t iteration_limit,
             const Deadline& deadline);

 private:
  struct Individual;
  using IndividualPtr = std::unique_ptr<Individual>;

  IndividualPtr Evaluate(const SearchState& state) const;
  double PenalisedCost(const Individual& ind) const;
  double BrokenPairs(const Individual& a, const Individual& b) const;

  // Education: local search, then maybe a repair with heavier penalties; adds results.
  void EducateAndAdd(SearchState& state);
  void Add(IndividualPtr ind);
  void RemoveWorst(std::vector<IndividualPtr>& pop);
  void UpdateBiasedFitness(std::vector<IndividualPtr>& pop);
  const Individual& Tournament();
  void ManagePenalties();
  void FillPopulation();
  void ResetPopulation();

  void RandomSolution(SearchState& state);
  // Selective route exchange (any fleet).
  void Crossover(const Individual& a, const Individual& b, SearchState& out);
  // Order crossover on giant tours, then an optimal split into at most the active vehicles
  // (only when they are all of one class and not too many).
  void OrderCrossover(const Individual& a, const Individual& b, SearchState& out);
  std::vector<int> GiantTour(const Individual& ind);
  void Split(const std::vector<int>& tour, SearchState& out);
  void InsertUnplanned(SearchState& state, std::vector<int>& unplanned);
  void RuinAndRecreate(const Individual& a, SearchState& out);

  const SolverModel& m_;
  Rng& rng_;
  std::vector<char> active_;
  double vehicle_cost_;
  double search_vehicle_cost_;
  GeneticConfig config_;
  Penalties penalties_;
  LocalSearch ls_;
  SearchState work_;
  SearchState alt_;

  std::vector<IndividualPtr> feasible_;
  std::vector<IndividualPtr> infeasible_;
  std::vector<char> recent_load_ok_;
  std::vector<char> recent_warp_ok_;
  std::vector<int> active_ids_;  // the active vehicles, in index order
  bool use_split_ = false;       // order crossover + split: interchangeable vehicles
  std::vector<char> planned_;    // clients of the seed: the ones this search places
  Deadline deadline_;
  IndividualPtr best_;
  IndividualPtr seed_;
  int64_t iterations_ = 0;
  int64_t last_improvement_ = 0;
};

}  // namespace qq::dispatch::vrptw
