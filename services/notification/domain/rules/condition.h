// A rule's condition as a validated tree: all / any / not over leaves that compare one fact
// of the schema with a constant. Structured data only, never code or SQL. Parsed from JSON
// and checked against FactSchema() when a rule is saved; compiled (CompiledCondition) to
// evaluate. Pure: no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "services/notification/domain/rules/fact_schema.h"

namespace qq::notification::rules {

inline constexpr int kMaxConditionDepth = 8;
inline constexpr int kMaxConditionLeaves = 100;
// all / any / not nodes; empty groups count nothing as leaves but still cost evaluation.
inline constexpr int kMaxConditionGroups = 100;
inline constexpr int kMaxInValues = 100;
inline constexpr size_t kMaxValueChars = 100;
inline constexpr size_t kMaxKeyChars = 40;  // as a product name in the order service

// A leaf's constant: none (is_set, is_empty, ...), an integer, a bool, a string (also an
// enum value's name), or the array of in / not_in.
using ConditionValue = std::variant<std::monostate, int64_t, bool, std::string,
                                    std::vector<int64_t>, std::vector<std::string>>;

struct Condition {
  enum class Kind : uint8_t { kAll, kAny, kNot, kLeaf };
  Kind kind = Kind::kAll;
  // kAll / kAny: the items (all of none is true, any of none is false); kNot: one.
  std::vector<Condition> children;
  // kLeaf only.
  FactId fact = FactId::kCustomerStatus;
  std::optional<std::string> key;
  Op op = Op::kEq;
  ConditionValue value;

  bool operator==(const Condition&) const = default;
};

// Parses and validates a condition (JSON text) for rules about `subject`. Forms:
//   {"all": [node, ...]}  {"any": [node, ...]}  {"not": node}
//   {"field": "customer.ticket_balance", "key": "18.9L", "op": "lte", "value": 2}
// Product keys and order.products values are NFKC-folded (１８．９Ｌ is 18.9L) as the order
// service stores products; other strings are trimmed.
// INVALID_ARGUMENT naming the offending node's JSON path below "condition" (e.g.
// "condition.all[1].not.field") for every violation: unknown fact, fact of another
// subject, operator not for the fact's type, value of the wrong type or outside an
// enum's values, a key on a fact without keys, nesting deeper than kMaxConditionDepth,
// more than kMaxConditionLeaves leaves or kMaxConditionGroups groups, unknown members.
absl::StatusOr<Condition> ParseCondition(absl::string_view json, Subject subject);

// The canonical JSON of a condition (ParseCondition of it gives the same Condition).
std::string ConditionToJson(const Condition& condition);

// Number of leaves.
int CountLeaves(const Condition& condition);

}  // namespace qq::notification::rules
