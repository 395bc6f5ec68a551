// When and whether a message may go out: the tenant's quiet hours (in its own time
// zone), urgent categories and daily caps per channel. Pure: no I/O.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace qq::notification {

struct SendPolicy {
  bool quiet_enabled = true;
  std::string quiet_start = "21:00";  // tenant wall clock
  std::string quiet_end = "08:00";
  std::vector<std::string> urgent_categories = {"outage"};
  std::map<std::string, int> daily_caps = {{"SMS", 3}, {"WECHAT", 5}};  // 0: none
  std::string sms_signature = "清泉";
  std::string time_zone = "Asia/Shanghai";
};

// Field errors name the JSON path under `settings` (quietHours.start, timeZone, …).
absl::Status ValidateSendPolicy(const SendPolicy& policy);

// "HH:MM" → minutes after midnight, or -1 when it is not a time.
int ParseClockMinutes(const std::string& text);

bool IsUrgent(const SendPolicy& policy, const std::string& category);

// The earliest time at or after `now` a message of `category` may be sent: `now`, or the
// end of the quiet time it falls in (tomorrow's 08:00 for 23:00), in the tenant's zone.
absl::Time EarliestSendTime(const SendPolicy& policy, const std::string& category, absl::Time now);

// The tenant's zone (UTC+8 when the zone database does not know the name).
absl::TimeZone TenantZone(const SendPolicy& policy);

// The tenant day a send time belongs to (daily caps count per local day).
absl::CivilDay TenantDay(const SendPolicy& policy, absl::Time t);

// News about an order the customer is waiting for (accepted, on the way, done) is never
// capped: the caps hold back surveys, marketing and care messages.
inline constexpr char kUncappedCategory[] = "service";
std::vector<std::string> UncappedCategories(const SendPolicy& policy);

// 0 when the channel has no cap, or the category is urgent or "service".
int DailyCap(const SendPolicy& policy, const std::string& channel, const std::string& category);

}  // namespace qq::notification
