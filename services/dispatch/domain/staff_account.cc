#include "services/dispatch/domain/staff_account.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/status.h"

namespace qq::dispatch {

const StaffAccount* FindAccount(const std::vector<StaffAccount>& accounts, absl::string_view id) {
  for (const StaffAccount& account : accounts) {
    if (absl::EqualsIgnoreCase(account.id, id)) return &account;  // uuids in either case
  }
  return nullptr;
}

absl::Status CheckStaffAccount(absl::string_view field, const StaffAccount* account,
                               const StaffPlace& place) {
  if (account == nullptr) {
    return InvalidField(field, "is not a staff account of this tenant (unknown user id)");
  }
  if (account->disabled) {
    return InvalidField(field, absl::StrCat("the account ", account->username, " is disabled"));
  }
  for (const std::string& role : account->roles) {
    if (std::find(place.roles.begin(), place.roles.end(), role) != place.roles.end()) {
      return absl::OkStatus();
    }
  }
  return InvalidField(field, absl::StrCat("the account ", account->username, " has the roles [",
                                          absl::StrJoin(account->roles, ", "), "]; ", place.what,
                                          " needs ", absl::StrJoin(place.roles, " or ")));
}

}  // namespace qq::dispatch
