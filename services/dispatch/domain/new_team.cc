#include "services/dispatch/domain/new_team.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/status.h"
#include "services/dispatch/domain/display_name.h"

namespace qq::dispatch {

absl::StatusOr<NewTeam> ValidateNewTeam(NewTeam team) {
  QQ_ASSIGN_OR_RETURN(team.name, NormalizeDisplayName("team.name", team.name));
  team.leader_id = std::string(absl::StripAsciiWhitespace(team.leader_id));
  std::vector<std::string> members;
  for (size_t i = 0; i < team.member_ids.size(); ++i) {
    std::string id(absl::StripAsciiWhitespace(team.member_ids[i]));
    if (id.empty()) return InvalidField(absl::StrCat("team.memberIds[", i, "]"), "required");
    if (std::find(members.begin(), members.end(), id) == members.end()) {
      members.push_back(std::move(id));
    }
  }
  team.member_ids = std::move(members);
  return team;
}

}  // namespace qq::dispatch
