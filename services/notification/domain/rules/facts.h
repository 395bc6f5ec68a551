// What is known about one subject when rules are evaluated: typed slots indexed by FactId
// (no names, no parsing at evaluation time) plus small per-product lists for the keyed
// facts. The caller fills it from the store or an event; a fact never set is "unset".
// Pure: no I/O.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>
#include "absl/strings/string_view.h"

#include "services/notification/domain/rules/fact_schema.h"

namespace qq::notification::rules {

class Facts {
 public:
  // A setter called for a fact of another type does nothing (a programming error that must
  // not corrupt another slot).

  // kInt facts. For customer.ticket_balance / order.quantity this sets the total and marks
  // the fact known, so a product without an entry counts as 0.
  void SetInt(FactId id, int64_t value);
  void SetBool(FactId id, bool value);
  // kEnum facts, by the proto enum's name ("ACTIVE"). A name outside the allowed values is
  // kept as a known but unmatched value: eq/in are false for it, ne/not_in true.
  void SetEnum(FactId id, absl::string_view value);
  void SetString(FactId id, std::string value);
  void SetList(FactId id, std::vector<std::string> values);

  // Adds `count` tickets of `product` (normalized as the order service stores products)
  // and to the total customer.ticket_balance.
  void AddTicketBalance(std::string product, int64_t count);
  // Adds an order line: order.quantity (keyed and total) and order.products.
  void AddOrderItem(std::string product, int64_t quantity);

  // Makes a fact unset again (and drops its keyed entries).
  void Unset(FactId id);

  bool IsSet(FactId id) const { return (set_ >> static_cast<int>(id)) & 1u; }

  // The evaluator's reads; valid only when IsSet(id) and `id` has the matching type.
  int64_t Number(FactId id) const { return numbers_[static_cast<int>(id)]; }
  const std::string& String(FactId id) const { return strings_[Slot(id)]; }
  const std::vector<std::string>& List(FactId id) const { return lists_[Slot(id)]; }
  // Keyed int facts: the product's value, 0 when the product has no entry (the fact being
  // set means the subject is known), nullopt when the fact is unset.
  std::optional<int64_t> Keyed(FactId id, absl::string_view key) const;

  // The enum value's name, or "" for an unknown one (explanations).
  absl::string_view EnumName(FactId id) const;

 private:
  // Where a kString or kStringList fact lives in strings_ / lists_.
  static constexpr int Slot(FactId id) {
    switch (id) {
      case FactId::kCustomerAreaId:
      case FactId::kCustomerTags:
        return 0;
      case FactId::kWorkOrderState:
      case FactId::kOrderProducts:
        return 1;
      case FactId::kWorkOrderAreaId:
        return 2;
      case FactId::kWorkOrderTeamId:
        return 3;
      default:
        return 0;
    }
  }

  using KeyedCounts = std::vector<std::pair<std::string, int64_t>>;
  void MarkSet(FactId id) { set_ |= 1u << static_cast<int>(id); }
  KeyedCounts* KeyedFor(FactId id);
  const KeyedCounts* KeyedFor(FactId id) const;

  uint32_t set_ = 0;
  // int, bool (0/1) and enum (index into enum_values, -1 unknown) values by FactId.
  std::array<int64_t, kFactCount> numbers_{};
  // Strings and lists by slot (see the .cc), to keep a Facts small for sweeps.
  std::array<std::string, 4> strings_;
  std::array<std::vector<std::string>, 2> lists_;
  KeyedCounts ticket_balances_;
  KeyedCounts order_quantities_;
};

}  // namespace qq::notification::rules
