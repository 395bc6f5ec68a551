#include "services/order/order_store.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/page_token.h"
#include "services/common/pg_pool.h"
#include "services/common/status.h"
#include "services/order/work_order_events.h"
#include "services/order/workflow_store.h"

namespace qq::order {
namespace {

using google::protobuf::util::TimeUtil;

constexpr char kWorkOrderColumns[] =
    "id, number, type, channel, urgency, state, customer_id, customer_name, address_id, "
    "address_text, lat, lng, description, team_id, team_name, area_name, assignee_id, result, "
    "(extract(epoch FROM created_at) * 1000000)::bigint, "
    "(extract(epoch FROM updated_at) * 1000000)::bigint, "
    "(extract(epoch FROM resolved_at) * 1000000)::bigint, contact_phone, workflow_version, "
    "reopen_count, array_to_string(attachment_ids, ',')";

const NamedQuery kNextNumber{
    "NextWorkOrderNumber",
    "INSERT INTO work_order_counters (tenant_id, day, last) "
    "VALUES ($1, (now() AT TIME ZONE 'Asia/Shanghai')::date, 1) "
    "ON CONFLICT (tenant_id, day) DO UPDATE SET last = work_order_counters.last + 1 "
    "RETURNING to_char(day, 'YYYYMMDD'), last"};
const NamedQuery kInsertWorkOrder{
    "InsertWorkOrder",
    "INSERT INTO work_orders (tenant_id, number, type, channel, urgency, state, customer_id, "
    "  customer_name, contact_phone, address_id, address_text, lat, lng, description, "
    "  workflow_version, attachment_ids) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16::uuid[]) "
    "RETURNING id"};
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
    "  AND ($7 = '' OR type = $7) AND ($8 = '' OR channel = $8) "
    "ORDER BY created_at DESC, id DESC LIMIT $6");
const NamedQuery kListWorkOrders{"ListWorkOrders", kListWorkOrdersSql.c_str()};
const NamedQuery kUpdateWorkOrder{
    "UpdateWorkOrder",
    "UPDATE work_orders SET state = $3, assignee_id = $4, result = $5, team_id = $6, "
    "  team_name = $7, area_name = $8, updated_at = now(), "
    "  resolved_at = CASE WHEN $9::boolean THEN now() WHEN $10::boolean THEN NULL "
    "                ELSE resolved_at END, "
    "  reopen_count = reopen_count + CASE WHEN $10::boolean THEN 1 ELSE 0 END "
    "WHERE tenant_id = $1 AND id = $2"};
const NamedQuery kInsertTimeline{
    "InsertTimelineEntry",
    "INSERT INTO work_order_timeline (tenant_id, work_order_id, actor, from_state, to_state, "
    "  comment, transition, attachment_ids) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::uuid[])"};
const NamedQuery kSelectTimeline{
    "SelectTimeline",
    "SELECT (extract(epoch FROM at) * 1000000)::bigint, actor, from_state, to_state, comment, "
    "  transition, array_to_string(attachment_ids, ',') "
    "FROM work_order_timeline WHERE tenant_id = $1 AND work_order_id = $2 ORDER BY id"};

std::vector<std::string> SplitIds(const std::string& joined) {
  if (joined.empty()) return {};
  return absl::StrSplit(joined, ',');
}

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
  wo.set_channel(ParseEnum(row[3].as<std::string>(), qingquan::order::v1::Channel_Parse,
                           qingquan::order::v1::CHANNEL_UNSPECIFIED));
  wo.set_urgency(ParseEnum(row[4].as<std::string>(), WorkOrder::Urgency_Parse,
                           WorkOrder::URGENCY_UNSPECIFIED));
  wo.set_state(row[5].as<std::string>());
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
  wo.set_workflow_version(row[22].as<int>());
  wo.set_reopen_count(row[23].as<int>());
  for (auto& id : SplitIds(row[24].as<std::string>())) wo.add_attachment_ids(std::move(id));
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
    entry->set_transition(r[5].as<std::string>());
    for (auto& id : SplitIds(r[6].as<std::string>())) entry->add_attachment_ids(std::move(id));
  }
}

}  // namespace

absl::Status CheckAttachmentsExist(pqxx::work& txn, const std::string& tenant,
                                   const std::vector<std::string>& ids, const std::string& field) {
  if (ids.empty()) return absl::OkStatus();
  pqxx::result known = txn.exec_params(
      "SELECT array_to_string(array_agg(id::text), ',') FROM attachments "
      "WHERE tenant_id = $1 AND id = ANY($2::uuid[])",
      tenant, PgTextArray(ids));
  std::vector<std::string> found = SplitIds(known[0][0].is_null() ? "" : known[0][0].c_str());
  for (size_t i = 0; i < ids.size(); ++i) {
    if (std::find(found.begin(), found.end(), ids[i]) == found.end()) {
      return InvalidField(absl::StrCat(field, "[", i, "]"), "is not an uploaded attachment");
    }
  }
  return absl::OkStatus();
}

OrderStore::OrderStore(PgPool& pool, WorkflowStore& workflows)
    : pool_(pool), workflows_(workflows) {
  pool_.Prepare({kNextNumber, kInsertWorkOrder, kSelectWorkOrder, kLockWorkOrder, kListWorkOrders,
                 kUpdateWorkOrder, kInsertTimeline, kSelectTimeline});
}

absl::StatusOr<WorkOrder> OrderStore::CreateWorkOrder(const std::string& tenant,
                                                      const std::string& actor,
                                                      const WorkOrderDraft& draft,
                                                      const CustomerSnapshot& customer,
                                                      const IdempotencyScope& idempotency) {
  WorkOrder created;
  absl::Status status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    created.Clear();
    QQ_ASSIGN_OR_RETURN(bool replayed, ClaimIdempotencyKey(txn, idempotency, created));
    if (replayed) return absl::OkStatus();
    const std::string type = WorkOrder::Type_Name(draft.type);
    QQ_ASSIGN_OR_RETURN(Workflow workflow, workflows_.Current(txn, tenant, type));
    QQ_RETURN_IF_ERROR(CheckAttachmentsExist(txn, tenant, draft.attachment_ids, "attachmentIds"));
    pqxx::row number = txn.exec_prepared(kNextNumber.name, tenant)[0];
    std::string number_text =
        FormatWorkOrderNumber(number[0].as<std::string>(), number[1].as<int>());
    NullableParam address_id = NullIfEmpty(customer.address_id);
    NullableParam lat = NullableNumber(customer.lat), lng = NullableNumber(customer.lng);
    pqxx::row row = txn.exec_prepared(
        kInsertWorkOrder.name, tenant, number_text, type,
        qingquan::order::v1::Channel_Name(draft.channel), WorkOrder::Urgency_Name(draft.urgency),
        workflow.initial_state(), draft.customer_id, customer.name, customer.contact_phone,
        address_id.get(), customer.address_text, lat.get(), lng.get(), draft.description,
        workflow.version(), PgTextArray(draft.attachment_ids))[0];
    const std::string id = row[0].as<std::string>();
    txn.exec_prepared(kInsertTimeline.name, tenant, id, actor, "", workflow.initial_state(), "", "",
                      PgTextArray(draft.attachment_ids));
    pqxx::result current = txn.exec_prepared(kSelectWorkOrder.name, tenant, id);
    FillWorkOrder(current[0], created);
    LoadTimeline(txn, tenant, created);
    AppendToOutbox(txn, WorkOrderCreatedEvent(tenant, created));
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
    pqxx::result rows = txn.exec_prepared(kListWorkOrders.name, tenant, filter.customer_id,
                                          filter.state, cursor.after_micros, cursor.after_id,
                                          page_size + 1, filter.type, filter.channel);
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
                                                      const DecideChange& decide) {
  absl::StatusOr<WorkOrder> changed;
  absl::Status status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    changed = ChangeWorkOrderIn(txn, tenant, id, decide);
    return changed.status();
  });
  if (!status.ok()) return status;
  return changed;
}

absl::StatusOr<WorkOrder> OrderStore::ChangeWorkOrderIn(pqxx::work& txn, const std::string& tenant,
                                                        const std::string& id,
                                                        const DecideChange& decide) {
  pqxx::result rows = txn.exec_prepared(kLockWorkOrder.name, tenant, id);
  if (rows.empty()) return WithField(absl::NotFoundError("no such work order"), "id");
  WorkOrder current;
  FillWorkOrder(rows[0], current);
  QQ_ASSIGN_OR_RETURN(Workflow workflow,
                      workflows_.AtVersion(txn, tenant, WorkOrder::Type_Name(current.type()),
                                           current.workflow_version()));
  QQ_ASSIGN_OR_RETURN(WorkOrderChange change, decide(current, workflow));
  QQ_RETURN_IF_ERROR(CheckAttachmentsExist(txn, tenant, change.attachment_ids, "attachmentIds"));
  const std::string& from = current.state();
  const std::string& to = change.changes_state ? change.to : from;
  txn.exec_prepared(
      kUpdateWorkOrder.name, tenant, id, to, change.assignee_id.value_or(current.assignee_id()),
      change.result.value_or(current.result()), change.team_id.value_or(current.team_id()),
      change.team_name.value_or(current.team_name()),
      change.area_name.value_or(current.area_name()), change.mark_resolved, change.reopen);
  txn.exec_prepared(kInsertTimeline.name, tenant, id, change.actor, from, to, change.comment,
                    change.transition, PgTextArray(change.attachment_ids));
  WorkOrder updated;
  pqxx::row row = txn.exec_prepared(kSelectWorkOrder.name, tenant, id)[0];
  FillWorkOrder(row, updated);
  LoadTimeline(txn, tenant, updated);
  if (!change.event_type.empty()) {
    AppendToOutbox(txn, WorkOrderTransitionedEvent(
                            tenant, updated, change, from,
                            change.mark_resolved ? row[21].as<std::string>() : std::string()));
  }
  return updated;
}

}  // namespace qq::order
