#include "services/notification/domain/send_policy.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "services/common/status.h"
#include "services/common/text/utf8_text.h"

namespace qq::notification {
absl::TimeZone TenantZone(const SendPolicy& policy) {
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(policy.time_zone, &zone)) return absl::FixedTimeZone(8 * 3600);
  return zone;
}

int ParseClockMinutes(const std::string& text) {
  if (text.size() != 5 || text[2] != ':') return -1;
  for (int i : {0, 1, 3, 4}) {
    if (text[i] < '0' || text[i] > '9') return -1;
  }
  int h = (text[0] - '0') * 10 + (text[1] - '0');
  int m = (text[3] - '0') * 10 + (text[4] - '0');
  if (h > 23 || m > 59) return -1;
  return h * 60 + m;
}

absl::Status ValidateSendPolicy(const SendPolicy& p) {
  if (ParseClockMinutes(p.quiet_start) < 0) {
    return InvalidField("quietHours.start", "must be a time HH:MM, e.g. 21:00");
  }
  if (ParseClockMinutes(p.quiet_end) < 0) {
    return InvalidField("quietHours.end", "must be a time HH:MM, e.g. 08:00");
  }
  if (p.quiet_enabled && p.quiet_start == p.quiet_end) {
    return InvalidField("quietHours.end", "must differ from the start");
  }
  absl::TimeZone zone;
  if (p.time_zone.empty() || !absl::LoadTimeZone(p.time_zone, &zone)) {
    return InvalidField("timeZone", "must be an IANA time zone, e.g. Asia/Shanghai");
  }
  const size_t sig = text::CharCount(p.sms_signature);
  if (sig < 2 || sig > 12 || p.sms_signature.find_first_of("【】[]") != std::string::npos ||
      text::HasControlCharacters(p.sms_signature)) {
    return InvalidField("smsSignature", "must be 2 to 12 characters without brackets");
  }
  if (p.urgent_categories.size() > 20) {
    return InvalidField("urgentCategories", "at most 20 categories");
  }
  for (size_t i = 0; i < p.urgent_categories.size(); ++i) {
    const std::string& c = p.urgent_categories[i];
    if (c.empty() || c.size() > 32 || !std::all_of(c.begin(), c.end(), [](char ch) {
          return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
        })) {
      return InvalidField(absl::StrCat("urgentCategories[", i, "]"),
                          "must be 1 to 32 lower case letters, digits or _");
    }
  }
  for (const auto& [channel, cap] : p.daily_caps) {
    if (cap < 0 || cap > 100) {
      return InvalidField("dailyCaps", absl::StrCat(channel, ": must be between 0 and 100"));
    }
  }
  return absl::OkStatus();
}

std::vector<std::string> UncappedCategories(const SendPolicy& policy) {
  std::vector<std::string> out = policy.urgent_categories;
  out.push_back(kUncappedCategory);
  return out;
}

bool IsUrgent(const SendPolicy& policy, const std::string& category) {
  return std::find(policy.urgent_categories.begin(), policy.urgent_categories.end(), category) !=
         policy.urgent_categories.end();
}

absl::Time EarliestSendTime(const SendPolicy& policy, const std::string& category, absl::Time now) {
  if (!policy.quiet_enabled || IsUrgent(policy, category)) return now;
  const int start = ParseClockMinutes(policy.quiet_start);
  const int end = ParseClockMinutes(policy.quiet_end);
  if (start < 0 || end < 0 || start == end) return now;
  const absl::TimeZone zone = TenantZone(policy);
  const absl::CivilSecond local = absl::ToCivilSecond(now, zone);
  const int minute = local.hour() * 60 + local.minute();
  const bool spans_midnight = start > end;
  const bool quiet =
      spans_midnight ? (minute >= start || minute < end) : (minute >= start && minute < end);
  if (!quiet) return now;
  absl::CivilDay day = absl::CivilDay(local);
  // 23:00 with 21:00–08:00 waits for tomorrow's 08:00; 06:00 for today's.
  if (spans_midnight && minute >= start) day += 1;
  return absl::FromCivil(absl::CivilMinute(day.year(), day.month(), day.day(), end / 60, end % 60),
                         zone);
}

absl::CivilDay TenantDay(const SendPolicy& policy, absl::Time t) {
  return absl::ToCivilDay(t, TenantZone(policy));
}

int DailyCap(const SendPolicy& policy, const std::string& channel, const std::string& category) {
  if (IsUrgent(policy, category) || category == kUncappedCategory) return 0;
  auto it = policy.daily_caps.find(channel);
  return it == policy.daily_caps.end() ? 0 : it->second;
}

}  // namespace qq::notification
