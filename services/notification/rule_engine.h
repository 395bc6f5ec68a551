// Runs the tenants' rules: keeps the facts rules look at from events, evaluates the rules an
// event triggers inside that event's transaction, sweeps the scheduled ones over the kept
// facts (never another service's database), and records each firing with what it saw.
// A firing happens once per rule, subject and occasion (event id or scheduled time), and
// not again for the same subject within the rule's cool-down; a rule never fires on an
// event its own action caused for the same subject. Its "send" actions are queued with the
// firing; actions that call another service (coupon, task, tag) wait for the action worker.
#pragma once

#include <pqxx/pqxx>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/event_consumer.h"
#include "services/notification/domain/rules/rule.h"
#include "services/notification/rule_store.h"

namespace qq::notification {

// A saved rule with its compiled form.
struct LoadedRule {
  RuleRow row;
  std::shared_ptr<const rules::CompiledRule> compiled;
};

struct DryRunHitRow {
  std::string subject_id;
  std::string customer_id;
  std::string label;
  std::string evaluation;  // JSON
};

struct DryRunResult {
  int evaluated = 0;
  int matched = 0;
  int cooling_down = 0;
  std::vector<DryRunHitRow> sample;
};

struct SweepResult {
  int evaluated = 0;
  int matched = 0;
  int fired = 0;
};

// The facts of a customer (and for audit, as JSON by fact name) at `now` in `zone`.
rules::Facts CustomerFacts(const CustomerFactsRow& c, absl::Time now, const absl::TimeZone& zone);
std::string CustomerFactsJson(const CustomerFactsRow& c, absl::Time now,
                              const absl::TimeZone& zone);

class RuleEngine {
 public:
  explicit RuleEngine(RuleStore& store) : store_(store) {}

  // Keeps the facts of an event (customer, ledger, delivery and work-order events) and
  // fires the tenant's rules triggered by its type. Inside the event's transaction.
  absl::Status OnEvent(pqxx::work& txn, const StreamEvent& event, absl::Time now);

  // Sweeps the scheduled rules that are due (any tenant); returns how many firings.
  int RunDueSchedules(absl::Time now);

  // Evaluates `rule` over every subject once for `occasion` and fires the matches.
  absl::StatusOr<SweepResult> Sweep(const std::string& tenant, const LoadedRule& rule,
                                    absl::Time occasion, absl::Time now);

  // Who `rule` would hit now; writes nothing.
  absl::StatusOr<DryRunResult> DryRun(const std::string& tenant, const LoadedRule& rule,
                                      int sample_size, absl::Time now);

  // The compiled form of a saved rule (cached by id and version).
  absl::StatusOr<LoadedRule> Load(const RuleRow& row);

  // The tenant's time zone (its notification settings).
  absl::TimeZone ZoneOfTenant(const std::string& tenant);

 private:
  // One customer or work order of a sweep, with its facts.
  struct Subject {
    std::string id;
    std::optional<CustomerFactsRow> customer;
    std::optional<WorkOrderFactsRow> work_order;
    rules::Facts facts;
    absl::TimeZone zone;
  };
  // Pages over the subjects of the rule's kind (customers, or open work orders).
  absl::Status ForEachSubject(const std::string& tenant, const LoadedRule& rule, absl::Time now,
                              const std::function<absl::Status(std::vector<Subject>&)>& on_page);
  static std::string FactsJsonOf(const Subject& subject, absl::Time now);
  static DryRunHitRow HitOf(const Subject& subject, const LoadedRule& rule);

  // Fires `rule` for a subject whose condition held: cool-down, firing row, actions.
  // Returns the firing id, or "" when it had fired for this occasion or is cooling down.
  std::string Fire(pqxx::work& txn, const std::string& tenant, const LoadedRule& rule,
                   const std::string& subject_id, const CustomerFactsRow* customer,
                   const WorkOrderFactsRow* work_order, const std::string& trigger,
                   const std::string& occasion, const std::string& facts_json,
                   const std::string& evaluation_json, absl::Time now);

  RuleStore& store_;
  std::mutex mu_;
  std::map<std::string, std::pair<int, std::shared_ptr<const rules::CompiledRule>>> compiled_;
};

}  // namespace qq::notification
