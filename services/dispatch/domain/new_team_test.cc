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
  EXPECT_NE(too_long.status().message().find("at most 64 characters"), absl::string_view::npos)
      << too_long.status();
}

TEST(NormalizeDisplayName, EmojiAndFullWidthCountOneEach) {
  for (const std::string unit : {"🚰", "Ａ"}) {
    std::string name;
    for (size_t i = 0; i + 1 < kMaxDisplayNameChars; ++i) name += unit;
    EXPECT_TRUE(NormalizeDisplayName("team.name", name).ok()) << unit;
    name += unit;
    EXPECT_TRUE(NormalizeDisplayName("team.name", name).ok()) << unit;
    name += unit;
    EXPECT_EQ(FieldOf(NormalizeDisplayName("team.name", name).status()), "team.name") << unit;
  }
  // Ideographic spaces around a name are trimmed like ASCII ones.
  auto trimmed = NormalizeDisplayName("team.name", "\xe3\x80\x80城东组\xe3\x80\x80");
  ASSERT_TRUE(trimmed.ok()) << trimmed.status();
  EXPECT_EQ(*trimmed, "城东组");
}

}  // namespace
}  // namespace qq::dispatch
