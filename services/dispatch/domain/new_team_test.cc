#include "services/dispatch/domain/new_team.h"

#include <gtest/gtest.h>

#include "services/common/status.h"
#include "services/dispatch/domain/display_name.h"

namespace qq::dispatch {
namespace {

TEST(ValidateNewTeam, TrimsAndDropsRepeatedMembers) {
  auto team = ValidateNewTeam(
      {.name = "  城东区维修组 ", .leader_id = " u-1 ", .member_ids = {"u-2", " u-3", "u-2"}});
  ASSERT_TRUE(team.ok()) << team.status();
  EXPECT_EQ(team->name, "城东区维修组");
  EXPECT_EQ(team->leader_id, "u-1");
  EXPECT_EQ(team->member_ids, (std::vector<std::string>{"u-2", "u-3"}));
}

TEST(ValidateNewTeam, RequiresANameNamingTheField) {
  auto team = ValidateNewTeam({.name = "   "});
  ASSERT_EQ(team.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(team.status()), "team.name");
}

TEST(ValidateNewTeam, RejectsABlankMemberNamingItsIndex) {
  auto team = ValidateNewTeam({.name = "A", .member_ids = {"u-1", " "}});
  EXPECT_EQ(FieldOf(team.status()), "team.memberIds[1]");
}

TEST(NormalizeDisplayName, CountsCharactersNotBytes) {
  std::string chinese;
  for (size_t i = 0; i < kMaxDisplayNameChars; ++i) chinese += "区";  // 3 bytes each
  EXPECT_TRUE(NormalizeDisplayName("area.name", chinese).ok());
  auto too_long = NormalizeDisplayName("area.name", chinese + "区");
  EXPECT_EQ(FieldOf(too_long.status()), "area.name");
}

}  // namespace
}  // namespace qq::dispatch
