// Internal to the optimiser: granular local search on a SearchState under a penalised
// objective (distance + load excess + time warp [+ vehicles]), the "education" step of the
// genetic search and the "squeeze" of the route minimiser.
#pragma once

#include <cstdint>
#include <vector>

#include "services/dispatch/domain/vrptw/search_state.h"

namespace qq::dispatch::vrptw {

class LocalSearch {
 public:
  explicit LocalSearch(const SolverModel& model);

  // Applies improving moves until none is left: relocation of one or two clients (also
  // reversed), swaps of 1–1, 2–1 and 2–2 clients, 2-opt within a route and 2-opt* between
  // routes, each client tried only against its granular neighbours, and only where a route
  // changed since the client was last tried. With `only_penalised`, only clients of routes
  // that are over capacity or late are moved (used to squeeze in an extra client).
  void Run(SearchState& state, const Penalties& penalties, Rng& rng, bool only_penalised = false);
  // Also stops (leaving a valid, maybe unfinished, state) once `deadline` has passed;
  // matters only on instances of thousands of stops.
  void set_deadline(const Deadline& deadline) { deadline_ = deadline; }
  // The squeeze: only clients of over-capacity or late routes, and only the simple moves
  // (relocate, swap, 2-opt*), as in Nagata & Bräysy's squeeze.
  void Squeeze(SearchState& state, const Penalties& penalties, Rng& rng);

  int64_t moves_applied() const { return moves_applied_; }

 private:
  bool TryAll(int u, int v);
  bool TryAtStart(int u, int rv);  // u (and its successor) to the front of route rv
  bool Relocate(int u, int rv, int j);
  bool RelocatePair(int u, int rv, int j, bool reversed);
  bool Swap(int u, int v);
  bool SwapPairWithOne(int u, int v);
  bool SwapPairs(int u, int v);
  bool TwoOpt(int u, int v);
  bool TwoOptStar(int u, int rv, int j);

  double C(const Seg& seg, int r) const { return s_->Cost(seg, r, p_); }
  double RouteCost(int r) const { return s_->RouteCost(r, p_); }
  bool Penalised(int r) const { return !s_->RouteFeasible(r); }
  // Load-excess and time-warp part of route r's cost: what a move could at best remove.
  double Penalty(int r) const;
  double RemovalDelta(int u, int count);
  // Whether a move changing distance by `dd` (and leaving no route empty) cannot gain,
  // whatever it does to the penalties of routes a and b.
  bool CannotGain(double dd, int ra, int rb) const {
    return p_.distance * dd - Penalty(ra) - (rb != ra ? Penalty(rb) : 0.0) >= -kGainEpsilon;
  }
  static constexpr double kGainEpsilon = 1e-7;
  Seg S(int node) const { return SingleSeg(*m_, node); }
  Seg M(int slot, const Seg& a, const Seg& b) const { return Merge(*m_, slot, a, b); }
  // Commits route edits: bumps the move counter and refreshes the routes' summaries.
  void Commit(int ra, int rb);

  const SolverModel* m_;
  SearchState* s_ = nullptr;
  Penalties p_;
  bool only_penalised_ = false;
  bool simple_moves_ = false;
  Deadline deadline_;
  std::vector<std::vector<int>> neighbours_;
  std::vector<int> order_;
  std::vector<int64_t> when_tested_;
  std::vector<char> class_tried_;
  int64_t moves_applied_ = 0;
  int removal_u_ = -1;
  int64_t removal_counter_ = -1;
  double removal_delta_[2] = {0, 0};
};

}  // namespace qq::dispatch::vrptw
