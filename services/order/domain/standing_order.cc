#include "services/order/domain/standing_order.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/civil_text.h"
#include "services/common/status.h"

namespace qq::order {
namespace {

namespace v1 = qingquan::order::v1;

// Far enough for any allowed interval (a year) plus every skipped day.
constexpr int kSearchHorizonDays = 4000;

int MaxIntervalFor(Recurrence::Frequency frequency) {
  switch (frequency) {
    case Recurrence::DAILY:
      return kMaxInterval;
    case Recurrence::WEEKLY:
      return 52;
    default:
      return 12;
  }
}

absl::CivilDay MondayOf(absl::CivilDay day) { return day - (IsoWeekday(day) - 1); }

int DaysInMonth(absl::CivilDay day) {
  const absl::CivilMonth month(day);
  return static_cast<int>(absl::CivilDay(month + 1) - absl::CivilDay(month));
}

bool Matches(const StandingSchedule& s, absl::CivilDay day) {
  if (day < s.start || (s.end && day > *s.end)) return false;
  if (std::binary_search(s.skips.begin(), s.skips.end(), day)) return false;
  switch (s.frequency) {
    case Recurrence::DAILY:
      return (day - s.start) % s.interval == 0;
    case Recurrence::WEEKLY: {
      if (!std::binary_search(s.weekdays.begin(), s.weekdays.end(), IsoWeekday(day))) return false;
      return ((MondayOf(day) - MondayOf(s.start)) / 7) % s.interval == 0;
    }
    case Recurrence::MONTHLY: {
      if ((absl::CivilMonth(day) - absl::CivilMonth(s.start)) % s.interval != 0) return false;
      const int last = DaysInMonth(day);
      for (int m : s.month_days) {
        const int wanted = (m == -1 || m > last) ? last : m;
        if (day.day() == wanted) return true;
      }
      return false;
    }
    default:
      return false;
  }
}

}  // namespace

std::optional<absl::CivilDay> ParseIsoDay(absl::string_view text) {
  absl::CivilDay day;
  if (text.size() != 10 || !absl::ParseCivilTime(text, &day)) return std::nullopt;
  if (day.year() < 2000 || day.year() > 2199) return std::nullopt;
  return day;
}

std::string IsoDay(absl::CivilDay day) { return absl::FormatCivilTime(day); }

absl::StatusOr<StandingSchedule> CheckStandingSchedule(const StandingOrder& in,
                                                       absl::CivilDay today) {
  StandingSchedule s;
  const Recurrence& r = in.recurrence();
  s.frequency = r.frequency();
  if (s.frequency == Recurrence::FREQUENCY_UNSPECIFIED) {
    return InvalidField("recurrence.frequency", "is required: DAILY, WEEKLY or MONTHLY");
  }
  s.interval = r.interval() == 0 ? 1 : r.interval();
  if (s.interval < 1 || s.interval > MaxIntervalFor(s.frequency)) {
    return InvalidField("recurrence.interval",
                        absl::StrCat("must be between 1 and ", MaxIntervalFor(s.frequency)));
  }
  if (s.frequency == Recurrence::WEEKLY) {
    if (r.weekdays_size() == 0) {
      return InvalidField("recurrence.weekdays",
                          "needs at least one day (1 = Monday … 7 = Sunday)");
    }
    for (int i = 0; i < r.weekdays_size(); ++i) {
      if (r.weekdays(i) < 1 || r.weekdays(i) > 7) {
        return InvalidField(absl::StrCat("recurrence.weekdays[", i, "]"),
                            "must be 1 (Monday) to 7 (Sunday)");
      }
      s.weekdays.push_back(r.weekdays(i));
    }
  } else if (r.weekdays_size() > 0) {
    return InvalidField("recurrence.weekdays", "only a WEEKLY recurrence takes weekdays");
  }
  if (s.frequency == Recurrence::MONTHLY) {
    if (r.month_days_size() == 0) {
      return InvalidField("recurrence.monthDays", "needs at least one day (1..31, -1 = last)");
    }
    for (int i = 0; i < r.month_days_size(); ++i) {
      const int d = r.month_days(i);
      if (d != -1 && (d < 1 || d > 31)) {
        return InvalidField(absl::StrCat("recurrence.monthDays[", i, "]"),
                            "must be 1..31, or -1 for the last day");
      }
      s.month_days.push_back(d);
    }
  } else if (r.month_days_size() > 0) {
    return InvalidField("recurrence.monthDays", "only a MONTHLY recurrence takes month days");
  }
  for (auto* days : {&s.weekdays, &s.month_days}) {
    std::sort(days->begin(), days->end());
    days->erase(std::unique(days->begin(), days->end()), days->end());
  }
  s.start = today;
  if (!r.start_date().empty()) {
    auto start = ParseIsoDay(r.start_date());
    if (!start) return InvalidField("recurrence.startDate", "must be a date YYYY-MM-DD");
    s.start = *start;
  }
  if (!r.end_date().empty()) {
    auto end = ParseIsoDay(r.end_date());
    if (!end) return InvalidField("recurrence.endDate", "must be a date YYYY-MM-DD");
    if (*end < s.start) return InvalidField("recurrence.endDate", "is before the start date");
    if (*end < today) return InvalidField("recurrence.endDate", "has already passed");
    s.end = *end;
  }
  if (static_cast<size_t>(r.skip_dates_size()) > kMaxSkipDates) {
    return InvalidField("recurrence.skipDates",
                        absl::StrCat("has more than ", kMaxSkipDates, " dates"));
  }
  for (int i = 0; i < r.skip_dates_size(); ++i) {
    auto day = ParseIsoDay(r.skip_dates(i));
    if (!day) {
      return InvalidField(absl::StrCat("recurrence.skipDates[", i, "]"),
                          "must be a date YYYY-MM-DD");
    }
    s.skips.push_back(*day);
  }
  std::sort(s.skips.begin(), s.skips.end());
  s.skips.erase(std::unique(s.skips.begin(), s.skips.end()), s.skips.end());

  if (!in.window_start_local().empty()) {
    auto minute = ParseTimeOfDay(in.window_start_local());
    if (!minute || *minute >= 24 * 60) {
      return InvalidField("windowStartLocal", "must be a local time HH:MM, 00:00..23:59");
    }
    s.window_start_minute = *minute;
    s.has_window_start = true;
  }
  if (!in.window_end_local().empty()) {
    auto minute = ParseTimeOfDay(in.window_end_local());
    if (!minute || *minute == 0) {
      return InvalidField("windowEndLocal", "must be a local time HH:MM, 00:01..24:00");
    }
    s.window_end_minute = *minute;
    s.has_window_end = true;
  }
  if (s.window_end_minute <= s.window_start_minute) {
    return InvalidField("windowEndLocal", "must be after windowStartLocal");
  }
  if (in.has_lead_days()) {
    if (in.lead_days() < 0 || in.lead_days() > kMaxLeadDays) {
      return InvalidField("leadDays", absl::StrCat("must be between 0 and ", kMaxLeadDays));
    }
    s.lead_days = in.lead_days();
  }
  if (!NextDeliveryDay(s, std::max(s.start, today))) {
    return InvalidField("recurrence", "never delivers: no day between the start and the end fits");
  }
  return s;
}

absl::StatusOr<DeliveryOrderDraft> CheckStandingOrderTemplate(const StandingOrder& in) {
  v1::DeliveryOrder order;
  order.set_channel(in.channel());
  order.set_customer_id(in.customer_id());
  order.set_address_id(in.address_id());
  *order.mutable_items() = in.items();
  order.set_payment(in.payment());
  order.set_notes(in.notes());
  return CheckNewDeliveryOrder(order, absl::InfinitePast());
}

std::optional<absl::CivilDay> NextDeliveryDay(const StandingSchedule& schedule,
                                              absl::CivilDay from) {
  absl::CivilDay day = std::max(from, schedule.start);
  for (int i = 0; i < kSearchHorizonDays; ++i, ++day) {
    if (schedule.end && day > *schedule.end) return std::nullopt;
    if (Matches(schedule, day)) return day;
  }
  return std::nullopt;
}

Occurrence OccurrenceOn(const StandingSchedule& schedule, absl::CivilDay day,
                        const absl::TimeZone& zone) {
  const absl::CivilMinute midnight(day);
  return Occurrence{.day = day,
                    .create_at = absl::FromCivil(absl::CivilDay(day - schedule.lead_days), zone),
                    .window_start = absl::FromCivil(midnight + schedule.window_start_minute, zone),
                    .window_end = absl::FromCivil(midnight + schedule.window_end_minute, zone)};
}

std::optional<Occurrence> NextOpenOccurrence(const StandingSchedule& schedule, absl::CivilDay from,
                                             absl::Time now, const absl::TimeZone& zone) {
  std::optional<absl::CivilDay> day = NextDeliveryDay(schedule, from);
  while (day) {
    Occurrence occurrence = OccurrenceOn(schedule, *day, zone);
    if (occurrence.window_end > now) return occurrence;
    day = NextDeliveryDay(schedule, *day + 1);
  }
  return std::nullopt;
}

}  // namespace qq::order
