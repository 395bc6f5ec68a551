#include "services/dispatch/domain/routing_decision.h"

#include <gtest/gtest.h>

namespace qq::dispatch {
namespace {

const CoveringArea kEast{
    .id = "area-east", .name = "城东区", .team_id = "team-east", .team_name = "城东区维修组"};
const TeamRef kCentre{"team-centre", "调度中心"};

TEST(DecideRouting, AnAreaSendsTheWorkOrderToItsTeam) {
  RoutingDecision decision = DecideRouting(kEast, kCentre);
  ASSERT_TRUE(decision.team.has_value());
  EXPECT_EQ(decision.team->id, "team-east");
  EXPECT_EQ(decision.team->name, "城东区维修组");
  ASSERT_TRUE(decision.area.has_value());
  EXPECT_EQ(decision.area->id, "area-east");
  EXPECT_FALSE(decision.outside_areas);
}

TEST(DecideRouting, OutsideEveryAreaTheDefaultTeamTakesIt) {
  RoutingDecision decision = DecideRouting(std::nullopt, kCentre);
  ASSERT_TRUE(decision.team.has_value());
  EXPECT_EQ(decision.team->id, "team-centre");
  EXPECT_FALSE(decision.area.has_value());
  EXPECT_TRUE(decision.outside_areas);
}

TEST(DecideRouting, WithoutDefaultTeamNoTeamIsChosen) {
  RoutingDecision decision = DecideRouting(std::nullopt, std::nullopt);
  EXPECT_FALSE(decision.team.has_value());
  EXPECT_FALSE(decision.area.has_value());
  EXPECT_TRUE(decision.outside_areas);
}

}  // namespace
}  // namespace qq::dispatch
