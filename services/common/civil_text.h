// Local times of day and weekdays as the APIs write them: "HH:MM" and ISO weekday
// numbers (1 = Monday … 7 = Sunday).
#pragma once

#include <optional>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace qq {

// "HH:MM" → minutes after midnight, 00:00..24:00 (the caller decides whether 24:00, the
// end of the day, is allowed); nullopt for anything else.
std::optional<int> ParseTimeOfDay(absl::string_view text);

// 1 = Monday … 7 = Sunday.
int IsoWeekday(absl::CivilDay day);

}  // namespace qq
