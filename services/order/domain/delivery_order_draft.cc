#include "services/order/domain/delivery_order_draft.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/ids.h"
#include "services/common/status.h"

namespace qq::order {
namespace {

namespace v1 = qingquan::order::v1;

absl::Time ToAbslTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

// Letters, digits and a little punctuation: "18.9L", "11.3L桶装", "dispenser-cup".
bool IsProductName(const std::string& s) {
  if (s.empty() || s.size() > kMaxProductBytes) return false;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f || c == ':' || c == ',' || c == '"') return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<DeliveryOrderDraft> CheckNewDeliveryOrder(const v1::DeliveryOrder& in,
                                                         absl::Time now) {
  DeliveryOrderDraft draft;
  if (in.channel() == v1::CHANNEL_UNSPECIFIED) {
    return InvalidField("channel", "is required (e.g. PHONE, WECHAT_MINI_PROGRAM)");
  }
  draft.channel = in.channel();
  if (in.customer_id().empty()) return InvalidField("customerId", "is required");
  draft.customer_id = in.customer_id();
  if (!in.address_id().empty() && !LooksLikeUuid(in.address_id())) {
    return WithField(absl::NotFoundError("the customer has no such address"), "addressId");
  }
  draft.address_id = in.address_id();
  if (in.items_size() == 0) return InvalidField("items", "needs at least one item");
  if (in.items_size() > kMaxDeliveryLines) {
    return InvalidField("items", absl::StrCat("has more than ", kMaxDeliveryLines, " lines"));
  }
  for (int i = 0; i < in.items_size(); ++i) {
    const auto& item = in.items(i);
    std::string product(absl::StripAsciiWhitespace(item.product()));
    if (!IsProductName(product)) {
      return InvalidField(absl::StrCat("items[", i, "].product"),
                          "is required: a product name of at most 32 bytes, e.g. 18.9L");
    }
    if (item.quantity() < 1 || item.quantity() > kMaxQuantityPerLine) {
      return InvalidField(absl::StrCat("items[", i, "].quantity"), "must be between 1 and 99");
    }
    bool merged = false;
    for (auto& line : draft.items) {
      if (line.product == product) {
        line.quantity += item.quantity();
        merged = true;
      }
    }
    if (!merged) draft.items.push_back({product, item.quantity()});
  }
  for (const auto& line : draft.items) {
    if (line.quantity > kMaxQuantityPerLine) {
      return InvalidField("items", "more than 99 of " + line.product + " in one order");
    }
  }
  if (in.payment() == v1::DeliveryOrder::PAYMENT_UNSPECIFIED) {
    return InvalidField("payment", "is required: TICKETS, CASH or ONLINE");
  }
  draft.payment = in.payment();
  if (in.has_window()) {
    if (in.window().has_start_time()) draft.window_start = ToAbslTime(in.window().start_time());
    if (in.window().has_end_time()) draft.window_end = ToAbslTime(in.window().end_time());
    if (draft.window_start && draft.window_end && *draft.window_end <= *draft.window_start) {
      return InvalidField("window.endTime", "must be after the start");
    }
    if (draft.window_end && *draft.window_end <= now) {
      return InvalidField("window.endTime", "has already passed: the window is closed");
    }
  }
  draft.notes = std::string(absl::StripAsciiWhitespace(in.notes()));
  if (draft.notes.size() > kMaxNotesBytes) {
    return InvalidField("notes", "is longer than 1000 bytes");
  }
  draft.custom_fields = in.custom_fields();
  return draft;
}

std::string TicketLedgerKey(const std::string& order_id, const std::string& product) {
  return absl::StrCat(order_id, ":", product);
}

}  // namespace qq::order
