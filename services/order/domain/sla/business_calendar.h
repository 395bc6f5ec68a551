// A tenant's business calendar: when its people work, in its own time zone. Answers how
// much working time lies between two instants and when a given amount of working time
// has passed. Pure: no I/O, no clock is read (every instant is a parameter).
//
// Working periods are local wall-clock times of day, so DST is honoured: a period that
// a spring-forward gap cuts short is that much shorter, and one that a fall-back repeat
// lengthens is that much longer. A local time that does not exist (inside a gap) means
// the first instant after the gap; one that exists twice means the earlier instant.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace qq::order::sla {

inline constexpr int kMinutesPerDay = 24 * 60;

// [start, end) in minutes after local midnight, 0 <= start < end <= 1440.
struct WorkingPeriod {
  int start_minute = 0;
  int end_minute = 0;
};

// A day worked although its weekday normally is not (调休), e.g. the Saturday that
// makes up for a holiday bridge day.
struct MakeUpDay {
  absl::CivilDay date;
  // The periods worked that day; unset means the Monday periods.
  std::optional<std::vector<WorkingPeriod>> periods;
};

struct CalendarConfig {
  // IANA name, e.g. "Asia/Shanghai" or "Europe/Berlin".
  std::string time_zone = "Asia/Shanghai";
  // Index 0 is Monday, 6 is Sunday. Each list sorted, non-overlapping.
  std::array<std::vector<WorkingPeriod>, 7> weekdays;
  // Local dates off even if their weekday works. Duplicates are harmless.
  std::vector<absl::CivilDay> holidays;
  // Local dates worked with their own periods; none may also be a holiday.
  std::vector<MakeUpDay> make_up_days;
};

class BusinessCalendar {
 public:
  // INVALID_ARGUMENT naming the offending field (lowerCamelCase path, also attached as the
  // "qingquan.dev/field" payload) for: an empty or unknown time zone ("timeZone"); a period
  // outside 0..1440, empty, or overlapping/out of order with the one before it
  // ("weekdays[0].periods[1]", "makeUpDays[2].periods[0]"); a make-up day listed twice or
  // also listed as a holiday ("makeUpDays[1].date").
  static absl::StatusOr<BusinessCalendar> Create(const CalendarConfig& config);

  // Every minute of every day works, in UTC.
  static BusinessCalendar AroundTheClock();

  // The earliest instant t >= start such that WorkingTimeBetween(start, t) >= d. So d <= 0
  // gives `start`, a start outside working time begins counting at the next working period,
  // and an end exactly at a period's close is that close (not the next opening).
  // absl::InfiniteFuture() when the calendar never accumulates `d` (no working time left,
  // infinite d). Jumps over whole regular weeks: cost grows with the number of holidays,
  // make-up days and time-zone transitions crossed, not with `d`.
  absl::Time AddWorkingTime(absl::Time start, absl::Duration d) const;

  // Working time inside [a, b); zero when b <= a.
  absl::Duration WorkingTimeBetween(absl::Time a, absl::Time b) const;

  // Whether t lies inside a working period (start inclusive, end exclusive).
  bool IsWorkingTime(absl::Time t) const;

  const absl::TimeZone& time_zone() const;

 private:
  struct Rep;
  explicit BusinessCalendar(std::shared_ptr<const Rep> rep);

  std::shared_ptr<const Rep> rep_;  // immutable, so copies are cheap and thread-safe
};

}  // namespace qq::order::sla
