#include "services/dispatch/board_store.h"

#include <google/protobuf/util/time_util.h>

#include <map>
#include <set>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/ids.h"
#include "services/common/pg_pool.h"
#include "services/common/status.h"
#include "services/dispatch/route_store.h"
#include "services/dispatch/staff_store.h"

namespace qq::dispatch {
namespace {

namespace v1 = qingquan::dispatch::v1;
using Board = v1::DispatchBoard;
using google::protobuf::util::TimeUtil;

void SetMicros(const pqxx::field& micros, google::protobuf::Timestamp* out) {
  *out = TimeUtil::MicrosecondsToTimestamp(micros.as<long long>());
}

void SetLocation(const pqxx::field& lat, const pqxx::field& lng,
                 qingquan::common::v1::LatLng* out) {
  out->set_lat(lat.as<double>());
  out->set_lng(lng.as<double>());
}

// "lat,lng;lat,lng;…" from the areas query.
void SetBoundary(const std::string& points, Board::Area& area) {
  for (absl::string_view point : absl::StrSplit(points, ';', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> lat_lng = absl::StrSplit(point, ',');
    double lat = 0;
    double lng = 0;
    if (!absl::SimpleAtod(lat_lng.first, &lat) || !absl::SimpleAtod(lat_lng.second, &lng)) continue;
    auto* vertex = area.add_boundary();
    vertex->set_lat(lat);
    vertex->set_lng(lng);
  }
}

constexpr char kAreasSql[] =
    "SELECT a.id::text, a.name, a.team_id::text, t.name, t.leader_id, "
    "  array_to_string(t.member_ids, chr(31)), "
    "  (SELECT string_agg(ST_Y(p.geom) || ',' || ST_X(p.geom), ';' ORDER BY p.path[1]) "
    "     FROM ST_DumpPoints(ST_ExteriorRing(a.boundary)) AS p "
    "    WHERE p.path[1] < ST_NPoints(ST_ExteriorRing(a.boundary))) "
    "FROM areas a JOIN teams t ON t.tenant_id = a.tenant_id AND t.id = a.team_id "
    "WHERE a.tenant_id = $1 AND a.deleted_at IS NULL AND ($2 = '' OR a.id::text = $2) "
    "ORDER BY a.priority DESC, a.name, a.id";

// The area that would serve each waiting delivery's address, as ChooseCoveringArea
// decides (priority, then the smaller surface in whole m², then the smaller id).
#define QQ_WAITING_DELIVERIES                                                                  \
  "FROM delivery_stops d "                                                                     \
  "LEFT JOIN LATERAL ("                                                                        \
  "  SELECT a.id FROM areas a "                                                                \
  "   WHERE a.tenant_id = d.tenant_id AND a.deleted_at IS NULL AND d.lat IS NOT NULL "         \
  "     AND ST_Covers(a.boundary, ST_SetSRID(ST_MakePoint(d.lng, d.lat), 4326)) "              \
  "   ORDER BY a.priority DESC, round(ST_Area(a.boundary::geography)), a.id LIMIT 1) AS area " \
  "  ON true "                                                                                 \
  "WHERE d.tenant_id = $1 AND d.state = 'PENDING' AND d.courier_id = '' "                      \
  "  AND ($2 = '' OR area.id::text = $2) "

constexpr char kWaitingDeliveriesSql[] =
    "SELECT d.order_id, d.number, d.customer_name, d.address_text, d.lat, d.lng, d.demand, "
    "  (extract(epoch FROM d.window_start) * 1000000)::bigint, "
    "  (extract(epoch FROM d.window_end) * 1000000)::bigint, d.unassigned_reason, "
    "  (extract(epoch FROM d.created_at) * 1000000)::bigint, coalesce(area.id::text, "
    "'') " QQ_WAITING_DELIVERIES "ORDER BY d.window_end NULLS LAST, d.created_at LIMIT $3";
constexpr char kCountWaitingDeliveriesSql[] = "SELECT count(*)::int " QQ_WAITING_DELIVERIES;

constexpr char kWaitingWorkOrdersSql[] =
    "SELECT s.work_order_id, s.number, s.work_order_type, s.address_text, s.lat, s.lng, "
    "  coalesce(s.area_id::text, ''), (extract(epoch FROM s.assigned_at) * 1000000)::bigint, "
    "  coalesce(o.worker_id, ''), coalesce(o.worker_name, ''), "
    "  (extract(epoch FROM o.expires_at) * 1000000)::bigint "
    "FROM assignments s "
    "LEFT JOIN LATERAL ("
    "  SELECT w.worker_id, w.worker_name, w.expires_at FROM worker_offers w "
    "   WHERE w.tenant_id = s.tenant_id AND w.work_order_id = s.work_order_id "
    "     AND w.state = 'OFFERED' ORDER BY w.attempt DESC LIMIT 1) AS o ON true "
    "WHERE s.tenant_id = $1 AND s.worker_id = '' AND NOT s.finished "
    "  AND ($2 = '' OR s.area_id::text = $2) "
    "ORDER BY s.assigned_at LIMIT $3";

constexpr char kCountWaitingWorkOrdersSql[] =
    "SELECT count(*)::int FROM assignments s "
    "WHERE s.tenant_id = $1 AND s.worker_id = '' AND NOT s.finished "
    "  AND ($2 = '' OR s.area_id::text = $2)";

constexpr char kOpenWorkOrdersSql[] =
    "SELECT worker_id, count(*)::int FROM assignments "
    "WHERE tenant_id = $1 AND worker_id <> '' AND NOT finished GROUP BY worker_id";

}  // namespace

absl::StatusOr<Board> BoardStore::Board(const std::string& tenant, const std::string& area_id,
                                        absl::Time now) {
  if (!area_id.empty() && !LooksLikeUuid(area_id)) {
    return WithField(absl::NotFoundError("no such area"), "areaId");
  }
  v1::DispatchBoard board;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) -> absl::Status {
    board.Clear();
    std::map<std::string, Board::Area*> areas;
    std::set<std::string> members;  // of the areas' teams
    std::set<std::string> teams;
    for (const auto& row : txn.exec_params(kAreasSql, tenant, area_id)) {
      Board::Area& area = *board.add_areas();
      area.set_area_id(row[0].as<std::string>());
      area.set_area_name(row[1].as<std::string>());
      area.set_team_id(row[2].as<std::string>());
      area.set_team_name(row[3].as<std::string>());
      std::set<std::string> team;
      if (!row[4].is_null() && !row[4].as<std::string>().empty()) {
        team.insert(row[4].as<std::string>());
      }
      for (absl::string_view id :
           absl::StrSplit(row[5].as<std::string>(), '\x1f', absl::SkipEmpty())) {
        team.insert(std::string(id));
      }
      for (const std::string& id : team) area.add_member_ids(id);
      members.insert(team.begin(), team.end());
      teams.insert(area.team_id());
      if (!row[6].is_null()) SetBoundary(row[6].as<std::string>(), area);
      areas[area.area_id()] = &area;
    }
    if (!area_id.empty() && areas.empty()) {
      return WithField(absl::NotFoundError("no such area"), "areaId");
    }

    board.set_waiting_deliveries_total(
        txn.exec_params(kCountWaitingDeliveriesSql, tenant, area_id)[0][0].as<int>());
    board.set_waiting_work_orders_total(
        txn.exec_params(kCountWaitingWorkOrdersSql, tenant, area_id)[0][0].as<int>());
    for (const auto& row : txn.exec_params(kWaitingDeliveriesSql, tenant, area_id, kMaxWaiting)) {
      auto it = areas.find(row[11].as<std::string>());
      Board::WaitingDelivery& order = it == areas.end() ? *board.add_unzoned_deliveries()
                                                        : *it->second->add_waiting_deliveries();
      order.set_order_id(row[0].as<std::string>());
      order.set_number(row[1].as<std::string>());
      order.set_customer_name(row[2].as<std::string>());
      order.set_address_text(row[3].as<std::string>());
      if (!row[4].is_null()) SetLocation(row[4], row[5], order.mutable_location());
      order.set_demand_barrels(row[6].as<int>());
      if (!row[7].is_null()) SetMicros(row[7], order.mutable_window_start());
      if (!row[8].is_null()) SetMicros(row[8], order.mutable_window_end());
      order.set_reason(row[9].as<std::string>());
      SetMicros(row[10], order.mutable_create_time());
    }

    for (const auto& row : txn.exec_params(kWaitingWorkOrdersSql, tenant, area_id, kMaxWaiting)) {
      auto it = areas.find(row[6].as<std::string>());
      Board::WaitingWorkOrder& order = it == areas.end() ? *board.add_unzoned_work_orders()
                                                         : *it->second->add_waiting_work_orders();
      order.set_work_order_id(row[0].as<std::string>());
      order.set_number(row[1].as<std::string>());
      order.set_type(row[2].as<std::string>());
      order.set_address_text(row[3].as<std::string>());
      if (!row[4].is_null()) SetLocation(row[4], row[5], order.mutable_location());
      SetMicros(row[7], order.mutable_create_time());
      order.set_offered_worker_id(row[8].as<std::string>());
      order.set_offered_worker_name(row[9].as<std::string>());
      if (!row[10].is_null()) SetMicros(row[10], order.mutable_offer_expire_time());
    }

    std::map<std::string, int> open_work_orders;
    for (const auto& row : txn.exec_params(kOpenWorkOrdersSql, tenant)) {
      open_work_orders[row[0].as<std::string>()] = row[1].as<int>();
    }
    std::vector<Staff> people;  // one area: its team's people only
    std::vector<Staff> couriers;
    for (const auto& row : txn.exec_params(
             absl::StrCat(
                 "SELECT ", kStaffColumns,
                 " FROM staff s WHERE s.tenant_id = $1 ORDER BY s.kind, s.name, s.user_id"),
             tenant)) {
      Staff staff;
      FillStaff(row, staff);
      if (!area_id.empty() && !members.contains(staff.user_id()) &&
          !teams.contains(staff.team_id())) {
        continue;
      }
      if (staff.kind() == Staff::COURIER) couriers.push_back(staff);
      people.push_back(std::move(staff));
    }
    std::map<std::string, Route> routes;
    for (Route& route : RouteStore::RoutesOfIn(txn, tenant, couriers, now)) {
      routes[route.courier_id()] = std::move(route);
    }
    for (const Staff& staff : people) {
      Board::Person& person = *board.add_people();
      person.set_user_id(staff.user_id());
      person.set_name(staff.name());
      person.set_kind(staff.kind());
      person.set_team_id(staff.team_id());
      person.set_on_duty(staff.on_duty());
      if (staff.has_position()) {
        *person.mutable_position() = staff.position();
        *person.mutable_position_time() = staff.position_time();
      }
      person.set_vehicle(staff.vehicle());
      person.set_capacity_barrels(staff.capacity_barrels());
      person.set_load_barrels(staff.load_barrels());
      if (auto open = open_work_orders.find(staff.user_id()); open != open_work_orders.end()) {
        person.set_open_work_orders(open->second);
      }
      auto route = routes.find(staff.user_id());
      if (route == routes.end()) continue;
      for (const RouteStop& stop : route->second.stops()) {
        Board::RouteStop& out = *person.add_route();
        out.set_order_id(stop.order_id());
        out.set_number(stop.number());
        out.set_sequence(stop.sequence());
        out.set_state(stop.state());
        if (stop.has_location()) *out.mutable_location() = stop.location();
        int barrels = 0;
        for (const auto& item : stop.items()) barrels += item.quantity();
        out.set_demand_barrels(barrels);
        if (stop.has_window_end()) *out.mutable_window_end() = stop.window_end();
        if (stop.has_eta()) *out.mutable_eta() = stop.eta();
      }
    }
    return absl::OkStatus();
  }));
  *board.mutable_as_of() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(now));
  return board;
}

}  // namespace qq::dispatch
