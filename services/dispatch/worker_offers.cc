#include "services/dispatch/worker_offers.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/civil_text.h"
#include "services/common/outbox.h"
#include "services/common/pg_pool.h"
#include "services/common/status.h"
#include "services/common/text/utf8_text.h"
#include "services/common/text_limits.h"
#include "services/dispatch/domain/staff_profile.h"
#include "services/dispatch/domain/worker_choice.h"
#include "services/dispatch/route_store.h"
#include "services/dispatch/staff_store.h"

namespace qq::dispatch {
namespace {

namespace events = qingquan::common::v1;
using google::protobuf::util::TimeUtil;

constexpr const char* kFieldWorkTypes[] = {"REPAIR", "NEW_CONNECTION", "DISPENSER_REPAIR",
                                           "WATER_CHANGE"};
constexpr char kOfferColumns[] =
    "worker_id, worker_name, attempt, state, score, skill_score, load_score, distance_score, "
    "distance_km, open_orders, in_shift, reason, decision_comment, "
    "(extract(epoch FROM offered_at) * 1000000)::bigint, "
    "(extract(epoch FROM expires_at) * 1000000)::bigint";

google::protobuf::Timestamp ToTimestamp(absl::Time t) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

WorkerOffer OfferFromRow(const pqxx::row& r) {
  WorkerOffer o;
  o.set_worker_id(r[0].as<std::string>());
  o.set_worker_name(r[1].as<std::string>());
  o.set_attempt(r[2].as<int>());
  o.set_state(r[3].as<std::string>());
  o.set_score(r[4].as<double>());
  o.set_skill_score(r[5].as<double>());
  o.set_load_score(r[6].as<double>());
  o.set_distance_score(r[7].as<double>());
  o.set_distance_km(r[8].as<double>());
  o.set_open_orders(r[9].as<int>());
  o.set_in_shift(r[10].as<bool>());
  o.set_reason(r[11].as<std::string>());
  o.set_decision_comment(r[12].as<std::string>());
  *o.mutable_offer_time() = TimeUtil::MicrosecondsToTimestamp(r[13].as<long long>());
  *o.mutable_expire_time() = TimeUtil::MicrosecondsToTimestamp(r[14].as<long long>());
  return o;
}

void Announce(pqxx::work& txn, const std::string& tenant, const events::WorkerOffered& offered) {
  AppendToOutbox(txn, {.stream = EventStreamName("dispatch"),
                       .tenant = tenant,
                       .type = "workorder.worker_offered",
                       .aggregate_id = offered.work_order_id(),
                       .payload = offered.SerializeAsString()});
}

}  // namespace

bool IsFieldWorkType(const std::string& type) {
  for (const char* t : kFieldWorkTypes) {
    if (type == t) return true;
  }
  return false;
}

DispatchSettings DefaultDispatchSettings() {
  DispatchSettings s;
  s.set_auto_assign_work_orders(false);
  s.set_accept_timeout_minutes(15);
  auto& skills = *s.mutable_skill_by_type();
  skills["REPAIR"] = "管网维修";
  skills["NEW_CONNECTION"] = "水表";
  skills["DISPENSER_REPAIR"] = "饮水机";
  skills["WATER_CHANGE"] = "送水";
  return s;
}

absl::Status CheckDispatchSettings(const DispatchSettings& settings) {
  if (settings.accept_timeout_minutes() < 1 || settings.accept_timeout_minutes() > 240) {
    return InvalidField("acceptTimeoutMinutes", "must be between 1 and 240");
  }
  for (const auto& [type, skill] : settings.skill_by_type()) {
    if (!IsFieldWorkType(type)) {
      return InvalidField("skillByType",
                          absl::StrCat("'", type,
                                       "' is not field work: REPAIR, NEW_CONNECTION, "
                                       "DISPENSER_REPAIR or WATER_CHANGE"));
    }
    if (text::TrimSpaces(skill).empty()) {
      return InvalidField("skillByType", absl::StrCat(type, ": a skill name is required"));
    }
    QQ_RETURN_IF_ERROR(CheckTextLength(absl::StrCat("skillByType.", type), skill, kMaxSkillChars));
  }
  return absl::OkStatus();
}

WorkerOfferStore::WorkerOfferStore(PgPool& pool) : pool_(pool) {}

DispatchSettings WorkerOfferStore::SettingsIn(pqxx::work& txn, const std::string& tenant) {
  pqxx::result rows = txn.exec_params(
      "SELECT settings, (extract(epoch FROM updated_at) * 1000000)::bigint "
      "FROM dispatch_settings WHERE tenant_id = $1",
      tenant);
  DispatchSettings settings = DefaultDispatchSettings();
  if (rows.empty()) return settings;
  DispatchSettings stored;
  if (google::protobuf::util::JsonStringToMessage(rows[0][0].as<std::string>(), &stored).ok()) {
    settings = stored;
  }
  *settings.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(rows[0][1].as<long long>());
  return settings;
}

absl::StatusOr<DispatchSettings> WorkerOfferStore::Settings(const std::string& tenant) {
  DispatchSettings settings;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) -> absl::Status {
    settings = SettingsIn(txn, tenant);
    return absl::OkStatus();
  }));
  return settings;
}

absl::StatusOr<DispatchSettings> WorkerOfferStore::SaveSettings(const std::string& tenant,
                                                                DispatchSettings settings) {
  settings.clear_update_time();
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(settings, &json).ok()) {
    return absl::InternalError("dispatch settings do not serialise");
  }
  QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    txn.exec_params(
        "INSERT INTO dispatch_settings (tenant_id, settings) VALUES ($1, $2) "
        "ON CONFLICT (tenant_id) DO UPDATE SET settings = $2, updated_at = now()",
        tenant, json);
    settings = SettingsIn(txn, tenant);
    return absl::OkStatus();
  }));
  return settings;
}

void WorkerOfferStore::RememberOrderIn(pqxx::work& txn, const std::string& tenant,
                                       const events::WorkOrderCreated& created,
                                       const std::string& work_order_id) {
  const bool located = created.has_location();
  NullableParam lat =
      NullableNumber(located ? std::optional(created.location().lat()) : std::nullopt);
  NullableParam lng =
      NullableNumber(located ? std::optional(created.location().lng()) : std::nullopt);
  txn.exec_params(
      "UPDATE assignments SET work_order_type = $3, lat = $4::float8, lng = $5::float8, "
      "  number = $6, address_text = $7 "
      "WHERE tenant_id = $1 AND work_order_id = $2",
      tenant, work_order_id, created.type(), lat.get(), lng.get(), created.number(),
      created.address_text());
}

absl::Status WorkerOfferStore::OfferNextIn(pqxx::work& txn, const std::string& tenant,
                                           const std::string& work_order_id, absl::Time now,
                                           const std::string& previous_outcome) {
  pqxx::result order = txn.exec_params(
      "SELECT work_order_type, lat, lng, coalesce(team_id::text, '') FROM assignments "
      "WHERE tenant_id = $1 AND work_order_id = $2 FOR UPDATE",
      tenant, work_order_id);
  if (order.empty()) return absl::OkStatus();
  const std::string type = order[0][0].as<std::string>();
  const std::string team_id = order[0][3].as<std::string>();
  if (!IsFieldWorkType(type) || team_id.empty()) return absl::OkStatus();
  const DispatchSettings settings = SettingsIn(txn, tenant);
  if (!settings.auto_assign_work_orders()) return absl::OkStatus();
  std::optional<GeoPoint> site;
  if (!order[0][1].is_null() && !order[0][2].is_null()) {
    site = GeoPoint{order[0][1].as<double>(), order[0][2].as<double>()};
  }

  std::set<std::string> offered_before;
  int attempt = 1;
  bool settled = false, announced_none = false;
  for (const auto& r : txn.exec_params("SELECT worker_id, attempt, state FROM worker_offers "
                                       "WHERE tenant_id = $1 AND work_order_id = $2",
                                       tenant, work_order_id)) {
    offered_before.insert(r[0].as<std::string>());
    attempt = std::max(attempt, r[1].as<int>() + 1);
    const std::string state = r[2].as<std::string>();
    settled = settled || state == "ACCEPTED" || state == "OVERRIDDEN" || state == "DONE" ||
              state == "OFFERED";
    announced_none = announced_none || r[0].as<std::string>().empty();
  }
  if (settled || announced_none) return absl::OkStatus();

  pqxx::result team = txn.exec_params(
      "SELECT leader_id, member_ids FROM teams WHERE tenant_id = $1 AND id = $2::uuid", tenant,
      team_id);
  const std::string leader = team.empty() ? "" : team[0][0].as<std::string>();
  std::vector<WorkerCandidate> candidates;
  for (const auto& row : txn.exec_params(
           absl::StrCat("SELECT ", kStaffColumns,
                        ", (extract(epoch FROM s.last_offered_at) * 1000000)::bigint, "
                        "(SELECT count(*)::int FROM worker_offers o WHERE o.tenant_id = "
                        "  s.tenant_id AND o.worker_id = s.user_id AND o.state IN "
                        "  ('OFFERED', 'ACCEPTED')) "
                        "FROM staff s LEFT JOIN teams t ON t.tenant_id = s.tenant_id "
                        "  AND t.id = $2::uuid "
                        "WHERE s.tenant_id = $1 AND s.kind = 'WORKER' AND s.on_duty "
                        "  AND (s.team_id = $2::uuid OR s.user_id = ANY(t.member_ids)) "
                        "ORDER BY s.user_id"),
           tenant, team_id)) {
    Staff staff;
    FillStaff(row, staff);
    WorkerCandidate c{.user_id = staff.user_id(),
                      .name = staff.name(),
                      .skills = {staff.skills().begin(), staff.skills().end()},
                      .open_orders = row[19].as<int>()};
    if (auto position = FreshPosition(staff, now)) {
      c.position = GeoPoint{position->lat(), position->lng()};
    }
    if (staff.has_home_base()) c.home = GeoPoint{staff.home_base().lat(), staff.home_base().lng()};
    auto shift_end =
        ShiftEndAfter({staff.shifts().begin(), staff.shifts().end()}, now, BeijingTime());
    c.in_shift = !shift_end || *shift_end > now;
    if (!row[18].is_null()) c.last_offered = absl::FromUnixMicros(row[18].as<long long>());
    candidates.push_back(std::move(c));
  }
  auto skill = settings.skill_by_type().find(type);
  std::vector<WorkerScore> ranked =
      RankWorkers(candidates, skill == settings.skill_by_type().end() ? "" : skill->second, site,
                  offered_before);

  events::WorkerOffered offered;
  offered.set_work_order_id(work_order_id);
  offered.set_attempt(attempt);
  offered.set_leader_id(leader);
  const std::string prefix = previous_outcome.empty() ? "" : previous_outcome + "; ";
  if (ranked.empty()) {
    offered.set_reason(prefix + "班组中没有可派的在岗人员, 请组长指派");
    // Remembered as an offer to nobody, so it is announced once.
    txn.exec_params(
        "INSERT INTO worker_offers (tenant_id, work_order_id, attempt, worker_id, state, score, "
        "  skill_score, load_score, distance_score, distance_km, open_orders, in_shift, reason, "
        "  expires_at, decided_at) "
        "VALUES ($1, $2, $3, '', 'DONE', 0, 0, 0, 0, -1, 0, false, $4, now(), now())",
        tenant, work_order_id, attempt, offered.reason());
    Announce(txn, tenant, offered);
    return absl::OkStatus();
  }
  const WorkerScore& best = ranked.front();
  const absl::Time expires = now + absl::Minutes(settings.accept_timeout_minutes());
  txn.exec_params(
      "INSERT INTO worker_offers (tenant_id, work_order_id, attempt, worker_id, worker_name, "
      "  state, score, skill_score, load_score, distance_score, distance_km, open_orders, "
      "  in_shift, reason, expires_at) "
      "VALUES ($1, $2, $3, $4, $5, 'OFFERED', $6, $7, $8, $9, $10, $11, $12, $13, "
      "  to_timestamp($14::float8 / 1000000))",
      tenant, work_order_id, attempt, best.user_id, best.name, best.total, best.skill, best.load,
      best.distance, best.distance_km, best.open_orders, best.in_shift, prefix + best.reason,
      static_cast<double>(absl::ToUnixMicros(expires)));
  txn.exec_params("UPDATE staff SET last_offered_at = now() WHERE tenant_id = $1 AND user_id = $2",
                  tenant, best.user_id);
  offered.set_worker_id(best.user_id);
  offered.set_worker_name(best.name);
  offered.set_score(best.total);
  offered.set_reason(prefix + best.reason);
  *offered.mutable_expire_time() = ToTimestamp(expires);
  Announce(txn, tenant, offered);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<WorkerOffer>> WorkerOfferStore::Offers(
    const std::string& tenant, const std::string& work_order_id) {
  std::vector<WorkerOffer> offers;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) -> absl::Status {
    offers.clear();
    for (const auto& r : txn.exec_params(
             absl::StrCat("SELECT ", kOfferColumns,
                          " FROM worker_offers WHERE tenant_id = $1 AND work_order_id = $2 "
                          "ORDER BY attempt"),
             tenant, work_order_id)) {
      offers.push_back(OfferFromRow(r));
    }
    return absl::OkStatus();
  }));
  return offers;
}

absl::Status WorkerOfferStore::Reject(const std::string& tenant, const std::string& work_order_id,
                                      const std::string& worker_id, const std::string& reason,
                                      absl::Time now) {
  return pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    pqxx::result done = txn.exec_params(
        "UPDATE worker_offers SET state = 'REJECTED', decision_comment = $4, decided_at = now() "
        "WHERE tenant_id = $1 AND work_order_id = $2 AND worker_id = $3 AND state = 'OFFERED'",
        tenant, work_order_id, worker_id, reason);
    if (done.affected_rows() == 0) {
      return WithField(
          absl::FailedPreconditionError("no offer of this work order is waiting for you"),
          "workOrderId");
    }
    return OfferNextIn(txn, tenant, work_order_id, now, absl::StrCat("上一位拒单: ", reason));
  });
}

absl::StatusOr<int> WorkerOfferStore::ExpireDue(int limit, absl::Time now) {
  int expired = 0;
  for (; expired < limit; ++expired) {
    bool found = false;
    QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) -> absl::Status {
      found = false;
      pqxx::result due = txn.exec(
          "SELECT tenant_id, work_order_id, attempt FROM worker_offers "
          "WHERE state = 'OFFERED' AND expires_at <= now() "
          "ORDER BY expires_at LIMIT 1 FOR UPDATE SKIP LOCKED");
      if (due.empty()) return absl::OkStatus();
      found = true;
      const std::string tenant = due[0][0].as<std::string>();
      const std::string work_order_id = due[0][1].as<std::string>();
      txn.exec_params(
          "UPDATE worker_offers SET state = 'EXPIRED', decided_at = now(), "
          "  decision_comment = '超时未接单' "
          "WHERE tenant_id = $1 AND work_order_id = $2 AND attempt = $3",
          tenant, work_order_id, due[0][2].as<int>());
      return OfferNextIn(txn, tenant, work_order_id, now, "上一位超时未接单");
    }));
    if (!found) break;
  }
  return expired;
}

void WorkerOfferStore::ApplyWorkOrderStepIn(pqxx::work& txn, const std::string& tenant,
                                            const std::string& type,
                                            const events::WorkOrderTransitioned& step) {
  if (type == "workorder.accepted" || type == "workorder.assigned") {
    txn.exec_params(
        "UPDATE assignments SET worker_id = $3 WHERE tenant_id = $1 AND work_order_id = $2", tenant,
        step.work_order_id(), step.assignee_id());
  } else {
    txn.exec_params(
        "UPDATE assignments SET finished = true WHERE tenant_id = $1 AND work_order_id = $2",
        tenant, step.work_order_id());
  }
  if (type == "workorder.accepted") {
    txn.exec_params(
        "UPDATE worker_offers SET state = 'ACCEPTED', decided_at = now() "
        "WHERE tenant_id = $1 AND work_order_id = $2 AND worker_id = $3 AND state = 'OFFERED'",
        tenant, step.work_order_id(), step.assignee_id());
  } else if (type == "workorder.assigned") {
    if (absl::StartsWith(step.actor(), "system:")) return;  // the order service following us
    txn.exec_params(
        "UPDATE worker_offers SET state = 'OVERRIDDEN', decided_at = now(), "
        "  decision_comment = $3 "
        "WHERE tenant_id = $1 AND work_order_id = $2 AND state IN ('OFFERED', 'ACCEPTED')",
        tenant, step.work_order_id(),
        absl::StrCat("由 ", step.actor(), " 指派给 ", step.assignee_id()));
  } else if (type == "workorder.resolved" || type == "workorder.closed" ||
             type == "workorder.cancelled") {
    txn.exec_params(
        "UPDATE worker_offers SET state = 'DONE', decided_at = coalesce(decided_at, now()) "
        "WHERE tenant_id = $1 AND work_order_id = $2 AND state IN ('OFFERED', 'ACCEPTED')",
        tenant, step.work_order_id());
  }
}

}  // namespace qq::dispatch
