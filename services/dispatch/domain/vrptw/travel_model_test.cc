#include "services/dispatch/domain/vrptw/travel_model.h"

#include <gtest/gtest.h>

namespace qq::dispatch::vrptw {
namespace {

TEST(MatrixTravelModel, EuclideanIsUnroundedAndTimeScalesWithSpeed) {
  const MatrixTravelModel m = MatrixTravelModel::Euclidean({{0, 0}, {3, 4}, {1, 1}}, {1.0, 2.0});
  EXPECT_EQ(m.LocationCount(), 3);
  EXPECT_EQ(m.ProfileCount(), 2);
  EXPECT_DOUBLE_EQ(m.Distance(0, 1), 5.0);
  EXPECT_DOUBLE_EQ(m.Distance(0, 2), std::sqrt(2.0));
  EXPECT_DOUBLE_EQ(m.Time(0, 1, 0), 5.0);
  EXPECT_DOUBLE_EQ(m.Time(0, 1, 1), 2.5);
}

TEST(MatrixTravelModel, RejectsWrongSizesAndNegativeEntries) {
  EXPECT_FALSE(MatrixTravelModel::Create(2, {0, 1, 1}, {{0, 1, 1, 0}}).ok());
  EXPECT_FALSE(MatrixTravelModel::Create(2, {0, 1, 1, 0}, {}).ok());
  EXPECT_FALSE(MatrixTravelModel::Create(2, {0, -1, 1, 0}, {{0, 1, 1, 0}}).ok());
  EXPECT_FALSE(MatrixTravelModel::Create(2, {0, 1, 1, 0}, {{0, 1, 1}}).ok());
  auto ok = MatrixTravelModel::Create(2, {0, 7, 8, 0}, {{0, 70, 80, 0}});
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->Distance(1, 0), 8);
  EXPECT_EQ(ok->Time(0, 1, 0), 70);
}

TEST(HaversineTravelModel, OneDegreeOfLatitudeTimesDetourAtProfileSpeed) {
  auto m = HaversineTravelModel::Create({{31.0, 121.0}, {32.0, 121.0}}, 1.3, {5.0, 10.0});
  ASSERT_TRUE(m.ok());
  const double degree_m = 6371008.8 * M_PI / 180;  // ≈ 111,195 m
  EXPECT_NEAR(m->Distance(0, 1), degree_m * 1.3, 1e-6);
  EXPECT_NEAR(m->Time(0, 1, 0), degree_m * 1.3 / 5.0, 1e-6);
  EXPECT_NEAR(m->Time(1, 0, 1), degree_m * 1.3 / 10.0, 1e-6);
  EXPECT_EQ(m->Distance(1, 1), 0);
}

TEST(HaversineTravelModel, RejectsBadInput) {
  EXPECT_FALSE(HaversineTravelModel::Create({{91, 0}}, 1.3, {5}).ok());
  EXPECT_FALSE(HaversineTravelModel::Create({{0, 181}}, 1.3, {5}).ok());
  EXPECT_FALSE(HaversineTravelModel::Create({{0, 0}}, 0.9, {5}).ok());
  EXPECT_FALSE(HaversineTravelModel::Create({{0, 0}}, 1.3, {}).ok());
  EXPECT_FALSE(HaversineTravelModel::Create({{0, 0}}, 1.3, {0}).ok());
}

}  // namespace
}  // namespace qq::dispatch::vrptw
