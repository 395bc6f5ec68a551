#include "services/order/order_store.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/forms/form_messages.h"
#include "services/common/log.h"
#include "services/common/page_token.h"
#include "services/common/pg_pool.h"
#include "services/common/status.h"
#include "services/common/text/utf8_text.h"
#include "services/order/order_numbers.h"
#include "services/order/sla_store.h"
#include "services/order/todo_store.h"
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
    "reopen_count, array_to_string(attachment_ids, ','), "
    // 25.. the SLA clocks
    "open, sla_response_minutes, sla_resolve_minutes, sla_around_the_clock, "
    "array_to_string(sla_pause_from, ','), array_to_string(sla_pause_to, ','), "
    "(extract(epoch FROM sla_paused_since) * 1000000)::bigint, "
    "(extract(epoch FROM responded_at) * 1000000)::bigint, "
    "(extract(epoch FROM response_due_at) * 1000000)::bigint, "
    "(extract(epoch FROM resolve_due_at) * 1000000)::bigint, sla_alerts_sent, escalation_level, "
    // 37
    "custom_fields::text, routing, assignee_name";
constexpr int kContactPhoneColumn = 21;
// Page tokens of the pool are offsets; a pool is worked from the top.
constexpr int kMaxPoolOffset = 10000;
constexpr int kCreatedMicrosColumn = 18;

// The SLA clocks, written by the insert and both updates from SlaColumns::Params()
// (13 parameters from $17 in the insert and the change, from $3 in the scheduler's update).
#define QQ_SLA_SET(a, b, c, d, e, f, g, h, i, j, k, l, m)                          \
  "open = $" a ", sla_pause_from = $" b "::bigint[], sla_pause_to = $" c           \
  "::bigint[], "                                                                   \
  "sla_paused_since = to_timestamp($" d                                            \
  "::float8 / 1000000), "                                                          \
  "responded_at = to_timestamp($" e                                                \
  "::float8 / 1000000), "                                                          \
  "response_due_at = to_timestamp($" f                                             \
  "::float8 / 1000000), "                                                          \
  "resolve_due_at = to_timestamp($" g "::float8 / 1000000), sla_alerts_sent = $" h \
  ", "                                                                             \
  "escalation_level = $" i ", sla_next_check_at = to_timestamp($" j                \
  "::float8 / 1000000), "                                                          \
  "sla_response_minutes = $" k ", sla_resolve_minutes = $" l ", sla_around_the_clock = $" m " "

const std::string kInsertWorkOrderSql = absl::StrCat(
    "INSERT INTO work_orders (tenant_id, number, type, channel, urgency, state, customer_id, "
    "  customer_name, contact_phone, address_id, address_text, lat, lng, description, "
    "  workflow_version, attachment_ids, custom_fields, created_at, updated_at, open, "
    "  sla_pause_from, sla_pause_to, sla_paused_since, responded_at, response_due_at, "
    "  resolve_due_at, sla_alerts_sent, escalation_level, sla_next_check_at, "
    "  sla_response_minutes, sla_resolve_minutes, sla_around_the_clock, routing) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16::uuid[], "
    "  $17::jsonb, to_timestamp($18::float8 / 1000000), to_timestamp($18::float8 / 1000000), "
    "  $19, $20::bigint[], $21::bigint[], to_timestamp($22::float8 / 1000000), "
    "  to_timestamp($23::float8 / 1000000), to_timestamp($24::float8 / 1000000), "
    "  to_timestamp($25::float8 / 1000000), $26, $27, to_timestamp($28::float8 / 1000000), "
    "  $29, $30, $31, $32) RETURNING ",
    kWorkOrderColumns);
const NamedQuery kInsertWorkOrder{"InsertWorkOrder", kInsertWorkOrderSql.c_str()};
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
    "  AND ($9::jsonb = '{}'::jsonb OR custom_fields @> $9::jsonb) "
    "  AND ($10 = '' OR number = $10) "
    "  AND ($11::text IS NULL OR customer_id = ANY($11::uuid[])) "
    "ORDER BY created_at DESC, id DESC LIMIT $6");
const NamedQuery kListWorkOrders{"ListWorkOrders", kListWorkOrdersSql.c_str()};
// A step with its SLA clocks in one statement, returning the order as it is now.
const std::string kUpdateWorkOrderSql = absl::StrCat(
    "UPDATE work_orders SET state = $3, assignee_id = $4, result = $5, team_id = $6, "
    "  team_name = $7, area_name = $8, updated_at = to_timestamp($11::float8 / 1000000), "
    "  resolved_at = CASE WHEN $9::boolean THEN to_timestamp($11::float8 / 1000000) "
    "                WHEN $10::boolean THEN NULL ELSE resolved_at END, "
    "  reopen_count = reopen_count + CASE WHEN $10::boolean THEN 1 ELSE 0 END, "
    "  custom_fields = $12::jsonb, assignee_name = $26, ",
    QQ_SLA_SET("13", "14", "15", "16", "17", "18", "19", "20", "21", "22", "23", "24", "25"),
    "WHERE tenant_id = $1 AND id = $2 RETURNING ", kWorkOrderColumns);
const NamedQuery kUpdateWorkOrder{"UpdateWorkOrder", kUpdateWorkOrderSql.c_str()};
const NamedQuery kEditWorkOrder{
    "EditWorkOrder",
    "UPDATE work_orders SET description = $3, urgency = $4, address_id = $5, address_text = $6, "
    "  lat = $7, lng = $8, updated_at = now() WHERE tenant_id = $1 AND id = $2"};
const NamedQuery kInsertTimeline{
    "InsertTimelineEntry",
    "INSERT INTO work_order_timeline (tenant_id, work_order_id, actor, from_state, to_state, "
    "  comment, transition, attachment_ids, actor_name) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8::uuid[], $9) "
    "RETURNING (extract(epoch FROM at) * 1000000)::bigint"};
const NamedQuery kUpdateSla{
    "UpdateWorkOrderSla",
    "UPDATE work_orders SET sla_check_failures = 0, sla_check_error = '', " QQ_SLA_SET(
        "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14",
        "15") "WHERE tenant_id = $1 AND id = $2"};
// One scheduler at a time across replicas: the pass runs under a transaction-scoped
// advisory lock, and rows are claimed with SKIP LOCKED.
const NamedQuery kTakeSlaSchedulerLock{
    "TakeSlaSchedulerLock", "SELECT pg_try_advisory_xact_lock(hashtext('qq:order:sla-scheduler'))"};
const std::string kDueSlaChecksSql =
    absl::StrCat("SELECT ", kWorkOrderColumns,
                 ", tenant_id FROM work_orders WHERE sla_next_check_at <= now() "
                 "ORDER BY sla_next_check_at LIMIT $1 FOR UPDATE SKIP LOCKED");
const NamedQuery kDueSlaChecks{"DueSlaChecks", kDueSlaChecksSql.c_str()};
constexpr int kTenantColumnOfDueChecks = 40;
// A check that failed is tried again after 1, 2, 4 … minutes, at most an hour apart.
const NamedQuery kPostponeSlaCheck{
    "PostponeSlaCheck",
    "UPDATE work_orders SET sla_check_failures = sla_check_failures + 1, sla_check_error = $3, "
    "  sla_next_check_at = now() + make_interval(mins => least(60, 1 << least(sla_check_failures, "
    "6))) "
    "WHERE tenant_id = $1 AND id = $2"};
const std::string kPoolSql = absl::StrCat(
    "SELECT ", kWorkOrderColumns,
    " FROM work_orders WHERE tenant_id = $1 AND open AND assignee_id = '' "
    "  AND ($2 = '' OR area_name = $2) AND ($3 = '' OR team_id = $3) "
    "  AND ($4 = '' OR type = $4) AND ($5 = '' OR channel = $5) "
    "  AND ($6::float8 IS NULL OR created_at >= to_timestamp($6::float8 / 1000000)) "
    "  AND ($7::float8 IS NULL OR created_at < to_timestamp($7::float8 / 1000000)) "
    "ORDER BY coalesce(resolve_due_at, 'infinity'), created_at, id OFFSET $8 LIMIT $9");
const NamedQuery kPool{"WorkOrderPool", kPoolSql.c_str()};

const NamedQuery kSelectTimeline{
    "SelectTimeline",
    "SELECT (extract(epoch FROM at) * 1000000)::bigint, actor, from_state, to_state, comment, "
    "  transition, array_to_string(attachment_ids, ','), actor_name "
    "FROM work_order_timeline WHERE tenant_id = $1 AND work_order_id = $2 ORDER BY id"};

google::protobuf::Timestamp MicrosToTimestamp(const pqxx::field& f) {
  return TimeUtil::MicrosecondsToTimestamp(f.as<long long>());
}

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
  wo.Clear();
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
  wo.set_sla_paused(!row[31].is_null());
  if (!row[32].is_null()) *wo.mutable_accept_time() = MicrosToTimestamp(row[32]);
  if (!row[33].is_null() && row[31].is_null()) {
    *wo.mutable_response_due_time() = MicrosToTimestamp(row[33]);
  }
  if (!row[34].is_null() && row[31].is_null()) {
    *wo.mutable_resolve_due_time() = MicrosToTimestamp(row[34]);
  }
  wo.set_escalation_level(row[36].as<int>());
  forms::JsonToStruct(row[37].as<std::string>(), wo.mutable_custom_fields());
  wo.set_routing(ParseEnum(row[38].as<std::string>(), qingquan::order::v1::Workflow::Routing_Parse,
                           qingquan::order::v1::Workflow::FIELD_TEAM));
  wo.set_assignee_name(row[39].as<std::string>());
}

// An order's SLA clocks as stored (columns 25..36 of kWorkOrderColumns).
struct StoredSla {
  bool open = true;
  SlaFacts facts;  // pauses: the closed ones only
  std::optional<absl::Time> paused_since;

  // The facts with the running pause added, for ReviewSla.
  SlaFacts ForReview() const {
    SlaFacts f = facts;
    if (paused_since) f.pauses.push_back({*paused_since, absl::InfiniteFuture()});
    return f;
  }
};

constexpr int kResponseWarned = 1, kResponseBreached = 2, kResolveWarned = 4, kResolveBreached = 8;

std::optional<absl::Time> OptionalMicros(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return absl::FromUnixMicros(f.as<long long>());
}

StoredSla SlaOf(const pqxx::row& row) {
  StoredSla s;
  s.open = row[25].as<bool>();
  SlaFacts& f = s.facts;
  f.created = absl::FromUnixMicros(row[kCreatedMicrosColumn].as<long long>());
  f.resolved = OptionalMicros(row[20]);
  f.response_minutes = row[26].as<int>();
  f.resolve_minutes = row[27].as<int>();
  f.around_the_clock = row[28].as<bool>();
  std::vector<std::string> from = SplitIds(row[29].as<std::string>());
  std::vector<std::string> to = SplitIds(row[30].as<std::string>());
  for (size_t i = 0; i < from.size() && i < to.size(); ++i) {
    int64_t a = 0, b = 0;
    if (absl::SimpleAtoi(from[i], &a) && absl::SimpleAtoi(to[i], &b)) {
      f.pauses.push_back({absl::FromUnixMicros(a), absl::FromUnixMicros(b)});
    }
  }
  s.paused_since = OptionalMicros(row[31]);
  f.responded = OptionalMicros(row[32]);
  const int sent = row[35].as<int>();
  f.response_warned = sent & kResponseWarned;
  f.response_breached = sent & kResponseBreached;
  f.resolve_warned = sent & kResolveWarned;
  f.resolve_breached = sent & kResolveBreached;
  f.escalation_level = row[36].as<int>();
  return s;
}

NullableParam MicrosParam(const std::optional<absl::Time>& t) {
  return NullableNumber(t ? std::optional<double>(absl::ToUnixMicros(*t)) : std::nullopt);
}

// The SLA columns of an order after a review, as statement parameters (see QQ_SLA_SET).
class SlaColumns {
 public:
  SlaColumns(const StoredSla& sla, const SlaReview& review) {
    std::vector<std::string> from, to;
    for (const auto& p : sla.facts.pauses) {
      from.push_back(std::to_string(absl::ToUnixMicros(p.from)));
      to.push_back(std::to_string(absl::ToUnixMicros(p.to)));
    }
    const SlaFacts& f = review.after;
    open_ = sla.open;
    pause_from_ = PgTextArray(from);
    pause_to_ = PgTextArray(to);
    paused_since_ = MicrosParam(sla.paused_since);
    responded_ = MicrosParam(f.responded);
    response_due_ = MicrosParam(review.response_due);
    resolve_due_ = MicrosParam(review.resolve_due);
    alerts_sent_ =
        (f.response_warned ? kResponseWarned : 0) | (f.response_breached ? kResponseBreached : 0) |
        (f.resolve_warned ? kResolveWarned : 0) | (f.resolve_breached ? kResolveBreached : 0);
    escalation_level_ = f.escalation_level;
    next_check_ = MicrosParam(sla.open ? review.next_check : std::nullopt);
    response_minutes_ = f.response_minutes;
    resolve_minutes_ = f.resolve_minutes;
    around_the_clock_ = f.around_the_clock;
  }

  auto Params() const {
    return std::make_tuple(open_, pause_from_, pause_to_, paused_since_.get(), responded_.get(),
                           response_due_.get(), resolve_due_.get(), alerts_sent_, escalation_level_,
                           next_check_.get(), response_minutes_, resolve_minutes_,
                           around_the_clock_);
  }

 private:
  bool open_ = true;
  std::string pause_from_, pause_to_;
  NullableParam paused_since_, responded_, response_due_, resolve_due_, next_check_;
  int alerts_sent_ = 0, escalation_level_ = 0, response_minutes_ = 0, resolve_minutes_ = 0;
  bool around_the_clock_ = false;
};

void SaveSla(pqxx::work& txn, const std::string& tenant, const std::string& id,
             const StoredSla& sla, const SlaReview& review) {
  const SlaColumns columns(sla, review);
  std::apply(
      [&](const auto&... sla_params) {
        txn.exec_prepared(kUpdateSla.name, tenant, id, sla_params...);
      },
      columns.Params());
}

const char* ClockLabel(const std::string& clock) {
  return clock == "response" ? "响应时限" : "处理时限";
}

// Each alert: its event, a timeline entry, and for escalations a to-do for the role.
void SendSlaAlerts(pqxx::work& txn, const std::string& tenant, const WorkOrder& wo,
                   const std::vector<SlaAlertDue>& alerts) {
  for (const auto& alert : alerts) {
    AppendToOutbox(txn, SlaAlertEvent(tenant, wo, alert));
    std::string comment;
    if (alert.type == "sla.warning") {
      comment = absl::StrCat("SLA 预警: ", ClockLabel(alert.clock), "即将到期");
    } else if (alert.type == "sla.breached") {
      comment = absl::StrCat("SLA 超时: ", ClockLabel(alert.clock), "已过");
    } else {
      comment = absl::StrCat("SLA 升级 L", alert.level, ": 通知 ", alert.notify_role);
      NewTodo todo = WorkOrderTodo(tenant, wo, Todo::ESCALATION,
                                   absl::StrCat("超时升级 L", alert.level, ": ", wo.number(), " ",
                                                text::TruncateChars(wo.description(), 60)));
      todo.assignee_role = alert.notify_role;
      todo.due = alert.due;
      todo.dedupe_key = absl::StrCat("escalation:", wo.id(), ":", alert.level);
      TodoStore::InsertIn(txn, todo);
    }
    txn.exec_prepared(kInsertTimeline.name, tenant, wo.id(), "system:sla", wo.state(), wo.state(),
                      comment, "", "{}", "");
  }
}

void AskServiceDesk(pqxx::work& txn, const std::string& tenant, const WorkOrder& wo) {
  NewTodo todo = WorkOrderTodo(
      tenant, wo, Todo::DISPATCH,
      absl::StrCat("待受理: ", wo.number(), " ", text::TruncateChars(wo.description(), 60)));
  todo.assignee_role = std::string(roles::kAgent);
  todo.dedupe_key = absl::StrCat("dispatch:", wo.id());
  TodoStore::InsertIn(txn, todo);
}

void LoadTimeline(pqxx::work& txn, const std::string& tenant, WorkOrder& wo) {
  wo.clear_timeline();
  for (const auto& r : txn.exec_prepared(kSelectTimeline.name, tenant, wo.id())) {
    auto* entry = wo.add_timeline();
    *entry->mutable_time() = TimeUtil::MicrosecondsToTimestamp(r[0].as<long long>());
    entry->set_actor(r[1].as<std::string>());
    entry->set_actor_name(ShownActorName(entry->actor(), r[7].as<std::string>()));
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

OrderStore::OrderStore(PgPool& pool, WorkflowStore& workflows, SlaSettingsStore& sla,
                       OrderNumbers& numbers)
    : pool_(pool), workflows_(workflows), sla_(sla), numbers_(numbers) {
  pool_.Prepare({kInsertWorkOrder, kSelectWorkOrder, kLockWorkOrder, kListWorkOrders,
                 kEditWorkOrder, kUpdateWorkOrder, kInsertTimeline, kSelectTimeline, kUpdateSla,
                 kTakeSlaSchedulerLock, kDueSlaChecks, kPostponeSlaCheck, kPool});
}

absl::StatusOr<SlaRules> SlaRulesOf(SlaSettings settings) {
  QQ_ASSIGN_OR_RETURN(sla::BusinessCalendar calendar, CalendarOf(settings));
  QQ_ASSIGN_OR_RETURN(sla::EscalationChain chain, ChainOf(settings));
  return SlaRules{std::move(settings), std::move(calendar), std::move(chain)};
}

namespace {

// Reviews the clocks at `now`, stores the outcome and sends what fell due.
absl::Status ReviewAndSave(pqxx::work& txn, const std::string& tenant, const WorkOrder& wo,
                           StoredSla& sla, const SlaRules& rules, absl::Time now) {
  QQ_ASSIGN_OR_RETURN(SlaReview review, ReviewSla(sla.ForReview(), rules.calendar, rules.chain,
                                                  rules.settings.warning_share(), now));
  SaveSla(txn, tenant, wo.id(), sla, review);
  if (sla.open) SendSlaAlerts(txn, tenant, wo, review.alerts);
  return absl::OkStatus();
}

// A resolved order: the customer is asked for a score, and agents get a follow-up call
// where the tenant wants one.
void OfferSurvey(pqxx::work& txn, const std::string& tenant, const WorkOrder& wo,
                 const std::string& contact_phone, const SlaSettings& settings) {
  AppendToOutbox(txn, SurveyOfferedEvent(tenant, wo.id(), "WORK_ORDER", wo.number(),
                                         wo.customer_id(), wo.customer_name(), contact_phone));
  if (!settings.follow_up_after_resolve()) return;
  NewTodo todo =
      WorkOrderTodo(tenant, wo, Todo::FOLLOW_UP,
                    absl::StrCat("回访: ", wo.number(), " ", text::TruncateChars(wo.result(), 60)));
  todo.assignee_role = std::string(roles::kAgent);
  todo.due.reset();  // a call after the fact: no response deadline
  todo.dedupe_key = absl::StrCat("follow-up:", wo.id(), ":", wo.reopen_count());
  TodoStore::InsertIn(txn, todo);
}

}  // namespace

absl::StatusOr<WorkOrder> OrderStore::CreateWorkOrder(const std::string& tenant, const Actor& actor,
                                                      const WorkOrderDraft& draft,
                                                      const CustomerSnapshot& customer,
                                                      const IdempotencyScope& idempotency) {
  // A number the counter handed out twice (after a crash) fails the unique index: heal
  // the counter and try once more.
  absl::StatusOr<WorkOrder> created = CreateNumbered(tenant, actor, draft, customer, idempotency,
                                                     /*heal_counter=*/false);
  if (created.status().code() == absl::StatusCode::kAlreadyExists) {
    created = CreateNumbered(tenant, actor, draft, customer, idempotency, /*heal_counter=*/true);
  }
  return created;
}

absl::StatusOr<WorkOrder> OrderStore::CreateNumbered(const std::string& tenant, const Actor& actor,
                                                     const WorkOrderDraft& draft,
                                                     const CustomerSnapshot& customer,
                                                     const IdempotencyScope& idempotency,
                                                     bool heal_counter) {
  QQ_ASSIGN_OR_RETURN(std::string number_text,
                      numbers_.Next(OrderSeries::kWorkOrder, tenant, heal_counter));
  WorkOrder created;
  absl::Status status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    created.Clear();
    QQ_ASSIGN_OR_RETURN(bool replayed, ClaimIdempotencyKey(txn, idempotency, created));
    if (replayed) return absl::OkStatus();
    const std::string type = WorkOrder::Type_Name(draft.type);
    QQ_ASSIGN_OR_RETURN(Workflow workflow, workflows_.Current(txn, tenant, type));
    QQ_RETURN_IF_ERROR(CheckAttachmentsExist(txn, tenant, draft.attachment_ids, "attachmentIds"));
    // The SLA targets of the type and urgency are copied onto the order now, and the
    // first deadlines go in with the row.
    QQ_ASSIGN_OR_RETURN(SlaSettings settings, sla_.Get(txn, tenant));
    QQ_ASSIGN_OR_RETURN(SlaRules rules, SlaRulesOf(std::move(settings)));
    const absl::Time now = absl::Now();
    StoredSla sla;
    sla.facts.created = now;
    if (auto target = TargetFor(rules.settings, type, WorkOrder::Urgency_Name(draft.urgency))) {
      sla.facts.response_minutes = target->response_minutes();
      sla.facts.resolve_minutes = target->resolve_minutes();
      sla.facts.around_the_clock = target->around_the_clock();
    }
    QQ_ASSIGN_OR_RETURN(SlaReview review, ReviewSla(sla.ForReview(), rules.calendar, rules.chain,
                                                    rules.settings.warning_share(), now));
    NullableParam address_id = NullIfEmpty(customer.address_id);
    NullableParam lat = NullableNumber(customer.lat), lng = NullableNumber(customer.lng);
    const SlaColumns sla_columns(sla, review);
    const Workflow::Routing routing = RoutingOf(workflow);
    pqxx::row row = std::apply(
        [&](const auto&... sla_params) {
          return txn.exec_prepared(
              kInsertWorkOrder.name, tenant, number_text, type,
              qingquan::order::v1::Channel_Name(draft.channel),
              WorkOrder::Urgency_Name(draft.urgency), workflow.initial_state(), draft.customer_id,
              customer.name, customer.contact_phone, address_id.get(), customer.address_text,
              lat.get(), lng.get(), draft.description, workflow.version(),
              PgTextArray(draft.attachment_ids), forms::StructToJson(draft.custom_fields),
              static_cast<double>(absl::ToUnixMicros(now)), sla_params...,
              Workflow::Routing_Name(routing))[0];
        },
        sla_columns.Params());
    FillWorkOrder(row, created);
    const std::string& id = created.id();
    const bool desk = routing == Workflow::SERVICE_DESK;
    const std::string created_comment = desk ? "进入客服坐席队列" : "";
    pqxx::row entry =
        txn.exec_prepared(kInsertTimeline.name, tenant, id, actor.id, "", workflow.initial_state(),
                          created_comment, "", PgTextArray(draft.attachment_ids), actor.name)[0];
    // Desk work waits for an agent: a to-do for the agents' role, closed when one takes it.
    if (desk) AskServiceDesk(txn, tenant, created);
    if (review.alerts.empty()) {
      // The timeline is the one entry just written; no need to read it back.
      auto* first = created.add_timeline();
      *first->mutable_time() = MicrosToTimestamp(entry[0]);
      first->set_actor(actor.id);
      first->set_actor_name(ShownActorName(actor.id, actor.name));
      first->set_to_state(workflow.initial_state());
      first->set_comment(created_comment);
      *first->mutable_attachment_ids() = {draft.attachment_ids.begin(), draft.attachment_ids.end()};
    } else {
      SendSlaAlerts(txn, tenant, created, review.alerts);
      LoadTimeline(txn, tenant, created);
    }
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

absl::StatusOr<WorkOrder> OrderStore::GetWorkOrderIn(pqxx::work& txn, const std::string& tenant,
                                                     const std::string& id) {
  pqxx::result rows = txn.exec_prepared(kSelectWorkOrder.name, tenant, id);
  if (rows.empty()) return WithField(absl::NotFoundError("no such work order"), "id");
  WorkOrder wo;
  FillWorkOrder(rows[0], wo);
  return wo;
}

absl::StatusOr<Workflow> OrderStore::WorkflowOf(pqxx::work& txn, const std::string& tenant,
                                                const WorkOrder& order) {
  return workflows_.AtVersion(txn, tenant, WorkOrder::Type_Name(order.type()),
                              order.workflow_version());
}

absl::StatusOr<WorkOrderPage> OrderStore::ListWorkOrders(const std::string& tenant,
                                                         const WorkOrderFilter& filter,
                                                         int page_size,
                                                         const std::string& page_token) {
  QQ_ASSIGN_OR_RETURN(PageCursor cursor, DecodePageToken(page_token));
  WorkOrderPage page;
  absl::Status status = pool_.Read([&](pqxx::work& txn) -> absl::Status {
    page = {};
    NullableParam customer_ids;
    if (filter.customer_ids) customer_ids = NullableParam{PgTextArray(*filter.customer_ids)};
    pqxx::result rows = txn.exec_prepared(
        kListWorkOrders.name, tenant, filter.customer_id, filter.state, cursor.after_micros,
        cursor.after_id, page_size + 1, filter.type, filter.channel, filter.custom_fields_json,
        filter.number, customer_ids.get());
    for (int i = 0; i < static_cast<int>(rows.size()) && i < page_size; ++i) {
      WorkOrder wo;
      FillWorkOrder(rows[i], wo);
      page.work_orders.push_back(std::move(wo));
    }
    page.next_page_token = NextPageTokenOf(rows, page_size, kCreatedMicrosColumn);
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

  // The SLA clocks follow the step: waiting states pause them, a person's first step is
  // the response, resolving stops them, a reopen resumes (the resolved time not counted).
  QQ_ASSIGN_OR_RETURN(SlaSettings settings, sla_.Get(txn, tenant));
  QQ_ASSIGN_OR_RETURN(SlaRules rules, SlaRulesOf(std::move(settings)));
  StoredSla sla = SlaOf(rows[0]);
  const absl::Time now = absl::Now();
  std::string sla_note;
  if (to != from) {
    const auto* target_state = FindState(workflow, to);
    const bool pauses = target_state != nullptr && target_state->pauses_sla();
    if (pauses && !sla.paused_since) {
      sla.paused_since = now;
      sla_note = "SLA 暂停: 等待中不计时";
    } else if (!pauses && sla.paused_since) {
      sla.facts.pauses.push_back({*sla.paused_since, now});
      sla_note = absl::StrCat("SLA 恢复计时, 暂停 ", absl::ToInt64Minutes(now - *sla.paused_since),
                              " 分钟");
      sla.paused_since.reset();
    }
  }
  if (!change.transition.empty() && !sla.facts.responded &&
      !absl::StartsWith(change.actor, "system:")) {
    sla.facts.responded = now;
  }
  if (change.mark_resolved) {
    sla.facts.resolved = now;
    sla.open = false;
  }
  if (change.reopen) {
    if (sla.facts.resolved) sla.facts.pauses.push_back({*sla.facts.resolved, now});
    sla.facts.resolved.reset();
    sla.open = true;
  }
  if (change.closes) sla.open = false;
  QQ_ASSIGN_OR_RETURN(SlaReview review, ReviewSla(sla.ForReview(), rules.calendar, rules.chain,
                                                  rules.settings.warning_share(), now));
  google::protobuf::Struct custom_fields = current.custom_fields();
  if (change.custom_fields_patch)
    forms::ApplyValuesPatch(*change.custom_fields_patch, &custom_fields);

  const SlaColumns sla_columns(sla, review);
  pqxx::row row = std::apply(
      [&](const auto&... sla_params) {
        return txn.exec_prepared(
            kUpdateWorkOrder.name, tenant, id, to,
            change.assignee_id.value_or(current.assignee_id()),
            change.result.value_or(current.result()), change.team_id.value_or(current.team_id()),
            change.team_name.value_or(current.team_name()),
            change.area_name.value_or(current.area_name()), change.mark_resolved, change.reopen,
            static_cast<double>(absl::ToUnixMicros(now)), forms::StructToJson(custom_fields),
            sla_params..., change.assignee_id ? change.assignee_name : current.assignee_name())[0];
      },
      sla_columns.Params());
  WorkOrder updated;
  FillWorkOrder(row, updated);
  txn.exec_prepared(kInsertTimeline.name, tenant, id, change.actor, from, to, change.comment,
                    change.transition, PgTextArray(change.attachment_ids), change.actor_name);
  if (!sla_note.empty()) {
    txn.exec_prepared(kInsertTimeline.name, tenant, id, "system:sla", to, to, sla_note, "", "{}",
                      "");
  }
  if (sla.open) SendSlaAlerts(txn, tenant, updated, review.alerts);
  // Someone has the order now: the leader's "needs a worker" to-do is done.
  if (!updated.assignee_id().empty() && updated.assignee_id() != current.assignee_id()) {
    TodoStore::CloseIn(
        txn, tenant, id, Todo::DISPATCH, change.actor,
        absl::StrCat("已指派: ", ShownActorName(updated.assignee_id(), updated.assignee_name())));
  }
  // To-dos that no longer apply: nothing is left to do on a cancelled or closed order, and
  // a reopened one gets its follow-up call after the next resolution, not for the failed one.
  const qingquan::order::v1::WorkflowState* landed = FindState(workflow, to);
  if (change.closes || change.event_type == "workorder.closed" ||
      (landed != nullptr && landed->terminal())) {
    TodoStore::CloseAllIn(txn, tenant, id, change.actor,
                          change.closes ? "工单已取消" : "工单已关闭");
  } else if (change.reopen) {
    TodoStore::CloseIn(txn, tenant, id, Todo::FOLLOW_UP, change.actor,
                       "工单已重新处理, 本次回访作废");
  }
  LoadTimeline(txn, tenant, updated);
  const std::string contact_phone = row[kContactPhoneColumn].as<std::string>();
  if (!change.event_type.empty()) {
    AppendToOutbox(txn, WorkOrderTransitionedEvent(tenant, updated, change, from, contact_phone));
  }
  if (change.mark_resolved) OfferSurvey(txn, tenant, updated, contact_phone, rules.settings);
  return updated;
}

absl::StatusOr<WorkOrder> OrderStore::EditWorkOrder(
    const std::string& tenant, const std::string& id, const Actor& actor, const WorkOrderEdit& edit,
    const std::optional<CustomerSnapshot>& address) {
  WorkOrder edited;
  QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    pqxx::result rows = txn.exec_prepared(kLockWorkOrder.name, tenant, id);
    if (rows.empty()) return WithField(absl::NotFoundError("no such work order"), "id");
    WorkOrder current;
    FillWorkOrder(rows[0], current);
    StoredSla sla = SlaOf(rows[0]);
    if (!sla.open) {
      return WithField(absl::FailedPreconditionError(
                           "the work order is resolved, closed or cancelled; it can no longer "
                           "be changed (reopen it first)"),
                       "id");
    }
    const std::string comment =
        DescribeWorkOrderEdit(current, edit, address ? address->address_text : "");
    edited = current;
    if (comment.empty()) {  // nothing changes
      LoadTimeline(txn, tenant, edited);
      return absl::OkStatus();
    }
    const WorkOrder::Urgency urgency = edit.urgency.value_or(current.urgency());
    NullableParam address_id = NullIfEmpty(address ? address->address_id : current.address_id());
    std::optional<double> lat, lng;
    if (address) {
      lat = address->lat, lng = address->lng;
    } else if (current.has_location()) {
      lat = current.location().lat(), lng = current.location().lng();
    }
    NullableParam lat_param = NullableNumber(lat), lng_param = NullableNumber(lng);
    txn.exec_prepared(
        kEditWorkOrder.name, tenant, id, edit.description.value_or(current.description()),
        WorkOrder::Urgency_Name(urgency), address_id.get(),
        address ? address->address_text : current.address_text(), lat_param.get(), lng_param.get());
    if (urgency != current.urgency()) {
      // The new urgency's targets, counted from the order's creation as always.
      QQ_ASSIGN_OR_RETURN(SlaSettings settings, sla_.Get(txn, tenant));
      QQ_ASSIGN_OR_RETURN(SlaRules rules, SlaRulesOf(std::move(settings)));
      auto target = TargetFor(rules.settings, WorkOrder::Type_Name(current.type()),
                              WorkOrder::Urgency_Name(urgency));
      sla.facts.response_minutes = target ? target->response_minutes() : 0;
      sla.facts.resolve_minutes = target ? target->resolve_minutes() : 0;
      sla.facts.around_the_clock = target && target->around_the_clock();
      QQ_RETURN_IF_ERROR(ReviewAndSave(txn, tenant, current, sla, rules, absl::Now()));
    }
    txn.exec_prepared(kInsertTimeline.name, tenant, id, actor.id, current.state(), current.state(),
                      comment, "", "{}", actor.name);
    pqxx::result after = txn.exec_prepared(kSelectWorkOrder.name, tenant, id);
    FillWorkOrder(after[0], edited);
    LoadTimeline(txn, tenant, edited);
    WorkOrderChange change{.to = edited.state(), .actor = actor.id};
    change.actor_name = actor.name;
    change.comment = comment;
    change.event_type = "workorder.updated";
    AppendToOutbox(txn, WorkOrderTransitionedEvent(tenant, edited, change, current.state(), ""));
    return absl::OkStatus();
  }));
  return edited;
}

absl::StatusOr<OrderStore::SlaPass> OrderStore::RunSlaChecks(int limit) {
  SlaPass pass;
  QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    pass = {};
    if (!txn.exec_prepared(kTakeSlaSchedulerLock.name)[0][0].as<bool>()) {
      return absl::OkStatus();  // another replica runs the checks now
    }
    std::map<std::string, absl::StatusOr<SlaRules>> rules_by_tenant;
    const absl::Time now = absl::Now();
    for (const auto& row : txn.exec_prepared(kDueSlaChecks.name, limit)) {
      const std::string tenant = row[kTenantColumnOfDueChecks].as<std::string>();
      const std::string id = row[0].as<std::string>();
      ++pass.looked_at;
      txn.exec("SAVEPOINT sla_check");
      absl::Status checked = RunGuardedSql([&]() -> absl::Status {
        auto rules = rules_by_tenant.find(tenant);
        if (rules == rules_by_tenant.end()) {
          absl::StatusOr<SlaSettings> settings = sla_.Get(txn, tenant);
          rules = rules_by_tenant
                      .emplace(tenant, settings.ok() ? SlaRulesOf(*std::move(settings))
                                                     : absl::StatusOr<SlaRules>(settings.status()))
                      .first;
        }
        QQ_RETURN_IF_ERROR(rules->second.status());
        WorkOrder wo;
        FillWorkOrder(row, wo);
        StoredSla sla = SlaOf(row);
        return ReviewAndSave(txn, tenant, wo, sla, *rules->second, now);
      });
      if (checked.ok()) {
        txn.exec("RELEASE SAVEPOINT sla_check");
        continue;
      }
      // Only this order's work is undone; the others of the pass stay.
      txn.exec("ROLLBACK TO SAVEPOINT sla_check");
      ++pass.failed;
      LogError("SLA check of a work order failed; postponed",
               {{"tenant", tenant}, {"work_order_id", id}, {"error", checked.ToString()}});
      txn.exec_prepared(kPostponeSlaCheck.name, tenant, id,
                        text::TruncateChars(checked.ToString(), 500));
    }
    return absl::OkStatus();
  }));
  return pass;
}

absl::StatusOr<WorkOrderPage> OrderStore::ListPool(const std::string& tenant,
                                                   const PoolFilter& filter, int page_size,
                                                   const std::string& page_token) {
  QQ_ASSIGN_OR_RETURN(int offset, DecodeOffsetToken(page_token, kMaxPoolOffset));
  WorkOrderPage page;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) -> absl::Status {
    page = {};
    NullableParam after = MicrosParam(filter.created_after);
    NullableParam before = MicrosParam(filter.created_before);
    pqxx::result rows =
        txn.exec_prepared(kPool.name, tenant, filter.area_name, filter.team_id, filter.type,
                          filter.channel, after.get(), before.get(), offset, page_size + 1);
    for (int i = 0; i < static_cast<int>(rows.size()) && i < page_size; ++i) {
      WorkOrder wo;
      FillWorkOrder(rows[i], wo);
      page.work_orders.push_back(std::move(wo));
    }
    if (static_cast<int>(rows.size()) > page_size && offset + page_size <= kMaxPoolOffset) {
      page.next_page_token = absl::StrCat(offset + page_size);
    }
    return absl::OkStatus();
  }));
  return page;
}

}  // namespace qq::order
