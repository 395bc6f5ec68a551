#include "services/order/order_store.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/page_token.h"
#include "services/common/pg_pool.h"
#include "services/common/status.h"

namespace qq::order {
namespace {

using google::protobuf::util::TimeUtil;

constexpr char kWorkOrderColumns[] =
    "id, number, type, channel, urgency, state, customer_id, customer_name, address_id, "
    "address_text, lat, lng, description, team_id, team_name, area_name, assignee_id, result, "
    "(extract(epoch FROM created_at) * 1000000)::bigint, "
    "(extract(epoch FROM updated_at) * 1000000)::bigint, "
    "(extract(epoch FROM resolved_at) * 1000000)::bigint, contact_phone";

const NamedQuery kNextNumber{
    "NextWorkOrderNumber",
    "INSERT INTO work_order_counters (tenant_id, day, last) "
    "VALUES ($1, (now() AT TIME ZONE 'Asia/Shanghai')::date, 1) "
    "ON CONFLICT (tenant_id, day) DO UPDATE SET last = work_order_counters.last + 1 "
    "RETURNING to_char(day, 'YYYYMMDD'), last"};
const NamedQuery kInsertWorkOrder{
    "InsertWorkOrder",
    "INSERT INTO work_orders (tenant_id, number, type, channel, urgency, state, customer_id, "
    "  customer_name, contact_phone, address_id, address_text, lat, lng, description) "
    "VALUES ($1, $2, $3, $4, $5, 'CREATED', $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id"};
const std::string kSelectWorkOrderSql = absl::StrCat(
    "SELECT ", kWorkOrderColumns, " FROM work_orders WHERE tenant_id = $1 AND id = $2");
const NamedQuery kSelectWorkOrder{"SelectWorkOrder", kSelectWorkOrderSql.c_str()};
const std::string kLockWorkOrderSql = kSelectWorkOrderSql + " FOR UPDATE";
const NamedQuery kLockWorkOrder{"LockWorkOrder", kLockWorkOrderSql.c_str()};
const std::string kListWorkOrdersSql = absl::StrCat(
    "SELECT ", kWorkOrderColumns,
    " FROM work_orders WHERE tenant_id = $1 "
    "  AND ($2 = '' OR customer_id = $2::uuid) AND ($3 = '' OR state = $3) "
    "  AND ($4::bigint = 0 OR (created_at, id) < (to_timestamp($4 / 1000000.0), $5::uuid)) "
    "ORDER BY created_at DESC, id DESC LIMIT $6");
const NamedQuery kListWorkOrders{"ListWorkOrders", kListWorkOrdersSql.c_str()};
const NamedQuery kUpdateWorkOrder{
    "UpdateWorkOrder",
    "UPDATE work_orders SET state = $3, assignee_id = $4, result = $5, team_id = $6, "
    "  team_name = $7, area_name = $8, updated_at = now(), "
    "  resolved_at = CASE WHEN $9 THEN now() ELSE resolved_at END "
    "WHERE tenant_id = $1 AND id = $2"};
const NamedQuery kInsertTimeline{
    "InsertTimelineEntry",
    "INSERT INTO work_order_timeline (tenant_id, work_order_id, actor, from_state, to_state, "
    "  comment) VALUES ($1, $2, $3, $4, $5, $6)"};
const NamedQuery kSelectTimeline{
    "SelectTimeline",
    "SELECT (extract(epoch FROM at) * 1000000)::bigint, actor, from_state, to_state, comment "
    "FROM work_order_timeline WHERE tenant_id = $1 AND work_order_id = $2 ORDER BY id"};

template <typename Enum, typename Parse>
Enum ParseEnum(const std::string& name, Parse parse, Enum fallback) {
  Enum value;
  return parse(name, &value) ? value : fallback;
}

void FillWorkOrder(const pqxx::row& row, WorkOrder& wo) {
  wo.set_id(row[0].as<std::string>());
  wo.set_number(row[1].as<std::string>());
  wo.set_type(
      ParseEnum(row[2].as<std::string>(), WorkOrder::Type_Parse, WorkOrder::TYPE_UNSPECIFIED));
  wo.set_channel(ParseEnum(row[3].as<std::string>(), WorkOrder::Channel_Parse,
                           WorkOrder::CHANNEL_UNSPECIFIED));
  wo.set_urgency(ParseEnum(row[4].as<std::string>(), WorkOrder::Urgency_Parse,
                           WorkOrder::URGENCY_UNSPECIFIED));
  wo.set_state(
      ParseEnum(row[5].as<std::string>(), WorkOrder::State_Parse, WorkOrder::STATE_UNSPECIFIED));
  wo.set_customer_id(row[6].as<std::string>());
  wo.set_customer_name(row[7].as<std::string>());
  if (!row[8].is_null()) wo.set_address_id(row[8].as<std::string>());
  wo.set_address_text(row[9].as<std::string>());
  if (!row[10].is_null() && !row[11].is_null()) {
    wo.mutable_location()->set_lat(row[10].as<double>());
    wo.mutable_location()->set_lng(row[11].as<double>());
  }
  wo.set_description(row[12].as<std::string>());
  wo.set_team_id(row[13].as<std::string>());
  wo.set_team_name(row[14].as<std::string>());
  wo.set_area_name(row[15].as<std::string>());
  wo.set_assignee_id(row[16].as<std::string>());
  wo.set_result(row[17].as<std::string>());
  *wo.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[18].as<long long>());
  *wo.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(row[19].as<long long>());
  if (!row[20].is_null()) {
    *wo.mutable_resolve_time() = TimeUtil::MicrosecondsToTimestamp(row[20].as<long long>());
  }
}

void LoadTimeline(pqxx::work& txn, const std::string& tenant, WorkOrder& wo) {
  wo.clear_timeline();
  for (const auto& r : txn.exec_prepared(kSelectTimeline.name, tenant, wo.id())) {
    auto* entry = wo.add_timeline();
    *entry->mutable_time() = TimeUtil::MicrosecondsToTimestamp(r[0].as<long long>());
    entry->set_actor(r[1].as<std::string>());
    entry->set_from_state(r[2].as<std::string>());
    entry->set_to_state(r[3].as<std::string>());
    entry->set_comment(r[4].as<std::string>());
  }
}

}  // namespace

OrderStore::OrderStore(PgPool& pool) : pool_(pool) {
  pool_.Prepare({kNextNumber, kInsertWorkOrder, kSelectWorkOrder, kLockWorkOrder, kListWorkOrders,
                 kUpdateWorkOrder, kInsertTimeline, kSelectTimeline});
}

absl::StatusOr<WorkOrder> OrderStore::CreateWorkOrder(const std::string& tenant,
                                                      const std::string& actor,
                                                      const WorkOrderDraft& draft,
                                                      const CustomerSnapshot& customer,
                                                      const IdempotencyScope& idempotency,
                                                      const EventFor& event_for) {
  WorkOrder created;
  absl::Status status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    created.Clear();
    QQ_ASSIGN_OR_RETURN(bool replayed, ClaimIdempotencyKey(txn, idempotency, created));
    if (replayed) return absl::OkStatus();
    pqxx::row number = txn.exec_prepared(kNextNumber.name, tenant)[0];
    std::string number_text =
        FormatWorkOrderNumber(number[0].as<std::string>(), number[1].as<int>());
    NullableParam address_id = NullIfEmpty(customer.address_id);
    NullableParam lat = NullableNumber(customer.lat), lng = NullableNumber(customer.lng);
    pqxx::row row = txn.exec_prepared(
        kInsertWorkOrder.name, tenant, number_text, WorkOrder::Type_Name(draft.type),
        WorkOrder::Channel_Name(draft.channel), WorkOrder::Urgency_Name(draft.urgency),
        draft.customer_id, customer.name, customer.contact_phone, address_id.get(),
        customer.address_text, lat.get(), lng.get(), draft.description)[0];
    const std::string id = row[0].as<std::string>();
    txn.exec_prepared(kInsertTimeline.name, tenant, id, actor, "", "CREATED", "");
    pqxx::result current = txn.exec_prepared(kSelectWorkOrder.name, tenant, id);
    FillWorkOrder(current[0], created);
    LoadTimeline(txn, tenant, created);
    if (auto event = event_for(created, current[0][21].as<std::string>())) {
      AppendToOutbox(txn, *event);
    }
    RecordIdempotentResponse(txn, idempotency, created);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return created;
}

absl::StatusOr<WorkOrder> OrderStore::GetWorkOrder(const std::string& tenant,
                                                   const std::string& id) {
  WorkOrder wo;
  absl::Status status = pool_.Read([&](pqxx::work& txn) -> absl::Status {
    pqxx::result rows = txn.exec_prepared(kSelectWorkOrder.name, tenant, id);
    if (rows.empty()) return WithField(absl::NotFoundError("no such work order"), "id");
    wo.Clear();
    FillWorkOrder(rows[0], wo);
    LoadTimeline(txn, tenant, wo);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return wo;
}

absl::StatusOr<WorkOrderPage> OrderStore::ListWorkOrders(const std::string& tenant,
                                                         const WorkOrderFilter& filter,
                                                         int page_size,
                                                         const std::string& page_token) {
  QQ_ASSIGN_OR_RETURN(PageCursor cursor, DecodePageToken(page_token));
  WorkOrderPage page;
  absl::Status status = pool_.Read([&](pqxx::work& txn) -> absl::Status {
    page = {};
    pqxx::result rows =
        txn.exec_prepared(kListWorkOrders.name, tenant, filter.customer_id, filter.state,
                          cursor.after_micros, cursor.after_id, page_size + 1);
    for (int i = 0; i < static_cast<int>(rows.size()) && i < page_size; ++i) {
      WorkOrder wo;
      FillWorkOrder(rows[i], wo);
      page.work_orders.push_back(std::move(wo));
    }
    if (static_cast<int>(rows.size()) > page_size) {
      const auto& last = rows[page_size - 1];
      page.next_page_token = EncodePageToken(last[18].as<long long>(), last[0].as<std::string>());
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return page;
}

absl::StatusOr<WorkOrder> OrderStore::ChangeWorkOrder(const std::string& tenant,
                                                      const std::string& id,
                                                      const DecideChange& decide,
                                                      const EventFor& event_for) {
  absl::StatusOr<WorkOrder> changed;
  absl::Status status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    changed = ChangeWorkOrderIn(txn, tenant, id, decide, event_for);
    return changed.status();
  });
  if (!status.ok()) return status;
  return changed;
}

absl::StatusOr<WorkOrder> OrderStore::ChangeWorkOrderIn(pqxx::work& txn, const std::string& tenant,
                                                        const std::string& id,
                                                        const DecideChange& decide,
                                                        const EventFor& event_for) {
  pqxx::result rows = txn.exec_prepared(kLockWorkOrder.name, tenant, id);
  if (rows.empty()) return WithField(absl::NotFoundError("no such work order"), "id");
  WorkOrder current;
  FillWorkOrder(rows[0], current);
  QQ_ASSIGN_OR_RETURN(WorkOrderChange change, decide(current));
  const std::string from = StateName(current.state());
  const std::string to = change.changes_state ? StateName(change.to) : from;
  txn.exec_prepared(
      kUpdateWorkOrder.name, tenant, id, to, change.assignee_id.value_or(current.assignee_id()),
      change.result.value_or(current.result()), change.team_id.value_or(current.team_id()),
      change.team_name.value_or(current.team_name()),
      change.area_name.value_or(current.area_name()), change.mark_resolved);
  txn.exec_prepared(kInsertTimeline.name, tenant, id, change.actor, from, to, change.comment);
  WorkOrder updated;
  pqxx::row row = txn.exec_prepared(kSelectWorkOrder.name, tenant, id)[0];
  FillWorkOrder(row, updated);
  LoadTimeline(txn, tenant, updated);
  if (auto event = event_for(updated, row[21].as<std::string>())) AppendToOutbox(txn, *event);
  return updated;
}

}  // namespace qq::order
