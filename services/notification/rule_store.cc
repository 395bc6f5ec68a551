#include "services/notification/rule_store.h"

#include <boost/json.hpp>

#include "absl/strings/str_cat.h"
#include "services/common/pg_pool.h"
#include "services/common/status.h"

namespace qq::notification {
namespace {

constexpr char kCustomerColumns[] =
    "customer_id, name, phone, coalesce(birthday::text, ''), status, tags, area_id, channel, "
    "coalesce((extract(epoch FROM created_at) * 1000000)::bigint, 0), "
    "coalesce((extract(epoch FROM last_order_at) * 1000000)::bigint, 0), tickets::text";
constexpr char kWorkOrderColumns[] =
    "work_order_id, number, customer_id, type, urgency, state, channel, area_id, team_id, "
    "coalesce((extract(epoch FROM created_at) * 1000000)::bigint, 0), "
    "coalesce((extract(epoch FROM last_step_at) * 1000000)::bigint, 0), open";
constexpr char kRuleColumns[] =
    "id, name, template_id, params, definition, trigger_kind, trigger, version, paused, "
    "coalesce((extract(epoch FROM next_fire_at) * 1000000)::bigint, 0), "
    "(extract(epoch FROM created_at) * 1000000)::bigint, "
    "(extract(epoch FROM updated_at) * 1000000)::bigint, updated_by";

const NamedQuery kUpsertCustomer{
    "UpsertCustomerFacts",
    "INSERT INTO customer_facts (tenant_id, customer_id, name, phone, birthday, status, tags, "
    "  area_id, channel, created_at, version, deleted) "
    "VALUES ($1, $2, $3, $4, nullif($5, '')::date, $6, $7::text[], $8, $9, "
    "  to_timestamp(nullif($10::bigint, 0) / 1000000.0), $11, $12) "
    "ON CONFLICT (tenant_id, customer_id) DO UPDATE SET name = $3, phone = $4, "
    "  birthday = nullif($5, '')::date, status = $6, tags = $7::text[], area_id = $8, "
    "  channel = $9, created_at = coalesce(customer_facts.created_at, "
    "  to_timestamp(nullif($10::bigint, 0) / 1000000.0)), version = $11, deleted = $12 "
    "WHERE customer_facts.version <= $11"};
const NamedQuery kSetTickets{
    "SetTicketBalance",
    "INSERT INTO customer_facts (tenant_id, customer_id, tickets) "
    "VALUES ($1, $2, jsonb_build_object($3::text, $4::bigint)) "
    "ON CONFLICT (tenant_id, customer_id) DO UPDATE SET "
    "  tickets = customer_facts.tickets || jsonb_build_object($3::text, $4::bigint)"};
const NamedQuery kTouchLastOrder{
    "TouchLastOrder",
    "INSERT INTO customer_facts (tenant_id, customer_id, last_order_at) "
    "VALUES ($1, $2, to_timestamp($3::bigint / 1000000.0)) "
    "ON CONFLICT (tenant_id, customer_id) DO UPDATE SET last_order_at = "
    "  greatest(customer_facts.last_order_at, to_timestamp($3::bigint / 1000000.0))"};
const NamedQuery kUpsertWorkOrder{
    "UpsertWorkOrderFacts",
    "INSERT INTO work_order_facts (tenant_id, work_order_id, number, customer_id, type, urgency, "
    "  state, channel, area_id, team_id, created_at, last_step_at, open) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, to_timestamp($11::bigint / 1000000.0), "
    "  to_timestamp($12::bigint / 1000000.0), $13) "
    "ON CONFLICT (tenant_id, work_order_id) DO UPDATE SET number = $3, customer_id = $4, "
    "  type = $5, urgency = $6, state = $7, channel = $8, "
    "  area_id = CASE WHEN $9 = '' THEN work_order_facts.area_id ELSE $9 END, "
    "  team_id = CASE WHEN $10 = '' THEN work_order_facts.team_id ELSE $10 END, "
    "  last_step_at = greatest(work_order_facts.last_step_at, "
    "    to_timestamp($12::bigint / 1000000.0)), open = $13"};
// Dispatch's event may come before the order's own (another stream): the row is made then.
const NamedQuery kSetWorkOrderRouting{
    "SetWorkOrderRouting",
    "INSERT INTO work_order_facts (tenant_id, work_order_id, area_id, team_id) "
    "VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (tenant_id, work_order_id) DO UPDATE SET area_id = $3, "
    "  team_id = CASE WHEN $4 = '' THEN work_order_facts.team_id ELSE $4 END"};
const std::string kSelectCustomerSql =
    absl::StrCat("SELECT ", kCustomerColumns,
                 " FROM customer_facts WHERE tenant_id = $1 AND customer_id = $2 AND NOT deleted");
const NamedQuery kSelectCustomer{"SelectCustomerFacts", kSelectCustomerSql.c_str()};
const std::string kSelectWorkOrderSql =
    absl::StrCat("SELECT ", kWorkOrderColumns,
                 " FROM work_order_facts WHERE tenant_id = $1 AND work_order_id = $2");
const NamedQuery kSelectWorkOrder{"SelectWorkOrderFacts", kSelectWorkOrderSql.c_str()};
const std::string kCustomersAfterSql =
    absl::StrCat("SELECT ", kCustomerColumns,
                 " FROM customer_facts WHERE tenant_id = $1 AND customer_id > $2 AND NOT deleted "
                 "ORDER BY customer_id LIMIT $3");
const NamedQuery kCustomersAfter{"CustomersAfter", kCustomersAfterSql.c_str()};
const std::string kOpenWorkOrdersAfterSql =
    absl::StrCat("SELECT ", kWorkOrderColumns,
                 " FROM work_order_facts WHERE tenant_id = $1 AND open AND work_order_id > $2 "
                 "ORDER BY work_order_id LIMIT $3");
const NamedQuery kOpenWorkOrdersAfter{"OpenWorkOrdersAfter", kOpenWorkOrdersAfterSql.c_str()};

const std::string kActiveRulesSql = absl::StrCat(
    "SELECT ", kRuleColumns, " FROM rules WHERE tenant_id = $1 AND NOT paused ORDER BY created_at");
const NamedQuery kActiveRules{"ActiveRules", kActiveRulesSql.c_str()};
const std::string kListRulesSql =
    absl::StrCat("SELECT ", kRuleColumns, " FROM rules WHERE tenant_id = $1 ORDER BY created_at");
const NamedQuery kListRules{"ListRules", kListRulesSql.c_str()};
const std::string kSelectRuleSql =
    absl::StrCat("SELECT ", kRuleColumns, " FROM rules WHERE tenant_id = $1 AND id::text = $2");
const NamedQuery kSelectRule{"SelectRule", kSelectRuleSql.c_str()};
const std::string kInsertRuleSql = absl::StrCat(
    "INSERT INTO rules (tenant_id, name, template_id, params, definition, trigger_kind, "
    "  trigger, next_fire_at, updated_by) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, to_timestamp(nullif($8::bigint, 0) / 1000000.0), $9) "
    "RETURNING ",
    kRuleColumns);
const NamedQuery kInsertRule{"InsertRule", kInsertRuleSql.c_str()};
const std::string kUpdateRuleSql = absl::StrCat(
    "UPDATE rules SET name = $3, template_id = $4, params = $5, definition = $6, "
    "  trigger_kind = $7, trigger = $8, "
    "  next_fire_at = to_timestamp(nullif($9::bigint, 0) / 1000000.0), version = version + 1, "
    "  updated_at = now(), updated_by = $10 "
    "WHERE tenant_id = $1 AND id::text = $2 RETURNING ",
    kRuleColumns);
const NamedQuery kUpdateRule{"UpdateRule", kUpdateRuleSql.c_str()};
const NamedQuery kInsertRuleVersion{
    "InsertRuleVersion",
    "INSERT INTO rule_versions (rule_id, version, name, params, definition, created_by) "
    "VALUES ($1::uuid, $2, $3, $4, $5, $6)"};
const std::string kSetPausedSql = absl::StrCat(
    "UPDATE rules SET paused = $3, "
    "  next_fire_at = to_timestamp(nullif($4::bigint, 0) / 1000000.0), updated_at = now(), "
    "  updated_by = $5 WHERE tenant_id = $1 AND id::text = $2 RETURNING ",
    kRuleColumns);
const NamedQuery kSetPaused{"SetRulePaused", kSetPausedSql.c_str()};
const std::string kDueRulesSql = absl::StrCat(
    "SELECT tenant_id, ", kRuleColumns,
    " FROM rules WHERE NOT paused AND trigger_kind = 'schedule' AND next_fire_at <= now() "
    "ORDER BY next_fire_at LIMIT $1");
const NamedQuery kDueRules{"DueScheduledRules", kDueRulesSql.c_str()};
// Moves the rule on only from the fire time the sweep ran for (another process that ran
// the same sweep already moved it).
const NamedQuery kSetNextFire{
    "SetNextFire",
    "UPDATE rules SET next_fire_at = to_timestamp($3::bigint / 1000000.0) "
    "WHERE tenant_id = $1 AND id::text = $2 "
    "  AND (extract(epoch FROM next_fire_at) * 1000000)::bigint = $4"};

const NamedQuery kInsertFiring{
    "InsertFiring",
    "INSERT INTO rule_firings (tenant_id, rule_id, rule_version, rule_name, subject, subject_id, "
    "  customer_id, trigger, occasion, facts, evaluation) "
    "VALUES ($1, $2::uuid, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
    "ON CONFLICT (tenant_id, rule_id, subject_id, occasion) DO NOTHING RETURNING id"};
const NamedQuery kSelectCooldown{
    "SelectCooldown",
    "SELECT (extract(epoch FROM last_fired_at) * 1000000)::bigint FROM rule_cooldowns "
    "WHERE tenant_id = $1 AND rule_id = $2::uuid AND subject_id = $3"};
const NamedQuery kUpsertCooldown{
    "UpsertCooldown",
    "INSERT INTO rule_cooldowns (tenant_id, rule_id, subject_id, last_fired_at) "
    "VALUES ($1, $2::uuid, $3, to_timestamp($4::bigint / 1000000.0)) "
    "ON CONFLICT (tenant_id, rule_id, subject_id) DO UPDATE SET last_fired_at = "
    "  to_timestamp($4::bigint / 1000000.0)"};
const NamedQuery kInsertAction{
    "InsertRuleAction",
    "INSERT INTO rule_actions (tenant_id, firing_id, idx, type, payload, status, detail, "
    "  reference) VALUES ($1, $2::uuid, $3, $4, $5, $6, $7, $8) "
    "ON CONFLICT (firing_id, idx) DO NOTHING"};
const NamedQuery kListFirings{
    "ListFirings",
    "SELECT id, rule_id, rule_version, rule_name, subject, subject_id, customer_id, trigger, "
    "  occasion, facts, evaluation, (extract(epoch FROM fired_at) * 1000000)::bigint "
    "FROM rule_firings WHERE tenant_id = $1 AND ($2 = '' OR rule_id::text = $2) "
    "  AND ($3 = '' OR customer_id = $3) "
    "  AND ($4::bigint = 0 OR (fired_at, id) < (to_timestamp($4::bigint / 1000000.0), $5::uuid)) "
    "ORDER BY fired_at DESC, id DESC LIMIT $6"};
const NamedQuery kActionsOfFirings{
    "ActionsOfFirings",
    "SELECT id, tenant_id, firing_id, idx, type, payload, status, detail, reference, attempts "
    "FROM rule_actions WHERE firing_id = ANY ($1::uuid[]) ORDER BY firing_id, idx"};
const NamedQuery kClaimActions{
    "ClaimRuleActions",
    "UPDATE rule_actions SET attempts = attempts + 1, "
    "  next_attempt_at = now() + make_interval(secs => $2) "
    "WHERE id IN (SELECT id FROM rule_actions WHERE status = 'PENDING' "
    "  AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED) "
    "RETURNING id, tenant_id, firing_id, idx, type, payload, status, detail, reference, attempts"};
const NamedQuery kFinishAction{"FinishRuleAction",
                               "UPDATE rule_actions SET status = $2, detail = $3, reference = $4 "
                               "WHERE id = $1::uuid AND status = 'PENDING'"};
const NamedQuery kRetryAction{
    "RetryRuleAction",
    "UPDATE rule_actions SET next_attempt_at = to_timestamp($2::bigint / 1000000.0), detail = $3 "
    "WHERE id = $1::uuid AND status = 'PENDING'"};

CustomerFactsRow CustomerFrom(const pqxx::row& row) {
  CustomerFactsRow c;
  c.customer_id = row[0].as<std::string>();
  c.name = row[1].as<std::string>();
  c.phone = row[2].as<std::string>();
  c.birthday = row[3].as<std::string>();
  c.status = row[4].as<std::string>();
  c.tags = TextArrayOf(row[5]);
  c.area_id = row[6].as<std::string>();
  c.channel = row[7].as<std::string>();
  c.created_micros = row[8].as<long long>();
  c.last_order_micros = row[9].as<long long>();
  boost::system::error_code ec;
  boost::json::value tickets = boost::json::parse(row[10].c_str(), ec);
  if (!ec && tickets.is_object()) {
    for (const auto& [product, balance] : tickets.as_object()) {
      if (balance.is_int64()) c.tickets.emplace_back(std::string(product), balance.as_int64());
    }
  }
  return c;
}

WorkOrderFactsRow WorkOrderFrom(const pqxx::row& row) {
  WorkOrderFactsRow w;
  w.work_order_id = row[0].as<std::string>();
  w.number = row[1].as<std::string>();
  w.customer_id = row[2].as<std::string>();
  w.type = row[3].as<std::string>();
  w.urgency = row[4].as<std::string>();
  w.state = row[5].as<std::string>();
  w.channel = row[6].as<std::string>();
  w.area_id = row[7].as<std::string>();
  w.team_id = row[8].as<std::string>();
  w.created_micros = row[9].as<long long>();
  w.last_step_micros = row[10].as<long long>();
  w.open = row[11].as<bool>();
  return w;
}

RuleRow RuleFrom(const pqxx::row& row, int offset = 0) {
  RuleRow r;
  r.id = row[offset + 0].as<std::string>();
  r.name = row[offset + 1].as<std::string>();
  r.template_id = row[offset + 2].as<std::string>();
  r.params = row[offset + 3].as<std::string>();
  r.definition = row[offset + 4].as<std::string>();
  r.trigger_kind = row[offset + 5].as<std::string>();
  r.trigger = row[offset + 6].as<std::string>();
  r.version = row[offset + 7].as<int>();
  r.paused = row[offset + 8].as<bool>();
  r.next_fire_micros = row[offset + 9].as<long long>();
  r.created_micros = row[offset + 10].as<long long>();
  r.updated_micros = row[offset + 11].as<long long>();
  r.updated_by = row[offset + 12].as<std::string>();
  return r;
}

ActionRow ActionFrom(const pqxx::row& row) {
  ActionRow a;
  a.id = row[0].as<std::string>();
  a.tenant = row[1].as<std::string>();
  a.firing_id = row[2].as<std::string>();
  a.idx = row[3].as<int>();
  a.type = row[4].as<std::string>();
  a.payload = row[5].as<std::string>();
  a.status = row[6].as<std::string>();
  a.detail = row[7].as<std::string>();
  a.reference = row[8].as<std::string>();
  a.attempts = row[9].as<int>();
  return a;
}

absl::Status RuleNotFound() { return WithField(absl::NotFoundError("no such rule"), "id"); }

}  // namespace

RuleStore::RuleStore(PgPool& pool) : pool_(pool) {
  pool_.Prepare({kSetWorkOrderRouting, kUpsertCustomer,  kSetTickets,
                 kTouchLastOrder,      kUpsertWorkOrder, kSelectCustomer,
                 kSelectWorkOrder,     kCustomersAfter,  kOpenWorkOrdersAfter,
                 kActiveRules,         kListRules,       kSelectRule,
                 kInsertRule,          kUpdateRule,      kInsertRuleVersion,
                 kSetPaused,           kDueRules,        kSetNextFire,
                 kInsertFiring,        kSelectCooldown,  kUpsertCooldown,
                 kInsertAction,        kListFirings,     kActionsOfFirings,
                 kClaimActions,        kFinishAction,    kRetryAction});
}

void RuleStore::UpsertCustomerIn(pqxx::work& txn, const std::string& tenant,
                                 const CustomerFactsRow& c, long long version, bool deleted) {
  txn.exec_prepared(kUpsertCustomer.name, tenant, c.customer_id, c.name, c.phone, c.birthday,
                    c.status, PgTextArray(c.tags), c.area_id, c.channel, c.created_micros, version,
                    deleted);
}

void RuleStore::SetTicketBalanceIn(pqxx::work& txn, const std::string& tenant,
                                   const std::string& customer_id, const std::string& product,
                                   long long balance) {
  txn.exec_prepared(kSetTickets.name, tenant, customer_id, product, balance);
}

void RuleStore::TouchLastOrderIn(pqxx::work& txn, const std::string& tenant,
                                 const std::string& customer_id, absl::Time at) {
  txn.exec_prepared(kTouchLastOrder.name, tenant, customer_id,
                    static_cast<long long>(absl::ToUnixMicros(at)));
}

void RuleStore::UpsertWorkOrderIn(pqxx::work& txn, const std::string& tenant,
                                  const WorkOrderFactsRow& w) {
  txn.exec_prepared(kUpsertWorkOrder.name, tenant, w.work_order_id, w.number, w.customer_id, w.type,
                    w.urgency, w.state, w.channel, w.area_id, w.team_id, w.created_micros,
                    w.last_step_micros, w.open);
}

void RuleStore::SetWorkOrderRoutingIn(pqxx::work& txn, const std::string& tenant,
                                      const std::string& work_order_id, const std::string& area_id,
                                      const std::string& team_id) {
  txn.exec_prepared(kSetWorkOrderRouting.name, tenant, work_order_id, area_id, team_id);
}

std::optional<CustomerFactsRow> RuleStore::CustomerIn(pqxx::work& txn, const std::string& tenant,
                                                      const std::string& customer_id) {
  pqxx::result r = txn.exec_prepared(kSelectCustomer.name, tenant, customer_id);
  if (r.empty()) return std::nullopt;
  return CustomerFrom(r[0]);
}

std::optional<WorkOrderFactsRow> RuleStore::WorkOrderIn(pqxx::work& txn, const std::string& tenant,
                                                        const std::string& work_order_id) {
  pqxx::result r = txn.exec_prepared(kSelectWorkOrder.name, tenant, work_order_id);
  if (r.empty()) return std::nullopt;
  return WorkOrderFrom(r[0]);
}

std::vector<RuleRow> RuleStore::ActiveRulesIn(pqxx::work& txn, const std::string& tenant) {
  std::vector<RuleRow> rules;
  for (const auto& row : txn.exec_prepared(kActiveRules.name, tenant)) {
    rules.push_back(RuleFrom(row));
  }
  return rules;
}

std::string RuleStore::InsertFiringIn(pqxx::work& txn, const NewFiring& f) {
  pqxx::result r = txn.exec_prepared(kInsertFiring.name, f.tenant, f.rule_id, f.rule_version,
                                     f.rule_name, f.subject, f.subject_id, f.customer_id, f.trigger,
                                     f.occasion, f.facts, f.evaluation);
  return r.empty() ? "" : r[0][0].as<std::string>();
}

std::optional<absl::Time> RuleStore::LastFiredIn(pqxx::work& txn, const std::string& tenant,
                                                 const std::string& rule_id,
                                                 const std::string& subject_id) {
  pqxx::result r = txn.exec_prepared(kSelectCooldown.name, tenant, rule_id, subject_id);
  if (r.empty()) return std::nullopt;
  return absl::FromUnixMicros(r[0][0].as<long long>());
}

void RuleStore::SetLastFiredIn(pqxx::work& txn, const std::string& tenant,
                               const std::string& rule_id, const std::string& subject_id,
                               absl::Time at) {
  txn.exec_prepared(kUpsertCooldown.name, tenant, rule_id, subject_id,
                    static_cast<long long>(absl::ToUnixMicros(at)));
}

void RuleStore::InsertActionIn(pqxx::work& txn, const ActionRow& a) {
  txn.exec_prepared(kInsertAction.name, a.tenant, a.firing_id, a.idx, a.type, a.payload, a.status,
                    a.detail, a.reference);
}

absl::StatusOr<std::vector<RuleRow>> RuleStore::ListRules(const std::string& tenant) {
  std::vector<RuleRow> rules;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) {
    rules.clear();
    for (const auto& row : txn.exec_prepared(kListRules.name, tenant)) {
      rules.push_back(RuleFrom(row));
    }
    return absl::OkStatus();
  }));
  return rules;
}

absl::StatusOr<RuleRow> RuleStore::GetRule(const std::string& tenant, const std::string& id) {
  RuleRow rule;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) -> absl::Status {
    pqxx::result r = txn.exec_prepared(kSelectRule.name, tenant, id);
    if (r.empty()) return RuleNotFound();
    rule = RuleFrom(r[0]);
    return absl::OkStatus();
  }));
  return rule;
}

absl::StatusOr<RuleRow> RuleStore::CreateRule(const std::string& tenant, const RuleRow& r,
                                              const std::string& by) {
  RuleRow created;
  QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) {
    created = RuleFrom(txn.exec_prepared(kInsertRule.name, tenant, r.name, r.template_id, r.params,
                                         r.definition, r.trigger_kind, r.trigger,
                                         r.next_fire_micros, by)[0]);
    txn.exec_prepared(kInsertRuleVersion.name, created.id, created.version, created.name,
                      created.params, created.definition, by);
    return absl::OkStatus();
  }));
  return created;
}

absl::StatusOr<RuleRow> RuleStore::UpdateRule(const std::string& tenant, const RuleRow& r,
                                              const std::string& by) {
  RuleRow updated;
  QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    pqxx::result rows =
        txn.exec_prepared(kUpdateRule.name, tenant, r.id, r.name, r.template_id, r.params,
                          r.definition, r.trigger_kind, r.trigger, r.next_fire_micros, by);
    if (rows.empty()) return RuleNotFound();
    updated = RuleFrom(rows[0]);
    txn.exec_prepared(kInsertRuleVersion.name, updated.id, updated.version, updated.name,
                      updated.params, updated.definition, by);
    return absl::OkStatus();
  }));
  return updated;
}

absl::StatusOr<RuleRow> RuleStore::SetPaused(const std::string& tenant, const std::string& id,
                                             bool paused, long long next_fire_micros,
                                             const std::string& by) {
  RuleRow rule;
  QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    pqxx::result rows =
        txn.exec_prepared(kSetPaused.name, tenant, id, paused, next_fire_micros, by);
    if (rows.empty()) return RuleNotFound();
    rule = RuleFrom(rows[0]);
    return absl::OkStatus();
  }));
  return rule;
}

absl::StatusOr<std::vector<std::pair<std::string, RuleRow>>> RuleStore::DueScheduledRules(
    int limit) {
  std::vector<std::pair<std::string, RuleRow>> due;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) {
    due.clear();
    for (const auto& row : txn.exec_prepared(kDueRules.name, limit)) {
      due.emplace_back(row[0].as<std::string>(), RuleFrom(row, 1));
    }
    return absl::OkStatus();
  }));
  return due;
}

absl::Status RuleStore::SetNextFire(const std::string& tenant, const std::string& id,
                                    long long next_fire_micros, long long expected_micros) {
  return pool_.Transact([&](pqxx::work& txn) {
    txn.exec_prepared(kSetNextFire.name, tenant, id, next_fire_micros, expected_micros);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<CustomerFactsRow>> RuleStore::CustomersAfter(const std::string& tenant,
                                                                        const std::string& after_id,
                                                                        int limit) {
  std::vector<CustomerFactsRow> rows;
  QQ_RETURN_IF_ERROR(pool_.ReadStatement([&](pqxx::nontransaction& txn) {
    rows.clear();
    for (const auto& row : txn.exec_prepared(kCustomersAfter.name, tenant, after_id, limit)) {
      rows.push_back(CustomerFrom(row));
    }
    return absl::OkStatus();
  }));
  return rows;
}

absl::StatusOr<std::vector<WorkOrderFactsRow>> RuleStore::OpenWorkOrdersAfter(
    const std::string& tenant, const std::string& after_id, int limit) {
  std::vector<WorkOrderFactsRow> rows;
  QQ_RETURN_IF_ERROR(pool_.ReadStatement([&](pqxx::nontransaction& txn) {
    rows.clear();
    for (const auto& row : txn.exec_prepared(kOpenWorkOrdersAfter.name, tenant, after_id, limit)) {
      rows.push_back(WorkOrderFrom(row));
    }
    return absl::OkStatus();
  }));
  return rows;
}

absl::StatusOr<FiringPage> RuleStore::ListFirings(const std::string& tenant,
                                                  const std::string& rule_id,
                                                  const std::string& customer_id, int page_size,
                                                  const PageCursor& cursor) {
  FiringPage page;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) {
    page = FiringPage();
    pqxx::result rows = txn.exec_prepared(kListFirings.name, tenant, rule_id, customer_id,
                                          cursor.after_micros, cursor.after_id, page_size + 1);
    std::vector<std::string> ids;
    for (int i = 0; i < static_cast<int>(rows.size()) && i < page_size; ++i) {
      const auto& row = rows[i];
      FiringRow f;
      f.id = row[0].as<std::string>();
      f.firing = NewFiring{tenant,
                           row[1].as<std::string>(),
                           row[2].as<int>(),
                           row[3].as<std::string>(),
                           row[4].as<std::string>(),
                           row[5].as<std::string>(),
                           row[6].as<std::string>(),
                           row[7].as<std::string>(),
                           row[8].as<std::string>(),
                           row[9].as<std::string>(),
                           row[10].as<std::string>()};
      f.fired_micros = row[11].as<long long>();
      ids.push_back(f.id);
      page.firings.push_back(std::move(f));
    }
    page.next_page_token = NextPageTokenOf(rows, page_size, 11);
    if (!ids.empty()) {
      for (const auto& row : txn.exec_prepared(kActionsOfFirings.name, PgTextArray(ids))) {
        ActionRow a = ActionFrom(row);
        for (auto& f : page.firings) {
          if (f.id == a.firing_id) f.actions.push_back(a);
        }
      }
    }
    return absl::OkStatus();
  }));
  return page;
}

absl::Status RuleStore::Transact(const std::function<absl::Status(pqxx::work&)>& fn) {
  return pool_.Transact(fn);
}

absl::StatusOr<std::vector<ActionRow>> RuleStore::ClaimActions(int limit, absl::Duration lease) {
  std::vector<ActionRow> claimed;
  QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) {
    claimed.clear();
    for (const auto& row :
         txn.exec_prepared(kClaimActions.name, limit, absl::ToDoubleSeconds(lease))) {
      claimed.push_back(ActionFrom(row));
    }
    return absl::OkStatus();
  }));
  return claimed;
}

absl::Status RuleStore::FinishAction(const std::string& id, const std::string& status,
                                     const std::string& detail, const std::string& reference) {
  return pool_.Transact([&](pqxx::work& txn) {
    txn.exec_prepared(kFinishAction.name, id, status, detail, reference);
    return absl::OkStatus();
  });
}

absl::Status RuleStore::RetryAction(const std::string& id, absl::Time at,
                                    const std::string& detail) {
  return pool_.Transact([&](pqxx::work& txn) {
    txn.exec_prepared(kRetryAction.name, id, static_cast<long long>(absl::ToUnixMicros(at)),
                      detail);
    return absl::OkStatus();
  });
}

}  // namespace qq::notification
