#include "services/order/standing_order_store.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "services/common/page_token.h"
#include "services/common/pg_pool.h"
#include "services/common/status.h"

namespace qq::order {
namespace {

using google::protobuf::util::TimeUtil;

#define QQ_STANDING_COLUMNS                                                 \
  "id, customer_id, spec, state, state_reason, next_delivery_date::text, "  \
  "(extract(epoch FROM next_create_at) * 1000000)::bigint, created_count, " \
  "last_delivery_date::text, last_order_id, last_error, "                   \
  "(extract(epoch FROM created_at) * 1000000)::bigint, "                    \
  "(extract(epoch FROM updated_at) * 1000000)::bigint, tenant_id"
constexpr int kCreatedMicrosColumn = 11;
constexpr int kTenantColumn = 13;

const NamedQuery kInsertStanding{
    "InsertStandingOrder",
    "INSERT INTO standing_orders (tenant_id, customer_id, spec, next_delivery_date, "
    "  next_create_at, created_by) "
    "VALUES ($1, $2, $3, $4::date, to_timestamp($5::float8 / 1000000), $6) "
    "RETURNING " QQ_STANDING_COLUMNS};
const NamedQuery kSelectStanding{"SelectStandingOrder",
                                 "SELECT " QQ_STANDING_COLUMNS
                                 " FROM standing_orders WHERE tenant_id = $1 AND id = $2"};
const NamedQuery kLockStanding{"LockStandingOrder",
                               "SELECT " QQ_STANDING_COLUMNS
                               " FROM standing_orders WHERE tenant_id = $1 AND id = $2 FOR UPDATE"};
const NamedQuery kListStanding{
    "ListStandingOrders",
    "SELECT " QQ_STANDING_COLUMNS
    " FROM standing_orders WHERE tenant_id = $1 "
    "  AND ($2 = '' OR customer_id = $2::uuid) AND ($3 = '' OR state = $3) "
    "  AND ($4::bigint = 0 OR (created_at, id) > (to_timestamp($4 / 1000000.0), $5::uuid)) "
    "ORDER BY created_at, id LIMIT $6"};
// A change by a person frees any lease: the generator's guard (the day it was working
// on) decides whether its work still counts.
const NamedQuery kUpdateStanding{
    "UpdateStandingOrder",
    "UPDATE standing_orders SET spec = $3, state = $4, state_reason = $5, "
    "  next_delivery_date = $6::date, next_create_at = to_timestamp($7::float8 / 1000000), "
    "  lease_until = NULL, updated_at = now() "
    "WHERE tenant_id = $1 AND id = $2 RETURNING " QQ_STANDING_COLUMNS};
const NamedQuery kClaimDueStanding{
    "ClaimDueStandingOrders",
    "UPDATE standing_orders SET lease_until = now() + $2 * interval '1 millisecond' "
    "WHERE (tenant_id, id) IN ("
    "  SELECT tenant_id, id FROM standing_orders "
    "  WHERE state = 'ACTIVE' AND next_create_at <= now() "
    "    AND (lease_until IS NULL OR lease_until < now()) "
    "  ORDER BY next_create_at LIMIT $1 FOR UPDATE SKIP LOCKED) "
    "RETURNING " QQ_STANDING_COLUMNS};
const NamedQuery kRecordOccurrence{
    "RecordStandingOccurrence",
    "UPDATE standing_orders SET next_delivery_date = $4::date, "
    "  next_create_at = to_timestamp($5::float8 / 1000000), "
    "  state = CASE WHEN $4::date IS NULL THEN 'ENDED' ELSE state END, "
    "  state_reason = CASE WHEN $4::date IS NULL THEN $7 ELSE state_reason END, "
    "  created_count = created_count + CASE WHEN $6::uuid IS NULL THEN 0 ELSE 1 END, "
    "  last_delivery_date = CASE WHEN $6::uuid IS NULL THEN last_delivery_date ELSE $3::date END, "
    "  last_order_id = coalesce($6::uuid, last_order_id), last_error = $8, lease_until = NULL, "
    "  updated_at = now() "
    "WHERE tenant_id = $1 AND id = $2 AND state = 'ACTIVE' AND next_delivery_date = $3::date"};
const NamedQuery kPauseStanding{
    "PauseStandingOrder",
    "UPDATE standing_orders SET state = 'PAUSED', state_reason = $3, lease_until = NULL, "
    "  updated_at = now() WHERE tenant_id = $1 AND id = $2 AND state = 'ACTIVE'"};
const NamedQuery kPostponeStanding{"PostponeStandingOrder",
                                   "UPDATE standing_orders SET last_error = $3, "
                                   "  lease_until = now() + $4 * interval '1 millisecond' "
                                   "WHERE tenant_id = $1 AND id = $2"};

constexpr char kScheduleOver[] = "排期已结束 (the schedule is over)";

google::protobuf::Timestamp FromMicros(const pqxx::field& f) {
  return TimeUtil::MicrosecondsToTimestamp(f.as<long long>());
}

std::string SpecJson(const StandingOrder& order) {
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  if (!google::protobuf::util::MessageToJsonString(SpecOf(order), &json, options).ok()) {
    return "{}";
  }
  return json;
}

StandingOrder FromRow(const pqxx::row& r) {
  StandingOrder o;
  if (!google::protobuf::util::JsonStringToMessage(r[2].as<std::string>(), &o).ok()) o.Clear();
  o.set_id(r[0].as<std::string>());
  o.set_customer_id(r[1].as<std::string>());
  StandingOrder::State state = StandingOrder::STATE_UNSPECIFIED;
  StandingOrder::State_Parse(r[3].as<std::string>(), &state);
  o.set_state(state);
  o.set_state_reason(r[4].as<std::string>());
  if (!r[5].is_null()) o.set_next_delivery_date(r[5].as<std::string>());
  if (!r[6].is_null()) *o.mutable_next_create_time() = FromMicros(r[6]);
  o.set_created_count(r[7].as<int>());
  if (!r[8].is_null()) o.set_last_delivery_date(r[8].as<std::string>());
  if (!r[9].is_null()) o.set_last_order_id(r[9].as<std::string>());
  o.set_last_error(r[10].as<std::string>());
  *o.mutable_create_time() = FromMicros(r[11]);
  *o.mutable_update_time() = FromMicros(r[12]);
  return o;
}

// (next_delivery_date, next_create_at) parameters: both NULL when there is none.
std::pair<NullableParam, NullableParam> NextParams(const NextOccurrence& next) {
  if (!next) return {NullableParam{}, NullableParam{}};
  return {NullableParam{IsoDay(next->day)},
          NullableNumber(static_cast<double>(absl::ToUnixMicros(next->create_at)))};
}

}  // namespace

StandingOrder SpecOf(const StandingOrder& order) {
  StandingOrder spec;
  spec.set_channel(order.channel());
  spec.set_customer_id(order.customer_id());
  spec.set_address_id(order.address_id());
  *spec.mutable_items() = order.items();
  spec.set_payment(order.payment());
  spec.set_notes(order.notes());
  *spec.mutable_recurrence() = order.recurrence();
  spec.set_window_start_local(order.window_start_local());
  spec.set_window_end_local(order.window_end_local());
  if (order.has_lead_days()) spec.set_lead_days(order.lead_days());
  *spec.mutable_custom_fields() = order.custom_fields();
  return spec;
}

StandingOrderStore::StandingOrderStore(PgPool& pool) : pool_(pool) {
  pool_.Prepare({kInsertStanding, kSelectStanding, kLockStanding, kListStanding, kUpdateStanding,
                 kClaimDueStanding, kRecordOccurrence, kPauseStanding, kPostponeStanding});
}

absl::StatusOr<StandingOrder> StandingOrderStore::Create(const std::string& tenant,
                                                         const std::string& actor,
                                                         const StandingOrder& spec,
                                                         const Occurrence& next,
                                                         const IdempotencyScope& idempotency) {
  StandingOrder created;
  QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    created.Clear();
    QQ_ASSIGN_OR_RETURN(bool replayed, ClaimIdempotencyKey(txn, idempotency, created));
    if (replayed) return absl::OkStatus();
    auto [day, create_at] = NextParams(next);
    created = FromRow(txn.exec_prepared(kInsertStanding.name, tenant, spec.customer_id(),
                                        SpecJson(spec), day.get(), create_at.get(), actor)[0]);
    RecordIdempotentResponse(txn, idempotency, created);
    return absl::OkStatus();
  }));
  return created;
}

absl::StatusOr<StandingOrder> StandingOrderStore::Get(const std::string& tenant,
                                                      const std::string& id) {
  StandingOrder order;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) -> absl::Status {
    pqxx::result rows = txn.exec_prepared(kSelectStanding.name, tenant, id);
    if (rows.empty()) return WithField(absl::NotFoundError("no such standing order"), "id");
    order = FromRow(rows[0]);
    return absl::OkStatus();
  }));
  return order;
}

absl::StatusOr<StandingOrderPage> StandingOrderStore::List(const std::string& tenant,
                                                           const std::string& customer_id,
                                                           const std::string& state, int page_size,
                                                           const std::string& page_token) {
  QQ_ASSIGN_OR_RETURN(PageCursor cursor, DecodePageToken(page_token));
  StandingOrderPage page;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) -> absl::Status {
    page = {};
    pqxx::result rows = txn.exec_prepared(kListStanding.name, tenant, customer_id, state,
                                          cursor.after_micros, cursor.after_id, page_size + 1);
    for (int i = 0; i < static_cast<int>(rows.size()) && i < page_size; ++i) {
      page.standing_orders.push_back(FromRow(rows[i]));
    }
    page.next_page_token = NextPageTokenOf(rows, page_size, kCreatedMicrosColumn);
    return absl::OkStatus();
  }));
  return page;
}

absl::StatusOr<StandingOrder> StandingOrderStore::Change(const std::string& tenant,
                                                         const std::string& id,
                                                         const DecideStandingChange& decide) {
  StandingOrder changed;
  QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    pqxx::result rows = txn.exec_prepared(kLockStanding.name, tenant, id);
    if (rows.empty()) return WithField(absl::NotFoundError("no such standing order"), "id");
    QQ_ASSIGN_OR_RETURN(StandingOrderChange change, decide(FromRow(rows[0])));
    std::string reason = change.state_reason;
    NextOccurrence next = change.state == StandingOrder::ACTIVE ? change.next : std::nullopt;
    if (change.state == StandingOrder::ACTIVE && !next) {
      change.state = StandingOrder::ENDED;
      reason = kScheduleOver;
    }
    auto [day, create_at] = NextParams(next);
    changed = FromRow(txn.exec_prepared(kUpdateStanding.name, tenant, id, SpecJson(change.spec),
                                        StandingOrder::State_Name(change.state), reason, day.get(),
                                        create_at.get())[0]);
    return absl::OkStatus();
  }));
  return changed;
}

absl::StatusOr<std::vector<DueStandingOrder>> StandingOrderStore::ClaimDue(int limit,
                                                                           absl::Duration lease) {
  std::vector<DueStandingOrder> due;
  QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    due.clear();
    for (const auto& row :
         txn.exec_prepared(kClaimDueStanding.name, limit, absl::ToInt64Milliseconds(lease))) {
      due.push_back({row[kTenantColumn].as<std::string>(), FromRow(row)});
    }
    return absl::OkStatus();
  }));
  return due;
}

absl::Status StandingOrderStore::RecordOccurrenceIn(pqxx::work& txn, const std::string& tenant,
                                                    const std::string& id, absl::CivilDay day,
                                                    const NextOccurrence& next,
                                                    const std::string& order_id) {
  auto [next_day, create_at] = NextParams(next);
  NullableParam order = NullIfEmpty(order_id);
  pqxx::result done =
      txn.exec_prepared(kRecordOccurrence.name, tenant, id, IsoDay(day), next_day.get(),
                        create_at.get(), order.get(), kScheduleOver, "");
  if (done.affected_rows() == 0) {
    return absl::AbortedError(
        absl::StrCat("standing order ", id, " no longer waits for ", IsoDay(day)));
  }
  return absl::OkStatus();
}

absl::Status StandingOrderStore::Skip(const std::string& tenant, const std::string& id,
                                      absl::CivilDay day, const NextOccurrence& next,
                                      const std::string& note) {
  return pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    auto [next_day, create_at] = NextParams(next);
    txn.exec_prepared(kRecordOccurrence.name, tenant, id, IsoDay(day), next_day.get(),
                      create_at.get(), static_cast<const char*>(nullptr), kScheduleOver, note);
    return absl::OkStatus();
  });
}

absl::Status StandingOrderStore::PauseForProblem(const std::string& tenant, const std::string& id,
                                                 const std::string& reason) {
  return pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    txn.exec_prepared(kPauseStanding.name, tenant, id, reason);
    return absl::OkStatus();
  });
}

absl::Status StandingOrderStore::Postpone(const std::string& tenant, const std::string& id,
                                          const std::string& error, absl::Duration retry_after) {
  return pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    txn.exec_prepared(kPostponeStanding.name, tenant, id, error,
                      absl::ToInt64Milliseconds(retry_after));
    return absl::OkStatus();
  });
}

}  // namespace qq::order
