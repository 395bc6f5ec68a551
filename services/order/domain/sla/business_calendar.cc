#include "services/order/domain/sla/business_calendar.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <numeric>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "services/order/domain/sla/field_error.h"

namespace qq::order::sla {

namespace {

std::string Clock(int minute) { return absl::StrFormat("%02d:%02d", minute / 60, minute % 60); }

absl::Status ValidatePeriods(const std::vector<WorkingPeriod>& periods, absl::string_view owner) {
  for (size_t i = 0; i < periods.size(); ++i) {
    const WorkingPeriod& p = periods[i];
    const std::string field = absl::StrCat(owner, ".periods[", i, "]");
    if (p.start_minute < 0 || p.start_minute > kMinutesPerDay || p.end_minute < 0 ||
        p.end_minute > kMinutesPerDay) {
      return InvalidField(field, absl::StrCat("minutes must lie in 0..", kMinutesPerDay, ", got [",
                                              p.start_minute, ", ", p.end_minute, ")"));
    }
    if (p.start_minute >= p.end_minute) {
      return InvalidField(field, absl::StrCat("start ", Clock(p.start_minute),
                                              " must be before end ", Clock(p.end_minute)));
    }
    if (i > 0 && p.start_minute < periods[i - 1].end_minute) {
      return InvalidField(field, absl::StrCat("starts at ", Clock(p.start_minute),
                                              ", before the previous period ends at ",
                                              Clock(periods[i - 1].end_minute),
                                              " (periods must be sorted and must not overlap)"));
    }
  }
  return absl::OkStatus();
}

absl::Duration PeriodsLength(const std::vector<WorkingPeriod>& periods) {
  int minutes = 0;
  for (const WorkingPeriod& p : periods) minutes += p.end_minute - p.start_minute;
  return absl::Minutes(minutes);
}

// The instant a local wall clock first shows `minute` minutes after the midnight that
// begins `day`: inside a DST gap that is the end of the gap, in a repeated hour the
// earlier of the two.
absl::Time LocalInstant(const absl::TimeZone& tz, absl::CivilDay day, int minute) {
  const absl::TimeZone::TimeInfo info = tz.At(absl::CivilSecond(day) + int64_t{minute} * 60);
  return info.kind == absl::TimeZone::TimeInfo::SKIPPED ? info.trans : info.pre;
}

struct WalkResult {
  absl::Duration worked = absl::ZeroDuration();
  bool budget_reached = false;
  absl::Time reached_at = absl::InfiniteFuture();  // meaningful when budget_reached
};

}  // namespace

struct BusinessCalendar::Rep {
  absl::TimeZone tz;
  std::array<std::vector<WorkingPeriod>, 7> weekdays;
  std::vector<absl::CivilDay> holidays;  // sorted, unique
  // Sorted by date, unique dates; periods already resolved (Monday's when unset).
  std::vector<std::pair<absl::CivilDay, std::vector<WorkingPeriod>>> make_up_days;
  std::vector<absl::CivilDay> special_days;  // holidays and make-up days, sorted, unique
  absl::Duration regular_week;               // working time of a week without special days

  const std::vector<WorkingPeriod>& PeriodsOn(absl::CivilDay day) const;
  int64_t SkippableWeeks(absl::CivilDay day, absl::Time until, absl::Duration remaining) const;
  WalkResult Walk(absl::Time from, absl::Time until, absl::Duration budget) const;
};

const std::vector<WorkingPeriod>& BusinessCalendar::Rep::PeriodsOn(absl::CivilDay day) const {
  static const std::vector<WorkingPeriod>* const kNone = new std::vector<WorkingPeriod>();
  if (std::binary_search(holidays.begin(), holidays.end(), day)) return *kNone;
  auto make_up =
      std::lower_bound(make_up_days.begin(), make_up_days.end(), day,
                       [](const auto& entry, absl::CivilDay d) { return entry.first < d; });
  if (make_up != make_up_days.end() && make_up->first == day) return make_up->second;
  return weekdays[static_cast<int>(absl::GetWeekday(day))];
}

// Whole weeks from Monday `day` on that may be skipped without looking at each day: they
// hold no special day and no time-zone transition (so each works exactly regular_week),
// end no later than `until`, and leave some of `remaining` to use after them.
int64_t BusinessCalendar::Rep::SkippableWeeks(absl::CivilDay day, absl::Time until,
                                              absl::Duration remaining) const {
  int64_t weeks = std::numeric_limits<int64_t>::max();
  auto special = std::lower_bound(special_days.begin(), special_days.end(), day);
  if (special != special_days.end()) weeks = std::min<int64_t>(weeks, (*special - day) / 7);
  if (regular_week == absl::ZeroDuration()) return weeks;  // nothing to count, nothing bends
  absl::TimeZone::CivilTransition transition;
  if (tz.NextTransition(LocalInstant(tz, day, 0), &transition)) {
    const absl::CivilDay first =
        std::min(absl::CivilDay(transition.from), absl::CivilDay(transition.to));
    weeks = std::min<int64_t>(weeks, std::max<int64_t>(0, (first - day) / 7));
  }
  if (until != absl::InfiniteFuture()) {
    weeks = std::min<int64_t>(weeks, std::max<int64_t>(0, (absl::ToCivilDay(until, tz) - day) / 7));
  }
  if (remaining != absl::InfiniteDuration()) {
    absl::Duration rest;
    int64_t by_budget = absl::IDivDuration(remaining, regular_week, &rest);
    if (rest == absl::ZeroDuration()) --by_budget;  // the end falls inside the last week
    weeks = std::min<int64_t>(weeks, std::max<int64_t>(0, by_budget));
  }
  return weeks;
}

// Walks the working time inside [from, until) in order until `budget` of it is used up
// or the interval ends. `from` is finite; `until` or `budget` may be infinite, not both
// unless the calendar has no regular working week (then only special days remain).
WalkResult BusinessCalendar::Rep::Walk(absl::Time from, absl::Time until,
                                       absl::Duration budget) const {
  WalkResult result;
  if (from >= until || budget <= absl::ZeroDuration()) return result;
  const bool bounded = until != absl::InfiniteFuture();
  // Through the day after: a DST shift at midnight can pull a period's start before it.
  const absl::CivilDay last_day = bounded ? absl::ToCivilDay(until, tz) + 1 : absl::CivilDay::max();
  absl::Duration remaining = budget;
  // From the day before, for the same reason.
  absl::CivilDay day = absl::ToCivilDay(from, tz) - 1;
  while (day <= last_day) {
    if (absl::GetWeekday(day) == absl::Weekday::monday && LocalInstant(tz, day, 0) >= from) {
      const bool more_special_days = !special_days.empty() && special_days.back() >= day;
      if (regular_week == absl::ZeroDuration() && !more_special_days) break;  // never again
      const int64_t weeks = SkippableWeeks(day, until, remaining);
      if (weeks > 0) {
        result.worked += regular_week * weeks;
        remaining -= regular_week * weeks;
        day += weeks * 7;
        continue;
      }
    }
    for (const WorkingPeriod& p : PeriodsOn(day)) {
      const absl::Time start = std::max(LocalInstant(tz, day, p.start_minute), from);
      const absl::Time end = std::min(LocalInstant(tz, day, p.end_minute), until);
      if (end <= start) continue;
      const absl::Duration length = end - start;
      if (length >= remaining) {
        result.worked += remaining;
        result.budget_reached = true;
        result.reached_at = start + remaining;
        return result;
      }
      result.worked += length;
      remaining -= length;
    }
    if (day == absl::CivilDay::max()) break;
    ++day;
  }
  return result;
}

BusinessCalendar::BusinessCalendar(std::shared_ptr<const Rep> rep) : rep_(std::move(rep)) {}

absl::StatusOr<BusinessCalendar> BusinessCalendar::Create(const CalendarConfig& config) {
  auto rep = std::make_shared<Rep>();
  if (config.time_zone.empty()) return InvalidField("timeZone", "must name an IANA time zone");
  if (!absl::LoadTimeZone(config.time_zone, &rep->tz)) {
    return InvalidField("timeZone",
                        absl::StrCat("unknown IANA time zone \"", config.time_zone, "\""));
  }
  for (size_t d = 0; d < config.weekdays.size(); ++d) {
    absl::Status status = ValidatePeriods(config.weekdays[d], absl::StrCat("weekdays[", d, "]"));
    if (!status.ok()) return status;
    rep->weekdays[d] = config.weekdays[d];
    rep->regular_week += PeriodsLength(config.weekdays[d]);
  }

  rep->holidays = config.holidays;
  std::sort(rep->holidays.begin(), rep->holidays.end());
  rep->holidays.erase(std::unique(rep->holidays.begin(), rep->holidays.end()), rep->holidays.end());

  std::vector<size_t> order(config.make_up_days.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return config.make_up_days[a].date < config.make_up_days[b].date;
  });
  for (size_t k = 0; k < order.size(); ++k) {
    const size_t i = order[k];
    const MakeUpDay& day = config.make_up_days[i];
    const std::string owner = absl::StrCat("makeUpDays[", i, "]");
    if (k > 0 && config.make_up_days[order[k - 1]].date == day.date) {
      return InvalidField(absl::StrCat(owner, ".date"),
                          absl::StrCat(absl::FormatCivilTime(day.date),
                                       " is already listed as makeUpDays[", order[k - 1], "]"));
    }
    if (std::binary_search(rep->holidays.begin(), rep->holidays.end(), day.date)) {
      return InvalidField(
          absl::StrCat(owner, ".date"),
          absl::StrCat(absl::FormatCivilTime(day.date), " is also listed as a holiday"));
    }
    if (day.periods.has_value()) {
      absl::Status status = ValidatePeriods(*day.periods, owner);
      if (!status.ok()) return status;
    }
    rep->make_up_days.emplace_back(day.date,
                                   day.periods.has_value() ? *day.periods : config.weekdays[0]);
  }

  rep->special_days = rep->holidays;
  for (const auto& [date, periods] : rep->make_up_days) rep->special_days.push_back(date);
  std::sort(rep->special_days.begin(), rep->special_days.end());
  return BusinessCalendar(std::move(rep));
}

BusinessCalendar BusinessCalendar::AroundTheClock() {
  auto rep = std::make_shared<Rep>();
  rep->tz = absl::UTCTimeZone();
  for (auto& periods : rep->weekdays) periods = {WorkingPeriod{0, kMinutesPerDay}};
  rep->regular_week = absl::Hours(7 * 24);
  return BusinessCalendar(std::move(rep));
}

absl::Time BusinessCalendar::AddWorkingTime(absl::Time start, absl::Duration d) const {
  if (d <= absl::ZeroDuration() || start == absl::InfiniteFuture() ||
      start == absl::InfinitePast()) {
    return start;
  }
  if (d == absl::InfiniteDuration()) return absl::InfiniteFuture();
  const WalkResult walk = rep_->Walk(start, absl::InfiniteFuture(), d);
  return walk.budget_reached ? walk.reached_at : absl::InfiniteFuture();
}

absl::Duration BusinessCalendar::WorkingTimeBetween(absl::Time a, absl::Time b) const {
  if (b <= a) return absl::ZeroDuration();
  if (a == absl::InfinitePast() || b == absl::InfiniteFuture()) {
    // A regular week repeats forever; without one only the special days can work.
    if (rep_->regular_week > absl::ZeroDuration()) return absl::InfiniteDuration();
    if (a == absl::InfinitePast()) {
      if (rep_->special_days.empty()) return absl::ZeroDuration();
      a = LocalInstant(rep_->tz, rep_->special_days.front() - 1, 0);
      if (b <= a) return absl::ZeroDuration();
    }
  }
  return rep_->Walk(a, b, absl::InfiniteDuration()).worked;
}

bool BusinessCalendar::IsWorkingTime(absl::Time t) const {
  if (t == absl::InfiniteFuture() || t == absl::InfinitePast()) return false;
  const absl::CivilDay today = absl::ToCivilDay(t, rep_->tz);
  for (absl::CivilDay day = today - 1; day <= today + 1; ++day) {
    for (const WorkingPeriod& p : rep_->PeriodsOn(day)) {
      if (LocalInstant(rep_->tz, day, p.start_minute) <= t &&
          t < LocalInstant(rep_->tz, day, p.end_minute)) {
        return true;
      }
    }
  }
  return false;
}

const absl::TimeZone& BusinessCalendar::time_zone() const { return rep_->tz; }

}  // namespace qq::order::sla
