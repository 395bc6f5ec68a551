#include "services/dispatch/demo_data.h"

#include "services/common/log.h"
#include "services/common/status.h"

namespace qq::dispatch {
namespace {

constexpr const char* kDemoTenants[] = {"utility-demo", "station-demo"};

constexpr char kEastTeam[] = "城东区维修组";
constexpr char kWestTeam[] = "城西区维修组";
constexpr char kDispatchCentre[] = "调度中心";

}  // namespace

absl::Status LoadDemoData(DispatchStore& store) {
  // The two districts share the edge lng 121.50; a point on it goes by the tie-break
  // rule (ChooseCoveringArea), the same way every time.
  QQ_ASSIGN_OR_RETURN(AreaBoundary east, AreaBoundary::Rectangle(31.20, 31.30, 121.50, 121.60));
  QQ_ASSIGN_OR_RETURN(AreaBoundary west, AreaBoundary::Rectangle(31.20, 31.30, 121.40, 121.50));
  const std::vector<DemoTeam> teams = {
      {.name = kEastTeam, .leader_username = "leader", .member_usernames = {"worker"}},
      {.name = kWestTeam, .leader_username = "leader", .member_usernames = {"worker"}},
      // The demo dispatcher leads the team that takes what no area covers.
      {.name = kDispatchCentre, .leader_username = "dispatcher", .is_default = true},
  };
  const std::vector<DemoArea> areas = {
      {.name = "城东区", .team_name = kEastTeam, .priority = 0, .boundary = east},
      {.name = "城西区", .team_name = kWestTeam, .priority = 0, .boundary = west},
  };
  for (const char* tenant : kDemoTenants) {
    QQ_RETURN_IF_ERROR(store.EnsureDemoData(tenant, teams, areas));
  }
  LogInfo("demo data present", {{"tenants", "utility-demo, station-demo"}});
  return absl::OkStatus();
}

}  // namespace qq::dispatch
