// A team as a dispatcher creates it: checked and normalised before it is stored.
// Pure: no database.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace qq::dispatch {

struct NewTeam {
  std::string name{};
  // User ids of the customer service; checked here for shape only. The handlers then ask
  // the customer service that they are fitting staff of the tenant (CheckStaff).
  std::string leader_id{};
  std::vector<std::string> member_ids{};
  // The team that gets work orders from outside every area; one per tenant.
  bool is_default = false;
};

// Trims the name and ids and drops repeated members (first occurrence kept).
// INVALID_ARGUMENT naming "team.name" (see NormalizeDisplayName) or
// "team.memberIds[i]" for a blank member id.
absl::StatusOr<NewTeam> ValidateNewTeam(NewTeam team);

}  // namespace qq::dispatch
