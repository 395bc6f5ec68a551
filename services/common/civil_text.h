// Local times of day and weekdays as the APIs write them: "HH:MM" and ISO weekday
// numbers (1 = Monday … 7 = Sunday).
#pragma once

#include <optional>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace qq {

// "HH:MM" → minutes after midnight, 00:00..24:00 (the caller decides whether 24:00, the
// end of the day, is allowed); nullopt for anything else.
std::optional<int> ParseTimeOfDay(absl::string_view text);

// 1 = Monday … 7 = Sunday.
int IsoWeekday(absl::CivilDay day);

// Beijing time (Asia/Shanghai; UTC+8 when the zone database is missing), which the business
// runs on: order numbers' days, couriers' shifts, ETAs on timelines. Loaded once. (SLA
// calendars and standing orders take the zone of the tenant's calendar instead.)
const absl::TimeZone& BeijingTime();

}  // namespace qq
