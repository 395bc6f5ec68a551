// When a scheduled rule runs, in the tenant's time zone: "daily 09:00",
// "weekly MON,THU 09:00", "every 10 minutes", "every 2 hours". Pure: no I/O.
#pragma once

#include <cstdint>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace qq::notification::rules {

inline constexpr int kMinIntervalMinutes = 5;
inline constexpr int kMaxIntervalMinutes = 24 * 60;

struct Schedule {
  enum class Kind : uint8_t { kDaily, kWeekly, kInterval };
  Kind kind = Kind::kDaily;
  int minute_of_day = 0;           // kDaily, kWeekly: local time, 0..1439
  uint8_t weekdays = 0;            // kWeekly: bit 0 Monday … bit 6 Sunday
  int interval_minutes = 0;        // kInterval
  bool interval_in_hours = false;  // written "every N hours" (for ToString)

  // The canonical text ("weekly MON,THU 09:00"); ParseSchedule of it gives this schedule.
  std::string ToString() const;
  bool operator==(const Schedule&) const = default;
};

// Parses, case-insensitively and with spaces trimmed:
//   daily HH:MM
//   weekly DAY[,DAY…] HH:MM     DAY one of MON TUE WED THU FRI SAT SUN
//   every N minutes             5 ≤ N ≤ 1440
//   every N hours               1 ≤ N ≤ 24
// INVALID_ARGUMENT saying what is wrong (no field: the caller knows where the text was).
absl::StatusOr<Schedule> ParseSchedule(absl::string_view text);

// The first time strictly after `after` at which the schedule fires, in `tz`:
// - daily/weekly: at the local time on the matching days. A local time that a DST change
//   skips fires at the change (02:30 on Berlin's spring-forward day fires at 03:00 CEST);
//   one that repeats fires once, the first time.
// - intervals: at the start of each local day and every N minutes after it (real minutes)
//   until the next day starts, so "every 10 minutes" fires at :00, :10, … and "every 7
//   hours" at 00:00, 07:00, 14:00, 21:00, 00:00.
// Strictly after: passing the last fire time gives the next one, never the same.
absl::Time NextFireTime(const Schedule& schedule, absl::Time after, const absl::TimeZone& tz);

}  // namespace qq::notification::rules
