#include "services/dispatch/domain/vrptw/route_optimizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "services/dispatch/domain/vrptw/plan_evaluator.h"
#include "services/dispatch/domain/vrptw/solver_model.h"

namespace qq::dispatch::vrptw {
namespace {

// Exactly reproducible: no time budget, a fixed number of iterations.
ReplanOptions Exact(uint64_t seed = 1, int64_t iterations = 150) {
  return {.time_budget_seconds = 0, .seed = seed, .iteration_limit = iterations};
}

// Location 0 is the depot; stop i sits at location i + 1.
struct Instance {
  explicit Instance(std::vector<PlanarPoint> points)
      : travel(MatrixTravelModel::Euclidean(points)) {
    problem.travel = &travel;
  }
  Stop& AddStop(int demand, double earliest, double latest, double service = 0) {
    problem.stops.push_back({.id = absl::StrCat(problem.stops.size()),
                             .location = static_cast<int>(problem.stops.size()) + 1,
                             .demand = demand,
                             .service_time = service,
                             .earliest = earliest,
                             .latest = latest});
    return problem.stops.back();
  }
  void AddVehicles(int count, int capacity, double shift_end = 1000) {
    for (int k = 0; k < count; ++k) {
      problem.vehicles.push_back({.id = absl::StrCat("v", problem.vehicles.size()),
                                  .capacity = capacity,
                                  .shift_start = 0,
                                  .shift_end = shift_end});
    }
  }
  MatrixTravelModel travel;
  Problem problem;
};

std::vector<int> StopsOf(const Plan& plan, int vehicle) { return plan.routes[vehicle].stops; }

PlanEvaluation SolveAndCheck(const Problem& problem, const ReplanOptions& options, Plan* out) {
  auto result = Replan(problem, options);
  EXPECT_TRUE(result.ok()) << result.status();
  if (!result.ok()) return {};
  const PlanEvaluation e = EvaluatePlan(problem, result->plan);
  for (const Violation& v : e.violations) ADD_FAILURE() << v.ToString();
  if (out != nullptr) *out = result->plan;
  return e;
}

TEST(Replan, WindowsForceTheOrder) {
  // Stops on a line at 1, 2, 3; the far one closes at 3 and the near ones take a while,
  // so the far one must come first: 0 → 3 → 2 → 1 → 0 (6) beats 0 → 3 → 1 → 2 → 0 (8).
  Instance in({{0, 0}, {1, 0}, {2, 0}, {3, 0}});
  in.AddStop(1, 0, 100, 1);
  in.AddStop(1, 0, 100, 1);
  in.AddStop(1, 0, 3);
  in.AddVehicles(1, 10);
  Plan plan;
  const PlanEvaluation e = SolveAndCheck(in.problem, Exact(), &plan);
  EXPECT_EQ(StopsOf(plan, 0), (std::vector<int>{2, 1, 0}));
  EXPECT_DOUBLE_EQ(e.distance, 6);
}

TEST(Replan, CapacityForcesTwoVehicles) {
  // Four stops of 5 barrels, two on each side of the depot; vehicles carry 10.
  Instance in({{0, 0}, {1, 0}, {2, 0}, {-1, 0}, {-2, 0}});
  for (int i = 0; i < 4; ++i) in.AddStop(5, 0, 100);
  in.AddVehicles(3, 10);
  Plan plan;
  const PlanEvaluation e = SolveAndCheck(in.problem, Exact(), &plan);
  EXPECT_EQ(e.vehicles_used, 2);
  EXPECT_DOUBLE_EQ(e.distance, 8);
  EXPECT_EQ(e.unserved, 0);
}

// A zigzag that one vehicle can just drive in time (60.07) versus two shorter routes
// (41.05): the default objective takes fewer vehicles, a distance-only one the shorter
// routes, and a vehicle cost in between decides by the sum.
class VehicleCostTest : public ::testing::Test {
 protected:
  VehicleCostTest() : in_({{0, 0}, {10, 0}, {-10, 0}, {10, 1}}) {
    in_.AddStop(1, 0, 15);
    in_.AddStop(1, 0, 35);
    in_.AddStop(1, 40, 60);
    in_.AddVehicles(2, 10);
  }
  Instance in_;
};

TEST_F(VehicleCostTest, HierarchicalByDefault) {
  const PlanEvaluation e = SolveAndCheck(in_.problem, Exact(), nullptr);
  EXPECT_EQ(e.vehicles_used, 1);
  EXPECT_NEAR(e.distance, 10 + 20 + std::hypot(20, 1) + std::hypot(10, 1), 1e-9);
}

TEST_F(VehicleCostTest, DistanceOnlyUsesTheSecondVehicle) {
  ReplanOptions options = Exact();
  options.vehicle_cost = 0;
  const PlanEvaluation e = SolveAndCheck(in_.problem, options, nullptr);
  EXPECT_EQ(e.vehicles_used, 2);
  EXPECT_NEAR(e.distance, 10 + 1 + std::hypot(10, 1) + 20, 1e-9);
}

TEST_F(VehicleCostTest, AVehicleCostWeighsVehiclesAgainstDistance) {
  ReplanOptions options = Exact();
  options.vehicle_cost = 30;  // 60.07 + 30 < 41.05 + 60
  EXPECT_EQ(SolveAndCheck(in_.problem, options, nullptr).vehicles_used, 1);
  options.vehicle_cost = 10;  // 41.05 + 20 < 60.07 + 10
  EXPECT_EQ(SolveAndCheck(in_.problem, options, nullptr).vehicles_used, 2);
}

// Random clustered customers with windows, Solomon style.
Instance RandomInstance(int customers, uint64_t seed, int vehicles = 25, int capacity = 50) {
  Rng rng(seed);
  std::vector<PlanarPoint> points = {{50, 50}};
  for (int i = 0; i < customers; ++i) points.push_back({rng.Unit() * 100, rng.Unit() * 100});
  Instance in(points);
  for (int i = 0; i < customers; ++i) {
    const double direct = std::hypot(points[i + 1].x - 50, points[i + 1].y - 50);
    const double earliest = direct + rng.Unit() * 300;
    in.AddStop(1 + rng.Uniform(10), earliest, earliest + 30 + rng.Unit() * 60, 10);
  }
  in.AddVehicles(vehicles, capacity, 600);
  return in;
}

TEST(Replan, SameSeedAndIterationLimitGiveTheSamePlan) {
  Instance in = RandomInstance(40, 7);
  auto a = Replan(in.problem, Exact(42, 100));
  auto b = Replan(in.problem, Exact(42, 100));
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  for (size_t k = 0; k < in.problem.vehicles.size(); ++k) {
    EXPECT_EQ(a->plan.routes[k].stops, b->plan.routes[k].stops) << "vehicle " << k;
  }
  EXPECT_EQ(a->stats.genetic_iterations, 100);
}

TEST(Replan, ServesARandomInstanceFeasibly) {
  Instance in = RandomInstance(60, 3);
  const PlanEvaluation e = SolveAndCheck(in.problem, Exact(1, 300), nullptr);
  EXPECT_EQ(e.unserved, 0);
  EXPECT_EQ(e.served, 60);
}

TEST(Replan, StopsOnATimeBudget) {
  Instance in = RandomInstance(60, 5);
  ReplanOptions options;
  options.time_budget_seconds = 0.3;
  auto start = std::chrono::steady_clock::now();
  Plan plan;
  const PlanEvaluation e = SolveAndCheck(in.problem, options, &plan);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 1.0);
  EXPECT_EQ(e.unserved, 0);
}

TEST(Replan, KeepsFixedPrefixesFirstAndInOrder) {
  Instance in = RandomInstance(30, 11);
  // Vehicle 0 has started two far-apart stops; vehicle 1 is on its way to one.
  in.problem.vehicles[0].fixed_prefix = {5, 17};
  in.problem.vehicles[1].fixed_prefix = {3};
  for (int s : {5, 17, 3}) in.problem.stops[s].latest = 1e9;  // whatever they are, they stay
  Plan plan;
  const PlanEvaluation e = SolveAndCheck(in.problem, Exact(), &plan);
  ASSERT_GE(plan.routes[0].stops.size(), 2u);
  EXPECT_EQ(plan.routes[0].stops[0], 5);
  EXPECT_EQ(plan.routes[0].stops[1], 17);
  ASSERT_GE(plan.routes[1].stops.size(), 1u);
  EXPECT_EQ(plan.routes[1].stops[0], 3);
  EXPECT_EQ(e.unserved, 0);
}

TEST(Replan, AFixedPrefixUsesUpCapacityAndTime) {
  // Vehicle 0 has a fixed stop of 8 barrels (of 10) at x = 1 that it serves until 50; stop 1
  // (5 barrels, next door at x = 2) must go to vehicle 1, and so must stop 2, which closes
  // at 40. Stop 1 closes at 2.5, so it comes first.
  Instance in({{0, 0}, {1, 0}, {2, 0}, {3, 0}});
  in.AddStop(8, 0, 100, 49);
  in.AddStop(5, 0, 2.5);
  in.AddStop(1, 0, 40);
  in.AddVehicles(2, 10);
  in.problem.vehicles[0].fixed_prefix = {0};
  Plan plan;
  const PlanEvaluation e = SolveAndCheck(in.problem, Exact(), &plan);
  EXPECT_EQ(plan.routes[0].stops, (std::vector<int>{0}));
  EXPECT_EQ(plan.routes[1].stops, (std::vector<int>{1, 2}));
  EXPECT_EQ(e.unserved, 0);
}

TEST(Replan, ExplainsWhyStopsAreLeftOut) {
  // One vehicle of capacity 10, shift [0, 30], depot at the origin, speed 1.
  Instance in({{0, 0}, {1, 0}, {20, 0}, {12, 0}, {0, 2}, {0, 3}});
  in.AddStop(50, 0, 100);  // 0: more than any vehicle carries
  in.AddStop(1, 0, 5);     // 1: 20 away, closes at 5
  in.AddStop(1, 0, 100);   // 2: reachable at 12, but back only at 24 + 10 service > 30
  in.problem.stops[2].service_time = 10;
  in.AddStop(6, 0, 100);  // 3 and 4: 6 barrels each, room for one
  in.AddStop(6, 0, 100);
  in.AddVehicles(1, 10, 30);
  Plan plan;
  const PlanEvaluation e = SolveAndCheck(in.problem, Exact(), &plan);
  EXPECT_EQ(e.served, 1);
  ASSERT_EQ(plan.unserved.size(), 4u);
  EXPECT_EQ(plan.unserved[0].stop, 0);
  EXPECT_EQ(plan.unserved[0].reason, UnservedReason::kCapacity);
  EXPECT_EQ(plan.unserved[1].stop, 1);
  EXPECT_EQ(plan.unserved[1].reason, UnservedReason::kTimeWindow);
  EXPECT_EQ(plan.unserved[2].stop, 2);
  EXPECT_EQ(plan.unserved[2].reason, UnservedReason::kShiftEnd);
  EXPECT_TRUE(plan.unserved[3].stop == 3 || plan.unserved[3].stop == 4);
  EXPECT_EQ(plan.unserved[3].reason, UnservedReason::kCapacity);
  EXPECT_EQ(UnservedReasonName(plan.unserved[2].reason), "SHIFT_END");
}

TEST(Replan, NoVehicleMeansEveryStopIsUnserved) {
  Instance in({{0, 0}, {1, 0}});
  in.AddStop(1, 0, 100);
  Plan plan;
  SolveAndCheck(in.problem, Exact(), &plan);
  ASSERT_EQ(plan.unserved.size(), 1u);
  EXPECT_EQ(plan.unserved[0].reason, UnservedReason::kNoVehicle);
}

TEST(Replan, RespectsHeterogeneousVehicles) {
  // Two couriers from different bases with different speeds and shifts, on real
  // coordinates.
  std::vector<LatLng> points = {{31.20, 121.40}, {31.26, 121.52}};
  Rng rng(3);
  for (int i = 0; i < 30; ++i) {
    points.push_back({31.18 + rng.Unit() * 0.1, 121.38 + rng.Unit() * 0.16});
  }
  auto travel = HaversineTravelModel::Create(points, 1.3, {4.0, 9.0});
  ASSERT_TRUE(travel.ok());
  Problem p;
  p.travel = &*travel;
  for (int i = 0; i < 30; ++i) {
    const double open = 8 * 3600 + rng.Uniform(8) * 3600;
    p.stops.push_back({.id = absl::StrCat("o", i),
                       .location = i + 2,
                       .demand = 1 + rng.Uniform(3),
                       .service_time = 300,
                       .earliest = open,
                       .latest = open + 2 * 3600});
  }
  p.vehicles = {{.id = "bike",
                 .start_location = 0,
                 .end_location = 0,
                 .capacity = 20,
                 .shift_start = 8 * 3600,
                 .shift_end = 18 * 3600,
                 .travel_profile = 0},
                {.id = "van",
                 .start_location = 1,
                 .end_location = 0,
                 .capacity = 60,
                 .shift_start = 9 * 3600,
                 .shift_end = 19 * 3600,
                 .travel_profile = 1}};
  Plan plan;
  const PlanEvaluation e = SolveAndCheck(p, Exact(1, 100), &plan);
  EXPECT_EQ(e.served + e.unserved, 30);
  for (const UnservedStop& u : plan.unserved) {
    // Whatever is left out could not have been added to the plan.
    Plan without = plan;
    without.unserved.erase(std::remove_if(without.unserved.begin(), without.unserved.end(),
                                          [&](const UnservedStop& x) { return x.stop == u.stop; }),
                           without.unserved.end());
    auto retry = Insert(p, without, u.stop);
    ASSERT_TRUE(retry.ok());
    EXPECT_FALSE(retry->inserted);
  }
}

TEST(Replan, RejectsInvalidInput) {
  Instance in({{0, 0}, {1, 0}});
  in.AddStop(1, 0, 100);
  in.AddVehicles(1, 10);
  EXPECT_EQ(Replan(in.problem, {.time_budget_seconds = 0}).status().code(),
            absl::StatusCode::kInvalidArgument);
  in.problem.stops[0].demand = -1;
  EXPECT_EQ(Replan(in.problem, Exact()).status().code(), absl::StatusCode::kInvalidArgument);
  in.problem.stops[0].demand = 1;
  in.problem.stops[0].earliest = 200;  // after latest
  EXPECT_EQ(Replan(in.problem, Exact()).status().code(), absl::StatusCode::kInvalidArgument);
  in.problem.stops[0].earliest = 0;
  in.problem.vehicles[0].fixed_prefix = {0, 0};
  EXPECT_EQ(Replan(in.problem, Exact()).status().code(), absl::StatusCode::kInvalidArgument);
  in.problem.vehicles[0].fixed_prefix = {};
  in.problem.travel = nullptr;
  EXPECT_EQ(Replan(in.problem, Exact()).status().code(), absl::StatusCode::kInvalidArgument);
}

// Insert ------------------------------------------------------------------------------

class InsertTest : public ::testing::Test {
 protected:
  // Depot at 0; stops 0..2 at x = 2, 4, 6 on vehicle 0; stop 3 at x = 5 arrives; stop 4
  // far away at x = 100 with a window it cannot make.
  InsertTest() : in_({{0, 0}, {2, 0}, {4, 0}, {6, 0}, {5, 0}, {100, 0}}) {
    in_.AddStop(1, 0, 100);
    in_.AddStop(1, 0, 100);
    in_.AddStop(1, 0, 100);
    in_.AddStop(1, 0, 100);
    in_.AddStop(1, 0, 50);
    in_.AddVehicles(2, 10);
    plan_.routes = {{0, {0, 1, 2}}, {1, {}}};
    plan_.unserved = {{3, UnservedReason::kNoVehicle}, {4, UnservedReason::kNoVehicle}};
  }
  Instance in_;
  Plan plan_;
};

TEST_F(InsertTest, GoesWhereItAddsLeastAndMovesNothingElse) {
  auto r = Insert(in_.problem, plan_, 3);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->inserted);
  EXPECT_EQ(r->vehicle, 0);
  EXPECT_EQ(r->position, 2);  // between x = 4 and x = 6: adds nothing
  EXPECT_DOUBLE_EQ(r->added_distance, 0);
  EXPECT_EQ(r->plan.routes[0].stops, (std::vector<int>{0, 1, 3, 2}));
  EXPECT_TRUE(r->plan.routes[1].stops.empty());
  ASSERT_EQ(r->plan.unserved.size(), 1u);  // 3 is no longer listed
  EXPECT_EQ(r->plan.unserved[0].stop, 4);
}

TEST_F(InsertTest, NeverGoesBeforeOrInsideAFixedPrefix) {
  in_.problem.vehicles[0].fixed_prefix = {0, 1, 2};
  auto r = Insert(in_.problem, plan_, 3);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->vehicle, 0);
  EXPECT_EQ(r->plan.routes[0].stops, (std::vector<int>{0, 1, 2, 3}));
}

TEST_F(InsertTest, SaysWhyItCannotInsert) {
  auto r = Insert(in_.problem, plan_, 4);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->inserted);
  EXPECT_EQ(r->reason, UnservedReason::kTimeWindow);
  EXPECT_EQ(std::count_if(r->plan.unserved.begin(), r->plan.unserved.end(),
                          [](const UnservedStop& u) { return u.stop == 4; }),
            1);
}

TEST_F(InsertTest, DoesNotMakeAnyStopLate) {
  // Stop 2 (x = 6) closes at 6: a detour before it would make it late.
  // Stop 2 (x = 6) is reached exactly when it closes; stop 3 moves off the line to (5, 3),
  // so any detour before stop 2 would make it late: only the end of the route is left.
  in_.problem.stops[2].latest = 6;
  in_.travel = MatrixTravelModel::Euclidean({{0, 0}, {2, 0}, {4, 0}, {6, 0}, {5, 3}, {100, 0}});
  auto r = Insert(in_.problem, plan_, 3);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->inserted);
  EXPECT_EQ(r->vehicle, 0);
  EXPECT_EQ(r->position, 3);
  in_.problem.stops[4].latest = 1000;  // so that the check below is about stop 2 only
  r->plan.unserved = {{4, UnservedReason::kNoVehicle}};
  const PlanEvaluation e = EvaluatePlan(in_.problem, r->plan);
  EXPECT_TRUE(e.feasible()) << e.violations[0].ToString();
}

TEST_F(InsertTest, RejectsAPlannedStopAndMalformedPlans) {
  EXPECT_EQ(Insert(in_.problem, plan_, 1).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Insert(in_.problem, plan_, 9).status().code(), absl::StatusCode::kInvalidArgument);
  Plan missing_route = plan_;
  missing_route.routes.pop_back();
  EXPECT_EQ(Insert(in_.problem, missing_route, 3).status().code(),
            absl::StatusCode::kInvalidArgument);
  in_.problem.vehicles[1].fixed_prefix = {4};
  EXPECT_EQ(Insert(in_.problem, plan_, 3).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(Insert, TakesWellUnder100MsFor200VehiclesAnd5000Stops) {
  Rng rng(9);
  std::vector<LatLng> points;
  for (int i = 0; i < 5201; ++i)
    points.push_back({31.1 + rng.Unit() * 0.2, 121.3 + rng.Unit() * 0.3});
  auto travel = HaversineTravelModel::Create(points, 1.3, {5.0});
  ASSERT_TRUE(travel.ok());
  Problem p;
  p.travel = &*travel;
  Plan plan;
  for (int k = 0; k < 200; ++k) {
    p.vehicles.push_back({.id = absl::StrCat("c", k),
                          .start_location = 5000 + k,
                          .end_location = 5000 + k,
                          .capacity = 1000});
    plan.routes.push_back({k, {}});
  }
  for (int i = 0; i < 5001; ++i) {
    p.stops.push_back(
        {.id = absl::StrCat(i), .location = i % 5000, .demand = 1, .service_time = 60});
    if (i < 5000) plan.routes[i % 200].stops.push_back(i);
  }
  double best_ms = 1e9;
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto start = std::chrono::steady_clock::now();
    auto r = Insert(p, plan, 5000);
    best_ms = std::min(
        best_ms, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                     .count());
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->inserted);
  }
  EXPECT_LT(best_ms, 100);
}

}  // namespace
}  // namespace qq::dispatch::vrptw
