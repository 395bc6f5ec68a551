// A tenant's notification rule (规则): when it is considered (an event or a schedule), about
// what (a customer, work order or delivery order), whether it applies (a condition over
// whitelisted facts), what it does (actions), and how often at most (cool-down). Stored as
// JSON tenant data; ParseRule is the one check on save. Also the pure halves of the
// caller's cool-down and loop checks. Pure: no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/notification/domain/rules/compiled_condition.h"
#include "services/notification/domain/rules/condition.h"
#include "services/notification/domain/rules/fact_schema.h"
#include "services/notification/domain/rules/schedule.h"

namespace qq::notification::rules {

inline constexpr int kMaxActions = 10;
inline constexpr int kMaxCooldownHours = 24 * 366;
inline constexpr int64_t kMaxCouponFen = 1'000'000;  // ¥10,000
inline constexpr int kMaxCouponValidDays = 3650;
inline constexpr int kDefaultCouponValidDays = 30;

// Exactly one of the two is set.
struct Trigger {
  std::string event;                 // "ledger.posted": an event kind
  std::optional<Schedule> schedule;  // or a schedule in the tenant's time zone

  bool operator==(const Trigger&) const = default;
};

enum class ActionType : uint8_t { kSend, kIssueCoupon, kCreateTask, kEscalate, kAddTag };

// "send", "issue_coupon", "create_task", "escalate", "add_tag".
absl::string_view ActionTypeName(ActionType type);

// One action; only the members of its type are meaningful.
struct Action {
  ActionType type = ActionType::kSend;
  std::string template_name;  // send: a message template, e.g. "ticket_low"
  std::string channel;        // send: SMS, WECHAT or IN_APP
  std::string coupon;         // issue_coupon: the coupon's name (续费95折)
  int64_t amount_fen = 0;     // issue_coupon
  int valid_days = 0;         // issue_coupon
  std::string task;           // create_task: the task kind, e.g. "care"
  std::string note;           // create_task: optional text for the task
  std::string role;           // escalate: the staff role told, e.g. "manager"
  std::string tag;            // add_tag: put on the customer (待关怀)

  bool operator==(const Action&) const = default;
};

struct Rule {
  Trigger trigger;
  Subject subject = Subject::kCustomer;
  Condition condition;  // an empty "all" (always true) when the JSON has none
  std::vector<Action> actions;
  int cooldown_hours = 0;

  absl::Duration cooldown() const { return absl::Hours(cooldown_hours); }
  bool operator==(const Rule&) const = default;
};

// Parses and validates a rule:
//   {"trigger": {"event": "ledger.posted"} | {"schedule": "daily 09:00"},
//    "subject": "customer" | "work_order" | "delivery_order",
//    "condition": {...},                       (optional; see ParseCondition)
//    "actions": [
//      {"type": "send", "template": "ticket_low", "channel": "SMS"},
//      {"type": "issue_coupon", "coupon": "续费95折", "amount_fen": 500, "valid_days": 30},
//      {"type": "create_task", "task": "care", "note": "..."},
//      {"type": "escalate", "role": "manager"},
//      {"type": "add_tag", "tag": "待关怀"}],
//    "cooldown_hours": 72}
// INVALID_ARGUMENT naming the offending member's JSON path ("trigger.schedule",
// "condition.all[1].not.field", "actions[2].type", "cooldown_hours") for every violation,
// including unknown members; INVALID_ARGUMENT without a field when the text is not JSON.
absl::StatusOr<Rule> ParseRule(absl::string_view json);

// The canonical JSON of a rule (members in the order above, schedules in canonical text,
// valid_days written out). ParseRule(RuleToJson(r)) == r.
std::string RuleToJson(const Rule& rule);

// A rule ready for sweeps: the compiled condition beside the rule it came from.
struct CompiledRule {
  explicit CompiledRule(Rule r) : rule(std::move(r)), condition(rule.condition) {}
  Rule rule;
  CompiledCondition condition;
};

// The rule fired for this subject at `last_fired` (nullopt: never) and must rest for
// `cooldown`. A last firing in the future (clock skew) also counts as resting.
bool InCooldown(std::optional<absl::Time> last_fired, absl::Time now, absl::Duration cooldown);

// An event caused by rule `rule_id`'s own action (an event carries `caused_by_rule`,
// empty for events people or other services caused) about `event_subject` never
// re-triggers that rule for that subject: a coupon the rule issued must not fire the rule
// again on the coupon's ledger event.
bool ShouldSkipForLoop(absl::string_view rule_id, absl::string_view subject_id,
                       absl::string_view event_caused_by_rule, absl::string_view event_subject);

}  // namespace qq::notification::rules
