#include "services/dispatch/domain/vrptw/solver_model.h"

#include <map>
#include <numeric>
#include <tuple>

namespace qq::dispatch::vrptw {
namespace {

// Dense matrices up to this many locations (3,000² doubles = 72 MB per matrix); beyond,
// the search asks the TravelModel on every lookup.
constexpr int kMaxDenseLocations = 3000;

}  // namespace

PrefixEnd SimulatePrefix(const Problem& problem, int vehicle) {
  const Vehicle& v = problem.vehicles[vehicle];
  PrefixEnd end{v.start_location, v.shift_start, 0, 0};
  for (int stop : v.fixed_prefix) {
    const Stop& s = problem.stops[stop];
    const double arrival =
        end.time + problem.travel->Time(end.location, s.location, v.travel_profile);
    end.time = std::max(arrival, s.earliest) + s.service_time;
    end.distance += problem.travel->Distance(end.location, s.location);
    end.load += s.demand;
    end.location = s.location;
  }
  return end;
}

SolverModel BuildSolverModel(const Problem& problem, const std::vector<int>& clients,
                             int granularity) {
  SolverModel m;
  m.travel = problem.travel;
  m.n = static_cast<int>(clients.size());
  m.client_stop = clients;
  const int vehicles = static_cast<int>(problem.vehicles.size());
  const int nodes = m.n + 2 * vehicles;
  std::vector<int> travel_loc(nodes);
  m.early.resize(nodes);
  m.late.resize(nodes);
  m.service.assign(nodes, 0.0);
  m.demand.assign(nodes, 0);
  for (int i = 0; i < m.n; ++i) {
    const Stop& s = problem.stops[clients[i]];
    travel_loc[i] = s.location;
    m.early[i] = s.earliest;
    m.late[i] = s.latest;
    m.service[i] = s.service_time;
    m.demand[i] = s.demand;
    m.max_demand = std::max(m.max_demand, s.demand);
  }

  // Profiles in use get dense slots.
  std::map<int, int> slot_of_profile;
  for (const Vehicle& v : problem.vehicles) {
    if (!slot_of_profile.count(v.travel_profile)) {
      const int slot = static_cast<int>(slot_of_profile.size());
      slot_of_profile[v.travel_profile] = slot;
      m.slot_profile.push_back(v.travel_profile);
    }
  }
  if (m.slot_profile.empty()) m.slot_profile.push_back(0);

  std::map<std::tuple<int, int, int, int, double, double>, int> class_of;
  for (int k = 0; k < vehicles; ++k) {
    const Vehicle& v = problem.vehicles[k];
    const PrefixEnd pe = SimulatePrefix(problem, k);
    SolverModel::VehicleData d;
    d.start_node = m.StartNode(k);
    d.end_node = m.EndNode(k);
    d.capacity = std::max(0, v.capacity - pe.load);
    d.profile_slot = slot_of_profile[v.travel_profile];
    d.has_prefix = !v.fixed_prefix.empty();
    d.prefix_distance = pe.distance;
    travel_loc[d.start_node] = pe.location;
    travel_loc[d.end_node] = v.end_location;
    // A prefix that already runs past the shift end is a given the search cannot change:
    // the shift is stretched to the earliest possible return so it is not counted as warp.
    const double direct_back =
        pe.time + problem.travel->Time(pe.location, v.end_location, v.travel_profile);
    m.early[d.start_node] = pe.time;
    m.late[d.start_node] = std::max(v.shift_end, pe.time);
    m.early[d.end_node] = v.shift_start;
    m.late[d.end_node] = std::max(v.shift_end, direct_back);
    if (d.has_prefix) {
      d.vehicle_class = -1 - k;  // unique
    } else {
      auto key = std::make_tuple(v.start_location, v.end_location, v.capacity, v.travel_profile,
                                 v.shift_start, v.shift_end);
      auto it = class_of.find(key);
      if (it == class_of.end()) it = class_of.emplace(key, static_cast<int>(class_of.size())).first;
      d.vehicle_class = it->second;
    }
    m.vehicles.push_back(d);
  }
  // Prefix vehicles got negative placeholders; give them classes after the shared ones.
  int next_class = static_cast<int>(class_of.size());
  for (auto& d : m.vehicles) {
    if (d.vehicle_class < 0) d.vehicle_class = next_class++;
  }

  // Compact locations.
  std::map<int, int> compact;
  m.loc.resize(nodes);
  for (int i = 0; i < nodes; ++i) {
    auto it = compact.find(travel_loc[i]);
    if (it == compact.end()) {
      it = compact.emplace(travel_loc[i], static_cast<int>(m.travel_location.size())).first;
      m.travel_location.push_back(travel_loc[i]);
    }
    m.loc[i] = it->second;
  }
  m.locations = static_cast<int>(m.travel_location.size());
  m.dense = m.locations <= kMaxDenseLocations;
  if (m.dense) {
    const size_t cells = static_cast<size_t>(m.locations) * m.locations;
    m.dist.resize(cells);
    m.time.assign(m.slot_profile.size(), std::vector<double>(cells));
    for (int a = 0; a < m.locations; ++a) {
      for (int b = 0; b < m.locations; ++b) {
        const size_t c = static_cast<size_t>(a) * m.locations + b;
        m.dist[c] = problem.travel->Distance(m.travel_location[a], m.travel_location[b]);
        for (size_t s = 0; s < m.slot_profile.size(); ++s) {
          m.time[s][c] =
              problem.travel->Time(m.travel_location[a], m.travel_location[b], m.slot_profile[s]);
        }
      }
    }
  }

  for (int i = 0; i < m.n; ++i) {
    for (int k = 0; k < vehicles; ++k) {
      m.max_distance = std::max(m.max_distance, m.Dist(m.StartNode(k), i));
    }
  }

  // Granular neighbourhoods: proximity as in the time-window variants of HGS — distance,
  // plus a fraction of the waiting and all of the lateness a direct trip would cause —
  // taking the better of the two directions.
  const int gamma = std::min(granularity, std::max(0, m.n - 1));
  m.neighbours.assign(m.n, {});
  constexpr double kWaitWeight = 0.2;
  constexpr double kWarpWeight = 1.0;
  auto one_way = [&](int a, int b) {
    const double t = m.Time(a, b, 0);
    const double wait = std::max(0.0, m.early[b] - t - m.service[a] - m.late[a]);
    const double warp = std::max(0.0, m.early[a] + m.service[a] + t - m.late[b]);
    return m.Dist(a, b) + kWaitWeight * wait + kWarpWeight * warp;
  };
  // Without matrices every lookup is a call, so candidates are first cut down by distance
  // alone (one call per pair) to a few times gamma.
  const int candidates = m.dense ? m.n : std::min(m.n, 4 * gamma + 16);
  std::vector<std::pair<double, int>> scored, nearest;
  for (int u = 0; u < m.n; ++u) {
    nearest.clear();
    for (int v = 0; v < m.n; ++v) {
      if (v != u) nearest.push_back({m.dense ? 0.0 : m.Dist(u, v), v});
    }
    if (candidates < static_cast<int>(nearest.size())) {
      std::nth_element(nearest.begin(), nearest.begin() + candidates, nearest.end());
      nearest.resize(candidates);
    }
    scored.clear();
    for (const auto& [d, v] : nearest) {
      scored.push_back({std::min(one_way(u, v), one_way(v, u)), v});
    }
    if (gamma < static_cast<int>(scored.size())) {
      std::nth_element(scored.begin(), scored.begin() + gamma, scored.end());
      scored.resize(gamma);
    }
    std::sort(scored.begin(), scored.end());
    for (const auto& [score, v] : scored) m.neighbours[u].push_back(v);
  }
  return m;
}

}  // namespace qq::dispatch::vrptw
