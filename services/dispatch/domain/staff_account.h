// Who may take which place in dispatch, judged from the tenant's staff accounts as the
// customer service reports them (AuthService.LookupUsers): a worker's or courier's
// profile, a team's leader, a team's members. Pure: no I/O.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace qq::dispatch {

// A staff account of the tenant (customer service's StaffUser).
struct StaffAccount {
  std::string id{};
  std::string username{};
  // The name people know them by (王师傅); the username when none is set.
  std::string display_name{};
  std::vector<std::string> roles{};
  bool disabled = false;
};

// A place in dispatch and the roles that fit it.
struct StaffPlace {
  // Words for messages: "a WORKER profile", "a team's leader".
  std::string what{};
  std::vector<std::string> roles{};
};

inline const StaffPlace kWorkerPlace{"a WORKER profile", {"worker", "leader"}};
inline const StaffPlace kCourierPlace{"a COURIER profile", {"courier"}};
// The shipped default team (调度中心) is led by the dispatcher, so dispatchers may lead.
inline const StaffPlace kTeamLeaderPlace{"a team's leader", {"leader", "dispatcher"}};
inline const StaffPlace kTeamMemberPlace{"a team's member", {"worker", "leader"}};

// The account with `id` among `accounts`, or null.
const StaffAccount* FindAccount(const std::vector<StaffAccount>& accounts, absl::string_view id);

// OK when `account` (the lookup's answer for the id in `field`; null when it had none) is
// an enabled account with a role of `place`. INVALID_ARGUMENT naming `field` otherwise,
// saying which: no staff account of this tenant, disabled, or the roles it has.
absl::Status CheckStaffAccount(absl::string_view field, const StaffAccount* account,
                               const StaffPlace& place);

}  // namespace qq::dispatch
