#include "services/dispatch/staff_store.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/ids.h"
#include "services/common/log.h"
#include "services/common/pg_pool.h"
#include "services/common/redis_client.h"
#include "services/common/status.h"
#include "services/dispatch/domain/staff_profile.h"

namespace qq::dispatch {

const char kStaffColumns[] =
    "s.user_id, s.kind, s.name, coalesce(s.team_id::text, ''), "
    "array_to_string(s.skills, chr(31)), s.shifts, s.home_lat, s.home_lng, s.vehicle, "
    "s.capacity_barrels, s.on_duty, (extract(epoch FROM s.duty_changed_at) * 1000000)::bigint, "
    "s.last_lat, s.last_lng, (extract(epoch FROM s.last_position_at) * 1000000)::bigint, "
    "(extract(epoch FROM s.updated_at) * 1000000)::bigint, "
    "(SELECT count(*)::int FROM delivery_stops d WHERE d.tenant_id = s.tenant_id "
    "   AND d.courier_id = s.user_id AND d.state IN ('ASSIGNED', 'DELIVERING', 'ARRIVED')), "
    "(SELECT coalesce(sum(demand), 0)::int FROM delivery_stops d WHERE d.tenant_id = s.tenant_id "
    "   AND d.courier_id = s.user_id AND d.state IN ('ASSIGNED', 'DELIVERING', 'ARRIVED'))";

namespace {

namespace v1 = qingquan::dispatch::v1;
using google::protobuf::util::TimeUtil;

const std::string kUpsertStaffSql = absl::StrCat(
    "WITH up AS ("
    "  INSERT INTO staff (tenant_id, user_id, kind, name, team_id, skills, shifts, home_lat, "
    "    home_lng, vehicle, capacity_barrels) "
    "  VALUES ($1, $2, $3, $4, $5::uuid, $6::text[], $7, $8::float8, $9::float8, $10, $11) "
    "  ON CONFLICT (tenant_id, user_id) DO UPDATE SET kind = $3, name = $4, team_id = $5::uuid, "
    "    skills = $6::text[], shifts = $7, home_lat = $8::float8, home_lng = $9::float8, "
    "    vehicle = $10, capacity_barrels = $11, updated_at = now() "
    "  RETURNING *) "
    "SELECT ",
    kStaffColumns, " FROM up s");
const NamedQuery kUpsertStaff{"UpsertStaff", kUpsertStaffSql.c_str()};
const std::string kSelectStaffSql = absl::StrCat(
    "SELECT ", kStaffColumns, " FROM staff s WHERE s.tenant_id = $1 AND s.user_id = $2");
const NamedQuery kSelectStaff{"SelectStaff", kSelectStaffSql.c_str()};
const std::string kListStaffSql =
    absl::StrCat("SELECT ", kStaffColumns,
                 " FROM staff s WHERE s.tenant_id = $1 AND ($2 = '' OR s.kind = $2) "
                 "  AND ($3 = '' OR s.team_id = $3::uuid) AND (NOT $4::boolean OR s.on_duty) "
                 "  AND ($5 = '' OR $5 = ANY(s.skills)) ORDER BY s.name, s.user_id LIMIT 1000");
const NamedQuery kListStaff{"ListStaff", kListStaffSql.c_str()};
// The report path only needs to know the profile exists (not its route counts).
const NamedQuery kStaffExists{"StaffExists",
                              "SELECT 1 FROM staff WHERE tenant_id = $1 AND user_id = $2"};
const NamedQuery kLockStaff{
    "LockStaff", "SELECT kind FROM staff WHERE tenant_id = $1 AND user_id = $2 FOR UPDATE"};
// What still needs the person: stops on their route, offers waiting for them, work
// orders they hold. Numbers (at most 5 of each) for the message.
const NamedQuery kOpenStopsOf{
    "OpenStopsOf",
    "SELECT count(*) OVER ()::int, number FROM delivery_stops "
    "WHERE tenant_id = $1 AND courier_id = $2 AND state IN ('ASSIGNED', 'DELIVERING', 'ARRIVED') "
    "ORDER BY sequence LIMIT 5"};
const NamedQuery kOpenOffersOf{
    "OpenOffersOf",
    "SELECT count(*) OVER ()::int, coalesce(nullif(s.number, ''), o.work_order_id) "
    "FROM worker_offers o LEFT JOIN assignments s "
    "  ON s.tenant_id = o.tenant_id AND s.work_order_id = o.work_order_id "
    "WHERE o.tenant_id = $1 AND o.worker_id = $2 AND o.state = 'OFFERED' "
    "ORDER BY o.offered_at LIMIT 5"};
const NamedQuery kOpenWorkOrdersOf{
    "OpenWorkOrdersOf",
    "SELECT count(*) OVER ()::int, coalesce(nullif(number, ''), work_order_id) FROM assignments "
    "WHERE tenant_id = $1 AND worker_id = $2 AND NOT finished ORDER BY assigned_at LIMIT 5"};
const NamedQuery kDeleteStaff{"DeleteStaff",
                              "DELETE FROM staff WHERE tenant_id = $1 AND user_id = $2"};
const NamedQuery kFreeDevices{"FreeDevices",
                              "DELETE FROM staff_devices WHERE tenant_id = $1 AND user_id = $2"};
// The same lock as placing stops on routes: no stop lands on a courier being removed.
const NamedQuery kLockRoutes{"LockRoutesForStaff",
                             "SELECT pg_advisory_xact_lock(hashtext('qq:dispatch:routes:' || $1))"};
const NamedQuery kSetDuty{
    "SetStaffDuty",
    "UPDATE staff SET on_duty = $3, duty_changed_at = now(), updated_at = now() "
    "WHERE tenant_id = $1 AND user_id = $2"};
const NamedQuery kClaimDevice{
    "ClaimDevice",
    "INSERT INTO staff_devices (device_id, tenant_id, user_id) VALUES ($1, $2, $3) "
    "ON CONFLICT (device_id) DO NOTHING"};
const NamedQuery kLockDevice{
    "LockDevice",
    "SELECT tenant_id, user_id, (extract(epoch FROM last_report_at) * 1000000)::bigint "
    "FROM staff_devices WHERE device_id = $1 FOR UPDATE"};
const NamedQuery kInsertLocations{
    "InsertLocations",
    "INSERT INTO staff_locations (tenant_id, user_id, device_id, reported_at, lat, lng, "
    "  accuracy_m, speed_mps, heading_deg) "
    "SELECT $1, $2, $3, to_timestamp(u.t / 1000000), u.lat, u.lng, u.acc, u.spd, u.hdg "
    "FROM unnest($4::float8[], $5::float8[], $6::float8[], $7::real[], $8::real[], $9::real[]) "
    "  AS u(t, lat, lng, acc, spd, hdg)"};
const NamedQuery kTouchDevice{
    "TouchDevice",
    "UPDATE staff_devices SET last_report_at = to_timestamp($2::float8 / 1000000) "
    "WHERE device_id = $1"};
const NamedQuery kMoveStaff{
    "MoveStaff",
    "UPDATE staff SET last_lat = $3, last_lng = $4, "
    "  last_position_at = to_timestamp($5::float8 / 1000000) "
    "WHERE tenant_id = $1 AND user_id = $2 "
    "  AND (last_position_at IS NULL OR last_position_at < to_timestamp($5::float8 / 1000000))"};

google::protobuf::Timestamp FromMicros(long long micros) {
  return TimeUtil::MicrosecondsToTimestamp(micros);
}

std::string ShiftsJson(const Staff& staff) {
  Staff only;
  *only.mutable_shifts() = staff.shifts();
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(only, &json).ok()) return "{}";
  return json;
}

std::string PositionsKey(const std::string& tenant) {
  return absl::StrCat("qq:dispatch:positions:", tenant);
}

}  // namespace

std::optional<qingquan::common::v1::LatLng> FreshPosition(const Staff& staff, absl::Time now) {
  constexpr absl::Duration kPositionFreshness = absl::Minutes(30);
  if (!staff.has_position() || !staff.has_position_time()) return std::nullopt;
  if (absl::FromUnixSeconds(staff.position_time().seconds()) <= now - kPositionFreshness) {
    return std::nullopt;
  }
  return staff.position();
}

void FillStaff(const pqxx::row& row, Staff& s) {
  s.Clear();
  s.set_user_id(row[0].as<std::string>());
  Staff::Kind kind = Staff::KIND_UNSPECIFIED;
  Staff::Kind_Parse(row[1].as<std::string>(), &kind);
  s.set_kind(kind);
  s.set_name(row[2].as<std::string>());
  s.set_team_id(row[3].as<std::string>());
  const std::string skills = row[4].as<std::string>();
  if (!skills.empty()) {
    for (auto& skill : absl::StrSplit(skills, '\x1f')) s.add_skills(std::string(skill));
  }
  Staff shifts;
  if (google::protobuf::util::JsonStringToMessage(row[5].as<std::string>(), &shifts).ok()) {
    *s.mutable_shifts() = shifts.shifts();
  }
  if (!row[6].is_null() && !row[7].is_null()) {
    s.mutable_home_base()->set_lat(row[6].as<double>());
    s.mutable_home_base()->set_lng(row[7].as<double>());
  }
  Staff::Vehicle vehicle = Staff::VEHICLE_UNSPECIFIED;
  Staff::Vehicle_Parse(row[8].as<std::string>(), &vehicle);
  s.set_vehicle(vehicle);
  s.set_capacity_barrels(row[9].as<int>());
  s.set_on_duty(row[10].as<bool>());
  if (!row[11].is_null()) *s.mutable_duty_change_time() = FromMicros(row[11].as<long long>());
  if (!row[12].is_null() && !row[13].is_null()) {
    s.mutable_position()->set_lat(row[12].as<double>());
    s.mutable_position()->set_lng(row[13].as<double>());
  }
  if (!row[14].is_null()) *s.mutable_position_time() = FromMicros(row[14].as<long long>());
  *s.mutable_update_time() = FromMicros(row[15].as<long long>());
  s.set_open_stops(row[16].as<int>());
  s.set_load_barrels(row[17].as<int>());
}

StaffStore::StaffStore(PgPool& pool, RedisClient* redis) : pool_(pool), redis_(redis) {
  pool_.Prepare({kUpsertStaff, kSelectStaff, kStaffExists, kListStaff, kLockStaff, kOpenStopsOf,
                 kOpenOffersOf, kOpenWorkOrdersOf, kDeleteStaff, kFreeDevices, kLockRoutes,
                 kSetDuty, kClaimDevice, kLockDevice, kInsertLocations, kTouchDevice, kMoveStaff});
}

absl::StatusOr<Staff> StaffStore::Put(const std::string& tenant, const Staff& staff) {
  Staff stored;
  QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    NullableParam team = NullIfEmpty(staff.team_id());
    if (!staff.team_id().empty()) {
      if (!LooksLikeUuid(staff.team_id()) ||
          txn.exec_params("SELECT 1 FROM teams WHERE tenant_id = $1 AND id = $2::uuid "
                          "AND deleted_at IS NULL FOR SHARE",
                          tenant, staff.team_id())
              .empty()) {
        return InvalidField("teamId", "is not a team of this tenant");
      }
    }
    std::optional<double> lat, lng;
    if (staff.has_home_base()) {
      lat = staff.home_base().lat();
      lng = staff.home_base().lng();
    }
    NullableParam home_lat = NullableNumber(lat), home_lng = NullableNumber(lng);
    std::vector<std::string> skills(staff.skills().begin(), staff.skills().end());
    FillStaff(
        txn.exec_prepared(kUpsertStaff.name, tenant, staff.user_id(),
                          Staff::Kind_Name(staff.kind()), staff.name(), team.get(),
                          PgTextArray(skills), ShiftsJson(staff), home_lat.get(), home_lng.get(),
                          Staff::Vehicle_Name(staff.vehicle()), staff.capacity_barrels())[0],
        stored);
    return absl::OkStatus();
  }));
  return stored;
}

absl::StatusOr<Staff> StaffStore::Get(const std::string& tenant, const std::string& user_id) {
  Staff staff;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) -> absl::Status {
    pqxx::result rows = txn.exec_prepared(kSelectStaff.name, tenant, user_id);
    if (rows.empty()) {
      return WithField(absl::NotFoundError("no dispatch profile for this person"), "userId");
    }
    FillStaff(rows[0], staff);
    return absl::OkStatus();
  }));
  return staff;
}

namespace {

// "2 open stops on the route (DO-1, DO-2)" from rows of (total, number); "" for none.
std::string OpenThings(const pqxx::result& rows, absl::string_view what) {
  if (rows.empty()) return "";
  std::string numbers;
  for (const auto& row : rows) {
    absl::StrAppend(&numbers, numbers.empty() ? "" : ", ", row[1].as<std::string>());
  }
  const int total = rows[0][0].as<int>();
  return absl::StrCat(total, " ", what, " (", numbers,
                      total > static_cast<int>(rows.size()) ? ", …" : "", ")");
}

}  // namespace

absl::Status StaffStore::Delete(const std::string& tenant, const std::string& user_id) {
  QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    txn.exec_prepared(kLockRoutes.name, tenant);
    if (txn.exec_prepared(kLockStaff.name, tenant, user_id).empty()) {
      return WithField(absl::NotFoundError("no dispatch profile for this person"), "userId");
    }
    std::vector<std::string> open;
    for (std::string what : {OpenThings(txn.exec_prepared(kOpenStopsOf.name, tenant, user_id),
                                        "open stops on the route"),
                             OpenThings(txn.exec_prepared(kOpenOffersOf.name, tenant, user_id),
                                        "work-order offers waiting for an answer"),
                             OpenThings(txn.exec_prepared(kOpenWorkOrdersOf.name, tenant, user_id),
                                        "unfinished work orders")}) {
      if (!what.empty()) open.push_back(std::move(what));
    }
    if (!open.empty()) {
      return WithField(absl::FailedPreconditionError(
                           absl::StrCat("this person still has ", absl::StrJoin(open, "; "),
                                        ": reassign or finish them first")),
                       "userId");
    }
    txn.exec_prepared(kDeleteStaff.name, tenant, user_id);
    txn.exec_prepared(kFreeDevices.name, tenant, user_id);
    return absl::OkStatus();
  }));
  if (redis_ != nullptr) {
    auto removed = redis_->Command({"ZREM", PositionsKey(tenant), user_id});
    if (!removed.ok()) {
      LogWarn("removed person's position left in Redis",
              {{"error", std::string(removed.status().message())}});
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Staff>> StaffStore::List(const std::string& tenant,
                                                    const StaffFilter& filter) {
  std::vector<Staff> out;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) -> absl::Status {
    out.clear();
    if (!filter.team_id.empty() && !LooksLikeUuid(filter.team_id)) return absl::OkStatus();
    for (const auto& row : txn.exec_prepared(kListStaff.name, tenant, filter.kind, filter.team_id,
                                             filter.on_duty_only, filter.skill)) {
      FillStaff(row, out.emplace_back());
    }
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<Staff> StaffStore::SetDuty(const std::string& tenant, const std::string& user_id,
                                          bool on_duty) {
  Staff staff;
  QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    if (txn.exec_prepared(kSetDuty.name, tenant, user_id, on_duty).affected_rows() == 0) {
      return WithField(
          absl::NotFoundError("you have no dispatch profile yet; ask a dispatcher to add you"),
          "userId");
    }
    FillStaff(txn.exec_prepared(kSelectStaff.name, tenant, user_id)[0], staff);
    return absl::OkStatus();
  }));
  return staff;
}

absl::StatusOr<v1::ReportLocationsResponse> StaffStore::ReportLocations(
    const std::string& tenant, const std::string& user_id,
    const v1::ReportLocationsRequest& batch) {
  std::vector<std::string> times, lats, lngs, accuracies, speeds, headings;
  for (const auto& r : batch.reports()) {
    times.push_back(absl::StrCat(TimeUtil::TimestampToMicroseconds(r.time())));
    lats.push_back(absl::StrCat(r.position().lat()));
    lngs.push_back(absl::StrCat(r.position().lng()));
    accuracies.push_back(absl::StrCat(r.accuracy_m()));
    speeds.push_back(absl::StrCat(r.speed_mps()));
    headings.push_back(absl::StrCat(r.heading_deg()));
  }
  const auto& last = batch.reports(batch.reports_size() - 1);
  const long long first_micros = TimeUtil::TimestampToMicroseconds(batch.reports(0).time());
  const long long last_micros = TimeUtil::TimestampToMicroseconds(last.time());
  QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    if (txn.exec_prepared(kStaffExists.name, tenant, user_id).empty()) {
      return WithField(
          absl::NotFoundError("you have no dispatch profile yet; ask a dispatcher to add you"),
          "userId");
    }
    txn.exec_prepared(kClaimDevice.name, batch.device_id(), tenant, user_id);
    pqxx::row device = txn.exec_prepared(kLockDevice.name, batch.device_id())[0];
    if (device[0].as<std::string>() != tenant || device[1].as<std::string>() != user_id) {
      return WithField(absl::PermissionDeniedError("this device reports for another account"),
                       "deviceId");
    }
    if (!device[2].is_null()) {
      const long long previous = device[2].as<long long>();
      if (first_micros < previous + absl::ToInt64Microseconds(kMinReportSpacing)) {
        return InvalidField("reports[0].time",
                            first_micros <= previous
                                ? "is not after this device's last report (out of order)"
                                : "is less than 5 s after this device's last report");
      }
    }
    txn.exec_prepared(kInsertLocations.name, tenant, user_id, batch.device_id(), PgTextArray(times),
                      PgTextArray(lats), PgTextArray(lngs), PgTextArray(accuracies),
                      PgTextArray(speeds), PgTextArray(headings));
    txn.exec_prepared(kTouchDevice.name, batch.device_id(), static_cast<double>(last_micros));
    txn.exec_prepared(kMoveStaff.name, tenant, user_id, last.position().lat(),
                      last.position().lng(), static_cast<double>(last_micros));
    return absl::OkStatus();
  }));
  if (redis_ != nullptr) {
    auto added =
        redis_->Command({"GEOADD", PositionsKey(tenant), absl::StrCat(last.position().lng()),
                         absl::StrCat(last.position().lat()), user_id});
    if (!added.ok()) {
      LogWarn("latest position not in Redis", {{"error", std::string(added.status().message())}});
    }
  }
  v1::ReportLocationsResponse response;
  response.set_accepted(batch.reports_size());
  *response.mutable_position() = last.position();
  *response.mutable_position_time() = last.time();
  return response;
}

absl::Status StaffStore::MaintainHistory(int retention_days, int days_ahead) {
  return pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    if (!txn.exec("SELECT pg_try_advisory_xact_lock(hashtext('qq:dispatch:history'))")[0][0]
             .as<bool>()) {
      return absl::OkStatus();  // another replica does it now
    }
    const absl::CivilDay today = absl::ToCivilDay(absl::Now(), absl::UTCTimeZone());
    for (int d = -1; d <= days_ahead; ++d) {
      const absl::CivilDay day = today + d;
      const std::string name = absl::StrCat(
          "staff_locations_", absl::FormatCivilTime(day).substr(0, 4),
          absl::FormatCivilTime(day).substr(5, 2), absl::FormatCivilTime(day).substr(8, 2));
      txn.exec("SAVEPOINT partition");
      try {
        txn.exec(absl::StrCat("CREATE TABLE IF NOT EXISTS ", name,
                              " PARTITION OF staff_locations FOR VALUES FROM ('",
                              absl::FormatCivilTime(day), " 00:00:00+00') TO ('",
                              absl::FormatCivilTime(day + 1), " 00:00:00+00')"));
        txn.exec("RELEASE SAVEPOINT partition");
      } catch (const std::exception& e) {
        // Rows of that day already sit in the default partition: leave them there.
        txn.exec("ROLLBACK TO SAVEPOINT partition");
        LogWarn("location partition not created", {{"partition", name}, {"error", e.what()}});
      }
    }
    const std::string oldest = absl::FormatCivilTime(today - retention_days);
    const std::string cutoff = oldest.substr(0, 4) + oldest.substr(5, 2) + oldest.substr(8, 2);
    for (const auto& row :
         txn.exec("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                  "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'staff_locations' "
                  "  AND c.relname ~ '^staff_locations_[0-9]{8}$'")) {
      const std::string name = row[0].as<std::string>();
      if (name.substr(name.size() - 8) < cutoff) txn.exec("DROP TABLE " + name);
    }
    return absl::OkStatus();
  });
}

}  // namespace qq::dispatch
