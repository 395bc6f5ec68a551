#include "services/order/domain/sla/business_calendar.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace qq::order::sla {
namespace {

constexpr int kMon = 0, kTue = 1, kWed = 2, kThu = 3, kFri = 4, kSat = 5, kSun = 6;

// Mon–Fri 08:30–12:00 and 13:30–17:30 (7.5 h a day, 37.5 h a week); 国庆 2026 off from
// Thursday 10-01 to Wednesday 10-07, made up on Sunday 09-27 and Saturday 10-10.
CalendarConfig ShanghaiOfficeConfig() {
  CalendarConfig config;
  config.time_zone = "Asia/Shanghai";
  for (int d = kMon; d <= kFri; ++d)
    config.weekdays[d] = {{8 * 60 + 30, 12 * 60}, {13 * 60 + 30, 17 * 60 + 30}};
  for (int day = 1; day <= 7; ++day) config.holidays.push_back(absl::CivilDay(2026, 10, day));
  config.make_up_days = {{absl::CivilDay(2026, 9, 27)}, {absl::CivilDay(2026, 10, 10)}};
  return config;
}

BusinessCalendar MustCreate(const CalendarConfig& config) {
  absl::StatusOr<BusinessCalendar> calendar = BusinessCalendar::Create(config);
  EXPECT_TRUE(calendar.ok()) << calendar.status();
  return calendar.ok() ? *calendar : BusinessCalendar::AroundTheClock();
}

absl::Time At(const BusinessCalendar& calendar, int y, int m, int d, int hh, int mm, int ss = 0) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, ss), calendar.time_zone());
}

absl::Time Utc(int y, int m, int d, int hh, int mm) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), absl::UTCTimeZone());
}

// Local wall-clock time, so failures read like the calendar.
std::string Local(const BusinessCalendar& calendar, absl::Time t) {
  if (t == absl::InfiniteFuture()) return "infinite-future";
  return absl::FormatTime("%Y-%m-%d %H:%M:%S %a", t, calendar.time_zone());
}

class ShanghaiOfficeTest : public ::testing::Test {
 protected:
  BusinessCalendar cal_ = MustCreate(ShanghaiOfficeConfig());
};

TEST_F(ShanghaiOfficeTest, RepairReportedFridayFivePmWithFourHoursIsDueMondayNoon) {
  // 30 min on Friday (17:00–17:30) + 3.5 h on Monday morning: exactly the morning's close.
  EXPECT_EQ(Local(cal_, cal_.AddWorkingTime(At(cal_, 2026, 3, 13, 17, 0), absl::Hours(4))),
            "2026-03-16 12:00:00 Mon");
  // With 3.5 working hours the same repair is due Monday 11:30.
  EXPECT_EQ(Local(cal_, cal_.AddWorkingTime(At(cal_, 2026, 3, 13, 17, 0), absl::Minutes(210))),
            "2026-03-16 11:30:00 Mon");
  // Instants are absolute: Monday 12:00 in Shanghai is 04:00 UTC.
  EXPECT_EQ(cal_.AddWorkingTime(At(cal_, 2026, 3, 13, 17, 0), absl::Hours(4)),
            Utc(2026, 3, 16, 4, 0));
}

TEST_F(ShanghaiOfficeTest, DeadlineAtThePeriodsCloseIsTheCloseNotTheNextOpening) {
  EXPECT_EQ(Local(cal_, cal_.AddWorkingTime(At(cal_, 2026, 3, 11, 11, 0), absl::Hours(1))),
            "2026-03-11 12:00:00 Wed");
  EXPECT_EQ(Local(cal_, cal_.AddWorkingTime(At(cal_, 2026, 3, 11, 11, 0), absl::Minutes(61))),
            "2026-03-11 13:31:00 Wed");
}

TEST_F(ShanghaiOfficeTest, StartDuringLunchCountsFromTheAfternoon) {
  const absl::Time lunch = At(cal_, 2026, 3, 11, 12, 40);
  EXPECT_FALSE(cal_.IsWorkingTime(lunch));
  EXPECT_EQ(Local(cal_, cal_.AddWorkingTime(lunch, absl::Hours(1))), "2026-03-11 14:30:00 Wed");
  EXPECT_EQ(cal_.WorkingTimeBetween(lunch, At(cal_, 2026, 3, 11, 14, 30)), absl::Hours(1));
  // Four hours from lunch: 13:30–17:30 fills them exactly.
  EXPECT_EQ(Local(cal_, cal_.AddWorkingTime(lunch, absl::Hours(4))), "2026-03-11 17:30:00 Wed");
}

TEST_F(ShanghaiOfficeTest, StartBeforeOpeningAndAfterClosing) {
  EXPECT_EQ(Local(cal_, cal_.AddWorkingTime(At(cal_, 2026, 3, 11, 6, 0), absl::Minutes(30))),
            "2026-03-11 09:00:00 Wed");
  EXPECT_EQ(Local(cal_, cal_.AddWorkingTime(At(cal_, 2026, 3, 11, 21, 0), absl::Minutes(30))),
            "2026-03-12 09:00:00 Thu");
  // Saturday evening → Monday.
  EXPECT_EQ(Local(cal_, cal_.AddWorkingTime(At(cal_, 2026, 3, 14, 20, 0), absl::Hours(8))),
            "2026-03-17 09:00:00 Tue");
}

TEST_F(ShanghaiOfficeTest, ZeroOrNegativeDurationIsTheStartItself) {
  const absl::Time sunday = At(cal_, 2026, 3, 15, 10, 0);
  EXPECT_EQ(cal_.AddWorkingTime(sunday, absl::ZeroDuration()), sunday);
  EXPECT_EQ(cal_.AddWorkingTime(sunday, absl::Hours(-3)), sunday);
  EXPECT_EQ(cal_.AddWorkingTime(sunday, absl::InfiniteDuration()), absl::InfiniteFuture());
}

TEST_F(ShanghaiOfficeTest, IsWorkingTimeAtTheEdges) {
  EXPECT_TRUE(cal_.IsWorkingTime(At(cal_, 2026, 3, 11, 8, 30)));
  EXPECT_FALSE(cal_.IsWorkingTime(At(cal_, 2026, 3, 11, 8, 29, 59)));
  EXPECT_TRUE(cal_.IsWorkingTime(At(cal_, 2026, 3, 11, 11, 59, 59)));
  EXPECT_FALSE(cal_.IsWorkingTime(At(cal_, 2026, 3, 11, 12, 0)));
  EXPECT_TRUE(cal_.IsWorkingTime(At(cal_, 2026, 3, 11, 13, 30)));
  EXPECT_FALSE(cal_.IsWorkingTime(At(cal_, 2026, 3, 11, 17, 30)));
  EXPECT_FALSE(cal_.IsWorkingTime(At(cal_, 2026, 3, 14, 10, 0)));    // Saturday
  EXPECT_FALSE(cal_.IsWorkingTime(At(cal_, 2026, 10, 2, 10, 0)));    // 国庆, a Friday
  EXPECT_TRUE(cal_.IsWorkingTime(At(cal_, 2026, 9, 27, 10, 0)));     // make-up Sunday
  EXPECT_TRUE(cal_.IsWorkingTime(At(cal_, 2026, 10, 10, 14, 0)));    // make-up Saturday
  EXPECT_FALSE(cal_.IsWorkingTime(At(cal_, 2026, 10, 10, 12, 30)));  // its lunch break
  EXPECT_FALSE(cal_.IsWorkingTime(absl::InfiniteFuture()));
}

TEST_F(ShanghaiOfficeTest, WorkingTimeBetweenOneDayAndOneWeek) {
  EXPECT_EQ(cal_.WorkingTimeBetween(At(cal_, 2026, 3, 9, 0, 0), At(cal_, 2026, 3, 10, 0, 0)),
            absl::Minutes(450));
  EXPECT_EQ(cal_.WorkingTimeBetween(At(cal_, 2026, 3, 9, 10, 0), At(cal_, 2026, 3, 9, 14, 0)),
            absl::Hours(2) + absl::Minutes(30));
  EXPECT_EQ(cal_.WorkingTimeBetween(At(cal_, 2026, 3, 9, 0, 0), At(cal_, 2026, 3, 16, 0, 0)),
            absl::Minutes(37 * 60 + 30));
  // Fourteen regular weeks (skipped whole) plus Monday morning.
  EXPECT_EQ(cal_.WorkingTimeBetween(At(cal_, 2026, 1, 5, 0, 0), At(cal_, 2026, 4, 13, 10, 0)),
            absl::Minutes(14 * (37 * 60 + 30) + 90));
  // Empty or reversed.
  const absl::Time t = At(cal_, 2026, 3, 9, 10, 0);
  EXPECT_EQ(cal_.WorkingTimeBetween(t, t), absl::ZeroDuration());
  EXPECT_EQ(cal_.WorkingTimeBetween(t + absl::Hours(1), t), absl::ZeroDuration());
  EXPECT_EQ(cal_.WorkingTimeBetween(t, absl::InfiniteFuture()), absl::InfiniteDuration());
}

TEST_F(ShanghaiOfficeTest, NationalDayHolidaysAreSkipped) {
  // Wednesday 09-30 16:00: 1.5 h that day, 10-01..10-07 off, Thursday 10-08 08:30 + 2.5 h.
  EXPECT_EQ(Local(cal_, cal_.AddWorkingTime(At(cal_, 2026, 9, 30, 16, 0), absl::Hours(4))),
            "2026-10-08 11:00:00 Thu");
  EXPECT_EQ(cal_.WorkingTimeBetween(At(cal_, 2026, 10, 1, 0, 0), At(cal_, 2026, 10, 8, 0, 0)),
            absl::ZeroDuration());
}

TEST_F(ShanghaiOfficeTest, MakeUpDaysWorkWithMondayPeriods) {
  // Friday 09-25 17:00: 30 min, Saturday off, make-up Sunday 09-27 from 08:30.
  EXPECT_EQ(Local(cal_, cal_.AddWorkingTime(At(cal_, 2026, 9, 25, 17, 0), absl::Hours(2))),
            "2026-09-27 10:00:00 Sun");
  // Friday 10-09 17:00: 30 min, then make-up Saturday 10-10.
  EXPECT_EQ(Local(cal_, cal_.AddWorkingTime(At(cal_, 2026, 10, 9, 17, 0), absl::Hours(1))),
            "2026-10-10 09:00:00 Sat");
  // The fortnight 09-28..10-11: Mon–Wed, Thu–Fri after the holiday, make-up Saturday.
  EXPECT_EQ(cal_.WorkingTimeBetween(At(cal_, 2026, 9, 28, 0, 0), At(cal_, 2026, 10, 12, 0, 0)),
            absl::Minutes(6 * 450));
}

TEST(BusinessCalendarTest, MakeUpDayWithItsOwnPeriods) {
  CalendarConfig config = ShanghaiOfficeConfig();
  config.make_up_days[1].periods = std::vector<WorkingPeriod>{{9 * 60, 12 * 60}};
  const BusinessCalendar cal = MustCreate(config);
  EXPECT_EQ(cal.WorkingTimeBetween(At(cal, 2026, 10, 10, 0, 0), At(cal, 2026, 10, 11, 0, 0)),
            absl::Hours(3));
  EXPECT_FALSE(cal.IsWorkingTime(At(cal, 2026, 10, 10, 8, 45)));
  EXPECT_FALSE(cal.IsWorkingTime(At(cal, 2026, 10, 10, 14, 0)));
  // Friday 17:00 + 4 h: 0.5 Fri, 3 on Saturday, 0.5 on Monday.
  EXPECT_EQ(Local(cal, cal.AddWorkingTime(At(cal, 2026, 10, 9, 17, 0), absl::Hours(4))),
            "2026-10-12 09:00:00 Mon");
}

TEST_F(ShanghaiOfficeTest, AddAndBetweenAgreeEverywhereAroundTheHolidays) {
  // Every 37 minutes over the holiday weeks, for several durations: the result holds
  // exactly `d` of working time, and one second earlier it does not.
  const absl::Duration durations[] = {absl::Minutes(1), absl::Minutes(90),
                                      absl::Hours(4),   absl::Hours(7) + absl::Minutes(30),
                                      absl::Hours(20),  absl::Hours(60)};
  int checked = 0;
  for (absl::Time start = At(cal_, 2026, 9, 24, 0, 0); start < At(cal_, 2026, 10, 13, 0, 0);
       start += absl::Minutes(37)) {
    for (absl::Duration d : durations) {
      const absl::Time end = cal_.AddWorkingTime(start, d);
      ASSERT_EQ(cal_.WorkingTimeBetween(start, end), d) << Local(cal_, start) << " + " << d;
      ASSERT_LT(cal_.WorkingTimeBetween(start, end - absl::Seconds(1)), d)
          << Local(cal_, start) << " + " << d;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 6 * 740);
}

TEST_F(ShanghaiOfficeTest, FourHundredWorkingHoursAcrossNationalDay) {
  // 8 regular weeks (300 h), make-up Sunday (307.5), 09-28..30 (330), 10-08/09 (345),
  // make-up Saturday (352.5), week of 10-12 (390), Monday 10-19 (397.5), 2.5 h on Tuesday.
  const absl::Time start = At(cal_, 2026, 8, 3, 8, 30);
  const absl::Time end = cal_.AddWorkingTime(start, absl::Hours(400));
  EXPECT_EQ(Local(cal_, end), "2026-10-20 11:00:00 Tue");
  EXPECT_EQ(cal_.WorkingTimeBetween(start, end), absl::Hours(400));
}

TEST_F(ShanghaiOfficeTest, VeryLongDurationsJumpWholeWeeks) {
  // 520,000 regular weeks (~10,000 years) from Monday 2027-01-04 08:30 end on the Friday
  // close of the last one. Walking day by day would take millions of steps (and time out).
  constexpr int64_t kWeeks = 520000;
  const absl::Time start = At(cal_, 2027, 1, 4, 8, 30);
  const absl::Time end = cal_.AddWorkingTime(start, absl::Minutes(450 * 5) * kWeeks);
  const absl::CivilDay last_friday = absl::CivilDay(2027, 1, 4) + (kWeeks * 7 - 3);
  EXPECT_EQ(end, At(cal_, last_friday.year(), last_friday.month(), last_friday.day(), 17, 30));
  EXPECT_EQ(absl::FormatCivilTime(last_friday), "11992-12-25");
  EXPECT_EQ(cal_.WorkingTimeBetween(start, end), absl::Minutes(450 * 5) * kWeeks);
}

TEST(BusinessCalendarTest, SparseCalendarSundayMornings) {
  // One hour a week: 400 working hours take 400 Sundays.
  CalendarConfig config;
  config.time_zone = "Asia/Shanghai";
  config.weekdays[kSun] = {{10 * 60, 11 * 60}};
  const BusinessCalendar cal = MustCreate(config);
  const absl::CivilDay last = absl::CivilDay(2026, 1, 11) + 399 * 7;
  EXPECT_EQ(cal.AddWorkingTime(At(cal, 2026, 1, 5, 9, 0), absl::Hours(400)),
            At(cal, last.year(), last.month(), last.day(), 11, 0));
  EXPECT_EQ(absl::FormatCivilTime(last), "2033-09-04");
}

TEST(BusinessCalendarTest, NoWorkingPeriodsAtAllNeverEnds) {
  CalendarConfig config;  // Asia/Shanghai, every weekday empty
  config.holidays = {absl::CivilDay(2026, 10, 1)};
  const BusinessCalendar cal = MustCreate(config);
  const absl::Time start = At(cal, 2026, 3, 13, 17, 0);
  EXPECT_EQ(cal.AddWorkingTime(start, absl::Minutes(1)), absl::InfiniteFuture());
  EXPECT_EQ(cal.AddWorkingTime(start, absl::Hours(400)), absl::InfiniteFuture());
  EXPECT_EQ(cal.WorkingTimeBetween(start, start + absl::Hours(24 * 365 * 50)),
            absl::ZeroDuration());
  EXPECT_EQ(cal.WorkingTimeBetween(start, absl::InfiniteFuture()), absl::ZeroDuration());
  EXPECT_FALSE(cal.IsWorkingTime(start));
}

TEST(BusinessCalendarTest, OnlyMakeUpDaysWork) {
  CalendarConfig config;
  config.make_up_days = {
      {absl::CivilDay(2026, 10, 10), std::vector<WorkingPeriod>{{9 * 60, 10 * 60}}}};
  const BusinessCalendar cal = MustCreate(config);
  const absl::Time start = At(cal, 2026, 1, 1, 0, 0);
  EXPECT_EQ(Local(cal, cal.AddWorkingTime(start, absl::Minutes(30))), "2026-10-10 09:30:00 Sat");
  EXPECT_EQ(Local(cal, cal.AddWorkingTime(start, absl::Hours(1))), "2026-10-10 10:00:00 Sat");
  EXPECT_EQ(cal.AddWorkingTime(start, absl::Minutes(61)), absl::InfiniteFuture());
  EXPECT_EQ(cal.WorkingTimeBetween(absl::InfinitePast(), absl::InfiniteFuture()), absl::Hours(1));
  EXPECT_EQ(cal.WorkingTimeBetween(At(cal, 2026, 10, 10, 9, 15), absl::InfiniteFuture()),
            absl::Minutes(45));
}

TEST(BusinessCalendarTest, AroundTheClockIsPlainArithmetic) {
  const BusinessCalendar cal = BusinessCalendar::AroundTheClock();
  EXPECT_EQ(cal.time_zone(), absl::UTCTimeZone());
  const absl::Time start = Utc(2026, 3, 13, 17, 7) + absl::Seconds(13);
  EXPECT_EQ(cal.AddWorkingTime(start, absl::Hours(4)), start + absl::Hours(4));
  EXPECT_EQ(cal.AddWorkingTime(start, absl::Hours(400)), start + absl::Hours(400));
  EXPECT_EQ(cal.AddWorkingTime(start, absl::Hours(24 * 365 * 1000)),
            start + absl::Hours(24 * 365 * 1000));
  EXPECT_EQ(cal.WorkingTimeBetween(start, start + absl::Hours(53)), absl::Hours(53));
  EXPECT_TRUE(cal.IsWorkingTime(start));
  EXPECT_TRUE(cal.IsWorkingTime(Utc(2026, 3, 15, 0, 0)));
}

TEST(BusinessCalendarTest, PeriodEndingAtMidnightJoinsTheNextDay) {
  CalendarConfig config;
  config.time_zone = "Asia/Shanghai";
  config.weekdays[kMon] = {{0, 12 * 60}, {12 * 60, kMinutesPerDay}};  // adjacent is fine
  config.weekdays[kTue] = {{0, 6 * 60}};
  const BusinessCalendar cal = MustCreate(config);
  EXPECT_EQ(Local(cal, cal.AddWorkingTime(At(cal, 2026, 3, 9, 23, 0), absl::Hours(2))),
            "2026-03-10 01:00:00 Tue");
  EXPECT_TRUE(cal.IsWorkingTime(At(cal, 2026, 3, 10, 0, 0)));
  EXPECT_EQ(cal.WorkingTimeBetween(At(cal, 2026, 3, 9, 0, 0), At(cal, 2026, 3, 11, 0, 0)),
            absl::Hours(30));
}

// Europe/Berlin, 2026: clocks go 02:00 → 03:00 on Sunday 03-29 and 03:00 → 02:00 on
// Sunday 10-25.
CalendarConfig BerlinConfig(std::vector<WorkingPeriod> every_day) {
  CalendarConfig config;
  config.time_zone = "Europe/Berlin";
  for (auto& periods : config.weekdays) periods = every_day;
  return config;
}

TEST(BusinessCalendarDstTest, AroundTheClockInBerlinFollowsRealHours) {
  const BusinessCalendar cal = MustCreate(BerlinConfig({{0, kMinutesPerDay}}));
  // The spring weekend has 47 hours, the autumn one 49.
  EXPECT_EQ(cal.WorkingTimeBetween(At(cal, 2026, 3, 28, 0, 0), At(cal, 2026, 3, 30, 0, 0)),
            absl::Hours(47));
  EXPECT_EQ(cal.WorkingTimeBetween(At(cal, 2026, 10, 24, 0, 0), At(cal, 2026, 10, 26, 0, 0)),
            absl::Hours(49));
  // 24 real hours from Saturday noon reach 13:00 on the short Sunday.
  EXPECT_EQ(Local(cal, cal.AddWorkingTime(At(cal, 2026, 3, 28, 12, 0), absl::Hours(24))),
            "2026-03-29 13:00:00 Sun");
  EXPECT_EQ(Local(cal, cal.AddWorkingTime(At(cal, 2026, 10, 24, 12, 0), absl::Hours(24))),
            "2026-10-25 11:00:00 Sun");
  // 31 × 24 real hours from March 1st overshoot April 1st midnight by the lost hour.
  EXPECT_EQ(Local(cal, cal.AddWorkingTime(At(cal, 2026, 3, 1, 0, 0), absl::Hours(31 * 24))),
            "2026-04-01 01:00:00 Wed");
  // A whole year (week jumps between the transitions): the hours lost and won cancel out.
  EXPECT_EQ(Local(cal, cal.AddWorkingTime(At(cal, 2026, 1, 1, 0, 0), absl::Hours(365 * 24))),
            "2027-01-01 00:00:00 Fri");
  EXPECT_EQ(cal.WorkingTimeBetween(At(cal, 2026, 1, 1, 0, 0), At(cal, 2027, 1, 1, 0, 0)),
            absl::Hours(365 * 24));
  // Far in the future the rule still applies (the zone's rule string, not its table).
  EXPECT_EQ(cal.WorkingTimeBetween(At(cal, 2500, 3, 27, 0, 0), At(cal, 2500, 4, 3, 0, 0)),
            absl::Hours(7 * 24 - 1));
}

TEST(BusinessCalendarDstTest, BerlinOfficeHoursAcrossTheSpringChange) {
  CalendarConfig config = BerlinConfig({});
  for (int d = kMon; d <= kFri; ++d) config.weekdays[d] = {{9 * 60, 17 * 60}};
  const BusinessCalendar cal = MustCreate(config);
  // Friday 16:00 CET (15:00 UTC) + 2 h → Monday 10:00 CEST, which is 08:00 UTC.
  const absl::Time friday = At(cal, 2026, 3, 27, 16, 0);
  EXPECT_EQ(friday, Utc(2026, 3, 27, 15, 0));
  const absl::Time due = cal.AddWorkingTime(friday, absl::Hours(2));
  EXPECT_EQ(due, Utc(2026, 3, 30, 8, 0));
  EXPECT_EQ(Local(cal, due), "2026-03-30 10:00:00 Mon");
  EXPECT_EQ(cal.WorkingTimeBetween(friday, due), absl::Hours(2));
  // Working weeks are 40 h either side of the change.
  EXPECT_EQ(cal.WorkingTimeBetween(At(cal, 2026, 3, 23, 0, 0), At(cal, 2026, 4, 6, 0, 0)),
            absl::Hours(80));
  // 400 h = 10 weeks from Monday 03-02 09:00 CET: across the change, still the Friday
  // close of the tenth week, now in CEST.
  EXPECT_EQ(Local(cal, cal.AddWorkingTime(At(cal, 2026, 3, 2, 9, 0), absl::Hours(400))),
            "2026-05-08 17:00:00 Fri");
  EXPECT_EQ(cal.AddWorkingTime(At(cal, 2026, 3, 2, 9, 0), absl::Hours(400)),
            Utc(2026, 5, 8, 15, 0));
}

TEST(BusinessCalendarDstTest, NightShiftThroughTheMissingAndTheRepeatedHour) {
  // Sundays 01:00–04:00 local.
  CalendarConfig config = BerlinConfig({});
  config.weekdays[kSun] = {{60, 4 * 60}};
  const BusinessCalendar cal = MustCreate(config);
  EXPECT_EQ(cal.WorkingTimeBetween(At(cal, 2026, 3, 22, 0, 0), At(cal, 2026, 3, 23, 0, 0)),
            absl::Hours(3));
  EXPECT_EQ(cal.WorkingTimeBetween(At(cal, 2026, 3, 29, 0, 0), At(cal, 2026, 3, 30, 0, 0)),
            absl::Hours(2));
  EXPECT_EQ(cal.WorkingTimeBetween(At(cal, 2026, 10, 25, 0, 0), At(cal, 2026, 10, 26, 0, 0)),
            absl::Hours(4));
  // 90 min from 01:00 on the spring Sunday: 01:00–02:00, then 03:00–03:30 CEST.
  const absl::Time due = cal.AddWorkingTime(At(cal, 2026, 3, 29, 1, 0), absl::Minutes(90));
  EXPECT_EQ(Local(cal, due), "2026-03-29 03:30:00 Sun");
  EXPECT_EQ(due, Utc(2026, 3, 29, 1, 30));
  // 150 min from 01:00 on the autumn Sunday: 01:00 CEST is 23:00 UTC, so 01:30 UTC, which
  // is the second 02:30 (CET).
  EXPECT_EQ(cal.AddWorkingTime(At(cal, 2026, 10, 25, 1, 0), absl::Minutes(150)),
            Utc(2026, 10, 25, 1, 30));
}

TEST(BusinessCalendarDstTest, PeriodEdgesInsideTheMissingHourMeanItsEnd) {
  // Sundays 01:00–02:30 and 02:45–05:00. On 03-29 local 02:00–03:00 does not exist: the
  // first period ends at 03:00 CEST (the gap's end), the second starts there too.
  CalendarConfig config = BerlinConfig({});
  config.weekdays[kSun] = {{60, 150}, {165, 300}};
  const BusinessCalendar cal = MustCreate(config);
  const absl::Time day = At(cal, 2026, 3, 29, 0, 0);
  EXPECT_EQ(cal.WorkingTimeBetween(day, day + absl::Hours(23)), absl::Hours(3));
  EXPECT_EQ(cal.WorkingTimeBetween(At(cal, 2026, 3, 22, 0, 0), At(cal, 2026, 3, 23, 0, 0)),
            absl::Minutes(90 + 135));
  EXPECT_TRUE(cal.IsWorkingTime(Utc(2026, 3, 29, 0, 59)));  // 01:59 CET
  EXPECT_TRUE(cal.IsWorkingTime(Utc(2026, 3, 29, 1, 0)));   // 03:00 CEST
  EXPECT_TRUE(cal.IsWorkingTime(Utc(2026, 3, 29, 2, 59)));  // 04:59 CEST
  EXPECT_FALSE(cal.IsWorkingTime(Utc(2026, 3, 29, 3, 0)));  // 05:00 CEST
  // An hour from 01:30 CET: 30 min before the gap, 30 min after it.
  EXPECT_EQ(Local(cal, cal.AddWorkingTime(At(cal, 2026, 3, 29, 1, 30), absl::Hours(1))),
            "2026-03-29 03:30:00 Sun");
}

TEST(BusinessCalendarDstTest, AddAndBetweenAgreeAcrossTheChanges) {
  CalendarConfig config = BerlinConfig({});
  for (int d = kMon; d <= kSat; ++d) config.weekdays[d] = {{7 * 60, 12 * 60}, {13 * 60, 19 * 60}};
  config.weekdays[kSun] = {{60, 4 * 60}};
  const BusinessCalendar cal = MustCreate(config);
  for (absl::CivilDay day : {absl::CivilDay(2026, 3, 20), absl::CivilDay(2026, 10, 17)}) {
    const absl::Time from = At(cal, day.year(), day.month(), day.day(), 0, 0);
    for (absl::Time start = from; start < from + absl::Hours(24 * 12); start += absl::Minutes(41)) {
      for (absl::Duration d : {absl::Minutes(45), absl::Hours(13), absl::Hours(400)}) {
        const absl::Time end = cal.AddWorkingTime(start, d);
        ASSERT_EQ(cal.WorkingTimeBetween(start, end), d) << Local(cal, start) << " + " << d;
        ASSERT_LT(cal.WorkingTimeBetween(start, end - absl::Seconds(1)), d)
            << Local(cal, start) << " + " << d;
      }
    }
  }
}

// Minute by minute through IsWorkingTime, which shares no code with the week-skipping walk.
absl::Duration CountMinutes(const BusinessCalendar& cal, absl::Time a, absl::Time b) {
  absl::Duration total;
  for (absl::Time t = a; t < b; t += absl::Minutes(1)) {
    if (cal.IsWorkingTime(t)) total += absl::Minutes(1);
  }
  return total;
}

TEST(BusinessCalendarReferenceTest, WalkAgreesWithMinuteByMinuteCount) {
  CalendarConfig shanghai = ShanghaiOfficeConfig();
  const BusinessCalendar office = MustCreate(shanghai);
  CalendarConfig berlin = BerlinConfig({});
  for (int d = kMon; d <= kSat; ++d) berlin.weekdays[d] = {{7 * 60, 12 * 60}, {13 * 60, 19 * 60}};
  berlin.weekdays[kSun] = {{60, 4 * 60}};
  const BusinessCalendar shifts = MustCreate(berlin);
  struct Span {
    const BusinessCalendar* cal;
    absl::CivilSecond from, to;
    absl::Duration expected;
  };
  const Span spans[] = {
      // Monday 09-21 10:07 to Sunday 10-18: 15 weekdays not on holiday (the first one short
      // by 08:30–10:07) and 2 make-up days.
      {&office, absl::CivilSecond(2026, 9, 21, 10, 7, 0), absl::CivilSecond(2026, 10, 18, 0, 0, 0),
       absl::Minutes(17 * 450 - 97)},
      {&shifts, absl::CivilSecond(2026, 3, 16, 0, 0, 0), absl::CivilSecond(2026, 4, 6, 0, 0, 0),
       absl::Hours(3 * (6 * 11 + 3) - 1)},
      {&shifts, absl::CivilSecond(2026, 10, 12, 0, 0, 0), absl::CivilSecond(2026, 11, 2, 0, 0, 0),
       absl::Hours(3 * (6 * 11 + 3) + 1)},
  };
  for (const Span& span : spans) {
    const absl::Time a = absl::FromCivil(span.from, span.cal->time_zone());
    const absl::Time b = absl::FromCivil(span.to, span.cal->time_zone());
    EXPECT_EQ(span.cal->WorkingTimeBetween(a, b), span.expected) << span.from;
    EXPECT_EQ(CountMinutes(*span.cal, a, b), span.expected) << span.from;
  }
}

// --- Invalid configurations -------------------------------------------------------------

void ExpectInvalid(const CalendarConfig& config, const std::string& field,
                   const std::string& reason_part) {
  const absl::StatusOr<BusinessCalendar> cal = BusinessCalendar::Create(config);
  ASSERT_FALSE(cal.ok()) << "expected an error naming " << field;
  EXPECT_EQ(cal.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(cal.status().message(), field + ": ")) << cal.status();
  EXPECT_TRUE(absl::StrContains(cal.status().message(), reason_part)) << cal.status();
  const absl::optional<absl::Cord> payload = cal.status().GetPayload("qingquan.dev/field");
  ASSERT_TRUE(payload.has_value());
  EXPECT_EQ(std::string(*payload), field);
}

TEST(BusinessCalendarConfigTest, UnknownOrEmptyTimeZone) {
  CalendarConfig config = ShanghaiOfficeConfig();
  config.time_zone = "Asia/Beijing";  // not an IANA name: China uses Asia/Shanghai
  ExpectInvalid(config, "timeZone", "unknown IANA time zone \"Asia/Beijing\"");
  config.time_zone = "";
  ExpectInvalid(config, "timeZone", "must name");
}

TEST(BusinessCalendarConfigTest, BadPeriods) {
  CalendarConfig config = ShanghaiOfficeConfig();
  config.weekdays[kMon][1] = {13 * 60 + 30, 12 * 60};
  ExpectInvalid(config, "weekdays[0].periods[1]", "start 13:30 must be before end 12:00");

  config = ShanghaiOfficeConfig();
  config.weekdays[kTue][0] = {8 * 60, 8 * 60};
  ExpectInvalid(config, "weekdays[1].periods[0]", "start 08:00 must be before end 08:00");

  config = ShanghaiOfficeConfig();
  config.weekdays[kWed][1] = {13 * 60 + 30, 1441};
  ExpectInvalid(config, "weekdays[2].periods[1]", "must lie in 0..1440");

  config = ShanghaiOfficeConfig();
  config.weekdays[kThu][0] = {-30, 12 * 60};
  ExpectInvalid(config, "weekdays[3].periods[0]", "must lie in 0..1440");

  config = ShanghaiOfficeConfig();
  config.weekdays[kFri] = {{8 * 60 + 30, 12 * 60}, {11 * 60, 17 * 60}};
  ExpectInvalid(config, "weekdays[4].periods[1]", "before the previous period ends at 12:00");

  config = ShanghaiOfficeConfig();
  config.weekdays[kSat] = {{13 * 60 + 30, 17 * 60 + 30}, {8 * 60 + 30, 12 * 60}};  // unsorted
  ExpectInvalid(config, "weekdays[5].periods[1]", "must be sorted");
}

TEST(BusinessCalendarConfigTest, BadMakeUpDays) {
  CalendarConfig config = ShanghaiOfficeConfig();
  config.make_up_days.push_back({absl::CivilDay(2026, 9, 27)});
  ExpectInvalid(config, "makeUpDays[2].date", "2026-09-27 is already listed as makeUpDays[0]");

  config = ShanghaiOfficeConfig();
  config.make_up_days.push_back({absl::CivilDay(2026, 10, 3)});
  ExpectInvalid(config, "makeUpDays[2].date", "2026-10-03 is also listed as a holiday");

  config = ShanghaiOfficeConfig();
  config.make_up_days[0].periods =
      std::vector<WorkingPeriod>{{9 * 60, 12 * 60}, {10 * 60, 11 * 60}};
  ExpectInvalid(config, "makeUpDays[0].periods[1]", "before the previous period ends");
}

TEST(BusinessCalendarConfigTest, DuplicateHolidaysAreHarmless) {
  CalendarConfig config = ShanghaiOfficeConfig();
  config.holidays.push_back(absl::CivilDay(2026, 10, 1));
  config.holidays.push_back(absl::CivilDay(2026, 10, 1));
  const BusinessCalendar cal = MustCreate(config);
  EXPECT_EQ(Local(cal, cal.AddWorkingTime(At(cal, 2026, 9, 30, 16, 0), absl::Hours(4))),
            "2026-10-08 11:00:00 Thu");
}

}  // namespace
}  // namespace qq::order::sla
