// All SQL of the rule engine: the facts it keeps from events (customers with ticket
// balances and last order, open work orders), the tenant's rules and their versions, the
// firing log, cool-downs and the actions a firing leaves for the action worker.
#pragma once

#include <pqxx/pqxx>

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/common/page_token.h"

namespace qq {
class PgPool;
}

namespace qq::notification {

struct RuleRow {
  std::string id;
  std::string name;
  std::string template_id;
  std::string params;        // JSON object
  std::string definition;    // the rule's JSON (rules::RuleToJson)
  std::string trigger_kind;  // "event" or "schedule"
  std::string trigger;       // event type or schedule text
  int version = 1;
  bool paused = false;
  long long next_fire_micros = 0;  // 0: none
  long long created_micros = 0;
  long long updated_micros = 0;
  std::string updated_by;
};

struct CustomerFactsRow {
  std::string customer_id;
  std::string name;
  std::string phone;
  std::string birthday;  // YYYY-MM-DD or ""
  std::string status;
  std::vector<std::string> tags;
  std::string area_id;
  std::string channel;
  long long created_micros = 0;                            // 0: unknown
  long long last_order_micros = 0;                         // 0: never
  std::vector<std::pair<std::string, long long>> tickets;  // product → balance
};

struct WorkOrderFactsRow {
  std::string work_order_id;
  std::string number;
  std::string customer_id;
  std::string type;
  std::string urgency;
  std::string state;
  std::string channel;
  std::string area_id;
  std::string team_id;
  long long created_micros = 0;
  long long last_step_micros = 0;
  bool open = true;
};

struct NewFiring {
  std::string tenant;
  std::string rule_id;
  int rule_version = 0;
  std::string rule_name;
  std::string subject;
  std::string subject_id;
  std::string customer_id;
  std::string trigger;     // event type or "schedule"
  std::string occasion;    // event id or scheduled time: one firing per rule, subject and occasion
  std::string facts;       // JSON
  std::string evaluation;  // JSON
};

struct ActionRow {
  std::string id;
  std::string tenant;
  std::string firing_id;
  int idx = 0;
  std::string type;
  std::string payload;  // JSON
  std::string status;
  std::string detail;
  std::string reference;
  int attempts = 0;
};

struct FiringRow {
  NewFiring firing;
  std::string id;
  long long fired_micros = 0;
  std::vector<ActionRow> actions;
};

struct FiringPage {
  std::vector<FiringRow> firings;
  std::string next_page_token;
};

class RuleStore {
 public:
  explicit RuleStore(PgPool& pool);

  // --- the facts, kept from events (inside the event's transaction) ---
  // Applies a customer's state unless a newer version is already there.
  static void UpsertCustomerIn(pqxx::work& txn, const std::string& tenant,
                               const CustomerFactsRow& row, long long version, bool deleted);
  static void SetTicketBalanceIn(pqxx::work& txn, const std::string& tenant,
                                 const std::string& customer_id, const std::string& product,
                                 long long balance);
  static void TouchLastOrderIn(pqxx::work& txn, const std::string& tenant,
                               const std::string& customer_id, absl::Time at);
  static void UpsertWorkOrderIn(pqxx::work& txn, const std::string& tenant,
                                const WorkOrderFactsRow& row);
  // Dispatch routed the work order: its area and team.
  static void SetWorkOrderRoutingIn(pqxx::work& txn, const std::string& tenant,
                                    const std::string& work_order_id, const std::string& area_id,
                                    const std::string& team_id);
  static std::optional<CustomerFactsRow> CustomerIn(pqxx::work& txn, const std::string& tenant,
                                                    const std::string& customer_id);
  static std::optional<WorkOrderFactsRow> WorkOrderIn(pqxx::work& txn, const std::string& tenant,
                                                      const std::string& work_order_id);

  // --- firings ---
  // Active (not paused) rules of the tenant.
  static std::vector<RuleRow> ActiveRulesIn(pqxx::work& txn, const std::string& tenant);
  // Inserts the firing unless it exists for (rule, subject, occasion); its id or "".
  static std::string InsertFiringIn(pqxx::work& txn, const NewFiring& firing);
  static std::optional<absl::Time> LastFiredIn(pqxx::work& txn, const std::string& tenant,
                                               const std::string& rule_id,
                                               const std::string& subject_id);
  static void SetLastFiredIn(pqxx::work& txn, const std::string& tenant, const std::string& rule_id,
                             const std::string& subject_id, absl::Time at);
  static void InsertActionIn(pqxx::work& txn, const ActionRow& action);

  // --- rules ---
  absl::StatusOr<std::vector<RuleRow>> ListRules(const std::string& tenant);
  // NOT_FOUND (field "id") when the tenant has no such rule.
  absl::StatusOr<RuleRow> GetRule(const std::string& tenant, const std::string& id);
  absl::StatusOr<RuleRow> CreateRule(const std::string& tenant, const RuleRow& rule,
                                     const std::string& by);
  // Saves a new version of the rule's name, params and definition.
  absl::StatusOr<RuleRow> UpdateRule(const std::string& tenant, const RuleRow& rule,
                                     const std::string& by);
  absl::StatusOr<RuleRow> SetPaused(const std::string& tenant, const std::string& id, bool paused,
                                    long long next_fire_micros, const std::string& by);
  // Scheduled rules due now, any tenant (several processes: SKIP LOCKED).
  absl::StatusOr<std::vector<std::pair<std::string, RuleRow>>> DueScheduledRules(int limit);
  absl::Status SetNextFire(const std::string& tenant, const std::string& id,
                           long long next_fire_micros, long long expected_micros);

  // --- sweeps and dry runs: pages of the facts by id ---
  absl::StatusOr<std::vector<CustomerFactsRow>> CustomersAfter(const std::string& tenant,
                                                               const std::string& after_id,
                                                               int limit);
  absl::StatusOr<std::vector<WorkOrderFactsRow>> OpenWorkOrdersAfter(const std::string& tenant,
                                                                     const std::string& after_id,
                                                                     int limit);

  // --- the firing log ---
  absl::StatusOr<FiringPage> ListFirings(const std::string& tenant, const std::string& rule_id,
                                         const std::string& customer_id, int page_size,
                                         const PageCursor& cursor);

  // A transaction of the service's database (sweeps fire a page of hits in one).
  absl::Status Transact(const std::function<absl::Status(pqxx::work&)>& fn);

  // --- the action worker ---
  absl::StatusOr<std::vector<ActionRow>> ClaimActions(int limit, absl::Duration lease);
  absl::Status FinishAction(const std::string& id, const std::string& status,
                            const std::string& detail, const std::string& reference);
  absl::Status RetryAction(const std::string& id, absl::Time at, const std::string& detail);

 private:
  PgPool& pool_;
};

}  // namespace qq::notification
