// Internal to the optimiser: a set of routes (one per vehicle) with the cached prefix and
// suffix summaries that let every move be priced in O(1) time-window concatenations.
#pragma once

#include <cstdint>
#include <vector>

#include "services/dispatch/domain/vrptw/solver_model.h"

namespace qq::dispatch::vrptw {

class SearchState {
 public:
  struct Route {
    int vehicle = 0;
    std::vector<int> nodes;  // start depot, clients…, end depot
    std::vector<Seg> fwd;    // fwd[i]: nodes[0..i]
    std::vector<Seg> bwd;    // bwd[i]: nodes[i..end]
    int64_t modified = 0;    // the move counter when it last changed
    int clients() const { return static_cast<int>(nodes.size()) - 2; }
    const Seg& whole() const { return fwd.back(); }
  };

  explicit SearchState(const SolverModel& model);

  const SolverModel& model() const { return *m_; }

  // Replaces every route; `routes[k]` lists vehicle k's clients (missing tail = empty).
  // Clients not listed are unassigned.
  void SetRoutes(const std::vector<std::vector<int>>& routes);
  std::vector<std::vector<int>> ClientRoutes() const;

  // Recomputes route r's summaries and the positions of its clients; call after editing
  // routes[r].nodes directly.
  void Update(int r);

  // The penalised cost of a whole-route summary `seg` driven by vehicle `vehicle`.
  double Cost(const Seg& seg, int vehicle, const Penalties& p) const {
    const auto& v = m_->vehicles[vehicle];
    const double over = seg.load > v.capacity ? seg.load - v.capacity : 0;
    const bool used = seg.size > 2 || v.has_prefix;
    // An idle vehicle does not drive, even if its start and end differ.
    return (used ? p.distance * seg.dist + p.vehicle : 0.0) + p.capacity * over +
           p.time_warp * seg.tw;
  }
  double RouteCost(int r, const Penalties& p) const { return Cost(routes[r].whole(), r, p); }
  bool RouteFeasible(int r) const {
    const Seg& s = routes[r].whole();
    return s.tw <= kWarpEpsilon && s.load <= m_->vehicles[r].capacity;
  }

  // Summary of routes[r].nodes[i..j] (i <= j) travelled with profile slot `slot`.
  Seg Between(int r, int i, int j, int slot) const;
  // Clients routes[src].nodes[k..] followed by vehicle dst's end depot, travelled by dst.
  // O(1) when the two vehicles end alike, O(length) otherwise.
  Seg TailInto(int src, int k, int dst) const;
  // Whether vehicles a and b end at the same place and time and travel alike.
  bool EndsAlike(int a, int b) const { return ends_alike_[a * m_->VehicleCount() + b]; }

  void InsertClient(int u, int r, int pos);  // before nodes[pos]; 1 <= pos <= clients()+1
  void RemoveClient(int u);

  int Slot(int r) const { return m_->vehicles[r].profile_slot; }
  Seg Single(int node) const { return SingleSeg(*m_, node); }

  // Totals over all routes.
  double Distance() const;
  int UsedVehicles() const;
  double Excess() const;  // load over capacity
  double TimeWarp() const;
  bool Feasible() const;
  double PenalisedCost(const Penalties& p) const;

  std::vector<Route> routes;  // indexed by vehicle
  std::vector<char> active;   // vehicles the search may use
  std::vector<int> route_of;  // per client, -1 when unassigned
  std::vector<int> pos_of;    // per client, index in routes[route_of].nodes
  int64_t move_counter = 1;

 private:
  const SolverModel* m_;
  std::vector<char> ends_alike_;
};

}  // namespace qq::dispatch::vrptw
