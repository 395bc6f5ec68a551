#include "services/dispatch/domain/vrptw/genetic_search.h"

#include <algorithm>
#include <limits>

namespace qq::dispatch::vrptw {
namespace {

constexpr double kMaxSplitWork = 200000;  // active vehicles × clients

}  // namespace

struct GeneticSearch::Individual {
  std::vector<std::vector<int>> routes;
  double distance = 0;
  double excess = 0;
  double warp = 0;
  int used = 0;
  bool feasible = false;
  std::vector<int> succ, pred;  // per client; -1 = a depot
  double biased = 0;
  std::vector<std::pair<double, Individual*>> close;  // other members by distance, ascending
};

GeneticSearch::GeneticSearch(const SolverModel& model, Rng& rng, std::vector<char> active,
                             double vehicle_cost, double search_vehicle_cost, GeneticConfig config)
    : m_(model),
      rng_(rng),
      active_(std::move(active)),
      vehicle_cost_(vehicle_cost),
      search_vehicle_cost_(search_vehicle_cost),
      config_(config),
      ls_(model),
      work_(model),
      alt_(model) {
  work_.active = active_;
  alt_.active = active_;
  for (int k = 0; k < model.VehicleCount(); ++k) {
    if (active_[k]) active_ids_.push_back(k);
  }
  // The order crossover needs interchangeable vehicles, and its split costs about
  // vehicles × clients × route length, so it is left out on very large fleets.
  use_split_ =
      !active_ids_.empty() && static_cast<double>(active_ids_.size()) * model.n <= kMaxSplitWork;
  for (int k : active_ids_) {
    if (model.vehicles[k].vehicle_class != model.vehicles[active_ids_[0]].vehicle_class) {
      use_split_ = false;
    }
  }
  // Initial weights, then adapted: a unit of excess load costs about a long arc (as in
  // HGS); a unit of time warp what is driven in a unit of time (the average speed over the
  // granular arcs), so that the weights do not depend on the units of the problem.
  penalties_.distance = 1;
  penalties_.capacity = std::clamp(model.max_distance / std::max(1, model.max_demand), 0.1, 1000.0);
  double arc_distance = 0, arc_time = 0;
  for (int u = 0; u < model.n; ++u) {
    for (int v : model.neighbours[u]) {
      arc_distance += model.Dist(u, v);
      arc_time += model.Time(u, v, 0);
    }
  }
  penalties_.time_warp = arc_time > 0 && arc_distance > 0 ? arc_distance / arc_time : 1;
  penalties_.vehicle = search_vehicle_cost_;
}

GeneticSearch::~GeneticSearch() = default;

GeneticSearch::IndividualPtr GeneticSearch::Evaluate(const SearchState& state) const {
  auto ind = std::make_unique<Individual>();
  ind->routes = state.ClientRoutes();
  ind->distance = state.Distance();
  ind->excess = state.Excess();
  ind->warp = state.TimeWarp();
  ind->used = state.UsedVehicles();
  ind->feasible = state.Feasible();
  ind->succ.assign(m_.n, -1);
  ind->pred.assign(m_.n, -1);
  for (const auto& route : ind->routes) {
    for (size_t i = 0; i < route.size(); ++i) {
      if (i > 0) ind->pred[route[i]] = route[i - 1];
      if (i + 1 < route.size()) ind->succ[route[i]] = route[i + 1];
    }
  }
  return ind;
}

double GeneticSearch::PenalisedCost(const Individual& ind) const {
  return ind.distance + penalties_.capacity * ind.excess + penalties_.time_warp * ind.warp +
         vehicle_cost_ * ind.used;
}

double GeneticSearch::BrokenPairs(const Individual& a, const Individual& b) const {
  int differ = 0;
  int counted = 0;
  for (int i = 0; i < m_.n; ++i) {
    if (!planned_[i]) continue;
    counted++;
    if (a.succ[i] != b.succ[i] && a.succ[i] != b.pred[i]) differ++;
    if (a.pred[i] == -1 && b.pred[i] != -1 && b.succ[i] != -1) differ++;
  }
  return counted == 0 ? 0.0 : static_cast<double>(differ) / counted;
}

void GeneticSearch::Add(IndividualPtr ind) {
  auto& pop = ind->feasible ? feasible_ : infeasible_;
  for (auto& other : pop) {
    const double d = BrokenPairs(*ind, *other);
    auto insert_sorted = [](auto& list, double dist, Individual* who) {
      auto it = std::lower_bound(list.begin(), list.end(), std::make_pair(dist, who),
                                 [](const auto& x, const auto& y) { return x.first < y.first; });
      list.insert(it, {dist, who});
    };
    insert_sorted(ind->close, d, other.get());
    insert_sorted(other->close, d, ind.get());
  }
  pop.push_back(std::move(ind));
  if (static_cast<int>(pop.size()) > config_.population + config_.generation) {
    while (static_cast<int>(pop.size()) > config_.population) RemoveWorst(pop);
  }
}

void GeneticSearch::UpdateBiasedFitness(std::vector<IndividualPtr>& pop) {
  const int size = static_cast<int>(pop.size());
  if (size == 0) return;
  if (size == 1) {
    pop[0]->biased = 0;
    return;
  }
  std::vector<std::pair<double, int>> by_cost(size), by_diversity(size);
  for (int i = 0; i < size; ++i) {
    by_cost[i] = {PenalisedCost(*pop[i]), i};
    const int k = std::min(config_.close, static_cast<int>(pop[i]->close.size()));
    double sum = 0;
    for (int c = 0; c < k; ++c) sum += pop[i]->close[c].first;
    by_diversity[i] = {k == 0 ? 0.0 : -sum / k, i};  // more diverse ranks first
  }
  std::sort(by_cost.begin(), by_cost.end());
  std::sort(by_diversity.begin(), by_diversity.end());
  std::vector<double> cost_rank(size), div_rank(size);
  for (int r = 0; r < size; ++r) {
    cost_rank[by_cost[r].second] = static_cast<double>(r) / (size - 1);
    div_rank[by_diversity[r].second] = static_cast<double>(r) / (size - 1);
  }
  const double diversity_weight =
      size <= config_.elite ? 0.0 : 1.0 - static_cast<double>(config_.elite) / size;
  for (int i = 0; i < size; ++i) pop[i]->biased = cost_rank[i] + diversity_weight * div_rank[i];
}

void GeneticSearch::RemoveWorst(std::vector<IndividualPtr>& pop) {
  UpdateBiasedFitness(pop);
  int worst = -1;
  bool worst_is_clone = false;
  for (int i = 0; i < static_cast<int>(pop.size()); ++i) {
    const bool clone = !pop[i]->close.empty() && pop[i]->close[0].first < 1e-12;
    if (worst < 0 || (clone && !worst_is_clone) ||
        (clone == worst_is_clone && pop[i]->biased > pop[worst]->biased)) {
      worst = i;
      worst_is_clone = clone;
    }
  }
  Individual* gone = pop[worst].get();
  for (auto& other : pop) {
    auto& list = other->close;
    list.erase(std::remove_if(list.begin(), list.end(),
                              [gone](const auto& e) { return e.second == gone; }),
               list.end());
  }
  pop.erase(pop.begin() + worst);
}

const GeneticSearch::Individual& GeneticSearch::Tournament() {
  UpdateBiasedFitness(feasible_);
  UpdateBiasedFitness(infeasible_);
  const int nf = static_cast<int>(feasible_.size());
  const int total = nf + static_cast<int>(infeasible_.size());
  auto pick = [&]() -> const Individual& {
    const int i = rng_.Uniform(total);
    return i < nf ? *feasible_[i] : *infeasible_[i - nf];
  };
  const Individual& a = pick();
  const Individual& b = pick();
  return a.biased <= b.biased ? a : b;
}

void GeneticSearch::ManagePenalties() {
  auto adjust = [&](std::vector<char>& recent, double& weight) {
    if (recent.empty()) return;
    const double share =
        static_cast<double>(std::count(recent.begin(), recent.end(), 1)) / recent.size();
    if (share < config_.target_feasible - 0.05) weight = std::min(weight * 1.3, 1e6);
    if (share > config_.target_feasible + 0.05) weight = std::max(weight * 0.85, 1e-3);
    recent.clear();
  };
  adjust(recent_load_ok_, penalties_.capacity);
  adjust(recent_warp_ok_, penalties_.time_warp);
}

void GeneticSearch::EducateAndAdd(SearchState& state) {
  ls_.Run(state, penalties_, rng_);
  IndividualPtr ind = Evaluate(state);
  recent_load_ok_.push_back(ind->excess <= 0);
  recent_warp_ok_.push_back(ind->warp <= kWarpEpsilon * m_.VehicleCount());
  if (static_cast<int>(recent_load_ok_.size()) >= config_.penalty_update_every) ManagePenalties();
  auto consider_best = [&](const Individual& cand) {
    if (!cand.feasible) return;
    if (!best_ || cand.distance + vehicle_cost_ * cand.used <
                      best_->distance + vehicle_cost_ * best_->used - 1e-9) {
      best_ = std::make_unique<Individual>(cand);
      best_->close.clear();
      last_improvement_ = iterations_;
    }
  };
  consider_best(*ind);
  const bool feasible = ind->feasible;
  Add(std::move(ind));
  if (!feasible && rng_.Unit() < config_.repair_probability) {
    Penalties strong = penalties_;
    strong.capacity *= 10;
    strong.time_warp *= 10;
    ls_.Run(state, strong, rng_);
    if (state.Feasible()) {
      IndividualPtr repaired = Evaluate(state);
      consider_best(*repaired);
      Add(std::move(repaired));
    }
  }
}

void GeneticSearch::InsertUnplanned(SearchState& s, std::vector<int>& unplanned) {
  const Penalties& p = penalties_;
  const int vehicles = m_.VehicleCount();
  std::vector<char> class_seen(vehicles);
  for (int u : unplanned) {
    const Seg su = SingleSeg(m_, u);
    double best = std::numeric_limits<double>::infinity();
    int best_route = -1, best_pos = -1;
    auto consider = [&](int r, int pos) {
      const auto& route = s.routes[r];
      const int slot = s.Slot(r);
      const Seg seg = Merge(m_, slot, Merge(m_, slot, route.fwd[pos - 1], su), route.bwd[pos]);
      const double delta = s.Cost(seg, r, p) - s.RouteCost(r, p);
      if (delta < best) {
        best = delta;
        best_route = r;
        best_pos = pos;
      }
    };
    for (int v : m_.neighbours[u]) {
      const int r = s.route_of[v];
      if (r < 0) continue;
      consider(r, s.pos_of[v]);
      consider(r, s.pos_of[v] + 1);
    }
    std::fill(class_seen.begin(), class_seen.end(), 0);
    for (int r = 0; r < vehicles; ++r) {
      if (!s.active[r] || s.routes[r].clients() > 0) continue;
      const int cls = m_.vehicles[r].vehicle_class;
      if (class_seen[cls]) continue;
      class_seen[cls] = 1;
      consider(r, 1);
    }
    if (best_route < 0) {
      // No routed neighbour and no idle vehicle: try everywhere.
      for (int r = 0; r < vehicles; ++r) {
        if (!s.active[r]) continue;
        for (int pos = 1; pos < static_cast<int>(s.routes[r].nodes.size()); ++pos) consider(r, pos);
      }
    }
    s.InsertClient(u, best_route, best_pos);
  }
}

void GeneticSearch::RandomSolution(SearchState& s) {
  s.SetRoutes({});
  std::vector<int> order;
  for (int u = 0; u < m_.n; ++u) {
    if (planned_[u]) order.push_back(u);
  }
  rng_.Shuffle(order);
  InsertUnplanned(s, order);
}

void GeneticSearch::RuinAndRecreate(const Individual& a, SearchState& out) {
  out.SetRoutes(a.routes);
  std::vector<int> removed;
  const int planned = static_cast<int>(std::count(planned_.begin(), planned_.end(), 1));
  if (planned == 0) return;
  int centre;
  do {
    centre = rng_.Uniform(m_.n);
  } while (!planned_[centre]);
  removed.push_back(centre);
  const int want = std::max(1, static_cast<int>(planned * (0.1 + 0.3 * rng_.Unit())));
  for (int v : m_.neighbours[centre]) {
    if (static_cast<int>(removed.size()) >= want) break;
    if (planned_[v]) removed.push_back(v);
  }
  for (int u : removed) out.RemoveClient(u);
  rng_.Shuffle(removed);
  InsertUnplanned(out, removed);
}

void GeneticSearch::Crossover(const Individual& a, const Individual& b, SearchState& out) {
  const int vehicles = m_.VehicleCount();
  std::vector<int> ra, rb;
  for (int k = 0; k < vehicles; ++k) {
    if (!a.routes[k].empty()) ra.push_back(k);
    if (!b.routes[k].empty()) rb.push_back(k);
  }
  const int routes = static_cast<int>(std::min(ra.size(), rb.size()));
  if (routes < 2) {
    RuinAndRecreate(a, out);
    return;
  }
  const int moved = 1 + rng_.Uniform(routes - 1);

  // Routes of a to replace: a random one, grown by the routes most linked to it through
  // granular neighbours (routes that share an area).
  std::vector<int> route_of_a(m_.n, -1);
  for (int k : ra) {
    for (int c : a.routes[k]) route_of_a[c] = k;
  }
  std::vector<char> selected_a(vehicles, 0);
  std::vector<int> sel_a = {ra[rng_.Uniform(static_cast<int>(ra.size()))]};
  selected_a[sel_a[0]] = 1;
  std::vector<int> links(vehicles);
  while (static_cast<int>(sel_a.size()) < moved) {
    std::fill(links.begin(), links.end(), 0);
    for (int k : sel_a) {
      for (int c : a.routes[k]) {
        for (int v : m_.neighbours[c]) {
          const int r = route_of_a[v];
          if (r >= 0 && !selected_a[r]) links[r]++;
        }
      }
    }
    std::vector<int> order = ra;
    rng_.Shuffle(order);
    int pick = -1;
    for (int k : order) {
      if (selected_a[k]) continue;
      if (pick < 0 || links[k] > links[pick]) pick = k;
    }
    sel_a.push_back(pick);
    selected_a[pick] = 1;
  }
  std::vector<char> in_sel_a(m_.n, 0);
  for (int k : sel_a) {
    for (int c : a.routes[k]) in_sel_a[c] = 1;
  }
  // Routes of b that overlap those most.
  std::vector<std::pair<int, int>> overlap;  // (-overlap, route)
  {
    std::vector<int> order = rb;
    rng_.Shuffle(order);
    for (int k : order) {
      int o = 0;
      for (int c : b.routes[k]) o += in_sel_a[c];
      overlap.push_back({-o, k});
    }
    std::stable_sort(overlap.begin(), overlap.end(),
                     [](const auto& x, const auto& y) { return x.first < y.first; });
  }
  std::vector<int> sel_b;
  for (int i = 0; i < moved; ++i) sel_b.push_back(overlap[i].second);

  // Vehicles for b's routes: its own if free, else one of the same class, else any free.
  std::vector<char> free(vehicles, 0);
  for (int k : sel_a) free[k] = 1;
  for (int k = 0; k < vehicles; ++k) {
    if (active_[k] && a.routes[k].empty()) free[k] = 1;
  }
  std::vector<int> vehicle_for(sel_b.size(), -1);
  for (size_t i = 0; i < sel_b.size(); ++i) {
    const int own = sel_b[i];
    int pick = free[own] ? own : -1;
    for (int k = 0; k < vehicles && pick < 0; ++k) {
      if (free[k] && m_.vehicles[k].vehicle_class == m_.vehicles[own].vehicle_class) pick = k;
    }
    for (int k = 0; k < vehicles && pick < 0; ++k) {
      if (free[k]) pick = k;
    }
    vehicle_for[i] = pick;
    if (pick >= 0) free[pick] = 0;
  }

  std::vector<char> in_sel_b(m_.n, 0);
  for (int k : sel_b) {
    for (int c : b.routes[k]) in_sel_b[c] = 1;
  }
  // Variant 0 keeps a's other routes whole and drops b's duplicates; variant 1 keeps b's
  // routes whole and drops the duplicates from a's other routes.
  SearchState* states[2] = {&out, &alt_};
  double costs[2];
  for (int variant = 0; variant < 2; ++variant) {
    std::vector<std::vector<int>> child(vehicles);
    std::vector<char> in_child(m_.n, 0);
    for (int k = 0; k < vehicles; ++k) {
      if (selected_a[k]) continue;
      for (int c : a.routes[k]) {
        if (variant == 1 && in_sel_b[c]) continue;
        child[k].push_back(c);
        in_child[c] = 1;
      }
    }
    for (size_t i = 0; i < sel_b.size(); ++i) {
      if (vehicle_for[i] < 0) continue;
      for (int c : b.routes[sel_b[i]]) {
        if (in_child[c]) continue;
        child[vehicle_for[i]].push_back(c);
        in_child[c] = 1;
      }
    }
    std::vector<int> unplanned;
    for (int c = 0; c < m_.n; ++c) {
      if (planned_[c] && !in_child[c]) unplanned.push_back(c);
    }
    rng_.Shuffle(unplanned);
    states[variant]->SetRoutes(child);
    InsertUnplanned(*states[variant], unplanned);
    costs[variant] = states[variant]->PenalisedCost(penalties_);
  }
  if (costs[1] < costs[0]) std::swap(out, alt_);
}

// Routes chained end to start by proximity from a random first route, so that a slice of
// the tour covers routes that lie together.
std::vector<int> GeneticSearch::GiantTour(const Individual& ind) {
  std::vector<int> routes;
  for (size_t k = 0; k < ind.routes.size(); ++k) {
    if (!ind.routes[k].empty()) routes.push_back(static_cast<int>(k));
  }
  std::vector<int> tour;
  if (routes.empty()) return tour;
  std::vector<char> used(routes.size(), 0);
  int current = rng_.Uniform(static_cast<int>(routes.size()));
  for (size_t step = 0; step < routes.size(); ++step) {
    used[current] = 1;
    const auto& r = ind.routes[routes[current]];
    tour.insert(tour.end(), r.begin(), r.end());
    int next = -1;
    double best = 0;
    for (size_t c = 0; c < routes.size(); ++c) {
      if (used[c]) continue;
      const double d = m_.Dist(r.back(), ind.routes[routes[c]].front());
      if (next < 0 || d < best) {
        next = static_cast<int>(c);
        best = d;
      }
    }
    if (next < 0) break;
    current = next;
  }
  return tour;
}

void GeneticSearch::OrderCrossover(const Individual& a, const Individual& b, SearchState& out) {
  const std::vector<int> ta = GiantTour(a);
  const std::vector<int> tb = GiantTour(b);
  const int n = static_cast<int>(ta.size());
  if (n < 2 || static_cast<int>(tb.size()) != n) {
    RuinAndRecreate(a, out);
    return;
  }
  const int start = rng_.Uniform(n);
  int end = rng_.Uniform(n);
  while (end == start) end = rng_.Uniform(n);
  std::vector<int> child(n, -1);
  std::vector<char> taken(m_.n, 0);
  for (int i = start;; i = (i + 1) % n) {
    child[i] = ta[i];
    taken[ta[i]] = 1;
    if (i == end) break;
  }
  int write = (end + 1) % n;
  for (int step = 0; step < n; ++step) {
    const int c = tb[(end + 1 + step) % n];
    if (taken[c]) continue;
    child[write] = c;
    write = (write + 1) % n;
  }
  Split(child, out);
}

// Bellman over the tour with at most `active` routes: best[k][j] is the least penalised cost
// of serving tour[0..j) with k routes.
void GeneticSearch::Split(const std::vector<int>& tour, SearchState& out) {
  const int n = static_cast<int>(tour.size());
  const int fleet = static_cast<int>(active_ids_.size());
  const int vehicle = active_ids_[0];
  const int slot = m_.vehicles[vehicle].profile_slot;
  const int capacity = m_.vehicles[vehicle].capacity;
  const Seg start = SingleSeg(m_, m_.StartNode(vehicle));
  const Seg end = SingleSeg(m_, m_.EndNode(vehicle));
  constexpr double kInf = std::numeric_limits<double>::infinity();
  std::vector<std::vector<double>> best(fleet + 1, std::vector<double>(n + 1, kInf));
  std::vector<std::vector<int>> from(fleet + 1, std::vector<int>(n + 1, -1));
  best[0][0] = 0;
  for (int k = 1; k <= fleet; ++k) {
    for (int i = 0; i < n; ++i) {
      if (best[k - 1][i] == kInf) continue;
      Seg seg = start;
      for (int j = i; j < n; ++j) {
        seg = Merge(m_, slot, seg, SingleSeg(m_, tour[j]));
        const double cost = work_.Cost(Merge(m_, slot, seg, end), vehicle, penalties_);
        if (best[k - 1][i] + cost < best[k][j + 1]) {
          best[k][j + 1] = best[k - 1][i] + cost;
          from[k][j + 1] = i;
        }
        if (seg.load > 2 * capacity && j > i) break;  // far past any sensible route
      }
    }
  }
  int routes = 1;
  for (int k = 1; k <= fleet; ++k) {
    if (best[k][n] < best[routes][n]) routes = k;
  }
  std::vector<std::vector<int>> result(m_.VehicleCount());
  for (int k = routes, j = n; k > 0; --k) {
    const int i = from[k][j];
    result[active_ids_[k - 1]].assign(tour.begin() + i, tour.begin() + j);
    j = i;
  }
  out.SetRoutes(result);
}

void GeneticSearch::ResetPopulation() {
  feasible_.clear();
  infeasible_.clear();
  FillPopulation();
}

void GeneticSearch::FillPopulation() {
  // One in four from scratch (random order, cheapest insertion), the others by ruining and
  // recreating the best solution so far, which starts the search close to feasible at the
  // settled fleet size. With a deadline, at most a fifth of the time left goes to the initial
  // individuals, so that short budgets still leave room for the evolution.
  const Deadline fill_deadline =
      deadline_.set() ? Deadline::In(0.2 * std::max(0.0, deadline_.SecondsLeft())) : Deadline();
  for (int i = 0; i < config_.initial && !fill_deadline.Passed(); ++i) {
    if (i % 4 == 0 || !seed_) {
      RandomSolution(work_);
    } else {
      RuinAndRecreate(best_ ? *best_ : *seed_, work_);
    }
    EducateAndAdd(work_);
  }
}

GeneticSearch::Result GeneticSearch::Run(const std::vector<std::vector<int>>& seed,
                                         int64_t iteration_limit, const Deadline& deadline) {
  deadline_ = deadline;
  ls_.set_deadline(deadline);
  planned_.assign(m_.n, 0);
  for (const auto& route : seed) {
    for (int c : route) planned_[c] = 1;
  }
  work_.SetRoutes(seed);
  IndividualPtr seed_ind = Evaluate(work_);
  seed_ = std::make_unique<Individual>(*seed_ind);
  if (seed_ind->feasible) {
    best_ = std::make_unique<Individual>(*seed_ind);
    best_->close.clear();
  }
  Add(std::move(seed_ind));
  // The seed educated under heavy penalties stays feasible and gives a good incumbent at
  // once (short budgets depend on it); under the normal ones it joins the population.
  {
    Penalties strict = penalties_;
    strict.capacity = strict.time_warp = 1e4 * (1 + m_.max_distance);
    ls_.Run(work_, strict, rng_);
    IndividualPtr improved = Evaluate(work_);
    if (improved->feasible && (!best_ || improved->distance + vehicle_cost_ * improved->used <
                                             best_->distance + vehicle_cost_ * best_->used)) {
      best_ = std::make_unique<Individual>(*improved);
      best_->close.clear();
    }
    Add(std::move(improved));
  }
  work_.SetRoutes(seed);
  EducateAndAdd(work_);
  FillPopulation();

  while (!(iteration_limit > 0 && iterations_ >= iteration_limit) && !deadline.Passed()) {
    const Individual& a = Tournament();
    const Individual& b = Tournament();
    if (use_split_ && rng_.Unit() < 0.5) {
      OrderCrossover(a, b, work_);
    } else {
      Crossover(a, b, work_);
    }
    EducateAndAdd(work_);
    iterations_++;
    if (iterations_ - last_improvement_ > config_.restart_after) {
      ResetPopulation();
      last_improvement_ = iterations_;
    }
  }

  Result result;
  result.iterations = iterations_;
  if (best_) {
    result.routes = best_->routes;
    result.feasible = true;
    result.distance = best_->distance;
    result.vehicles = best_->used;
  } else {
    result.routes = seed;
  }
  return result;
}

}  // namespace qq::dispatch::vrptw
