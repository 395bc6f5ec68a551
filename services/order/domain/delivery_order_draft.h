// Checks a new delivery order as a client sent it. Pure: no I/O. Field paths are those
// of the JSON body (the delivery order itself).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "qingquan/order/v1/order.pb.h"

namespace qq::order {

struct DeliveryLine {
  std::string product;
  int quantity = 0;
};

struct DeliveryOrderDraft {
  qingquan::order::v1::Channel channel;
  std::string customer_id;
  std::string address_id;  // empty: the customer's first address
  // One line per product, in the order first sent (repeats are added up).
  std::vector<DeliveryLine> items;
  qingquan::order::v1::DeliveryOrder::Payment payment;
  std::optional<absl::Time> window_start;
  std::optional<absl::Time> window_end;
  std::string notes;
  // Checked against the tenant's definitions by the service (they live elsewhere).
  google::protobuf::Struct custom_fields;
  // Set for an occurrence of a standing order: its id and delivery day (YYYY-MM-DD).
  std::string standing_order_id;
  std::string occurrence_date;
};

inline constexpr int kMaxDeliveryLines = 20;
inline constexpr int kMaxQuantityPerLine = 99;
inline constexpr size_t kMaxProductBytes = 32;
inline constexpr size_t kMaxNotesBytes = 1000;

// INVALID_ARGUMENT naming "channel", "customerId", "addressId", "items[i].product",
// "items[i].quantity", "payment", "window.endTime" (before the start, or already over
// at `now`) or "notes".
absl::StatusOr<DeliveryOrderDraft> CheckNewDeliveryOrder(
    const qingquan::order::v1::DeliveryOrder& in, absl::Time now);

// The ledger's order key of a ticket deduction: one per order and product, so an order
// of two ticket products deducts (and refunds) each once.
std::string TicketLedgerKey(const std::string& order_id, const std::string& product);

}  // namespace qq::order
