#include "services/dispatch/domain/vrptw/construction.h"

#include <algorithm>
#include <limits>

namespace qq::dispatch::vrptw {

void ConstructFeasible(SearchState& s, std::vector<int>& pool) {
  const SolverModel& m = s.model();
  std::vector<int> order;
  for (int u = 0; u < m.n; ++u) {
    if (s.route_of[u] < 0) order.push_back(u);
  }
  std::stable_sort(order.begin(), order.end(), [&m](int a, int b) {
    return m.late[a] != m.late[b] ? m.late[a] < m.late[b] : m.early[a] < m.early[b];
  });
  const int vehicles = m.VehicleCount();
  for (int u : order) {
    const Seg su = SingleSeg(m, u);
    double best = std::numeric_limits<double>::infinity();
    int best_route = -1, best_pos = -1;
    auto consider = [&](int r, int pos) {
      const auto& route = s.routes[r];
      if (route.whole().load + m.demand[u] > m.vehicles[r].capacity) return;
      const int slot = s.Slot(r);
      const Seg seg = Merge(m, slot, Merge(m, slot, route.fwd[pos - 1], su), route.bwd[pos]);
      if (seg.tw > kWarpEpsilon) return;
      const bool out = route.clients() > 0 || m.vehicles[r].has_prefix;
      const double added = seg.dist - (out ? route.whole().dist : 0.0);
      if (added < best) {
        best = added;
        best_route = r;
        best_pos = pos;
      }
    };
    // Next to a planned neighbour first; else anywhere on a vehicle already out; else an
    // idle vehicle.
    for (int v : m.neighbours[u]) {
      const int r = s.route_of[v];
      if (r < 0 || !s.active[r]) continue;
      consider(r, s.pos_of[v]);
      consider(r, s.pos_of[v] + 1);
    }
    for (int pass = 0; pass < 2 && best_route < 0; ++pass) {
      for (int r = 0; r < vehicles; ++r) {
        if (!s.active[r]) continue;
        const auto& route = s.routes[r];
        const bool out = route.clients() > 0 || m.vehicles[r].has_prefix;
        if (out != (pass == 0)) continue;
        for (int pos = 1; pos < static_cast<int>(route.nodes.size()); ++pos) consider(r, pos);
      }
    }
    if (best_route < 0) {
      pool.push_back(u);
      continue;
    }
    s.InsertClient(u, best_route, best_pos);
  }
}

}  // namespace qq::dispatch::vrptw
