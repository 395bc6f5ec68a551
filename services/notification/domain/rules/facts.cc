#include "services/notification/domain/rules/facts.h"

namespace qq::notification::rules {
namespace {

bool Is(FactId id, FactType type) { return Describe(id).type == type; }

}  // namespace

void Facts::SetInt(FactId id, int64_t value) {
  if (!Is(id, FactType::kInt)) return;
  numbers_[static_cast<int>(id)] = value;
  MarkSet(id);
}

void Facts::SetBool(FactId id, bool value) {
  if (!Is(id, FactType::kBool)) return;
  numbers_[static_cast<int>(id)] = value ? 1 : 0;
  MarkSet(id);
}

void Facts::SetEnum(FactId id, absl::string_view value) {
  if (!Is(id, FactType::kEnum)) return;
  numbers_[static_cast<int>(id)] = EnumIndex(id, value);
  MarkSet(id);
}

void Facts::SetString(FactId id, std::string value) {
  if (!Is(id, FactType::kString)) return;
  strings_[Slot(id)] = std::move(value);
  MarkSet(id);
}

void Facts::SetList(FactId id, std::vector<std::string> values) {
  if (!Is(id, FactType::kStringList)) return;
  lists_[Slot(id)] = std::move(values);
  MarkSet(id);
}

void Facts::AddTicketBalance(std::string product, int64_t count) {
  constexpr FactId id = FactId::kCustomerTicketBalance;
  if (!IsSet(id)) numbers_[static_cast<int>(id)] = 0;
  numbers_[static_cast<int>(id)] += count;
  MarkSet(id);
  for (auto& [p, n] : ticket_balances_) {
    if (p == product) {
      n += count;
      return;
    }
  }
  ticket_balances_.emplace_back(std::move(product), count);
}

void Facts::AddOrderItem(std::string product, int64_t quantity) {
  constexpr FactId id = FactId::kOrderQuantity;
  if (!IsSet(id)) numbers_[static_cast<int>(id)] = 0;
  numbers_[static_cast<int>(id)] += quantity;
  MarkSet(id);
  MarkSet(FactId::kOrderProducts);
  for (auto& [p, n] : order_quantities_) {
    if (p == product) {
      n += quantity;
      return;
    }
  }
  lists_[Slot(FactId::kOrderProducts)].push_back(product);
  order_quantities_.emplace_back(std::move(product), quantity);
}

void Facts::Unset(FactId id) {
  set_ &= ~(1u << static_cast<int>(id));
  numbers_[static_cast<int>(id)] = 0;
  switch (Describe(id).type) {
    case FactType::kString:
      strings_[Slot(id)].clear();
      break;
    case FactType::kStringList:
      lists_[Slot(id)].clear();
      break;
    default:
      break;
  }
  if (KeyedCounts* keyed = KeyedFor(id)) keyed->clear();
}

std::optional<int64_t> Facts::Keyed(FactId id, absl::string_view key) const {
  if (!IsSet(id)) return std::nullopt;
  const KeyedCounts* keyed = KeyedFor(id);
  if (keyed == nullptr) return std::nullopt;
  for (const auto& [product, n] : *keyed) {
    if (product == key) return n;
  }
  return 0;
}

absl::string_view Facts::EnumName(FactId id) const {
  const int64_t index = numbers_[static_cast<int>(id)];
  const auto values = Describe(id).enum_values;
  if (index < 0 || index >= static_cast<int64_t>(values.size())) return "";
  return values[index];
}

Facts::KeyedCounts* Facts::KeyedFor(FactId id) {
  if (id == FactId::kCustomerTicketBalance) return &ticket_balances_;
  if (id == FactId::kOrderQuantity) return &order_quantities_;
  return nullptr;
}

const Facts::KeyedCounts* Facts::KeyedFor(FactId id) const {
  return const_cast<Facts*>(this)->KeyedFor(id);
}

}  // namespace qq::notification::rules
