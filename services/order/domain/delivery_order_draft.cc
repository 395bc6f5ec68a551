#include "services/order/domain/delivery_order_draft.h"

#include <google/protobuf/util/time_util.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/civil_text.h"
#include "services/common/ids.h"
#include "services/common/status.h"
#include "services/common/text/utf8_text.h"
#include "services/common/text_limits.h"

namespace qq::order {
namespace {

namespace v1 = qingquan::order::v1;

absl::Time ToAbslTime(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

// Letters, digits and a little punctuation: "18.9L", "11.3L桶装", "农夫山泉·19L桶装水（含押金）".
// The separators of ledger keys and stored lists (':' ',' '"') are refused.
bool HasProductCharactersOnly(const std::string& s) {
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
    // Full-width "１８．９Ｌ" is the same product as "18.9L" (tickets are kept per product).
    std::string product(text::TrimSpaces(text::NormalizeNfkc(item.product())));
    const std::string field = absl::StrCat("items[", i, "].product");
    if (product.empty()) return InvalidField(field, "is required: a product name, e.g. 18.9L");
    QQ_RETURN_IF_ERROR(CheckTextLength(field, product, kMaxProductChars));
    if (!HasProductCharactersOnly(product)) {
      return InvalidField(field, "may not hold control characters, ':', ',' or '\"'");
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
  draft.notes = std::string(text::TrimSpaces(in.notes()));
  QQ_RETURN_IF_ERROR(CheckTextLength("notes", draft.notes, kMaxNotesChars));
  draft.custom_fields = in.custom_fields();
  return draft;
}

absl::StatusOr<v1::DeliveryOrder> MergeDeliveryEdit(const v1::DeliveryOrder& current,
                                                    const v1::DeliveryOrder& patch,
                                                    const google::protobuf::FieldMask& mask) {
  const std::string updatable = "items, window, notes, addressId";
  if (mask.paths_size() == 0) {
    return InvalidField("updateMask", "is required; fields that may change: " + updatable);
  }
  v1::DeliveryOrder merged;
  merged.set_channel(current.channel());
  merged.set_customer_id(current.customer_id());
  merged.set_address_id(current.address_id());
  *merged.mutable_items() = current.items();
  merged.set_payment(current.payment());
  if (current.has_window()) *merged.mutable_window() = current.window();
  merged.set_notes(current.notes());
  for (const std::string& path : mask.paths()) {
    if (path == "items") {
      *merged.mutable_items() = patch.items();
    } else if (path == "window") {
      merged.clear_window();
      if (patch.has_window()) *merged.mutable_window() = patch.window();
    } else if (path == "notes") {
      merged.set_notes(patch.notes());
    } else if (path == "address_id") {
      merged.set_address_id(patch.address_id());
    } else {
      return InvalidField("updateMask",
                          absl::StrCat("'", path, "' cannot change; fields that may: ", updatable));
    }
  }
  return merged;
}

namespace {

std::string ItemsText(const google::protobuf::RepeatedPtrField<v1::DeliveryItem>& items) {
  std::string out;
  for (const auto& item : items) {
    absl::StrAppend(&out, out.empty() ? "" : ", ", item.product(), "×", item.quantity());
  }
  return out;
}

std::string ItemsText(const std::vector<DeliveryLine>& items) {
  std::string out;
  for (const auto& item : items) {
    absl::StrAppend(&out, out.empty() ? "" : ", ", item.product, "×", item.quantity);
  }
  return out;
}

std::string WindowText(std::optional<absl::Time> start, std::optional<absl::Time> end,
                       const absl::TimeZone& zone) {
  if (!start && !end) return "不限";
  auto at = [&](const std::optional<absl::Time>& t) {
    return t ? absl::FormatTime("%m-%d %H:%M", *t, zone) : std::string("…");
  };
  return absl::StrCat(at(start), "—", at(end));
}

}  // namespace

std::string DescribeDeliveryEdit(const v1::DeliveryOrder& before, const DeliveryOrderDraft& after,
                                 const std::string& new_address_text, const absl::TimeZone& zone) {
  constexpr size_t kQuote = 60;
  std::vector<std::string> parts;
  const std::string items_before = ItemsText(before.items());
  const std::string items_after = ItemsText(after.items);
  if (items_before != items_after) {
    parts.push_back(absl::StrCat("商品: ", items_before, " → ", items_after));
  }
  std::optional<absl::Time> start, end;
  if (before.window().has_start_time()) start = ToAbslTime(before.window().start_time());
  if (before.window().has_end_time()) end = ToAbslTime(before.window().end_time());
  if (start != after.window_start || end != after.window_end) {
    parts.push_back(absl::StrCat("时间窗: ", WindowText(start, end, zone), " → ",
                                 WindowText(after.window_start, after.window_end, zone)));
  }
  if (before.notes() != after.notes) {
    parts.push_back(absl::StrCat("备注: 「", text::TruncateChars(before.notes(), kQuote), "」→「",
                                 text::TruncateChars(after.notes, kQuote), "」"));
  }
  if (!new_address_text.empty() && new_address_text != before.address_text()) {
    parts.push_back(absl::StrCat("地址: ", text::TruncateChars(before.address_text(), kQuote),
                                 " → ", text::TruncateChars(new_address_text, kQuote)));
  }
  if (parts.empty()) return "";
  std::string joined;
  for (const auto& p : parts) absl::StrAppend(&joined, joined.empty() ? "" : "; ", p);
  return absl::StrCat("修改 ", joined);
}

std::optional<PreferredWindow> PreferredWindowOf(absl::string_view start_local,
                                                 absl::string_view end_local,
                                                 const std::vector<int>& weekdays) {
  if (start_local.empty() && end_local.empty() && weekdays.empty()) return std::nullopt;
  PreferredWindow preferred;
  if (!start_local.empty()) {
    std::optional<int> start = ParseTimeOfDay(start_local);
    if (!start) return std::nullopt;
    preferred.start_minute = *start;
  }
  if (!end_local.empty()) {
    std::optional<int> end = ParseTimeOfDay(end_local);
    if (!end) return std::nullopt;
    preferred.end_minute = *end;
  }
  if (preferred.end_minute <= preferred.start_minute) return std::nullopt;
  for (int d : weekdays) {
    if (d >= 1 && d <= 7) preferred.weekdays.push_back(d);
  }
  return preferred;
}

std::pair<absl::Time, absl::Time> PreferredWindowOn(const PreferredWindow& preferred,
                                                    absl::CivilDay day,
                                                    const absl::TimeZone& zone) {
  const absl::CivilMinute midnight(day);
  return {absl::FromCivil(midnight + preferred.start_minute, zone),
          absl::FromCivil(midnight + preferred.end_minute, zone)};
}

std::optional<std::pair<absl::Time, absl::Time>> NextPreferredWindow(
    const PreferredWindow& preferred, absl::Time now, const absl::TimeZone& zone) {
  const absl::CivilDay today = absl::ToCivilDay(now, zone);
  for (int ahead = 0; ahead <= 7; ++ahead) {
    const absl::CivilDay day = today + ahead;
    if (!preferred.weekdays.empty() &&
        std::find(preferred.weekdays.begin(), preferred.weekdays.end(), IsoWeekday(day)) ==
            preferred.weekdays.end()) {
      continue;
    }
    auto window = PreferredWindowOn(preferred, day, zone);
    if (window.second > now) return window;
  }
  return std::nullopt;
}

std::string TicketLedgerKey(const std::string& order_id, const std::string& product) {
  return absl::StrCat(order_id, ":", product);
}

}  // namespace qq::order
