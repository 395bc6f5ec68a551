#include "services/dispatch/domain/vrptw/search_state.h"

namespace qq::dispatch::vrptw {

SearchState::SearchState(const SolverModel& model) : m_(&model) {
  const int vehicles = model.VehicleCount();
  routes.resize(vehicles);
  active.assign(vehicles, 1);
  route_of.assign(model.n, -1);
  pos_of.assign(model.n, -1);
  for (int k = 0; k < vehicles; ++k) {
    routes[k].vehicle = k;
    routes[k].nodes = {model.StartNode(k), model.EndNode(k)};
    Update(k);
  }
  ends_alike_.assign(static_cast<size_t>(vehicles) * vehicles, 0);
  for (int a = 0; a < vehicles; ++a) {
    for (int b = 0; b < vehicles; ++b) {
      const int ea = model.EndNode(a), eb = model.EndNode(b);
      ends_alike_[a * vehicles + b] =
          model.loc[ea] == model.loc[eb] && model.early[ea] == model.early[eb] &&
          model.late[ea] == model.late[eb] &&
          model.vehicles[a].profile_slot == model.vehicles[b].profile_slot;
    }
  }
}

void SearchState::SetRoutes(const std::vector<std::vector<int>>& clients_by_vehicle) {
  std::fill(route_of.begin(), route_of.end(), -1);
  std::fill(pos_of.begin(), pos_of.end(), -1);
  for (int k = 0; k < static_cast<int>(routes.size()); ++k) {
    Route& r = routes[k];
    r.nodes.clear();
    r.nodes.push_back(m_->StartNode(k));
    if (k < static_cast<int>(clients_by_vehicle.size())) {
      r.nodes.insert(r.nodes.end(), clients_by_vehicle[k].begin(), clients_by_vehicle[k].end());
    }
    r.nodes.push_back(m_->EndNode(k));
    Update(k);
  }
}

std::vector<std::vector<int>> SearchState::ClientRoutes() const {
  std::vector<std::vector<int>> out(routes.size());
  for (size_t k = 0; k < routes.size(); ++k) {
    out[k].assign(routes[k].nodes.begin() + 1, routes[k].nodes.end() - 1);
  }
  return out;
}

void SearchState::Update(int r) {
  Route& route = routes[r];
  const int len = static_cast<int>(route.nodes.size());
  const int slot = Slot(r);
  route.fwd.resize(len);
  route.bwd.resize(len);
  route.fwd[0] = Single(route.nodes[0]);
  for (int i = 1; i < len; ++i) {
    route.fwd[i] = Merge(*m_, slot, route.fwd[i - 1], Single(route.nodes[i]));
  }
  route.bwd[len - 1] = Single(route.nodes[len - 1]);
  for (int i = len - 2; i >= 0; --i) {
    route.bwd[i] = Merge(*m_, slot, Single(route.nodes[i]), route.bwd[i + 1]);
  }
  for (int i = 1; i < len - 1; ++i) {
    route_of[route.nodes[i]] = r;
    pos_of[route.nodes[i]] = i;
  }
  route.modified = move_counter;
}

Seg SearchState::Between(int r, int i, int j, int slot) const {
  const std::vector<int>& nodes = routes[r].nodes;
  Seg s = Single(nodes[i]);
  for (int k = i + 1; k <= j; ++k) s = Merge(*m_, slot, s, Single(nodes[k]));
  return s;
}

Seg SearchState::TailInto(int src, int k, int dst) const {
  const Route& route = routes[src];
  if (EndsAlike(src, dst)) return route.bwd[k];
  const int slot = Slot(dst);
  const int last_client = static_cast<int>(route.nodes.size()) - 2;
  if (k > last_client) return Single(m_->EndNode(dst));
  return Merge(*m_, slot, Between(src, k, last_client, slot), Single(m_->EndNode(dst)));
}

void SearchState::InsertClient(int u, int r, int pos) {
  routes[r].nodes.insert(routes[r].nodes.begin() + pos, u);
  Update(r);
}

void SearchState::RemoveClient(int u) {
  const int r = route_of[u];
  if (r < 0) return;
  routes[r].nodes.erase(routes[r].nodes.begin() + pos_of[u]);
  route_of[u] = -1;
  pos_of[u] = -1;
  Update(r);
}

double SearchState::Distance() const {
  double d = 0;
  for (size_t k = 0; k < routes.size(); ++k) {
    if (routes[k].clients() > 0 || m_->vehicles[k].has_prefix) d += routes[k].whole().dist;
  }
  return d;
}

int SearchState::UsedVehicles() const {
  int used = 0;
  for (size_t k = 0; k < routes.size(); ++k) {
    if (routes[k].clients() > 0 || m_->vehicles[k].has_prefix) used++;
  }
  return used;
}

double SearchState::Excess() const {
  double e = 0;
  for (size_t k = 0; k < routes.size(); ++k) {
    const int over = routes[k].whole().load - m_->vehicles[k].capacity;
    if (over > 0) e += over;
  }
  return e;
}

double SearchState::TimeWarp() const {
  double w = 0;
  for (const Route& r : routes) w += r.whole().tw;
  return w;
}

bool SearchState::Feasible() const {
  for (size_t k = 0; k < routes.size(); ++k) {
    if (!RouteFeasible(static_cast<int>(k))) return false;
  }
  return true;
}

double SearchState::PenalisedCost(const Penalties& p) const {
  double c = 0;
  for (size_t k = 0; k < routes.size(); ++k) c += RouteCost(static_cast<int>(k), p);
  return c;
}

}  // namespace qq::dispatch::vrptw
