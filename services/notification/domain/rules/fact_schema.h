// The whitelist of facts a tenant's rule may test, and the operators each type takes. Rules
// are tenant data checked against this table when saved; nothing else is ever evaluated.
// Pure: no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include "absl/strings/string_view.h"

namespace qq::notification::rules {

// What a rule looks at: one customer, one work order or one delivery order.
enum class Subject : uint8_t { kCustomer, kWorkOrder, kDeliveryOrder };

// "customer", "work_order", "delivery_order".
absl::string_view SubjectName(Subject subject);
std::optional<Subject> ParseSubject(absl::string_view name);

enum class FactType : uint8_t { kInt, kBool, kString, kEnum, kStringList };

// "int", "bool", "string", "enum", "string_list".
absl::string_view FactTypeName(FactType type);

// Dense ids, so evaluation indexes arrays instead of comparing names. The order is the
// table's order (FactSchema()).
enum class FactId : uint8_t {
  kCustomerStatus,
  kCustomerTags,
  kCustomerAreaId,
  kCustomerChannel,
  kCustomerTicketBalance,
  kCustomerDaysSinceLastOrder,
  kCustomerBirthdayToday,
  kCustomerDaysSinceCreated,
  kWorkOrderType,
  kWorkOrderUrgency,
  kWorkOrderState,
  kWorkOrderChannel,
  kWorkOrderAreaId,
  kWorkOrderTeamId,
  kWorkOrderMinutesSinceCreated,
  kWorkOrderMinutesSinceLastStep,
  kOrderQuantity,
  kOrderPayment,
  kOrderProducts,
};
inline constexpr int kFactCount = 19;

enum class Op : uint8_t {
  kEq,
  kNe,
  kLt,
  kLte,
  kGt,
  kGte,
  kIn,
  kNotIn,
  kIsSet,
  kIsNotSet,
  kContains,
  kNotContains,
  kIsEmpty,
  kIsNotEmpty,
};

// "eq", "not_in", ... as rules write them.
absl::string_view OpName(Op op);
std::optional<Op> ParseOp(absl::string_view name);

// Whether `op` applies to a fact of `type`:
//   int:         eq ne lt lte gt gte in not_in
//   string/enum: eq ne in not_in
//   bool:        eq
//   string list: contains not_contains is_empty is_not_empty
// and is_set / is_not_set on every type (customer facts are unset on a work order without
// a customer).
bool OpAppliesTo(Op op, FactType type);

// Whether `op` compares with a "value" (false for is_set, is_empty, ...).
bool OpTakesValue(Op op);

// in / not_in: the value is an array.
bool OpTakesList(Op op);

struct FactDescriptor {
  FactId id;
  absl::string_view name;  // "customer.ticket_balance"
  // The subject the fact describes. Customer facts are also available on work orders and
  // delivery orders (their customer's); see FactAppliesTo.
  Subject owner;
  FactType type;
  absl::string_view description;  // English, for developers and the API guide
  absl::string_view label_zh;     // what the console shows (水票余额)
  // A fact with a key is a family: customer.ticket_balance with key "18.9L" is the
  // balance of that product; without a key, the total over products.
  bool takes_key = false;
  absl::string_view key_description;
  // kEnum: the allowed values (the proto enum's names, UNSPECIFIED excluded).
  std::span<const absl::string_view> enum_values;
};

// Every fact, indexed by FactId.
std::span<const FactDescriptor> FactSchema();
const FactDescriptor& Describe(FactId id);
// nullptr for a name outside the schema.
const FactDescriptor* FindFact(absl::string_view name);

// Whether rules about `subject` may test `fact`.
bool FactAppliesTo(FactId fact, Subject subject);

// Index of `value` in the fact's enum_values, or -1.
int EnumIndex(FactId fact, absl::string_view value);

// The schema as JSON for the console's rule editor:
// {"subjects":["customer",...],"facts":[{"name","subject","type","description","label_zh",
//  "takes_key","key_description","enum_values","operators":[...]}, ...]}
std::string FactSchemaJson();

}  // namespace qq::notification::rules
