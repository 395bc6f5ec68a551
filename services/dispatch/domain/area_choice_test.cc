#include "services/dispatch/domain/area_choice.h"

#include <gtest/gtest.h>

namespace qq::dispatch {
namespace {

CoveringArea Candidate(std::string id, int priority, double size_m2) {
  return CoveringArea{.id = std::move(id), .priority = priority, .size_m2 = size_m2};
}

TEST(ChooseCoveringArea, NoCandidatesMeansNoArea) {
  EXPECT_FALSE(ChooseCoveringArea({}).has_value());
}

TEST(ChooseCoveringArea, HigherPriorityWinsOverSmallerArea) {
  auto chosen = ChooseCoveringArea({Candidate("a", 0, 1e6), Candidate("b", 5, 9e9)});
  ASSERT_TRUE(chosen.has_value());
  EXPECT_EQ(chosen->id, "b");
}

TEST(ChooseCoveringArea, NegativePriorityLosesToZero) {
  EXPECT_EQ(ChooseCoveringArea({Candidate("a", -1, 1), Candidate("b", 0, 2)})->id, "b");
}

TEST(ChooseCoveringArea, SmallerAreaWinsAtEqualPriority) {
  auto chosen = ChooseCoveringArea(
      {Candidate("district", 1, 1.2e8), Candidate("estate", 1, 3.5e5), Candidate("x", 0, 1)});
  EXPECT_EQ(chosen->id, "estate");
}

TEST(ChooseCoveringArea, EqualShapesGoToTheSmallerIdWhateverTheOrderOrFloatNoise) {
  // Two equal rectangles side by side: their computed surfaces differ in the last bits.
  CoveringArea east = Candidate("b-east", 0, 111089034.30000001);
  CoveringArea west = Candidate("a-west", 0, 111089034.29999999);
  EXPECT_EQ(ChooseCoveringArea({east, west})->id, "a-west");
  EXPECT_EQ(ChooseCoveringArea({west, east})->id, "a-west");
  east.size_m2 = 111089034.29999999;
  west.size_m2 = 111089034.30000001;
  EXPECT_EQ(ChooseCoveringArea({east, west})->id, "a-west");
}

TEST(ChooseCoveringArea, KeepsTheWinnersTeam) {
  CoveringArea area = Candidate("a", 0, 1);
  area.team_id = "t1";
  area.team_name = "城东区维修组";
  EXPECT_EQ(ChooseCoveringArea({area})->team_name, "城东区维修组");
}

}  // namespace
}  // namespace qq::dispatch
