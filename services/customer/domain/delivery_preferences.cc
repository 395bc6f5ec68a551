#include "services/customer/domain/delivery_preferences.h"

#include <algorithm>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "qingquan/customer/v1/customer.pb.h"
#include "services/common/civil_text.h"
#include "services/common/status.h"
#include "services/common/text/utf8_text.h"

namespace qq::customer {
namespace {

namespace v1 = qingquan::customer::v1;

constexpr int kMinutesPerDay = 24 * 60;

std::string TimeText(int minutes) {
  return absl::StrFormat("%02d:%02d", minutes / 60, minutes % 60);
}

// Minutes after midnight of a time as typed: input methods give full-width digits and
// colons (１５：００), which NFKC brings to ASCII. Empty text: nullopt with ok status.
absl::StatusOr<std::optional<int>> MinutesOf(const std::string& raw, const std::string& field,
                                             int min, int max, absl::string_view range) {
  const std::string text(qq::text::TrimSpaces(qq::text::NormalizeNfkc(raw)));
  if (text.empty()) return std::optional<int>();
  std::optional<int> minutes = ParseTimeOfDay(text);
  if (!minutes || *minutes < min || *minutes > max) {
    return InvalidField(field,
                        absl::StrCat("must be a local time HH:MM, ", range, "; got '", raw, "'"));
  }
  return minutes;
}

const char* WeekdayName(int weekday) {
  static constexpr const char* kNames[] = {"周一", "周二", "周三", "周四", "周五", "周六", "周日"};
  return kNames[weekday - 1];
}

}  // namespace

absl::StatusOr<DeliveryPreferencesDraft> CheckDeliveryPreferences(const v1::DeliveryPreferences& in,
                                                                  const std::string& prefix) {
  const std::string dot = prefix.empty() ? "" : prefix + ".";
  DeliveryPreferencesDraft draft;
  QQ_ASSIGN_OR_RETURN(std::optional<int> start,
                      MinutesOf(in.window_start_local(), dot + "windowStartLocal", 0,
                                kMinutesPerDay - 1, "00:00..23:59"));
  QQ_ASSIGN_OR_RETURN(
      std::optional<int> end,
      MinutesOf(in.window_end_local(), dot + "windowEndLocal", 1, kMinutesPerDay, "00:01..24:00"));
  if (start && end && *end <= *start) {
    return InvalidField(dot + "windowEndLocal",
                        absl::StrCat("must be after windowStartLocal (", TimeText(*start),
                                     "); got ", TimeText(*end)));
  }
  if (start) draft.window_start_local = TimeText(*start);
  if (end) draft.window_end_local = TimeText(*end);

  for (int i = 0; i < in.weekdays_size(); ++i) {
    const std::string field = absl::StrCat(dot, "weekdays[", i, "]");
    const int day = in.weekdays(i);
    if (day < 1 || day > 7) {
      return InvalidField(
          field, absl::StrCat("must be an ISO weekday, 1 (Monday)..7 (Sunday); got ", day));
    }
    if (std::find(draft.weekdays.begin(), draft.weekdays.end(), day) != draft.weekdays.end()) {
      return InvalidField(field, absl::StrCat("weekday ", day, " is listed twice"));
    }
    draft.weekdays.push_back(day);
  }
  std::sort(draft.weekdays.begin(), draft.weekdays.end());

  if (in.floor() < 0 || in.floor() > kMaxFloor) {
    return InvalidField(dot + "floor", absl::StrCat("must be between 0 (unknown) and ", kMaxFloor,
                                                    "; got ", in.floor()));
  }
  draft.floor = in.floor();
  draft.no_lift = in.no_lift();
  draft.needs_cart = in.needs_cart();
  return draft;
}

v1::DeliveryPreferences DeliveryPreferencesMessageOf(const DeliveryPreferencesDraft& draft) {
  v1::DeliveryPreferences out;
  out.set_window_start_local(draft.window_start_local);
  out.set_window_end_local(draft.window_end_local);
  for (int day : draft.weekdays) out.add_weekdays(day);
  out.set_no_lift(draft.no_lift);
  out.set_needs_cart(draft.needs_cart);
  out.set_floor(draft.floor);
  return out;
}

std::vector<std::string> PreferenceTagsOf(const v1::DeliveryPreferences& p) {
  std::vector<std::string> tags;
  // From the start or until the end of the day is no limit at all.
  const std::string start = p.window_start_local() == "00:00" ? "" : p.window_start_local();
  const std::string end = p.window_end_local() == "24:00" ? "" : p.window_end_local();
  if (!start.empty() && !end.empty()) {
    tags.push_back(absl::StrCat(start, "-", end, "送"));
  } else if (!start.empty()) {
    tags.push_back(absl::StrCat(start, "后送"));
  } else if (!end.empty()) {
    tags.push_back(absl::StrCat(end, "前送"));
  }

  std::vector<int> days(p.weekdays().begin(), p.weekdays().end());
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  days.erase(std::remove_if(days.begin(), days.end(), [](int d) { return d < 1 || d > 7; }),
             days.end());
  if (days == std::vector<int>{1, 2, 3, 4, 5}) {
    tags.push_back("仅工作日送");
  } else if (days == std::vector<int>{6, 7}) {
    tags.push_back("仅周末送");
  } else if (!days.empty() && days.size() < 7) {
    std::vector<std::string> names;
    for (int d : days) names.push_back(WeekdayName(d));
    tags.push_back(absl::StrCat("仅", absl::StrJoin(names, "、"), "送"));
  }

  if (p.no_lift()) {
    tags.push_back(p.floor() > 0 ? absl::StrCat(p.floor(), "楼无电梯") : "高层无电梯");
  }
  if (p.needs_cart()) tags.push_back("需带小推车");
  return tags;
}

}  // namespace qq::customer
