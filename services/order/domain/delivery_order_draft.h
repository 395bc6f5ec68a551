// Checks a new delivery order as a client sent it. Pure: no I/O. Field paths are those
// of the JSON body (the delivery order itself).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/field_mask.pb.h"
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
// Text limits in characters (code points), as people count them.
inline constexpr size_t kMaxProductChars = 40;
inline constexpr size_t kMaxNotesChars = 1000;

// INVALID_ARGUMENT naming "channel", "customerId", "addressId", "items[i].product",
// "items[i].quantity", "payment", "window.endTime" (before the start, or already over
// at `now`) or "notes".
absl::StatusOr<DeliveryOrderDraft> CheckNewDeliveryOrder(
    const qingquan::order::v1::DeliveryOrder& in, absl::Time now);

// A customer's standing wishes about when water comes (their DeliveryPreferences), as
// minutes after local midnight and ISO weekdays.
struct PreferredWindow {
  int start_minute = 0;
  int end_minute = 24 * 60;
  std::vector<int> weekdays;  // empty: any day
};

// The preference from its API form ("15:00", "", {1,2,3,4,5}); nullopt when it says
// nothing about time or day (or what it says does not parse: it was checked when saved).
std::optional<PreferredWindow> PreferredWindowOf(absl::string_view start_local,
                                                 absl::string_view end_local,
                                                 const std::vector<int>& weekdays);

// The preferred window on `day` in `zone`.
std::pair<absl::Time, absl::Time> PreferredWindowOn(const PreferredWindow& preferred,
                                                    absl::CivilDay day, const absl::TimeZone& zone);

// The window a new order gets when the caller gave none: the first allowed day from today
// (a week ahead at most) whose preferred window is not over at `now`.
std::optional<std::pair<absl::Time, absl::Time>> NextPreferredWindow(
    const PreferredWindow& preferred, absl::Time now, const absl::TimeZone& zone);

// The patch laid over the current order as a whole new order would be sent (so every value
// is checked as on create): the masked fields from `patch`, the rest from `current`.
// INVALID_ARGUMENT naming "updateMask" for an empty mask or a field that cannot change.
absl::StatusOr<qingquan::order::v1::DeliveryOrder> MergeDeliveryEdit(
    const qingquan::order::v1::DeliveryOrder& current,
    const qingquan::order::v1::DeliveryOrder& patch, const google::protobuf::FieldMask& mask);

// The timeline's words for the edit ("修改 商品: 18.9L×2 → 18.9L×3; 时间窗: …"), window times
// in `zone`; "" when nothing changes. `new_address_text` when the address changes.
std::string DescribeDeliveryEdit(const qingquan::order::v1::DeliveryOrder& before,
                                 const DeliveryOrderDraft& after,
                                 const std::string& new_address_text, const absl::TimeZone& zone);

// The ledger's order key of a ticket deduction: one per order and product, so an order
// of two ticket products deducts (and refunds) each once.
std::string TicketLedgerKey(const std::string& order_id, const std::string& product);

}  // namespace qq::order
