#include "services/order/domain/sla/sla_clock.h"

#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace qq::order::sla {
namespace {

// Mon–Fri 08:30–12:00 and 13:30–17:30 in Shanghai; 国庆 2026-10-01..07 off, made up on
// 09-27 (Sunday) and 10-10 (Saturday).
BusinessCalendar ShanghaiOffice() {
  CalendarConfig config;
  config.time_zone = "Asia/Shanghai";
  for (int d = 0; d < 5; ++d)
    config.weekdays[d] = {{8 * 60 + 30, 12 * 60}, {13 * 60 + 30, 17 * 60 + 30}};
  for (int day = 1; day <= 7; ++day) config.holidays.push_back(absl::CivilDay(2026, 10, day));
  config.make_up_days = {{absl::CivilDay(2026, 9, 27)}, {absl::CivilDay(2026, 10, 10)}};
  absl::StatusOr<BusinessCalendar> calendar = BusinessCalendar::Create(config);
  EXPECT_TRUE(calendar.ok()) << calendar.status();
  return *calendar;
}

absl::Time Sh(int y, int m, int d, int hh, int mm) {
  static const absl::TimeZone* const kShanghai = [] {
    auto* tz = new absl::TimeZone;
    EXPECT_TRUE(absl::LoadTimeZone("Asia/Shanghai", tz));
    return tz;
  }();
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), *kShanghai);
}

std::string Local(absl::Time t) {
  if (t == absl::InfiniteFuture()) return "infinite-future";
  absl::TimeZone tz;
  EXPECT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &tz));
  return absl::FormatTime("%Y-%m-%d %H:%M:%S %a", t, tz);
}

SlaClock MustCreate(BusinessCalendar calendar, absl::Time start, absl::Duration target,
                    std::vector<Pause> pauses = {}) {
  absl::StatusOr<SlaClock> clock =
      SlaClock::Create(std::move(calendar), start, target, std::move(pauses));
  EXPECT_TRUE(clock.ok()) << clock.status();
  return *clock;
}

TEST(SlaClockTest, RepairReportedFridayEveningWithoutPauses) {
  // Friday 17:00, 4 working hours: 30 min on Friday, 3.5 h on Monday morning.
  const SlaClock clock = MustCreate(ShanghaiOffice(), Sh(2026, 3, 13, 17, 0), absl::Hours(4));
  EXPECT_EQ(Local(clock.Deadline()), "2026-03-16 12:00:00 Mon");
  // 80 % = 3 h 12 min: 30 min Friday + 2 h 42 min from 08:30.
  EXPECT_EQ(Local(clock.WarningAt(0.8)), "2026-03-16 11:12:00 Mon");
  EXPECT_EQ(clock.WarningAt(1.0), clock.Deadline());
  EXPECT_EQ(clock.WarningAt(0.0), clock.start());
  EXPECT_EQ(clock.WarningAt(std::numeric_limits<double>::quiet_NaN()), clock.start());
  // Over the weekend the clock stands at 30 minutes.
  EXPECT_EQ(clock.Elapsed(Sh(2026, 3, 14, 12, 0)), absl::Minutes(30));
  EXPECT_EQ(clock.Elapsed(Sh(2026, 3, 16, 10, 0)), absl::Hours(2));
  EXPECT_DOUBLE_EQ(clock.ElapsedShare(Sh(2026, 3, 16, 10, 0)), 0.5);
  EXPECT_EQ(clock.Remaining(Sh(2026, 3, 16, 10, 0)), absl::Hours(2));
  // Overdue: Monday 15:30 is 2 h past the deadline in working time.
  EXPECT_EQ(clock.Elapsed(Sh(2026, 3, 16, 15, 30)), absl::Hours(6));
  EXPECT_DOUBLE_EQ(clock.ElapsedShare(Sh(2026, 3, 16, 15, 30)), 1.5);
  EXPECT_EQ(clock.Remaining(Sh(2026, 3, 16, 15, 30)), absl::Hours(-2));
  // Before the start nothing has elapsed.
  EXPECT_EQ(clock.Elapsed(Sh(2026, 3, 13, 9, 0)), absl::ZeroDuration());
}

TEST(SlaClockTest, StartDuringLunch) {
  const SlaClock clock = MustCreate(ShanghaiOffice(), Sh(2026, 3, 11, 12, 15), absl::Hours(2));
  EXPECT_EQ(Local(clock.Deadline()), "2026-03-11 15:30:00 Wed");
  EXPECT_EQ(clock.Elapsed(Sh(2026, 3, 11, 13, 30)), absl::ZeroDuration());
  EXPECT_DOUBLE_EQ(clock.ElapsedShare(Sh(2026, 3, 11, 14, 0)), 0.25);
}

// Thursday 15:00, 8 working hours; waiting for the customer from Friday 14:00 until
// Monday 10:00. Before the pause: 2.5 h Thursday + 4 h Friday = 6.5 h; 1.5 h after it.
constexpr absl::Duration kEightHours = absl::Hours(8);

TEST(SlaClockTest, PauseAcrossTheWeekend) {
  const SlaClock clock = MustCreate(ShanghaiOffice(), Sh(2026, 3, 12, 15, 0), kEightHours,
                                    {{Sh(2026, 3, 13, 14, 0), Sh(2026, 3, 16, 10, 0)}});
  EXPECT_EQ(Local(clock.Deadline()), "2026-03-16 11:30:00 Mon");
  EXPECT_EQ(clock.Elapsed(Sh(2026, 3, 13, 16, 0)), absl::Minutes(390));  // paused at 14:00
  EXPECT_EQ(clock.Elapsed(Sh(2026, 3, 16, 9, 0)), absl::Minutes(390));   // still paused
  EXPECT_EQ(clock.Elapsed(Sh(2026, 3, 16, 10, 30)), absl::Minutes(420));
  EXPECT_DOUBLE_EQ(clock.ElapsedShare(Sh(2026, 3, 16, 10, 30)), 0.875);
  // Without the pause the same order was due on Friday at 15:30.
  const SlaClock unpaused = MustCreate(ShanghaiOffice(), Sh(2026, 3, 12, 15, 0), kEightHours);
  EXPECT_EQ(Local(unpaused.Deadline()), "2026-03-13 15:30:00 Fri");
}

TEST(SlaClockTest, UnsortedOverlappingPausesAreNormalised) {
  const SlaClock clock = MustCreate(ShanghaiOffice(), Sh(2026, 3, 12, 15, 0), kEightHours,
                                    {{Sh(2026, 3, 14, 9, 0), Sh(2026, 3, 16, 10, 0)},
                                     {Sh(2026, 3, 13, 15, 0), Sh(2026, 3, 13, 16, 0)},
                                     {Sh(2026, 3, 13, 14, 0), Sh(2026, 3, 14, 12, 0)},
                                     {Sh(2026, 3, 16, 10, 0), Sh(2026, 3, 16, 10, 0)}});
  EXPECT_EQ(Local(clock.Deadline()), "2026-03-16 11:30:00 Mon");
  EXPECT_EQ(clock.Elapsed(Sh(2026, 3, 16, 10, 30)), absl::Minutes(420));
}

TEST(SlaClockTest, StillOpenPauseHasNoDeadlineYet) {
  const SlaClock clock =
      MustCreate(ShanghaiOffice(), Sh(2026, 3, 12, 15, 0), kEightHours, {{Sh(2026, 3, 13, 14, 0)}});
  EXPECT_EQ(clock.Deadline(), absl::InfiniteFuture());
  EXPECT_EQ(clock.WarningAt(0.9), absl::InfiniteFuture());
  // 50 % = 4 h was reached before the pause: 2.5 h Thursday + 1.5 h Friday morning.
  EXPECT_EQ(Local(clock.WarningAt(0.5)), "2026-03-13 10:00:00 Fri");
  EXPECT_EQ(clock.Elapsed(Sh(2026, 4, 30, 12, 0)), absl::Minutes(390));
  EXPECT_EQ(clock.Remaining(Sh(2026, 4, 30, 12, 0)), absl::Minutes(90));
}

TEST(SlaClockTest, PauseStartingAtTheStartOrBeforeIt) {
  // Reported Monday 09:00 while a pause (from 08:00) ran until 10:00: counting begins at 10:00.
  const SlaClock clock = MustCreate(ShanghaiOffice(), Sh(2026, 3, 9, 9, 0), absl::Hours(1),
                                    {{Sh(2026, 3, 9, 8, 0), Sh(2026, 3, 9, 10, 0)},
                                     {Sh(2026, 3, 6, 8, 0), Sh(2026, 3, 6, 18, 0)}});
  EXPECT_EQ(Local(clock.Deadline()), "2026-03-09 11:00:00 Mon");
  EXPECT_EQ(clock.Elapsed(Sh(2026, 3, 9, 10, 0)), absl::ZeroDuration());
}

TEST(SlaClockTest, TargetUsedUpExactlyWhenAPauseBegins) {
  // Monday 08:30 + 2 h is 10:30, which is also when the pause starts: due at 10:30.
  const SlaClock clock = MustCreate(ShanghaiOffice(), Sh(2026, 3, 9, 8, 30), absl::Hours(2),
                                    {{Sh(2026, 3, 9, 10, 30), Sh(2026, 3, 10, 10, 30)}});
  EXPECT_EQ(Local(clock.Deadline()), "2026-03-09 10:30:00 Mon");
  EXPECT_EQ(Local(clock.WhenElapsed(absl::Hours(2) + absl::Minutes(1))), "2026-03-10 10:31:00 Tue");
}

TEST(SlaClockTest, PauseDuringNationalDayWeeks) {
  // Wednesday 09-30 16:00, 8 h: 1.5 h that day; holidays; 10-08 08:30–09:00 (2 h), paused
  // until 10-09 09:00; 09:00–12:00 (5 h), 13:30–16:30 (8 h).
  const SlaClock clock = MustCreate(ShanghaiOffice(), Sh(2026, 9, 30, 16, 0), kEightHours,
                                    {{Sh(2026, 10, 8, 9, 0), Sh(2026, 10, 9, 9, 0)}});
  EXPECT_EQ(Local(clock.Deadline()), "2026-10-09 16:30:00 Fri");
  EXPECT_EQ(clock.Elapsed(Sh(2026, 10, 5, 12, 0)), absl::Minutes(90));
  EXPECT_EQ(clock.Elapsed(Sh(2026, 10, 9, 12, 0)), absl::Hours(5));
}

TEST(SlaClockTest, AroundTheClockTargets) {
  const absl::Time start =
      absl::FromCivil(absl::CivilSecond(2026, 3, 13, 17, 0, 0), absl::UTCTimeZone());
  const SlaClock clock = MustCreate(BusinessCalendar::AroundTheClock(), start, absl::Hours(24),
                                    {{start + absl::Hours(6), start + absl::Hours(9)}});
  EXPECT_EQ(clock.Deadline(), start + absl::Hours(27));
  EXPECT_EQ(clock.WarningAt(0.25), start + absl::Hours(6));
  EXPECT_EQ(clock.WarningAt(0.5), start + absl::Hours(15));
  EXPECT_EQ(clock.Elapsed(start + absl::Hours(8)), absl::Hours(6));
  EXPECT_EQ(clock.Elapsed(start + absl::Hours(28)), absl::Hours(25));
  EXPECT_DOUBLE_EQ(clock.ElapsedShare(start + absl::Hours(28)), 25.0 / 24.0);
  // A long target finishes at once.
  const SlaClock long_clock =
      MustCreate(BusinessCalendar::AroundTheClock(), start, absl::Hours(400));
  EXPECT_EQ(long_clock.Deadline(), start + absl::Hours(400));
}

TEST(SlaClockTest, CalendarWithoutWorkingTimeNeverFallsDue) {
  absl::StatusOr<BusinessCalendar> idle = BusinessCalendar::Create(CalendarConfig{});
  ASSERT_TRUE(idle.ok()) << idle.status();
  const SlaClock clock = MustCreate(*idle, Sh(2026, 3, 13, 17, 0), absl::Hours(4));
  EXPECT_EQ(clock.Deadline(), absl::InfiniteFuture());
  EXPECT_EQ(clock.WarningAt(0.8), absl::InfiniteFuture());
  EXPECT_EQ(clock.Elapsed(Sh(2027, 3, 13, 17, 0)), absl::ZeroDuration());
  EXPECT_DOUBLE_EQ(clock.ElapsedShare(Sh(2027, 3, 13, 17, 0)), 0.0);
}

TEST(SlaClockTest, InvalidInputs) {
  const BusinessCalendar cal = BusinessCalendar::AroundTheClock();
  const absl::Time t = Sh(2026, 3, 13, 17, 0);
  struct Case {
    absl::Time start;
    absl::Duration target;
    std::vector<Pause> pauses;
    std::string field;
  };
  const Case cases[] = {
      {t, absl::ZeroDuration(), {}, "target"},
      {t, absl::Hours(-1), {}, "target"},
      {t, absl::InfiniteDuration(), {}, "target"},
      {absl::InfiniteFuture(), absl::Hours(1), {}, "start"},
      {t,
       absl::Hours(1),
       {{t, t + absl::Hours(1)}, {t + absl::Hours(3), t + absl::Hours(2)}},
       "pauses[1]"},
      {t, absl::Hours(1), {{absl::InfinitePast(), t}}, "pauses[0]"},
  };
  for (const Case& c : cases) {
    const absl::StatusOr<SlaClock> clock = SlaClock::Create(cal, c.start, c.target, c.pauses);
    ASSERT_FALSE(clock.ok()) << c.field;
    EXPECT_EQ(clock.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StartsWith(clock.status().message(), c.field + ": ")) << clock.status();
    const absl::optional<absl::Cord> payload = clock.status().GetPayload("qingquan.dev/field");
    ASSERT_TRUE(payload.has_value());
    EXPECT_EQ(std::string(*payload), c.field);
  }
}

}  // namespace
}  // namespace qq::order::sla
