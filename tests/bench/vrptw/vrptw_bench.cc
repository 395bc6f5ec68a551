// qq-bench-vrptw: solution quality of the route optimiser on instances in Solomon's format
// against a best-known-solution table (vehicles first, then distance), checked by the
// independent plan evaluator; and the latency of inserting one stop into a live plan of
// 200 vehicles and 5,000 stops. Prints `BENCH <name> <value> <unit>` lines.
//
//   ./deploy/dev bench vrptw [--instances DIR] [--bks FILE] [--seconds N] [--quick]
//                            [--seed S] [--no-insert] [--no-instances] [--verbose]
//                            [--iterations N] [--granularity G] [--vehicle-cost C]
//                            [--truncate] [FILE...]
//
// Without FILE arguments every *.txt in DIR runs (default: the 56 Solomon instances in
// <repo>/../shared/data/vrptw/solomon, BKS <repo>/../shared/data/vrptw/solomon_bks.csv).
// --quick: 1 s per instance, all instances. Needs nothing running.
// For the distance-only optima (exact methods, distances cut to one decimal):
//   --vehicle-cost 0 --truncate --bks ../shared/data/vrptw/solomon_distance_only_series1.csv
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "services/dispatch/domain/vrptw/plan_evaluator.h"
#include "services/dispatch/domain/vrptw/route_optimizer.h"
#include "services/dispatch/domain/vrptw/solomon_instance.h"
#include "services/dispatch/domain/vrptw/solver_model.h"
#include "services/dispatch/domain/vrptw/travel_model.h"

namespace {

namespace fs = std::filesystem;
namespace vrptw = qq::dispatch::vrptw;
using Clock = std::chrono::steady_clock;

struct Bks {
  int vehicles = 0;
  double distance = 0;
};

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// The repository: QQ_TEST_REPO_DIR (set by ./deploy/dev), else two levels above this
// executable (build/bin/qq-bench-vrptw).
fs::path RepoDir() {
  if (const char* env = std::getenv("QQ_TEST_REPO_DIR"); env != nullptr && *env != '\0') {
    return fs::path(env);
  }
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return fs::current_path();
  return exe.parent_path().parent_path().parent_path();
}

bool ReadFile(const fs::path& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  out = buffer.str();
  return true;
}

// instance,vehicles,distance[,…] with a header line.
std::map<std::string, Bks> ReadBks(const fs::path& path) {
  std::map<std::string, Bks> out;
  std::string text;
  if (!ReadFile(path, text)) return out;
  std::istringstream lines(text);
  std::string line;
  bool header = true;
  while (std::getline(lines, line)) {
    if (header) {
      header = false;
      continue;
    }
    std::istringstream fields(line);
    std::string name, vehicles, distance;
    if (!std::getline(fields, name, ',') || !std::getline(fields, vehicles, ',') ||
        !std::getline(fields, distance, ',')) {
      continue;
    }
    out[Upper(name)] = {std::atoi(vehicles.c_str()), std::atof(distance.c_str())};
  }
  return out;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  size_t i = std::min(v.size() - 1, static_cast<size_t>(p * (v.size() - 1) + 0.5));
  return v[i];
}

struct InstanceResult {
  std::string name;
  int vehicles = 0;
  double distance = 0;
  double seconds = 0;
  bool feasible = false;
  int unserved = 0;
  bool has_bks = false;
  Bks bks;
};

bool verbose = false;
int64_t iteration_limit = 0;  // --iterations: also stop after this many (reproducible runs)
int granularity = 0;          // --granularity: neighbours per stop (0: the optimiser's default)
double vehicle_cost = vrptw::kHierarchicalVehicleCost;  // --vehicle-cost
bool truncate_distances = false;  // --truncate: distances cut to one decimal (exact-method tables)

// Euclidean distances cut to one decimal, distance = time: the convention of the
// distance-only optima of the exact methods (../shared/data/vrptw/README.md).
vrptw::MatrixTravelModel TruncatedTravel(const std::vector<vrptw::PlanarPoint>& points) {
  const vrptw::MatrixTravelModel exact = vrptw::MatrixTravelModel::Euclidean(points);
  const int n = static_cast<int>(points.size());
  std::vector<double> d(static_cast<size_t>(n) * n);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j)
      d[static_cast<size_t>(i) * n + j] = std::floor(exact.Distance(i, j) * 10) / 10;
  }
  auto model = vrptw::MatrixTravelModel::Create(n, d, {d});
  return *std::move(model);
}

bool RunInstance(const fs::path& file, double seconds, uint64_t seed,
                 const std::map<std::string, Bks>& bks_table, InstanceResult& out) {
  std::string text;
  if (!ReadFile(file, text)) {
    std::fprintf(stderr, "cannot read %s\n", file.c_str());
    return false;
  }
  auto instance = vrptw::ParseSolomon(text);
  if (!instance.ok()) {
    std::fprintf(stderr, "%s: %s\n", file.c_str(), instance.status().ToString().c_str());
    return false;
  }
  const vrptw::MatrixTravelModel travel =
      truncate_distances ? TruncatedTravel(instance->points)
                         : vrptw::MatrixTravelModel::Euclidean(instance->points);
  const vrptw::Problem problem = vrptw::SolomonProblem(*instance, &travel);
  vrptw::ReplanOptions options;
  options.time_budget_seconds = seconds;
  options.seed = seed;
  options.iteration_limit = iteration_limit;
  if (granularity > 0) options.granularity = granularity;
  options.vehicle_cost = vehicle_cost;
  auto start = Clock::now();
  auto result = vrptw::Replan(problem, options);
  out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!result.ok()) {
    std::fprintf(stderr, "%s: %s\n", file.c_str(), result.status().ToString().c_str());
    return false;
  }
  const vrptw::PlanEvaluation eval = vrptw::EvaluatePlan(problem, result->plan);
  if (verbose) {
    const vrptw::ReplanStats& st = result->stats;
    std::fprintf(
        stderr,
        "  %s: construction %d veh, route minimisation %d veh at %.2f s, stopped at %.2f s "
        "(%lld steps), %lld genetic iterations\n",
        instance->name.c_str(), st.vehicles_after_construction,
        st.vehicles_after_route_minimisation, st.last_route_removed_seconds,
        st.route_minimisation_seconds, static_cast<long long>(st.route_minimisation_iterations),
        static_cast<long long>(st.genetic_iterations));
  }
  out.name = Upper(instance->name);
  out.vehicles = eval.vehicles_used;
  out.distance = eval.distance;
  out.unserved = eval.unserved;
  out.feasible = eval.feasible() && eval.unserved == 0;
  for (const auto& v : eval.violations) {
    std::fprintf(stderr, "%s: %s\n", out.name.c_str(), v.ToString().c_str());
  }
  auto it = bks_table.find(out.name);
  if (it == bks_table.end()) it = bks_table.find(Upper(file.stem().string()));
  if (it != bks_table.end()) {
    out.has_bks = true;
    out.bks = it->second;
  }
  return true;
}

// A city of 20 km × 20 km (around People's Square, Shanghai), 200 couriers with 25 stops
// each on feasible routes, then stops arriving one by one into that live plan.
void InsertBenchmark(int inserts, uint64_t seed) {
  constexpr int kVehicles = 200;
  constexpr int kStopsPerVehicle = 25;
  constexpr double kLat = 31.2304, kLng = 121.4737;
  constexpr double kDegLat = 20000.0 / 111320.0;  // 20 km
  const double deg_lng = 20000.0 / (111320.0 * std::cos(kLat * M_PI / 180));
  vrptw::Rng rng(seed);
  std::vector<vrptw::LatLng> points;
  auto random_point = [&](double lat0, double lng0, double span_lat, double span_lng) {
    points.push_back({lat0 + (rng.Unit() - 0.5) * span_lat, lng0 + (rng.Unit() - 0.5) * span_lng});
    return static_cast<int>(points.size()) - 1;
  };
  std::vector<int> base(kVehicles);
  for (int k = 0; k < kVehicles; ++k) base[k] = random_point(kLat, kLng, kDegLat, deg_lng);
  std::vector<std::vector<int>> own(kVehicles);
  for (int k = 0; k < kVehicles; ++k) {
    for (int i = 0; i < kStopsPerVehicle; ++i) {
      own[k].push_back(
          random_point(points[base[k]].lat, points[base[k]].lng, kDegLat / 6, deg_lng / 6));
    }
  }
  std::vector<int> arriving;
  for (int i = 0; i < inserts; ++i) arriving.push_back(random_point(kLat, kLng, kDegLat, deg_lng));
  auto travel = vrptw::HaversineTravelModel::Create(points, 1.3, {4.0, 8.0});  // tricycle, van
  if (!travel.ok()) return;

  vrptw::Problem problem;
  problem.travel = &*travel;
  vrptw::Plan plan;
  for (int k = 0; k < kVehicles; ++k) {
    vrptw::Vehicle v;
    v.id = "courier-" + std::to_string(k);
    v.start_location = v.end_location = base[k];
    v.capacity = 120;
    v.shift_start = 8 * 3600;
    v.shift_end = 21 * 3600;
    v.travel_profile = k % 2;
    problem.vehicles.push_back(v);
    // Nearest neighbour from the base, windows of ±45 min around the planned arrival.
    vrptw::PlannedRoute route{k, {}};
    std::vector<int> left = own[k];
    int at = base[k];
    double time = v.shift_start;
    while (!left.empty()) {
      auto next = std::min_element(left.begin(), left.end(), [&](int a, int b) {
        return travel->Distance(at, a) < travel->Distance(at, b);
      });
      time += travel->Time(at, *next, v.travel_profile);
      vrptw::Stop s;
      s.id = "order-" + std::to_string(problem.stops.size());
      s.location = *next;
      s.demand = 1 + rng.Uniform(3);
      s.service_time = 180;
      s.earliest = time - 2700;
      s.latest = time + 2700;
      route.stops.push_back(static_cast<int>(problem.stops.size()));
      problem.stops.push_back(s);
      time += s.service_time;
      at = *next;
      left.erase(next);
    }
    if (k < kVehicles / 10) {  // some couriers are under way: their first two stops are fixed
      problem.vehicles[k].fixed_prefix = {route.stops[0], route.stops[1]};
    }
    plan.routes.push_back(route);
  }
  for (int loc : arriving) {
    vrptw::Stop s;
    s.id = "order-" + std::to_string(problem.stops.size());
    s.location = loc;
    s.demand = 1 + rng.Uniform(2);
    s.service_time = 180;
    s.earliest = (9 + rng.Uniform(9)) * 3600.0;
    s.latest = s.earliest + 2 * 3600;
    problem.stops.push_back(s);
  }
  const int first_new = kVehicles * kStopsPerVehicle;
  // Stops not yet inserted must not be "missing" for Insert's checks: they are unserved.
  std::vector<double> ms;
  int inserted = 0;
  for (int i = 0; i < inserts; ++i) {
    const int stop = first_new + i;
    auto start = Clock::now();
    auto result = vrptw::Insert(problem, plan, stop);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    if (!result.ok()) {
      std::fprintf(stderr, "insert: %s\n", result.status().ToString().c_str());
      return;
    }
    inserted += result->inserted;
    plan = std::move(result->plan);
  }
  // Stops not inserted yet are not in the plan; list them as unserved for the check.
  for (int i = first_new + inserts; i < static_cast<int>(problem.stops.size()); ++i) {
    plan.unserved.push_back({i, vrptw::UnservedReason::kNoVehicle});
  }
  const vrptw::PlanEvaluation eval = vrptw::EvaluatePlan(problem, plan);
  std::printf(
      "insert: %d vehicles, %d planned stops, %d arriving: %d inserted, %d unserved; "
      "plan feasible: %s\n",
      kVehicles, first_new, inserts, inserted, inserts - inserted, eval.feasible() ? "yes" : "NO");
  std::printf("BENCH vrptw_insert_p50_ms %.3f ms\n", Percentile(ms, 0.50));
  std::printf("BENCH vrptw_insert_p99_ms %.3f ms\n", Percentile(ms, 0.99));
  std::printf("BENCH vrptw_insert_max_ms %.3f ms\n", Percentile(ms, 1.0));
}

int Usage() {
  std::fprintf(stderr,
               "usage: qq-bench-vrptw [--instances DIR] [--bks FILE] [--seconds N] [--quick]\n"
               "                      [--seed S] [--no-insert] [--no-instances] [--verbose]\n      "
               "                [--iterations N] [--granularity G]\n"
               "                      [--vehicle-cost C] [--truncate] [FILE...]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path data = RepoDir() / ".." / "shared" / "data" / "vrptw";
  fs::path dir = data / "solomon";
  fs::path bks_file = data / "solomon_bks.csv";
  double seconds = 10;
  bool quick = false, insert = true, instances = true;
  uint64_t seed = 1;
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    if (arg == "--instances") {
      const char* v = value();
      if (!v) return Usage();
      dir = v;
    } else if (arg == "--bks") {
      const char* v = value();
      if (!v) return Usage();
      bks_file = v;
    } else if (arg == "--seconds") {
      const char* v = value();
      if (!v) return Usage();
      seconds = std::atof(v);
    } else if (arg == "--seed") {
      const char* v = value();
      if (!v) return Usage();
      seed = std::strtoull(v, nullptr, 10);
    } else if (arg == "--quick") {
      quick = true;
    } else if (arg == "--iterations") {
      const char* v = value();
      if (!v) return Usage();
      iteration_limit = std::atoll(v);
    } else if (arg == "--granularity") {
      const char* v = value();
      if (!v) return Usage();
      granularity = std::atoi(v);
    } else if (arg == "--vehicle-cost") {
      const char* v = value();
      if (!v) return Usage();
      vehicle_cost = std::atof(v);
    } else if (arg == "--truncate") {
      truncate_distances = true;
    } else if (arg == "--verbose") {
      verbose = true;
    } else if (arg == "--no-insert") {
      insert = false;
    } else if (arg == "--no-instances") {
      instances = false;
    } else if (!arg.empty() && arg[0] == '-') {
      return Usage();
    } else {
      files.push_back(arg);
    }
  }
  if (quick) seconds = 1;
  if (instances && files.empty()) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
      if (Upper(entry.path().extension().string()) == ".TXT") files.push_back(entry.path());
    }
    if (ec || files.empty()) {
      std::fprintf(stderr, "no instances in %s\n", dir.c_str());
      return 1;
    }
    std::sort(files.begin(), files.end());
  }
  setvbuf(stdout, nullptr, _IOLBF, 0);

  if (instances) {
    const auto bks_table = ReadBks(bks_file);
    std::printf("%d instances, %.1f s each, seed %llu, BKS %s\n", static_cast<int>(files.size()),
                seconds, static_cast<unsigned long long>(seed), bks_file.c_str());
    std::printf("%-8s %4s %10s %7s %4s %10s %7s\n", "instance", "veh", "distance", "sec", "bks",
                "bks_dist", "gap%");
    double gap_sum = 0, same_gap_sum = 0;
    int gaps = 0, same = 0, above = 0, infeasible = 0, max_excess = 0, failed = 0, vehicles = 0,
        bks_vehicles = 0;
    for (const fs::path& file : files) {
      InstanceResult r;
      if (!RunInstance(file, seconds, seed, bks_table, r)) {
        failed++;
        continue;
      }
      if (!r.feasible) infeasible++;
      if (r.has_bks) {
        const double gap = (r.distance - r.bks.distance) / r.bks.distance * 100;
        gap_sum += gap;
        gaps++;
        max_excess = std::max(max_excess, r.vehicles - r.bks.vehicles);
        // An extra vehicle usually shortens the distance, so the gap is also given over
        // the instances solved with the best-known number of vehicles.
        if (r.vehicles == r.bks.vehicles) {
          same_gap_sum += gap;
          same++;
        }
        if (r.vehicles > r.bks.vehicles) above++;
        vehicles += r.vehicles;
        bks_vehicles += r.bks.vehicles;
        std::printf("%-8s %4d %10.2f %7.2f %4d %10.2f %7.2f%s\n", r.name.c_str(), r.vehicles,
                    r.distance, r.seconds, r.bks.vehicles, r.bks.distance, gap,
                    r.feasible ? "" : "  INFEASIBLE");
      } else {
        std::printf("%-8s %4d %10.2f %7.2f %4s %10s %7s%s\n", r.name.c_str(), r.vehicles,
                    r.distance, r.seconds, "-", "-", "-", r.feasible ? "" : "  INFEASIBLE");
      }
    }
    std::printf("BENCH vrptw_instances %d count\n", static_cast<int>(files.size()) - failed);
    if (gaps > 0) {
      std::printf("BENCH vrptw_avg_gap_pct %.3f %%\n", gap_sum / gaps);
      std::printf("BENCH vrptw_max_vehicle_excess %d vehicles\n", max_excess);
      std::printf("BENCH vrptw_instances_above_bks_vehicles %d instances\n", above);
      if (same > 0) {
        std::printf("BENCH vrptw_avg_gap_same_vehicles_pct %.3f %%\n", same_gap_sum / same);
      }
      std::printf("BENCH vrptw_total_vehicles %d vehicles\n", vehicles);
      std::printf("BENCH vrptw_total_vehicles_bks %d vehicles\n", bks_vehicles);
    }
    std::printf("BENCH vrptw_infeasible %d instances\n", infeasible + failed);
  }
  if (insert) InsertBenchmark(quick ? 200 : 1000, seed);
  return 0;
}
