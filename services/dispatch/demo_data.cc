#include "services/dispatch/demo_data.h"

#include "services/common/log.h"
#include "services/common/pg_pool.h"
#include "services/common/status.h"

namespace qq::dispatch {
namespace {

constexpr const char* kDemoTenants[] = {"utility-demo", "station-demo"};

constexpr char kEastTeam[] = "城东区维修组";
constexpr char kWestTeam[] = "城西区维修组";
constexpr char kDispatchCentre[] = "调度中心";

}  // namespace

absl::Status LoadDemoData(DispatchStore& store, PgPool& pool) {
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
  // Dispatch profiles of the demo worker (both tenants) and courier (the station): the
  // courier rides an e-bike from the station in 城东区, 08:00–20:00 every day.
  QQ_RETURN_IF_ERROR(pool.Transact([](pqxx::work& txn) -> absl::Status {
    for (const char* tenant : kDemoTenants) {
      txn.exec_params(
          "INSERT INTO staff (tenant_id, user_id, kind, name, skills) "
          "VALUES ($1, md5($1 || '/worker')::uuid::text, 'WORKER', '王师傅', "
          "  '{管网维修,水表,饮水机}') ON CONFLICT DO NOTHING",
          tenant);
    }
    txn.exec(
        "INSERT INTO staff (tenant_id, user_id, kind, name, skills, shifts, home_lat, home_lng, "
        "  vehicle, capacity_barrels) "
        "SELECT 'station-demo', md5('station-demo/courier')::uuid::text, 'COURIER', '李师傅', "
        "  '{送水}', '{\"shifts\":[' || string_agg('{\"weekday\":' || d || "
        "  ',\"startLocal\":\"08:00\",\"endLocal\":\"20:00\"}', ',') || ']}', "
        "  31.235, 121.55, 'E_BIKE', 30 FROM generate_series(1, 7) d "
        "ON CONFLICT DO NOTHING");
    return absl::OkStatus();
  }));
  LogInfo("demo data present", {{"tenants", "utility-demo, station-demo"}});
  return absl::OkStatus();
}

}  // namespace qq::dispatch
