#include "services/dispatch/domain/vrptw/local_search.h"

#include <algorithm>

namespace qq::dispatch::vrptw {
namespace {

// A move must gain more than this to be applied (guards against cycling on rounding).
constexpr double kImprovement = 1e-7;
// The squeeze only looks at this many nearest neighbours of each client it moves.
constexpr int kSqueezeNeighbours = 25;

}  // namespace

LocalSearch::LocalSearch(const SolverModel& model) : m_(&model) {}

// Cost change of route(u) when u (count 1) or u and its successor (count 2) leave it. The
// same for every v tried against u, so it is kept until the next applied move.
double LocalSearch::RemovalDelta(int u, int count) {
  if (removal_u_ != u || removal_counter_ != s_->move_counter) {
    removal_u_ = u;
    removal_counter_ = s_->move_counter;
    const int ru = s_->route_of[u];
    const int i = s_->pos_of[u];
    const auto& RU = s_->routes[ru];
    const int slot = s_->Slot(ru);
    const double before = RouteCost(ru);
    removal_delta_[0] = C(M(slot, RU.fwd[i - 1], RU.bwd[i + 1]), ru) - before;
    removal_delta_[1] = i + 2 < static_cast<int>(RU.nodes.size())
                            ? C(M(slot, RU.fwd[i - 1], RU.bwd[i + 2]), ru) - before
                            : 0;
  }
  return removal_delta_[count - 1];
}

double LocalSearch::Penalty(int r) const {
  const Seg& w = s_->routes[r].whole();
  const int over = w.load - m_->vehicles[r].capacity;
  return p_.capacity * (over > 0 ? over : 0) + p_.time_warp * w.tw;
}

void LocalSearch::Commit(int ra, int rb) {
  s_->move_counter++;
  moves_applied_++;
  s_->Update(ra);
  if (rb != ra) s_->Update(rb);
}

void LocalSearch::Squeeze(SearchState& state, const Penalties& penalties, Rng& rng) {
  simple_moves_ = true;
  Run(state, penalties, rng, /*only_penalised=*/true);
  simple_moves_ = false;
}

void LocalSearch::Run(SearchState& state, const Penalties& penalties, Rng& rng,
                      bool only_penalised) {
  s_ = &state;
  p_ = penalties;
  removal_u_ = -1;
  only_penalised_ = only_penalised;
  const int n = m_->n;
  const int vehicles = m_->VehicleCount();
  // The squeeze runs thousands of times on a few routes: it walks the nearest neighbours
  // in order and only the clients of the routes still in trouble; the full search shuffles.
  const std::vector<std::vector<int>>* neighbours = &m_->neighbours;
  if (!simple_moves_) {
    neighbours_ = m_->neighbours;
    for (auto& list : neighbours_) rng.Shuffle(list);
    neighbours = &neighbours_;
    order_.clear();
    for (int u = 0; u < n; ++u) {
      if (s_->route_of[u] >= 0) order_.push_back(u);
    }
    rng.Shuffle(order_);
  }
  when_tested_.assign(n, -1);
  class_tried_.resize(vehicles);

  bool improved = true;
  int64_t tried = 0;
  for (int loop = 0; improved; ++loop) {
    improved = false;
    if (simple_moves_) {
      order_.clear();
      for (int r = 0; r < vehicles; ++r) {
        if (!s_->active[r] || !Penalised(r)) continue;
        const auto& nodes = s_->routes[r].nodes;
        order_.insert(order_.end(), nodes.begin() + 1, nodes.end() - 1);
      }
      rng.Shuffle(order_);
    }
    for (int u : order_) {
      if ((++tried & 255) == 0 && deadline_.Passed()) return;
      const int64_t last_tested = when_tested_[u];
      when_tested_[u] = s_->move_counter;
      if (only_penalised_ && !Penalised(s_->route_of[u])) continue;
      const std::vector<int>& near = (*neighbours)[u];
      const int tries = simple_moves_ ? std::min<int>(near.size(), kSqueezeNeighbours)
                                      : static_cast<int>(near.size());
      for (int t = 0; t < tries; ++t) {
        const int v = near[t];
        const int rv = s_->route_of[v];
        if (rv < 0 || !s_->active[rv]) continue;
        const int ru = s_->route_of[u];
        if (loop > 0 && std::max(s_->routes[ru].modified, s_->routes[rv].modified) <= last_tested) {
          continue;
        }
        if (TryAll(u, v)) {
          improved = true;
          continue;
        }
        if (s_->pos_of[v] == 1 && TryAtStart(u, rv)) improved = true;
      }
      // Opening an unused vehicle is only tried once the search has settled, and only one
      // vehicle of each class (they are interchangeable).
      if (loop > 0) {
        std::fill(class_tried_.begin(), class_tried_.end(), 0);
        for (int r = 0; r < vehicles; ++r) {
          if (!s_->active[r] || s_->routes[r].clients() > 0) continue;
          const int cls = m_->vehicles[r].vehicle_class;
          if (class_tried_[cls]) continue;
          class_tried_[cls] = 1;
          if (s_->route_of[u] == r) continue;
          if (Relocate(u, r, 0)) {
            improved = true;
            break;
          }
        }
      }
    }
  }
}

bool LocalSearch::TryAll(int u, int v) {
  const int ru = s_->route_of[u];
  const int rv = s_->route_of[v];
  const int i = s_->pos_of[u];
  const int j = s_->pos_of[v];
  const bool x_is_client = i + 1 < static_cast<int>(s_->routes[ru].nodes.size()) - 1;
  const bool y_is_client = j + 1 < static_cast<int>(s_->routes[rv].nodes.size()) - 1;
  if (Relocate(u, rv, j)) return true;
  if (simple_moves_) return Swap(u, v) || (ru != rv && TwoOptStar(u, rv, j));
  if (x_is_client && s_->routes[ru].nodes[i + 1] != v) {
    if (RelocatePair(u, rv, j, false)) return true;
    if (RelocatePair(u, rv, j, true)) return true;
  }
  if (Swap(u, v)) return true;
  if (ru != rv) {
    if (x_is_client && SwapPairWithOne(u, v)) return true;
    if (x_is_client && y_is_client && SwapPairs(u, v)) return true;
    if (TwoOptStar(u, rv, j)) return true;
  } else if (i < j) {
    if (TwoOpt(u, v)) return true;
  }
  return false;
}

bool LocalSearch::TryAtStart(int u, int rv) {
  const int ru = s_->route_of[u];
  const int i = s_->pos_of[u];
  const bool x_is_client = i + 1 < static_cast<int>(s_->routes[ru].nodes.size()) - 1;
  if (Relocate(u, rv, 0)) return true;
  if (x_is_client && !simple_moves_) {
    if (RelocatePair(u, rv, 0, false)) return true;
    if (RelocatePair(u, rv, 0, true)) return true;
  }
  if (ru != rv && TwoOptStar(u, rv, 0)) return true;
  return false;
}

// u to just after routes[rv].nodes[j].
bool LocalSearch::Relocate(int u, int rv, int j) {
  const int ru = s_->route_of[u];
  const int i = s_->pos_of[u];
  auto& RU = s_->routes[ru];
  auto& RV = s_->routes[rv];
  const int v = RV.nodes[j];
  const int y = RV.nodes[j + 1];
  const int pu = RU.nodes[i - 1];
  const int x = RU.nodes[i + 1];
  if (ru != rv) {
    const int sv = s_->Slot(rv);
    const double du = RemovalDelta(u, 1);
    const double dv_dist = m_->Dist(v, u) + m_->Dist(u, y) - m_->Dist(v, y);
    if (du + p_.distance * dv_dist >= -kImprovement) return false;
    const Seg nv = M(sv, M(sv, RV.fwd[j], S(u)), RV.bwd[j + 1]);
    if (du + C(nv, rv) - RouteCost(rv) >= -kImprovement) return false;
    RU.nodes.erase(RU.nodes.begin() + i);
    RV.nodes.insert(RV.nodes.begin() + j + 1, u);
    Commit(ru, rv);
    return true;
  }
  if (j == i || j == i - 1) return false;
  const double dd = m_->Dist(v, u) + m_->Dist(u, y) - m_->Dist(v, y) + m_->Dist(pu, x) -
                    m_->Dist(pu, u) - m_->Dist(u, x);
  if (CannotGain(dd, ru, ru)) return false;
  const int slot = s_->Slot(ru);
  Seg acc;
  if (j < i) {
    acc = M(slot, RU.fwd[j], S(u));
    for (int k = j + 1; k < i; ++k) acc = M(slot, acc, S(RU.nodes[k]));
    acc = M(slot, acc, RU.bwd[i + 1]);
  } else {
    acc = RU.fwd[i - 1];
    for (int k = i + 1; k <= j; ++k) acc = M(slot, acc, S(RU.nodes[k]));
    acc = M(slot, M(slot, acc, S(u)), RU.bwd[j + 1]);
  }
  if (C(acc, ru) - RouteCost(ru) >= -kImprovement) return false;
  RU.nodes.erase(RU.nodes.begin() + i);
  RU.nodes.insert(RU.nodes.begin() + (j < i ? j + 1 : j), u);
  Commit(ru, ru);
  return true;
}

// (u, x) — or (x, u) when reversed — to just after routes[rv].nodes[j]; x follows u.
bool LocalSearch::RelocatePair(int u, int rv, int j, bool reversed) {
  const int ru = s_->route_of[u];
  const int i = s_->pos_of[u];
  auto& RU = s_->routes[ru];
  auto& RV = s_->routes[rv];
  const int x = RU.nodes[i + 1];
  const int v = RV.nodes[j];
  const int y = RV.nodes[j + 1];
  const int first = reversed ? x : u;
  const int second = reversed ? u : x;
  if (ru != rv) {
    const int sv = s_->Slot(rv);
    const double du = RemovalDelta(u, 2);
    const double dv_dist =
        m_->Dist(v, first) + m_->Dist(first, second) + m_->Dist(second, y) - m_->Dist(v, y);
    if (du + p_.distance * dv_dist >= -kImprovement) return false;
    const Seg pair = M(sv, S(first), S(second));
    const Seg nv = M(sv, M(sv, RV.fwd[j], pair), RV.bwd[j + 1]);
    if (du + C(nv, rv) - RouteCost(rv) >= -kImprovement) return false;
    RU.nodes.erase(RU.nodes.begin() + i, RU.nodes.begin() + i + 2);
    RV.nodes.insert(RV.nodes.begin() + j + 1, {first, second});
    Commit(ru, rv);
    return true;
  }
  if (j == i || j == i + 1) return false;
  if (j == i - 1 && !reversed) return false;
  const int pu = RU.nodes[i - 1];
  const int xx = RU.nodes[i + 2];
  const double dd = j == i - 1 ? m_->Dist(pu, x) + m_->Dist(x, u) + m_->Dist(u, xx) -
                                     m_->Dist(pu, u) - m_->Dist(u, x) - m_->Dist(x, xx)
                               : m_->Dist(pu, xx) - m_->Dist(pu, u) - m_->Dist(u, x) -
                                     m_->Dist(x, xx) + m_->Dist(v, first) +
                                     m_->Dist(first, second) + m_->Dist(second, y) - m_->Dist(v, y);
  if (CannotGain(dd, ru, ru)) return false;
  const int slot = s_->Slot(ru);
  const Seg pair = M(slot, S(first), S(second));
  Seg acc;
  if (j < i) {
    acc = M(slot, RU.fwd[j], pair);
    for (int k = j + 1; k < i; ++k) acc = M(slot, acc, S(RU.nodes[k]));
    acc = M(slot, acc, RU.bwd[i + 2]);
  } else {
    acc = RU.fwd[i - 1];
    for (int k = i + 2; k <= j; ++k) acc = M(slot, acc, S(RU.nodes[k]));
    acc = M(slot, M(slot, acc, pair), RU.bwd[j + 1]);
  }
  if (C(acc, ru) - RouteCost(ru) >= -kImprovement) return false;
  RU.nodes.erase(RU.nodes.begin() + i, RU.nodes.begin() + i + 2);
  const int at = j < i ? j + 1 : j - 1;
  RU.nodes.insert(RU.nodes.begin() + at, {first, second});
  Commit(ru, ru);
  return true;
}

bool LocalSearch::Swap(int u, int v) {
  const int ru = s_->route_of[u];
  const int rv = s_->route_of[v];
  const int i = s_->pos_of[u];
  const int j = s_->pos_of[v];
  auto& RU = s_->routes[ru];
  auto& RV = s_->routes[rv];
  {
    const int a = std::min(i, j), b = std::max(i, j);
    const int na = ru == rv ? RU.nodes[a] : u, nb = ru == rv ? RU.nodes[b] : v;
    const int pa = ru == rv ? RU.nodes[a - 1] : RU.nodes[i - 1];
    const int xa = ru == rv ? RU.nodes[a + 1] : RU.nodes[i + 1];
    const int pb = ru == rv ? RU.nodes[b - 1] : RV.nodes[j - 1];
    const int xb = ru == rv ? RU.nodes[b + 1] : RV.nodes[j + 1];
    double dd;
    if (ru == rv && b == a + 1) {
      dd = m_->Dist(pa, nb) + m_->Dist(nb, na) + m_->Dist(na, xb) - m_->Dist(pa, na) -
           m_->Dist(na, nb) - m_->Dist(nb, xb);
    } else {
      dd = m_->Dist(pa, nb) + m_->Dist(nb, xa) + m_->Dist(pb, na) + m_->Dist(na, xb) -
           m_->Dist(pa, na) - m_->Dist(na, xa) - m_->Dist(pb, nb) - m_->Dist(nb, xb);
    }
    if (CannotGain(dd, ru, rv)) return false;
  }
  if (ru != rv) {
    const int su = s_->Slot(ru), sv = s_->Slot(rv);
    const Seg nu = M(su, M(su, RU.fwd[i - 1], S(v)), RU.bwd[i + 1]);
    const Seg nv = M(sv, M(sv, RV.fwd[j - 1], S(u)), RV.bwd[j + 1]);
    if (C(nu, ru) + C(nv, rv) - RouteCost(ru) - RouteCost(rv) >= -kImprovement) return false;
    std::swap(RU.nodes[i], RV.nodes[j]);
    Commit(ru, rv);
    return true;
  }
  const int a = std::min(i, j), b = std::max(i, j);
  const int slot = s_->Slot(ru);
  Seg acc = M(slot, RU.fwd[a - 1], S(RU.nodes[b]));
  for (int k = a + 1; k < b; ++k) acc = M(slot, acc, S(RU.nodes[k]));
  acc = M(slot, M(slot, acc, S(RU.nodes[a])), RU.bwd[b + 1]);
  if (C(acc, ru) - RouteCost(ru) >= -kImprovement) return false;
  std::swap(RU.nodes[a], RU.nodes[b]);
  Commit(ru, ru);
  return true;
}

// (u, x) and v change routes.
bool LocalSearch::SwapPairWithOne(int u, int v) {
  const int ru = s_->route_of[u];
  const int rv = s_->route_of[v];
  const int i = s_->pos_of[u];
  const int j = s_->pos_of[v];
  auto& RU = s_->routes[ru];
  auto& RV = s_->routes[rv];
  const int x = RU.nodes[i + 1];
  const int pu = RU.nodes[i - 1], xx = RU.nodes[i + 2];
  const int pv = RV.nodes[j - 1], y = RV.nodes[j + 1];
  const double dd = m_->Dist(pu, v) + m_->Dist(v, xx) - m_->Dist(pu, u) - m_->Dist(u, x) -
                    m_->Dist(x, xx) + m_->Dist(pv, u) + m_->Dist(u, x) + m_->Dist(x, y) -
                    m_->Dist(pv, v) - m_->Dist(v, y);
  if (CannotGain(dd, ru, rv)) return false;
  const int su = s_->Slot(ru), sv = s_->Slot(rv);
  const Seg nu = M(su, M(su, RU.fwd[i - 1], S(v)), RU.bwd[i + 2]);
  const Seg nv = M(sv, M(sv, RV.fwd[j - 1], M(sv, S(u), S(x))), RV.bwd[j + 1]);
  if (C(nu, ru) + C(nv, rv) - RouteCost(ru) - RouteCost(rv) >= -kImprovement) return false;
  RU.nodes.erase(RU.nodes.begin() + i + 1);
  RU.nodes[i] = v;
  RV.nodes[j] = u;
  RV.nodes.insert(RV.nodes.begin() + j + 1, x);
  Commit(ru, rv);
  return true;
}

// (u, x) and (v, y) change routes.
bool LocalSearch::SwapPairs(int u, int v) {
  const int ru = s_->route_of[u];
  const int rv = s_->route_of[v];
  const int i = s_->pos_of[u];
  const int j = s_->pos_of[v];
  auto& RU = s_->routes[ru];
  auto& RV = s_->routes[rv];
  const int x = RU.nodes[i + 1];
  const int y = RV.nodes[j + 1];
  const int pu = RU.nodes[i - 1], xx = RU.nodes[i + 2];
  const int pv = RV.nodes[j - 1], yy = RV.nodes[j + 2];
  const double dd = m_->Dist(pu, v) + m_->Dist(v, y) + m_->Dist(y, xx) - m_->Dist(pu, u) -
                    m_->Dist(u, x) - m_->Dist(x, xx) + m_->Dist(pv, u) + m_->Dist(u, x) +
                    m_->Dist(x, yy) - m_->Dist(pv, v) - m_->Dist(v, y) - m_->Dist(y, yy);
  if (CannotGain(dd, ru, rv)) return false;
  const int su = s_->Slot(ru), sv = s_->Slot(rv);
  const Seg nu = M(su, M(su, RU.fwd[i - 1], M(su, S(v), S(y))), RU.bwd[i + 2]);
  const Seg nv = M(sv, M(sv, RV.fwd[j - 1], M(sv, S(u), S(x))), RV.bwd[j + 2]);
  if (C(nu, ru) + C(nv, rv) - RouteCost(ru) - RouteCost(rv) >= -kImprovement) return false;
  std::swap(RU.nodes[i], RV.nodes[j]);
  std::swap(RU.nodes[i + 1], RV.nodes[j + 1]);
  Commit(ru, rv);
  return true;
}

// Reverses x..v (u before v in one route): arcs (u,x),(v,y) become (u,v),(x,y).
bool LocalSearch::TwoOpt(int u, int v) {
  const int r = s_->route_of[u];
  const int i = s_->pos_of[u];
  const int j = s_->pos_of[v];
  if (j < i + 2) return false;
  auto& R = s_->routes[r];
  const int x = R.nodes[i + 1];
  const int y = R.nodes[j + 1];
  const double dd = m_->Dist(u, v) + m_->Dist(x, y) - m_->Dist(u, x) - m_->Dist(v, y);
  if (!Penalised(r) && p_.distance * dd >= -kImprovement) return false;  // symmetric part
  const int slot = s_->Slot(r);
  Seg acc = R.fwd[i];
  for (int k = j; k > i; --k) acc = M(slot, acc, S(R.nodes[k]));
  acc = M(slot, acc, R.bwd[j + 1]);
  if (C(acc, r) - RouteCost(r) >= -kImprovement) return false;
  std::reverse(R.nodes.begin() + i + 1, R.nodes.begin() + j + 1);
  Commit(r, r);
  return true;
}

// Exchanges the tails after u and after routes[rv].nodes[j].
bool LocalSearch::TwoOptStar(int u, int rv, int j) {
  const int ru = s_->route_of[u];
  const int i = s_->pos_of[u];
  auto& RU = s_->routes[ru];
  auto& RV = s_->routes[rv];
  const int x = RU.nodes[i + 1];
  const int v = RV.nodes[j];
  const int y = RV.nodes[j + 1];
  const double dd = m_->Dist(u, y) + m_->Dist(v, x) - m_->Dist(u, x) - m_->Dist(v, y);
  // A lower bound only when both keep their ends and no vehicle falls idle.
  if (s_->EndsAlike(ru, rv) && (j > 0 || p_.vehicle == 0) && CannotGain(dd, ru, rv)) {
    return false;
  }
  const int su = s_->Slot(ru), sv = s_->Slot(rv);
  const Seg nu = M(su, RU.fwd[i], s_->TailInto(rv, j + 1, ru));
  const Seg nv = M(sv, RV.fwd[j], s_->TailInto(ru, i + 1, rv));
  if (C(nu, ru) + C(nv, rv) - RouteCost(ru) - RouteCost(rv) >= -kImprovement) return false;
  std::vector<int> tail_u(RU.nodes.begin() + i + 1, RU.nodes.end() - 1);
  std::vector<int> tail_v(RV.nodes.begin() + j + 1, RV.nodes.end() - 1);
  const int end_u = RU.nodes.back();
  const int end_v = RV.nodes.back();
  RU.nodes.resize(i + 1);
  RU.nodes.insert(RU.nodes.end(), tail_v.begin(), tail_v.end());
  RU.nodes.push_back(end_u);
  RV.nodes.resize(j + 1);
  RV.nodes.insert(RV.nodes.end(), tail_u.begin(), tail_u.end());
  RV.nodes.push_back(end_v);
  Commit(ru, rv);
  return true;
}

}  // namespace qq::dispatch::vrptw
