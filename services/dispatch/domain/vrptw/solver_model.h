// Internal to the optimiser: the compiled form of a Problem that the search works on.
// Stops already fixed in a vehicle's prefix are folded into the vehicle (it starts where
// and when its prefix ends, with the capacity left), so the search only ever sees free
// stops ("clients") and never has to guard fixed ones. Travel comes from dense matrices
// over the locations in use, or straight from the TravelModel for very large instances.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

#include "services/dispatch/domain/vrptw/problem.h"

namespace qq::dispatch::vrptw {

// Node ids: clients are 0..n-1; vehicle k has start node n+2k and end node n+2k+1.
struct SolverModel {
  struct VehicleData {
    int start_node = 0;
    int end_node = 0;
    int capacity = 0;      // left after the fixed prefix
    int profile_slot = 0;  // index into the time matrices
    bool has_prefix = false;
    int vehicle_class = 0;  // vehicles of one class are interchangeable
    double prefix_distance = 0;
  };

  int n = 0;                     // clients
  std::vector<int> client_stop;  // client → index in Problem::stops
  std::vector<VehicleData> vehicles;

  // Per node (clients, then depots).
  std::vector<int> loc;  // compact location
  std::vector<double> early, late, service;
  std::vector<int> demand;

  int locations = 0;                 // compact locations in use
  std::vector<int> travel_location;  // compact → TravelModel location
  std::vector<int> slot_profile;     // profile slot → TravelModel profile
  bool dense = true;
  std::vector<double> dist;               // locations² when dense
  std::vector<std::vector<double>> time;  // per slot, locations² when dense
  const TravelModel* travel = nullptr;

  // Per client: the closest clients by a proximity that counts distance, the waiting and
  // the lateness a direct trip would cause (the "granular" neighbourhood of the search).
  std::vector<std::vector<int>> neighbours;

  double max_distance = 0;  // largest client–client or depot–client distance (for scaling)
  int max_demand = 0;

  int StartNode(int k) const { return n + 2 * k; }
  int EndNode(int k) const { return n + 2 * k + 1; }
  int VehicleCount() const { return static_cast<int>(vehicles.size()); }

  double Dist(int a, int b) const {
    if (dense) return dist[static_cast<size_t>(loc[a]) * locations + loc[b]];
    return travel->Distance(travel_location[loc[a]], travel_location[loc[b]]);
  }
  double Time(int a, int b, int slot) const {
    if (dense) return time[slot][static_cast<size_t>(loc[a]) * locations + loc[b]];
    return travel->Time(travel_location[loc[a]], travel_location[loc[b]], slot_profile[slot]);
  }
};

// The vehicle's state after its fixed prefix: where and when it is free, load carried.
struct PrefixEnd {
  int location = 0;  // TravelModel location
  double time = 0;   // free from this time on
  int load = 0;
  double distance = 0;  // driven for the prefix
};
PrefixEnd SimulatePrefix(const Problem& problem, int vehicle);

// Compiles `problem` for the search over `clients` (stop indices not in any prefix).
// `granularity` bounds the neighbour lists.
SolverModel BuildSolverModel(const Problem& problem, const std::vector<int>& clients,
                             int granularity);

// A sequence of consecutive nodes, summarised so that two summaries can be joined in O(1)
// (the time-window "concatenation" of Vidal et al. 2013): its duration, the time warp
// (lateness turned into travel back in time) it cannot avoid, the window of feasible start
// times, load and distance.
struct Seg {
  int first = 0;
  int last = 0;
  int size = 0;
  int load = 0;
  double dist = 0;
  double dur = 0;
  double tw = 0;
  double early = 0;
  double late = 0;
};

inline Seg SingleSeg(const SolverModel& m, int node) {
  return {node, node, 1, m.demand[node], 0.0, m.service[node], 0.0, m.early[node], m.late[node]};
}

inline Seg Merge(const SolverModel& m, int slot, const Seg& a, const Seg& b) {
  const double t = m.Time(a.last, b.first, slot);
  const double delta = a.dur - a.tw + t;
  const double wait = std::max(b.early - delta - a.late, 0.0);
  const double warp = std::max(a.early + delta - b.late, 0.0);
  return {a.first,
          b.last,
          a.size + b.size,
          a.load + b.load,
          a.dist + b.dist + m.Dist(a.last, b.first),
          a.dur + b.dur + t + wait,
          a.tw + b.tw + warp,
          std::max(b.early - delta, a.early) - wait,
          std::min(b.late - delta, a.late) + warp};
}

inline Seg Merge(const SolverModel& m, int slot, const Seg& a, const Seg& b, const Seg& c) {
  return Merge(m, slot, Merge(m, slot, a, b), c);
}

// Weights of the penalised objective the local search minimises.
struct Penalties {
  double distance = 1;
  double capacity = 1;   // per unit of load over capacity
  double time_warp = 1;  // per unit of time warp
  double vehicle = 0;    // per route that has stops (or a fixed prefix)
};

// Feasibility thresholds: time warp below kWarpEpsilon is rounding, not lateness.
inline constexpr double kWarpEpsilon = 1e-7;

// When a phase must stop; the default never passes. The only wall-clock input of the search.
class Deadline {
 public:
  using Clock = std::chrono::steady_clock;
  Deadline() = default;
  static Deadline In(double seconds) {
    Deadline d;
    d.set_ = true;
    d.at_ = Clock::now() +
            std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    return d;
  }
  bool Passed() const { return set_ && Clock::now() >= at_; }
  bool set() const { return set_; }
  double SecondsLeft() const {
    return set_ ? std::chrono::duration<double>(at_ - Clock::now()).count() : 1e300;
  }
  // The earlier of the two.
  static Deadline Min(const Deadline& a, const Deadline& b) {
    if (!a.set_) return b;
    if (!b.set_) return a;
    return a.at_ <= b.at_ ? a : b;
  }

 private:
  bool set_ = false;
  Clock::time_point at_{};
};

// Small deterministic RNG helpers (std::uniform_int_distribution and std::shuffle differ
// between standard libraries; these do not).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed ^ 0x9E3779B97F4A7C15ull) {
    for (int i = 0; i < 4; ++i) Next();
  }
  uint64_t Next() {  // splitmix64
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  int Uniform(int n) { return n <= 1 ? 0 : static_cast<int>(Next() % static_cast<uint64_t>(n)); }
  double Unit() { return static_cast<double>(Next() >> 11) * (1.0 / 9007199254740992.0); }
  template <typename T>
  void Shuffle(std::vector<T>& v) {
    for (int i = static_cast<int>(v.size()) - 1; i > 0; --i) std::swap(v[i], v[Uniform(i + 1)]);
  }

 private:
  uint64_t state_;
};

}  // namespace qq::dispatch::vrptw
