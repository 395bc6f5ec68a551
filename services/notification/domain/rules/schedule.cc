#include "services/notification/domain/rules/schedule.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "services/common/civil_text.h"

namespace qq::notification::rules {
namespace {

constexpr absl::string_view kDayNames[] = {"MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"};
constexpr absl::string_view kForms =
    "expected 'daily HH:MM', 'weekly MON[,TUE…] HH:MM', 'every N minutes' or 'every N hours'";

absl::StatusOr<int> ParseClock(absl::string_view text) {
  const std::optional<int> minutes = ParseTimeOfDay(text);
  if (!minutes || *minutes >= 24 * 60) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text, "' is not a time of day (HH:MM, 00:00 to 23:59)"));
  }
  return *minutes;
}

// The instant a local time means: a skipped time (DST gap) means the gap's end, a repeated
// one its first occurrence.
absl::Time AtLocal(absl::CivilSecond local, const absl::TimeZone& tz) {
  const absl::TimeZone::TimeInfo info = tz.At(local);
  return info.kind == absl::TimeZone::TimeInfo::SKIPPED ? info.trans : info.pre;
}

}  // namespace

std::string Schedule::ToString() const {
  const std::string clock = absl::StrFormat("%02d:%02d", minute_of_day / 60, minute_of_day % 60);
  switch (kind) {
    case Kind::kDaily:
      return absl::StrCat("daily ", clock);
    case Kind::kWeekly: {
      std::vector<absl::string_view> days;
      for (int i = 0; i < 7; ++i) {
        if (weekdays & (1u << i)) days.push_back(kDayNames[i]);
      }
      return absl::StrCat("weekly ", absl::StrJoin(days, ","), " ", clock);
    }
    case Kind::kInterval:
      return interval_in_hours ? absl::StrCat("every ", interval_minutes / 60, " hours")
                               : absl::StrCat("every ", interval_minutes, " minutes");
  }
  return "";
}

absl::StatusOr<Schedule> ParseSchedule(absl::string_view text) {
  const std::string lower = absl::AsciiStrToLower(absl::StripAsciiWhitespace(text));
  const std::vector<absl::string_view> words =
      absl::StrSplit(lower, absl::ByAnyChar(" \t"), absl::SkipEmpty());
  Schedule schedule;
  if (words.size() == 2 && words[0] == "daily") {
    schedule.kind = Schedule::Kind::kDaily;
    auto clock = ParseClock(words[1]);
    if (!clock.ok()) return clock.status();
    schedule.minute_of_day = *clock;
    return schedule;
  }
  if (words.size() >= 3 && words[0] == "weekly") {
    schedule.kind = Schedule::Kind::kWeekly;
    // "MON, THU" and "MON,THU" alike: the days are everything between the word and the time.
    std::string days;
    for (size_t i = 1; i + 1 < words.size(); ++i) absl::StrAppend(&days, words[i]);
    for (absl::string_view day : absl::StrSplit(days, ',')) {
      int index = -1;
      for (int i = 0; i < 7; ++i) {
        if (absl::EqualsIgnoreCase(day, kDayNames[i])) index = i;
      }
      if (index < 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("'", absl::AsciiStrToUpper(day), "' is not a weekday (MON … SUN)"));
      }
      schedule.weekdays |= static_cast<uint8_t>(1u << index);
    }
    auto clock = ParseClock(words.back());
    if (!clock.ok()) return clock.status();
    schedule.minute_of_day = *clock;
    return schedule;
  }
  if (words.size() == 3 && words[0] == "every") {
    schedule.kind = Schedule::Kind::kInterval;
    int n = 0;
    if (!absl::SimpleAtoi(words[1], &n)) {
      return absl::InvalidArgumentError(absl::StrCat("'", words[1], "' is not a whole number"));
    }
    if (words[2] == "minutes" || words[2] == "minute") {
      if (n < kMinIntervalMinutes || n > kMaxIntervalMinutes) {
        return absl::InvalidArgumentError(absl::StrCat(
            "every N minutes needs ", kMinIntervalMinutes, " ≤ N ≤ ", kMaxIntervalMinutes));
      }
      schedule.interval_minutes = n;
      return schedule;
    }
    if (words[2] == "hours" || words[2] == "hour") {
      if (n < 1 || n > 24) return absl::InvalidArgumentError("every N hours needs 1 ≤ N ≤ 24");
      schedule.interval_minutes = n * 60;
      schedule.interval_in_hours = true;
      return schedule;
    }
  }
  return absl::InvalidArgumentError(std::string(kForms));
}

absl::Time NextFireTime(const Schedule& schedule, absl::Time after, const absl::TimeZone& tz) {
  // Start a day early: around a repeated hour, `after`'s local day may already have a
  // candidate later than `after`.
  absl::CivilDay day = absl::CivilDay(tz.At(after).cs) - 1;
  if (schedule.kind == Schedule::Kind::kInterval) {
    const absl::Duration interval = absl::Minutes(schedule.interval_minutes);
    for (;; ++day) {
      const absl::Time start = AtLocal(absl::CivilSecond(day), tz);
      const absl::Time next_day = AtLocal(absl::CivilSecond(day + 1), tz);
      if (next_day <= after) continue;
      if (start > after) return start;
      absl::Duration rest;
      const int64_t done = absl::IDivDuration(after - start, interval, &rest);
      const absl::Time t = start + (done + 1) * interval;
      return t < next_day ? t : next_day;
    }
  }
  for (int i = 0; i < 9; ++i, ++day) {
    if (schedule.kind == Schedule::Kind::kWeekly &&
        !(schedule.weekdays & (1u << (IsoWeekday(day) - 1)))) {
      continue;
    }
    const absl::Time t = AtLocal(absl::CivilMinute(day) + schedule.minute_of_day, tz);
    if (t > after) return t;
  }
  // Only a weekly schedule without days gets here (ParseSchedule makes none).
  return absl::InfiniteFuture();
}

}  // namespace qq::notification::rules
