#include "services/dispatch/route_store.h"

#include <google/protobuf/util/time_util.h>

#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/civil_text.h"
#include "services/common/outbox.h"
#include "services/common/pg_pool.h"
#include "services/common/status.h"
#include "services/dispatch/domain/staff_profile.h"
#include "services/dispatch/staff_store.h"

namespace qq::dispatch {
namespace {

namespace v1 = qingquan::dispatch::v1;
namespace events = qingquan::common::v1;
using google::protobuf::util::TimeUtil;

constexpr char kOpenStates[] = "('PENDING', 'ASSIGNED', 'DELIVERING', 'ARRIVED')";

#define QQ_STOP_COLUMNS                                                                           \
  "order_id, number, state, customer_id, customer_name, customer_phone_masked, address_text, "    \
  "lat, lng, array_to_string(customer_tags, chr(31)), delivery_notes, notes, "                    \
  "array_to_string(item_products, chr(31)), array_to_string(item_quantities, ','), demand, "      \
  "payment, (extract(epoch FROM window_start) * 1000000)::bigint, "                               \
  "(extract(epoch FROM window_end) * 1000000)::bigint, courier_id, sequence, unassigned_reason, " \
  "tenant_id"

std::vector<std::string> Split(const std::string& joined, char sep) {
  if (joined.empty()) return {};
  return absl::StrSplit(joined, sep);
}

std::optional<absl::Time> OptionalMicros(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return absl::FromUnixMicros(f.as<long long>());
}

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

StopRecord StopFromRow(const pqxx::row& r) {
  StopRecord rec;
  RouteStop& s = rec.stop;
  s.set_order_id(r[0].as<std::string>());
  s.set_number(r[1].as<std::string>());
  rec.state = r[2].as<std::string>();
  s.set_state(rec.state);
  rec.customer_id = r[3].as<std::string>();
  s.set_customer_name(r[4].as<std::string>());
  s.set_customer_phone_masked(r[5].as<std::string>());
  s.set_address_text(r[6].as<std::string>());
  const bool located = !r[7].is_null() && !r[8].is_null();
  if (located) {
    s.mutable_location()->set_lat(r[7].as<double>());
    s.mutable_location()->set_lng(r[8].as<double>());
  }
  for (auto& tag : Split(r[9].as<std::string>(), '\x1f')) s.add_customer_tags(std::move(tag));
  s.set_delivery_notes(r[10].as<std::string>());
  s.set_notes(r[11].as<std::string>());
  auto products = Split(r[12].as<std::string>(), '\x1f');
  auto quantities = Split(r[13].as<std::string>(), ',');
  for (size_t i = 0; i < products.size() && i < quantities.size(); ++i) {
    auto* item = s.add_items();
    item->set_product(products[i]);
    int q = 0;
    if (absl::SimpleAtoi(quantities[i], &q)) item->set_quantity(q);
  }
  s.set_payment(r[15].as<std::string>());
  auto window_start = OptionalMicros(r[16]);
  auto window_end = OptionalMicros(r[17]);
  if (window_start) *s.mutable_window_start() = ToTimestamp(*window_start);
  if (window_end) *s.mutable_window_end() = ToTimestamp(*window_end);
  rec.courier_id = r[18].as<std::string>();
  s.set_sequence(r[19].as<int>());
  rec.unassigned_reason = r[20].as<std::string>();
  rec.tenant = r[21].as<std::string>();
  rec.planning = StopForPlanning{
      .order_id = s.order_id(),
      .location = located ? vrptw::LatLng{s.location().lat(), s.location().lng()} : vrptw::LatLng{},
      .demand = r[14].as<int>(),
      .window_start = window_start,
      .window_end = window_end,
      .courier_id = rec.courier_id,
      .started = IsUnderWay(rec.state)};
  return rec;
}

// Barrels the order takes: every item counts (18.9L barrels and the like).
int DemandOf(const events::DeliveryOrderChanged& order) {
  int demand = 0;
  for (const auto& item : order.items()) demand += item.quantity();
  return demand;
}

struct CourierRow {
  Staff staff;
  CourierForPlanning planning;
};

CourierRow CourierFromStaff(Staff staff, absl::Time now) {
  CourierRow c;
  c.staff = std::move(staff);
  const Staff& s = c.staff;
  c.planning.user_id = s.user_id();
  vrptw::LatLng home{s.home_base().lat(), s.home_base().lng()};
  vrptw::LatLng start = home;
  if (auto position = FreshPosition(s, now)) start = {position->lat(), position->lng()};
  if (!s.has_home_base()) home = start;
  c.planning.start = start;
  c.planning.home = home;
  c.planning.capacity = s.capacity_barrels();
  c.planning.vehicle = s.vehicle();
  c.planning.shift_end = ShiftEndAfter({s.shifts().begin(), s.shifts().end()}, now, BeijingTime());
  return c;
}

CourierRow CourierFromRow(const pqxx::row& row, absl::Time now) {
  Staff staff;
  FillStaff(row, staff);
  return CourierFromStaff(std::move(staff), now);
}

// The courier's route: their open `stops` in order, each with an ETA from the courier's
// recent position (else home base) at `now`.
Route RouteFrom(const CourierRow& courier, std::vector<StopRecord> stops, absl::Time now) {
  Route route;
  route.set_courier_id(courier.staff.user_id());
  route.set_courier_name(courier.staff.name());
  if (courier.staff.has_position()) {
    *route.mutable_position() = courier.staff.position();
    *route.mutable_position_time() = courier.staff.position_time();
  }
  std::vector<StopForPlanning> planning;
  for (StopRecord& stop : stops) {
    planning.push_back(stop.planning);
    *route.add_stops() = std::move(stop.stop);
  }
  auto arrivals = EstimateArrivals(courier.planning.start, courier.planning.vehicle, now, planning);
  for (int i = 0; i < route.stops_size() && i < static_cast<int>(arrivals.size()); ++i) {
    *route.mutable_stops(i)->mutable_eta() = ToTimestamp(arrivals[i]);
  }
  return route;
}

// The couriers a plan may use: on duty, with room for at least one barrel.
std::vector<CourierRow> OnDutyCouriers(pqxx::work& txn, const std::string& tenant, absl::Time now) {
  std::vector<CourierRow> couriers;
  for (const auto& row : txn.exec_params(
           absl::StrCat("SELECT ", kStaffColumns,
                        " FROM staff s WHERE s.tenant_id = $1 AND s.kind = 'COURIER' "
                        "  AND s.on_duty AND s.capacity_barrels > 0 ORDER BY s.user_id"),
           tenant)) {
    couriers.push_back(CourierFromRow(row, now));
  }
  return couriers;
}

pqxx::result LockStop(pqxx::work& txn, const std::string& tenant, const std::string& order_id) {
  return txn.exec_params("SELECT " QQ_STOP_COLUMNS
                         " FROM delivery_stops WHERE tenant_id = $1 AND order_id = $2 FOR UPDATE",
                         tenant, order_id);
}

void LockRoutes(pqxx::work& txn, const std::string& tenant) {
  txn.exec_params("SELECT pg_advisory_xact_lock(hashtext('qq:dispatch:routes:' || $1))", tenant);
}

// Closes the gap a stop leaves on its courier's route.
void LeaveRoute(pqxx::work& txn, const std::string& tenant, const StopRecord& stop) {
  if (stop.courier_id.empty() || stop.stop.sequence() <= 0) return;
  txn.exec_params(absl::StrCat("UPDATE delivery_stops SET sequence = sequence - 1 "
                               "WHERE tenant_id = $1 AND courier_id = $2 AND sequence > $3 "
                               "  AND state IN ",
                               kOpenStates),
                  tenant, stop.courier_id, stop.stop.sequence());
}

}  // namespace

RouteStore::RouteStore(PgPool& pool) : pool_(pool) {}

void RouteStore::AddStopIn(pqxx::work& txn, const std::string& tenant,
                           const events::DeliveryOrderChanged& o, bool refresh) {
  std::vector<std::string> products, quantities;
  for (const auto& item : o.items()) {
    products.push_back(item.product());
    quantities.push_back(absl::StrCat(item.quantity()));
  }
  std::vector<std::string> tags(o.customer_tags().begin(), o.customer_tags().end());
  auto micros = [](bool has, const google::protobuf::Timestamp& t) {
    return NullableNumber(has ? std::optional<double>(TimeUtil::TimestampToMicroseconds(t))
                              : std::nullopt);
  };
  NullableParam window_start = micros(o.has_window_start(), o.window_start());
  NullableParam window_end = micros(o.has_window_end(), o.window_end());
  NullableParam lat =
      NullableNumber(o.has_location() ? std::optional(o.location().lat()) : std::nullopt);
  NullableParam lng =
      NullableNumber(o.has_location() ? std::optional(o.location().lng()) : std::nullopt);
  txn.exec_params(
      "INSERT INTO delivery_stops (tenant_id, order_id, number, state, customer_id, customer_name, "
      "  customer_phone_masked, address_text, lat, lng, customer_tags, delivery_notes, notes, "
      "  item_products, item_quantities, demand, payment, window_start, window_end) "
      "VALUES ($1, $2, $3, 'PENDING', $4, $5, $6, $7, $8::float8, $9::float8, $10::text[], $11, "
      "  $12, $13::text[], $14::int[], $15, $16, to_timestamp($17::float8 / 1000000), "
      "  to_timestamp($18::float8 / 1000000)) "
      "ON CONFLICT (tenant_id, order_id) DO UPDATE SET address_text = EXCLUDED.address_text, "
      "  lat = EXCLUDED.lat, lng = EXCLUDED.lng, delivery_notes = EXCLUDED.delivery_notes, "
      "  notes = EXCLUDED.notes, item_products = EXCLUDED.item_products, "
      "  item_quantities = EXCLUDED.item_quantities, demand = EXCLUDED.demand, "
      "  window_start = EXCLUDED.window_start, window_end = EXCLUDED.window_end, "
      "  updated_at = now() "
      "WHERE $19",
      tenant, o.order_id(), o.number(), o.customer_id(), o.customer_name(),
      o.customer_phone_masked(), o.address_text(), lat.get(), lng.get(), PgTextArray(tags),
      o.delivery_notes(), o.notes(), PgTextArray(products), PgTextArray(quantities), DemandOf(o),
      o.payment(), window_start.get(), window_end.get(), refresh);
}

absl::StatusOr<std::optional<Placement>> RouteStore::PlaceStopIn(pqxx::work& txn,
                                                                 const std::string& tenant,
                                                                 const std::string& order_id,
                                                                 absl::Time now,
                                                                 const std::string& only_courier) {
  LockRoutes(txn, tenant);
  pqxx::result rows = LockStop(txn, tenant, order_id);
  if (rows.empty()) return std::optional<Placement>();
  StopRecord stop = StopFromRow(rows[0]);
  if (!stop.courier_id.empty() || stop.state != "PENDING") return std::optional<Placement>();
  Placement placement;
  if (!stop.stop.has_location()) {
    placement.reason = "NO_LOCATION";
  } else {
    std::vector<CourierRow> couriers = OnDutyCouriers(txn, tenant, now);
    std::vector<CourierForPlanning> planning;
    for (const auto& c : couriers) planning.push_back(c.planning);
    std::vector<StopForPlanning> routed;
    for (const auto& row :
         txn.exec_params(absl::StrCat("SELECT " QQ_STOP_COLUMNS " FROM delivery_stops "
                                      "WHERE tenant_id = $1 AND courier_id <> '' AND state IN ",
                                      kOpenStates, " ORDER BY courier_id, sequence"),
                         tenant)) {
      routed.push_back(StopFromRow(row).planning);
    }
    QQ_ASSIGN_OR_RETURN(placement, PlaceStop(planning, routed, stop.planning, now, only_courier));
    if (placement.placed) {
      txn.exec_params(
          "UPDATE delivery_stops d SET courier_id = $2, sequence = u.seq, unassigned_reason = '', "
          "  updated_at = now() "
          "FROM unnest($3::text[]) WITH ORDINALITY AS u(order_id, seq) "
          "WHERE d.tenant_id = $1 AND d.order_id = u.order_id",
          tenant, placement.courier_id, PgTextArray(placement.route));
      const CourierRow* courier = nullptr;
      for (const auto& c : couriers) {
        if (c.planning.user_id == placement.courier_id) courier = &c;
      }
      events::DeliveryAssigned assigned;
      assigned.set_order_id(order_id);
      assigned.set_courier_id(placement.courier_id);
      assigned.set_courier_name(courier ? courier->staff.name() : "");
      assigned.set_sequence(placement.sequence);
      if (courier != nullptr) {
        std::vector<StopForPlanning> route;
        for (const auto& id : placement.route) {
          if (id == order_id) {
            route.push_back(stop.planning);
          } else {
            for (const auto& s : routed) {
              if (s.order_id == id) route.push_back(s);
            }
          }
        }
        auto arrivals =
            EstimateArrivals(courier->planning.start, courier->planning.vehicle, now, route);
        if (placement.sequence - 1 < static_cast<int>(arrivals.size())) {
          *assigned.mutable_eta() = ToTimestamp(arrivals[placement.sequence - 1]);
        }
      }
      AppendToOutbox(txn, {.stream = EventStreamName("dispatch"),
                           .tenant = tenant,
                           .type = "delivery.assigned",
                           .aggregate_id = order_id,
                           .payload = assigned.SerializeAsString()});
      return std::optional<Placement>(placement);
    }
  }
  txn.exec_params(
      "UPDATE delivery_stops SET unassigned_reason = $3, updated_at = now() "
      "WHERE tenant_id = $1 AND order_id = $2",
      tenant, order_id, placement.reason);
  return std::optional<Placement>(placement);
}

void RouteStore::AnnounceUnplacedIn(pqxx::work& txn, const std::string& tenant,
                                    const events::DeliveryOrderChanged& order,
                                    const Placement& placement) {
  const int largest_vehicle =
      txn.exec_params(
             "SELECT coalesce(max(capacity_barrels), 0)::int FROM staff "
             "WHERE tenant_id = $1 AND kind = 'COURIER' AND on_duty AND capacity_barrels > 0",
             tenant)[0][0]
          .as<int>();
  events::DeliveryUnplaced unplaced;
  unplaced.set_order_id(order.order_id());
  unplaced.set_reason(placement.reason);
  unplaced.set_detail(UnplacedDetail(placement.reason, DemandOf(order), largest_vehicle));
  AppendToOutbox(txn, {.stream = EventStreamName("dispatch"),
                       .tenant = tenant,
                       .type = "delivery.unplaced",
                       .aggregate_id = order.order_id(),
                       .payload = unplaced.SerializeAsString()});
}

absl::StatusOr<int> RouteStore::PlaceWaitingStopsIn(pqxx::work& txn, const std::string& tenant,
                                                    absl::Time now) {
  int placed = 0;
  for (const auto& row : txn.exec_params(
           "SELECT order_id FROM delivery_stops WHERE tenant_id = $1 AND state = 'PENDING' "
           "  AND courier_id = '' AND lat IS NOT NULL "
           "ORDER BY window_end NULLS LAST, created_at LIMIT 500",
           tenant)) {
    QQ_ASSIGN_OR_RETURN(auto placement, PlaceStopIn(txn, tenant, row[0].as<std::string>(), now));
    if (placement && placement->placed) ++placed;
  }
  return placed;
}

absl::Status RouteStore::PlaceOrAnnounceIn(pqxx::work& txn, const std::string& tenant,
                                           const events::DeliveryOrderChanged& order,
                                           absl::Time now) {
  QQ_ASSIGN_OR_RETURN(std::optional<Placement> placement,
                      PlaceStopIn(txn, tenant, order.order_id(), now));
  if (placement && !placement->placed) AnnounceUnplacedIn(txn, tenant, order, *placement);
  return absl::OkStatus();
}

absl::Status RouteStore::ApplyOrderChangeIn(pqxx::work& txn, const std::string& tenant,
                                            const std::string& type,
                                            const events::DeliveryOrderChanged& order,
                                            absl::Time now) {
  LockRoutes(txn, tenant);
  pqxx::result rows = LockStop(txn, tenant, order.order_id());
  if (rows.empty()) return absl::OkStatus();  // an order from before dispatch kept stops
  StopRecord stop = StopFromRow(rows[0]);
  auto set = [&](const std::string& state, const std::string& courier, int sequence,
                 const std::string& reason) {
    txn.exec_params(
        "UPDATE delivery_stops SET state = $3, courier_id = $4, sequence = $5, "
        "  unassigned_reason = $6, updated_at = now() WHERE tenant_id = $1 AND order_id = $2",
        tenant, order.order_id(), state, courier, sequence, reason);
  };
  // The stop goes to the best place on `courier`'s route, or to its end when the
  // optimiser finds none (a person's choice, or an edit of an order already theirs).
  auto place_with = [&](const std::string& courier) -> absl::Status {
    LeaveRoute(txn, tenant, stop);
    set("PENDING", "", 0, "");
    QQ_ASSIGN_OR_RETURN(auto placement, PlaceStopIn(txn, tenant, order.order_id(), now, courier));
    if (!placement || !placement->placed) {
      const int last = txn.exec_params(absl::StrCat("SELECT coalesce(max(sequence), 0) FROM "
                                                    "delivery_stops WHERE tenant_id = $1 AND "
                                                    "courier_id = $2 AND state IN ",
                                                    kOpenStates),
                                       tenant, courier)[0][0]
                           .as<int>();
      set("ASSIGNED", courier, last + 1, "");
    } else {
      txn.exec_params(
          "UPDATE delivery_stops SET state = 'ASSIGNED' WHERE tenant_id = $1 AND order_id = $2",
          tenant, order.order_id());
    }
    return absl::OkStatus();
  };
  if (type == "order.assigned") {
    if (order.courier_id() == stop.courier_id) {
      set("ASSIGNED", stop.courier_id, stop.stop.sequence(), "");
      return absl::OkStatus();
    }
    return place_with(order.courier_id());
  }
  if (type == "order.updated") {
    // An edit before the courier set out: the stop takes the new window, address and
    // items, and its place on the route is chosen again (with the same courier, who has
    // the order; a waiting stop may go to anyone).
    AddStopIn(txn, tenant, order, /*refresh=*/true);
    if (stop.state == "ASSIGNED" && !stop.courier_id.empty()) return place_with(stop.courier_id);
    if (stop.state == "PENDING") return PlaceOrAnnounceIn(txn, tenant, order, now);
    return absl::OkStatus();
  }
  if (type == "order.delivering") {
    set("DELIVERING", stop.courier_id, stop.stop.sequence(), "");
  } else if (type == "order.arrived") {
    // The courier is at this door: it is their current stop, first on the route.
    if (stop.stop.sequence() > 1) {
      txn.exec_params(absl::StrCat("UPDATE delivery_stops SET sequence = sequence + 1 "
                                   "WHERE tenant_id = $1 AND courier_id = $2 AND sequence > 0 "
                                   "  AND sequence < $3 AND state IN ",
                                   kOpenStates),
                      tenant, stop.courier_id, stop.stop.sequence());
    }
    set("ARRIVED", stop.courier_id, stop.stop.sequence() > 0 ? 1 : 0, "");
  } else if (type == "order.delivered" || type == "order.cancelled") {
    LeaveRoute(txn, tenant, stop);
    set(type == "order.delivered" ? "DELIVERED" : "CANCELLED", stop.courier_id, 0, "");
  } else if (type == "order.failed") {
    // Back to the pool for a dispatcher: placing it again at once could loop.
    LeaveRoute(txn, tenant, stop);
    set("PENDING", "", 0, "FAILED_DELIVERY");
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::ReplanRoutesResponse> RouteStore::Replan(const std::string& tenant,
                                                            absl::Duration budget, bool dry_run,
                                                            absl::Time now) {
  std::vector<CourierForPlanning> couriers;
  std::vector<StopForPlanning> stops;
  std::map<std::string, StopRecord> before;
  auto load = [&](pqxx::work& txn, std::vector<StopForPlanning>* planning,
                  std::map<std::string, StopRecord>* records) {
    for (const auto& row : txn.exec_params(
             absl::StrCat(
                 "SELECT " QQ_STOP_COLUMNS " FROM delivery_stops "
                 "WHERE tenant_id = $1 AND state IN ",
                 kOpenStates,
                 " AND (courier_id <> '' OR lat IS NOT NULL) ORDER BY courier_id, sequence"),
             tenant)) {
      StopRecord stop = StopFromRow(row);
      if (!stop.stop.has_location() && stop.courier_id.empty()) continue;
      if (planning != nullptr) planning->push_back(stop.planning);
      (*records)[stop.stop.order_id()] = std::move(stop);
    }
  };
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) -> absl::Status {
    couriers.clear();
    stops.clear();
    before.clear();
    for (const auto& c : OnDutyCouriers(txn, tenant, now)) couriers.push_back(c.planning);
    load(txn, &stops, &before);
    return absl::OkStatus();
  }));
  QQ_ASSIGN_OR_RETURN(ReplanOutcome outcome, ReplanAll(couriers, stops, now, budget));

  v1::ReplanRoutesResponse response;
  response.set_stops(static_cast<int>(stops.size()));
  response.set_couriers_on_duty(static_cast<int>(couriers.size()));
  response.set_couriers_used_before(outcome.couriers_used_before);
  response.set_couriers_used_after(outcome.couriers_used_after);
  response.set_distance_before_km(outcome.distance_before_m / 1000);
  response.set_distance_after_km(outcome.distance_after_m / 1000);
  response.set_seconds(outcome.seconds);
  for (const auto& [order_id, reason] : outcome.unserved) {
    auto* u = response.add_unserved();
    u->set_order_id(order_id);
    u->set_reason(reason);
  }
  int reassigned = 0;
  for (const auto& [courier, ids] : outcome.routes) {
    for (const auto& id : ids) {
      auto it = before.find(id);
      if (it != before.end() && it->second.courier_id != courier) ++reassigned;
    }
  }
  response.set_reassigned(reassigned);
  if (dry_run) return response;

  QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    LockRoutes(txn, tenant);
    std::map<std::string, StopRecord> current;
    load(txn, nullptr, &current);
    for (const auto& [courier, ids] : outcome.routes) {
      for (const auto& id : ids) {
        auto it = current.find(id);
        if (it != current.end() && it->second.state == "DELIVERING" &&
            it->second.courier_id != courier) {
          return absl::AbortedError(
              "a delivery the new plan moves was started meanwhile; re-plan again");
        }
      }
    }
    // Stops outside the plan (placed meanwhile, or unserved) follow the planned ones.
    txn.exec_params(absl::StrCat("UPDATE delivery_stops SET sequence = 100000 + sequence "
                                 "WHERE tenant_id = $1 AND courier_id <> '' AND state IN ",
                                 kOpenStates),
                    tenant);
    for (const auto& [courier, ids] : outcome.routes) {
      std::vector<std::string> still_open;
      for (const auto& id : ids) {
        if (current.count(id) > 0) still_open.push_back(id);
      }
      if (still_open.empty()) continue;
      txn.exec_params(
          "UPDATE delivery_stops d SET courier_id = $2, sequence = u.seq, unassigned_reason = '', "
          "  updated_at = now() "
          "FROM unnest($3::text[]) WITH ORDINALITY AS u(order_id, seq) "
          "WHERE d.tenant_id = $1 AND d.order_id = u.order_id",
          tenant, courier, PgTextArray(still_open));
      for (size_t i = 0; i < still_open.size(); ++i) {
        const StopRecord& was = current.at(still_open[i]);
        if (was.courier_id == courier) continue;
        events::DeliveryAssigned moved;
        moved.set_order_id(still_open[i]);
        moved.set_courier_id(courier);
        moved.set_sequence(static_cast<int>(i) + 1);
        AppendToOutbox(
            txn, {.stream = EventStreamName("dispatch"),
                  .tenant = tenant,
                  .type = was.courier_id.empty() ? "delivery.assigned" : "delivery.reassigned",
                  .aggregate_id = still_open[i],
                  .payload = moved.SerializeAsString()});
      }
    }
    txn.exec_params(
        absl::StrCat("UPDATE delivery_stops d SET sequence = r.rn FROM ("
                     "  SELECT order_id, row_number() OVER (PARTITION BY courier_id "
                     "    ORDER BY sequence) AS rn FROM delivery_stops "
                     "  WHERE tenant_id = $1 AND courier_id <> '' AND state IN ",
                     kOpenStates, ") r WHERE d.tenant_id = $1 AND d.order_id = r.order_id"),
        tenant);
    for (const auto& [order_id, reason] : outcome.unserved) {
      txn.exec_params(
          "UPDATE delivery_stops SET unassigned_reason = $3 WHERE tenant_id = $1 AND "
          "order_id = $2 AND courier_id = ''",
          tenant, order_id, reason);
    }
    return absl::OkStatus();
  }));
  response.set_applied(true);
  return response;
}

std::vector<Route> RouteStore::RoutesOfIn(pqxx::work& txn, const std::string& tenant,
                                          const std::vector<Staff>& couriers, absl::Time now) {
  std::map<std::string, std::vector<StopRecord>> stops;  // by courier, in route order
  for (const Staff& courier : couriers) stops[courier.user_id()];
  for (const auto& row :
       txn.exec_params(absl::StrCat("SELECT " QQ_STOP_COLUMNS " FROM delivery_stops "
                                    "WHERE tenant_id = $1 AND courier_id <> '' AND sequence > 0 "
                                    "  AND state IN ",
                                    kOpenStates, " ORDER BY courier_id, sequence"),
                       tenant)) {
    StopRecord stop = StopFromRow(row);
    auto it = stops.find(stop.courier_id);
    if (it != stops.end()) it->second.push_back(std::move(stop));
  }
  std::vector<Route> routes;
  for (const Staff& courier : couriers) {
    routes.push_back(
        RouteFrom(CourierFromStaff(courier, now), std::move(stops[courier.user_id()]), now));
  }
  return routes;
}

absl::StatusOr<Route> RouteStore::RouteOf(const std::string& tenant, const std::string& courier_id,
                                          absl::Time now) {
  Route route;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) -> absl::Status {
    route.Clear();
    pqxx::result staff =
        txn.exec_params(absl::StrCat("SELECT ", kStaffColumns,
                                     " FROM staff s WHERE s.tenant_id = $1 AND s.user_id = $2"),
                        tenant, courier_id);
    if (staff.empty()) {
      return WithField(absl::NotFoundError("no courier with this id"), "courierId");
    }
    std::vector<StopRecord> stops;
    for (const auto& row :
         txn.exec_params(absl::StrCat("SELECT " QQ_STOP_COLUMNS " FROM delivery_stops "
                                      "WHERE tenant_id = $1 AND courier_id = $2 AND sequence > 0 "
                                      "  AND state IN ",
                                      kOpenStates, " ORDER BY sequence"),
                         tenant, courier_id)) {
      stops.push_back(StopFromRow(row));
    }
    route = RouteFrom(CourierFromRow(staff[0], now), std::move(stops), now);
    return absl::OkStatus();
  }));
  return route;
}

absl::StatusOr<StopRecord> RouteStore::StopOf(const std::string& tenant,
                                              const std::string& order_id) {
  StopRecord stop;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) -> absl::Status {
    pqxx::result rows = txn.exec_params(
        "SELECT " QQ_STOP_COLUMNS " FROM delivery_stops WHERE tenant_id = $1 AND order_id = $2",
        tenant, order_id);
    if (rows.empty()) return WithField(absl::NotFoundError("no such delivery order"), "orderId");
    stop = StopFromRow(rows[0]);
    return absl::OkStatus();
  }));
  return stop;
}

}  // namespace qq::dispatch
