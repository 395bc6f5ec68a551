#include "services/dispatch/domain/staff_account.h"

#include <gtest/gtest.h>

#include "services/common/status.h"

namespace qq::dispatch {
namespace {

const std::vector<StaffAccount> kAccounts = {
    {.id = "w", .username = "wang", .display_name = "王师傅", .roles = {"worker"}},
    {.id = "c", .username = "li", .display_name = "李师傅", .roles = {"courier"}},
    {.id = "l", .username = "zhao", .roles = {"leader"}},
    {.id = "d", .username = "gone", .roles = {"worker"}, .disabled = true},
    {.id = "a", .username = "agent", .roles = {"agent", "manager"}}};

absl::Status Check(absl::string_view id, const StaffPlace& place) {
  return CheckStaffAccount("userId", FindAccount(kAccounts, id), place);
}

TEST(CheckStaffAccount, AcceptsRolesThatFitThePlace) {
  EXPECT_TRUE(Check("w", kWorkerPlace).ok());
  EXPECT_TRUE(Check("l", kWorkerPlace).ok());  // a leader also goes out
  EXPECT_TRUE(Check("c", kCourierPlace).ok());
  EXPECT_TRUE(Check("l", kTeamLeaderPlace).ok());
  EXPECT_TRUE(Check("w", kTeamMemberPlace).ok());
}

TEST(CheckStaffAccount, RefusesAnUnknownIdNamingTheField) {
  absl::Status status = Check("someone-else", kWorkerPlace);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(status), "userId");
  EXPECT_NE(status.message().find("not a staff account of this tenant"), absl::string_view::npos)
      << status;
}

TEST(CheckStaffAccount, RefusesADisabledAccount) {
  absl::Status status = Check("d", kWorkerPlace);
  EXPECT_EQ(FieldOf(status), "userId");
  EXPECT_NE(status.message().find("disabled"), absl::string_view::npos) << status;
}

TEST(CheckStaffAccount, RefusesAWrongRoleSayingWhichRolesFit) {
  absl::Status status = Check("w", kCourierPlace);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("[worker]"), absl::string_view::npos) << status;
  EXPECT_NE(status.message().find("needs courier"), absl::string_view::npos) << status;
  EXPECT_FALSE(Check("a", kWorkerPlace).ok());
  EXPECT_FALSE(Check("c", kTeamLeaderPlace).ok());
}

}  // namespace
}  // namespace qq::dispatch
