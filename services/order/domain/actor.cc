#include "services/order/domain/actor.h"

#include "absl/strings/match.h"

namespace qq::order {

std::string ShownActorName(const std::string& actor_id, const std::string& stored_name) {
  if (!stored_name.empty()) return stored_name;
  if (actor_id == "system:dispatch") return "系统派单";
  if (actor_id == "system:sla") return "时限监控";
  if (absl::StartsWith(actor_id, "system:standing")) return "定期送水";
  if (absl::StartsWith(actor_id, "system:")) return "系统";
  return actor_id;
}

}  // namespace qq::order
