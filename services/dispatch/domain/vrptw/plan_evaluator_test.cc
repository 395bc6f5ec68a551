#include "services/dispatch/domain/vrptw/plan_evaluator.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace qq::dispatch::vrptw {
namespace {

// Depot at the origin, stops on the x axis at 3, 6 and 10; speed 1.
class PlanEvaluatorTest : public ::testing::Test {
 protected:
  PlanEvaluatorTest() : travel_(MatrixTravelModel::Euclidean({{0, 0}, {3, 0}, {6, 0}, {10, 0}})) {
    problem_.travel = &travel_;
    problem_.stops = {
        {.id = "a", .location = 1, .demand = 4, .service_time = 1, .earliest = 5, .latest = 8},
        {.id = "b", .location = 2, .demand = 4, .service_time = 2, .earliest = 0, .latest = 20},
        {.id = "c", .location = 3, .demand = 4, .service_time = 0, .earliest = 0, .latest = 30}};
    problem_.vehicles = {{.id = "v", .capacity = 10, .shift_start = 0, .shift_end = 40}};
  }

  static bool Has(const PlanEvaluation& e, ViolationKind kind) {
    return std::any_of(e.violations.begin(), e.violations.end(),
                       [kind](const Violation& v) { return v.kind == kind; });
  }

  MatrixTravelModel travel_;
  Problem problem_;
};

TEST_F(PlanEvaluatorTest, RecomputesWaitingServiceAndReturn) {
  Plan plan{.routes = {{0, {0, 1}}}, .unserved = {{2, UnservedReason::kCapacity}}};
  const PlanEvaluation e = EvaluatePlan(problem_, plan);
  EXPECT_TRUE(e.feasible()) << e.violations[0].ToString();
  ASSERT_EQ(e.routes.size(), 1u);
  const RouteSchedule& r = e.routes[0];
  ASSERT_EQ(r.visits.size(), 2u);
  EXPECT_DOUBLE_EQ(r.visits[0].arrival, 3);
  EXPECT_DOUBLE_EQ(r.visits[0].service_start, 5);  // waits for the window
  EXPECT_DOUBLE_EQ(r.visits[0].departure, 6);
  EXPECT_DOUBLE_EQ(r.visits[1].arrival, 9);
  EXPECT_DOUBLE_EQ(r.visits[1].departure, 11);
  EXPECT_DOUBLE_EQ(r.end_arrival, 17);
  EXPECT_DOUBLE_EQ(r.distance, 12);
  EXPECT_EQ(r.load, 8);
  EXPECT_EQ(e.vehicles_used, 1);
  EXPECT_DOUBLE_EQ(e.distance, 12);
  EXPECT_EQ(e.served, 2);
  EXPECT_EQ(e.unserved, 1);
}

TEST_F(PlanEvaluatorTest, CatchesLatenessOverloadAndShiftEnd) {
  problem_.vehicles[0].capacity = 10;
  problem_.vehicles[0].shift_end = 25;
  // c first (at 10), then a: arrives 17 > 8; load 12 > 10; back at 20+... > 25.
  Plan plan{.routes = {{0, {2, 0, 1}}}};
  const PlanEvaluation e = EvaluatePlan(problem_, plan);
  EXPECT_FALSE(e.feasible());
  EXPECT_TRUE(Has(e, ViolationKind::kLate));
  EXPECT_TRUE(Has(e, ViolationKind::kCapacity));
  EXPECT_TRUE(Has(e, ViolationKind::kShiftEnd));
}

TEST_F(PlanEvaluatorTest, CatchesDuplicatesMissingStopsAndBrokenPrefix) {
  problem_.vehicles[0].fixed_prefix = {1};
  Plan plan{.routes = {{0, {0, 0}}}, .unserved = {{0, UnservedReason::kTimeWindow}}};
  const PlanEvaluation e = EvaluatePlan(problem_, plan);
  EXPECT_TRUE(Has(e, ViolationKind::kDuplicateStop));
  EXPECT_TRUE(Has(e, ViolationKind::kMissingStop));
  EXPECT_TRUE(Has(e, ViolationKind::kPrefixNotKept));
}

TEST_F(PlanEvaluatorTest, CatchesMalformedPlans) {
  EXPECT_TRUE(Has(EvaluatePlan(problem_, Plan{}), ViolationKind::kMalformed));
  EXPECT_TRUE(Has(EvaluatePlan(problem_, Plan{.routes = {{0, {7}}}}), ViolationKind::kMalformed));
  EXPECT_TRUE(Has(EvaluatePlan(problem_, Plan{.routes = {{3, {}}}}), ViolationKind::kMalformed));
}

TEST_F(PlanEvaluatorTest, AnIdleVehicleDrivesNothing) {
  problem_.vehicles[0].end_location = 3;
  Plan plan{.routes = {{0, {}}},
            .unserved = {{0, UnservedReason::kNoVehicle},
                         {1, UnservedReason::kNoVehicle},
                         {2, UnservedReason::kNoVehicle}}};
  const PlanEvaluation e = EvaluatePlan(problem_, plan);
  EXPECT_TRUE(e.feasible());
  EXPECT_EQ(e.vehicles_used, 0);
  EXPECT_EQ(e.distance, 0);
}

}  // namespace
}  // namespace qq::dispatch::vrptw
