#include "services/dispatch/domain/vrptw/route_minimizer.h"

#include <algorithm>
#include <functional>
#include <limits>

namespace qq::dispatch::vrptw {
namespace {

constexpr int kMaxEjected = 5;
constexpr int kPerturbationMoves = 100;
// Bounds one ejection search (nodes of its enumeration) so a very long route cannot stall.
constexpr int64_t kEjectionSearchBudget = 50000;

bool SegFeasible(const Seg& seg, int capacity) {
  return seg.tw <= kWarpEpsilon && seg.load <= capacity;
}

}  // namespace

RouteMinimizer::RouteMinimizer(const SolverModel& model, Rng& rng)
    : m_(model), rng_(rng), squeeze_search_(model), failures_(model.n, 1) {}

int RouteMinimizer::CapacityLowerBound(const SolverModel& model) {
  long long demand = 0;
  for (int u = 0; u < model.n; ++u) demand += model.demand[u];
  std::vector<int> caps;
  int fixed = 0;
  for (const auto& v : model.vehicles) {
    if (v.has_prefix) {
      fixed++;
      demand -= v.capacity;
    } else {
      caps.push_back(v.capacity);
    }
  }
  std::sort(caps.rbegin(), caps.rend());
  int needed = 0;
  while (demand > 0 && needed < static_cast<int>(caps.size())) demand -= caps[needed++];
  if (fixed + needed == 0 && model.n > 0) needed = 1;
  return fixed + needed;
}

bool RouteMinimizer::InsertPool(SearchState& s, std::vector<int>& pool, int64_t max_iterations,
                                const Deadline& deadline) {
  for (int64_t it = 0; !pool.empty(); ++it) {
    if (it >= max_iterations || ((it & 7) == 0 && deadline.Passed())) return false;
    iterations_++;
    const int v = pool.back();
    pool.pop_back();
    if (InsertFeasible(s, v) || Squeeze(s, v)) continue;
    failures_[v]++;
    if (!EjectAndInsert(s, v, pool)) {
      // Not even with ejections (too many would have to go): shake the routes and retry it
      // last.
      pool.insert(pool.begin(), v);
    }
    Perturb(s, kPerturbationMoves);
  }
  return true;
}

bool RouteMinimizer::RemoveOneRoute(SearchState& s, int64_t max_iterations,
                                    const Deadline& deadline) {
  std::vector<int> candidates;
  for (int r = 0; r < m_.VehicleCount(); ++r) {
    if (s.active[r] && s.routes[r].clients() > 0 && !m_.vehicles[r].has_prefix) {
      candidates.push_back(r);
    }
  }
  if (candidates.size() < 2) return false;
  const std::vector<std::vector<int>> snapshot = s.ClientRoutes();
  const std::vector<char> active = s.active;
  const int r = candidates[rng_.Uniform(static_cast<int>(candidates.size()))];
  std::vector<int> pool(s.routes[r].nodes.begin() + 1, s.routes[r].nodes.end() - 1);
  rng_.Shuffle(pool);
  s.routes[r].nodes.erase(s.routes[r].nodes.begin() + 1, s.routes[r].nodes.end() - 1);
  for (int u : pool) s.route_of[u] = s.pos_of[u] = -1;
  s.Update(r);
  s.active[r] = 0;
  std::fill(failures_.begin(), failures_.end(), 1);
  if (InsertPool(s, pool, max_iterations, deadline)) return true;
  s.active = active;
  s.SetRoutes(snapshot);
  return false;
}

// Inserts v at a random feasible position, if there is one.
bool RouteMinimizer::InsertFeasible(SearchState& s, int v) {
  const Seg sv = SingleSeg(m_, v);
  int chosen_route = -1, chosen_pos = -1, seen = 0;
  for (int r = 0; r < m_.VehicleCount(); ++r) {
    if (!s.active[r]) continue;
    const auto& route = s.routes[r];
    const int cap = m_.vehicles[r].capacity;
    if (route.whole().load + m_.demand[v] > cap) continue;
    const int slot = s.Slot(r);
    for (int j = 0; j + 1 < static_cast<int>(route.nodes.size()); ++j) {
      // Cheap necessary condition before the full check.
      if (route.fwd[j].early + route.fwd[j].dur > m_.late[v] + kWarpEpsilon &&
          route.fwd[j].tw <= kWarpEpsilon) {
        break;  // already too late at j, so later positions are too
      }
      const Seg seg = Merge(m_, slot, Merge(m_, slot, route.fwd[j], sv), route.bwd[j + 1]);
      if (!SegFeasible(seg, cap)) continue;
      if (rng_.Uniform(++seen) == 0) {
        chosen_route = r;
        chosen_pos = j + 1;
      }
    }
  }
  if (chosen_route < 0) return false;
  s.InsertClient(v, chosen_route, chosen_pos);
  return true;
}

bool RouteMinimizer::Squeeze(SearchState& s, int v) {
  Penalties squeeze{.distance = 0, .capacity = 1, .time_warp = 1, .vehicle = 0};
  const Seg sv = SingleSeg(m_, v);
  int best_route = -1, best_pos = -1;
  double best = std::numeric_limits<double>::infinity();
  for (int r = 0; r < m_.VehicleCount(); ++r) {
    if (!s.active[r]) continue;
    const auto& route = s.routes[r];
    const int slot = s.Slot(r);
    for (int j = 0; j + 1 < static_cast<int>(route.nodes.size()); ++j) {
      const Seg seg = Merge(m_, slot, Merge(m_, slot, route.fwd[j], sv), route.bwd[j + 1]);
      const double penalty = s.Cost(seg, r, squeeze);
      if (penalty < best) {
        best = penalty;
        best_route = r;
        best_pos = j + 1;
      }
    }
  }
  if (best_route < 0) return false;
  const std::vector<std::vector<int>> snapshot = s.ClientRoutes();
  s.InsertClient(v, best_route, best_pos);
  squeeze_search_.Squeeze(s, squeeze, rng_);
  if (s.Feasible()) return true;
  s.SetRoutes(snapshot);
  return false;
}

bool RouteMinimizer::EjectAndInsert(SearchState& s, int v, std::vector<int>& pool) {
  best_ = Ejection{};
  best_.psum = std::numeric_limits<int>::max();
  budget_ = kEjectionSearchBudget;
  inserted_ = v;
  std::vector<int> routes;
  for (int r = 0; r < m_.VehicleCount(); ++r) {
    if (s.active[r]) routes.push_back(r);
  }
  rng_.Shuffle(routes);
  for (int r : routes) {
    const auto& route = s.routes[r];
    const int len = static_cast<int>(route.nodes.size());
    slot_ = s.Slot(r);
    capacity_ = m_.vehicles[r].capacity;
    total_load_ = route.whole().load + m_.demand[v];
    // Positions in random order too, so ties in the failure sums are broken at random.
    std::vector<int> positions;
    for (int q = 1; q < len; ++q) positions.push_back(q);
    rng_.Shuffle(positions);
    for (int q : positions) {
      seq_.assign(route.nodes.begin(), route.nodes.begin() + q);
      seq_.push_back(v);
      seq_.insert(seq_.end(), route.nodes.begin() + q, route.nodes.end());
      const int last = static_cast<int>(seq_.size()) - 1;
      latest_.resize(seq_.size());
      latest_[last] = m_.late[seq_[last]];
      for (int k = last - 1; k >= 0; --k) {
        latest_[k] = std::min(m_.late[seq_[k]], latest_[k + 1] - m_.service[seq_[k]] -
                                                    m_.Time(seq_[k], seq_[k + 1], slot_));
        // A suffix that cannot be kept whole whenever it starts (a window opens after the
        // latest start) must not look keepable to the nodes before it.
        if (latest_[k] < m_.early[seq_[k]] - kWarpEpsilon) {
          latest_[k] = -std::numeric_limits<double>::infinity();
        }
      }
      current_.route = r;
      current_.position = q;
      ejected_.clear();
      EjectionSearch(1, seq_[0], m_.early[seq_[0]] + m_.service[seq_[0]], 0, 0, 0);
      if (budget_ <= 0) break;
    }
    if (budget_ <= 0) break;
  }
  if (best_.route < 0) return false;
  // v goes in before nodes[position]; then the ejected leave.
  s.routes[best_.route].nodes.insert(s.routes[best_.route].nodes.begin() + best_.position, v);
  auto& nodes = s.routes[best_.route].nodes;
  for (int e : best_.ejected) {
    nodes.erase(std::find(nodes.begin(), nodes.end(), e));
    s.route_of[e] = s.pos_of[e] = -1;
    pool.push_back(e);
  }
  s.move_counter++;
  s.Update(best_.route);
  return true;
}

// Depth-first over seq_[k..]: at each client, eject it or keep it. A branch ends as soon as
// keeping everything that is left is feasible (any further ejection would only cost more).
void RouteMinimizer::EjectionSearch(int k, int prev, double departure, int removed_load, int count,
                                    int psum) {
  if (--budget_ <= 0 || psum >= best_.psum) return;
  const int node = seq_[k];
  const double arrival = departure + m_.Time(prev, node, slot_);
  const double start = std::max(arrival, m_.early[node]);
  if (start <= latest_[k] + kWarpEpsilon && total_load_ - removed_load <= capacity_) {
    best_.route = current_.route;
    best_.position = current_.position;
    best_.psum = psum;
    best_.ejected = ejected_;
    return;
  }
  if (k == static_cast<int>(seq_.size()) - 1) return;
  if (node != inserted_ && node < m_.n && count < kMaxEjected &&
      psum + failures_[node] < best_.psum) {
    ejected_.push_back(node);
    EjectionSearch(k + 1, prev, departure, removed_load + m_.demand[node], count + 1,
                   psum + failures_[node]);
    ejected_.pop_back();
  }
  if (start <= m_.late[node] + kWarpEpsilon) {
    if (count == kMaxEjected && total_load_ - removed_load > capacity_) return;
    EjectionSearch(k + 1, node, start + m_.service[node], removed_load, count, psum);
  }
}

void RouteMinimizer::Perturb(SearchState& s, int moves) {
  std::vector<int> clients;
  for (int u = 0; u < m_.n; ++u) {
    if (s.route_of[u] >= 0) clients.push_back(u);
  }
  if (clients.empty()) return;
  for (int t = 0; t < moves; ++t) {
    const int u = clients[rng_.Uniform(static_cast<int>(clients.size()))];
    if (m_.neighbours[u].empty()) return;
    const int v = m_.neighbours[u][rng_.Uniform(static_cast<int>(m_.neighbours[u].size()))];
    const int ru = s.route_of[u], rv = s.route_of[v];
    if (rv < 0 || ru < 0 || ru == rv) continue;
    auto& RU = s.routes[ru];
    auto& RV = s.routes[rv];
    const int i = s.pos_of[u], j = s.pos_of[v];
    const int su = s.Slot(ru), sv = s.Slot(rv);
    const int cu = m_.vehicles[ru].capacity, cv = m_.vehicles[rv].capacity;
    switch (rng_.Uniform(3)) {
      case 0: {  // u after v
        const Seg nu = Merge(m_, su, RU.fwd[i - 1], RU.bwd[i + 1]);
        const Seg nv = Merge(m_, sv, Merge(m_, sv, RV.fwd[j], SingleSeg(m_, u)), RV.bwd[j + 1]);
        if (!SegFeasible(nu, cu) || !SegFeasible(nv, cv)) continue;
        RU.nodes.erase(RU.nodes.begin() + i);
        RV.nodes.insert(RV.nodes.begin() + j + 1, u);
        break;
      }
      case 1: {  // swap
        const Seg nu = Merge(m_, su, Merge(m_, su, RU.fwd[i - 1], SingleSeg(m_, v)), RU.bwd[i + 1]);
        const Seg nv = Merge(m_, sv, Merge(m_, sv, RV.fwd[j - 1], SingleSeg(m_, u)), RV.bwd[j + 1]);
        if (!SegFeasible(nu, cu) || !SegFeasible(nv, cv)) continue;
        std::swap(RU.nodes[i], RV.nodes[j]);
        break;
      }
      default: {  // 2-opt*: tails after u and after v change routes
        const Seg nu = Merge(m_, su, RU.fwd[i], s.TailInto(rv, j + 1, ru));
        const Seg nv = Merge(m_, sv, RV.fwd[j], s.TailInto(ru, i + 1, rv));
        if (!SegFeasible(nu, cu) || !SegFeasible(nv, cv)) continue;
        std::vector<int> tail_u(RU.nodes.begin() + i + 1, RU.nodes.end() - 1);
        std::vector<int> tail_v(RV.nodes.begin() + j + 1, RV.nodes.end() - 1);
        const int end_u = RU.nodes.back(), end_v = RV.nodes.back();
        RU.nodes.resize(i + 1);
        RU.nodes.insert(RU.nodes.end(), tail_v.begin(), tail_v.end());
        RU.nodes.push_back(end_u);
        RV.nodes.resize(j + 1);
        RV.nodes.insert(RV.nodes.end(), tail_u.begin(), tail_u.end());
        RV.nodes.push_back(end_v);
        break;
      }
    }
    s.move_counter++;
    s.Update(ru);
    s.Update(rv);
  }
}

}  // namespace qq::dispatch::vrptw
