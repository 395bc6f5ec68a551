#include "services/notification/domain/rules/schedule.h"

#include <gtest/gtest.h>

#include <string>

#include "absl/time/civil_time.h"

namespace qq::notification::rules {
namespace {

absl::TimeZone Zone(const char* name) {
  absl::TimeZone tz;
  EXPECT_TRUE(absl::LoadTimeZone(name, &tz)) << name;
  return tz;
}

Schedule Parse(const char* text) {
  auto s = ParseSchedule(text);
  EXPECT_TRUE(s.ok()) << text << ": " << s.status();
  return s.ok() ? *s : Schedule{};
}

// The next fire time after a local time, written as local time with its UTC offset.
std::string Next(const char* schedule, absl::CivilSecond after, const absl::TimeZone& tz) {
  return absl::FormatTime("%Y-%m-%d %H:%M:%S %z",
                          NextFireTime(Parse(schedule), absl::FromCivil(after, tz), tz), tz);
}

TEST(ParseSchedule, ReadsTheFourFormsAndWritesThemBackCanonically) {
  EXPECT_EQ(Parse("daily 09:00").ToString(), "daily 09:00");
  EXPECT_EQ(Parse("  Daily   21:30 ").ToString(), "daily 21:30");
  Schedule weekly = Parse("weekly thu, MON 08:05");
  EXPECT_EQ(weekly.kind, Schedule::Kind::kWeekly);
  EXPECT_EQ(weekly.weekdays, 0b0001001);
  EXPECT_EQ(weekly.ToString(), "weekly MON,THU 08:05");
  EXPECT_EQ(Parse("every 10 minutes").interval_minutes, 10);
  EXPECT_EQ(Parse("every 2 hours").interval_minutes, 120);
  EXPECT_EQ(Parse("every 2 hours").ToString(), "every 2 hours");
  EXPECT_EQ(Parse("every 1 hour").ToString(), "every 1 hours");
  for (const char* text : {"daily 09:00", "weekly MON,WED,SUN 23:59", "every 5 minutes",
                           "every 1440 minutes", "every 24 hours"}) {
    EXPECT_EQ(Parse(text).ToString(), text);
    EXPECT_EQ(Parse(Parse(text).ToString().c_str()), Parse(text));
  }
}

TEST(ParseSchedule, RefusesWhatItCannotRead) {
  auto message = [](const char* text) {
    auto s = ParseSchedule(text);
    EXPECT_FALSE(s.ok()) << text;
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
    return std::string(s.status().message());
  };
  EXPECT_NE(message("hourly").find("expected 'daily HH:MM'"), std::string::npos);
  EXPECT_NE(message("daily 24:00").find("'24:00' is not a time of day"), std::string::npos);
  EXPECT_NE(message("daily 9:00").find("is not a time of day"), std::string::npos);
  EXPECT_NE(message("daily 09:60").find("is not a time of day"), std::string::npos);
  EXPECT_NE(message("weekly FUNDAY 09:00").find("'FUNDAY' is not a weekday"), std::string::npos);
  EXPECT_NE(message("every 4 minutes").find("5 ≤ N ≤ 1440"), std::string::npos);
  EXPECT_NE(message("every 1441 minutes").find("5 ≤ N ≤ 1440"), std::string::npos);
  EXPECT_NE(message("every 25 hours").find("1 ≤ N ≤ 24"), std::string::npos);
  EXPECT_NE(message("every ten minutes").find("not a whole number"), std::string::npos);
  message("every 10 seconds");
  message("");
  message("每天 09:00");
}

TEST(NextFireTime, DailyFiresStrictlyAfterTheGivenTime) {
  const absl::TimeZone shanghai = Zone("Asia/Shanghai");
  EXPECT_EQ(Next("daily 09:00", absl::CivilSecond(2026, 3, 10, 8, 59, 59), shanghai),
            "2026-03-10 09:00:00 +0800");
  // Right at 09:00 the 09:00 firing is the one just made: the next is tomorrow's.
  EXPECT_EQ(Next("daily 09:00", absl::CivilSecond(2026, 3, 10, 9, 0, 0), shanghai),
            "2026-03-11 09:00:00 +0800");
  EXPECT_EQ(Next("daily 09:00", absl::CivilSecond(2026, 3, 10, 9, 0, 1), shanghai),
            "2026-03-11 09:00:00 +0800");
  EXPECT_EQ(Next("daily 09:00", absl::CivilSecond(2026, 12, 31, 23, 0, 0), shanghai),
            "2027-01-01 09:00:00 +0800");
  // 09:00 in Shanghai is 01:00 UTC.
  const absl::Time t = NextFireTime(
      Parse("daily 09:00"),
      absl::FromCivil(absl::CivilSecond(2026, 3, 10, 0, 0, 0), absl::UTCTimeZone()), shanghai);
  EXPECT_EQ(t, absl::FromCivil(absl::CivilSecond(2026, 3, 10, 1, 0, 0), absl::UTCTimeZone()));
}

TEST(NextFireTime, WeeklyFiresOnTheListedDays) {
  const absl::TimeZone shanghai = Zone("Asia/Shanghai");
  // 2026-03-10 is a Tuesday.
  EXPECT_EQ(Next("weekly MON,THU 09:00", absl::CivilSecond(2026, 3, 10, 12, 0, 0), shanghai),
            "2026-03-12 09:00:00 +0800");
  EXPECT_EQ(Next("weekly MON,THU 09:00", absl::CivilSecond(2026, 3, 12, 9, 0, 0), shanghai),
            "2026-03-16 09:00:00 +0800");
  EXPECT_EQ(Next("weekly TUE 09:00", absl::CivilSecond(2026, 3, 10, 9, 0, 0), shanghai),
            "2026-03-17 09:00:00 +0800");
  EXPECT_EQ(Next("weekly SUN 23:59", absl::CivilSecond(2026, 3, 10, 0, 0, 0), shanghai),
            "2026-03-15 23:59:00 +0800");
}

TEST(NextFireTime, IntervalsStartAtLocalMidnight) {
  const absl::TimeZone shanghai = Zone("Asia/Shanghai");
  EXPECT_EQ(Next("every 10 minutes", absl::CivilSecond(2026, 3, 10, 10, 3, 0), shanghai),
            "2026-03-10 10:10:00 +0800");
  EXPECT_EQ(Next("every 10 minutes", absl::CivilSecond(2026, 3, 10, 10, 10, 0), shanghai),
            "2026-03-10 10:20:00 +0800");
  EXPECT_EQ(Next("every 10 minutes", absl::CivilSecond(2026, 3, 10, 23, 55, 0), shanghai),
            "2026-03-11 00:00:00 +0800");
  EXPECT_EQ(Next("every 2 hours", absl::CivilSecond(2026, 3, 10, 9, 0, 0), shanghai),
            "2026-03-10 10:00:00 +0800");
  // 7 does not divide 24: the day's last gap is shorter, and each day starts at 00:00.
  EXPECT_EQ(Next("every 7 hours", absl::CivilSecond(2026, 3, 10, 20, 59, 0), shanghai),
            "2026-03-10 21:00:00 +0800");
  EXPECT_EQ(Next("every 7 hours", absl::CivilSecond(2026, 3, 10, 21, 0, 0), shanghai),
            "2026-03-11 00:00:00 +0800");
  EXPECT_EQ(Next("every 1440 minutes", absl::CivilSecond(2026, 3, 10, 0, 0, 0), shanghai),
            "2026-03-11 00:00:00 +0800");
}

TEST(NextFireTime, DailyAcrossBerlinsDaylightSavingChanges) {
  const absl::TimeZone berlin = Zone("Europe/Berlin");
  // 2026-03-29 02:00 CET jumps to 03:00 CEST: 09:00 stays 09:00 local, 23 hours later.
  EXPECT_EQ(Next("daily 09:00", absl::CivilSecond(2026, 3, 28, 9, 0, 0), berlin),
            "2026-03-29 09:00:00 +0200");
  // 02:30 does not exist that day: it fires when the clock jumps, then normally.
  EXPECT_EQ(Next("daily 02:30", absl::CivilSecond(2026, 3, 28, 12, 0, 0), berlin),
            "2026-03-29 03:00:00 +0200");
  EXPECT_EQ(Next("daily 02:30", absl::CivilSecond(2026, 3, 29, 3, 0, 0), berlin),
            "2026-03-30 02:30:00 +0200");
  // 2026-10-25 03:00 CEST falls back to 02:00 CET: 02:30 happens twice and fires once.
  const absl::Time first =
      NextFireTime(Parse("daily 02:30"),
                   absl::FromCivil(absl::CivilSecond(2026, 10, 24, 12, 0, 0), berlin), berlin);
  EXPECT_EQ(absl::FormatTime("%Y-%m-%d %H:%M %z", first, berlin), "2026-10-25 02:30 +0200");
  const absl::Time second = NextFireTime(Parse("daily 02:30"), first, berlin);
  EXPECT_EQ(absl::FormatTime("%Y-%m-%d %H:%M %z", second, berlin), "2026-10-26 02:30 +0100");
  EXPECT_EQ(second - first, absl::Hours(25));
}

TEST(NextFireTime, IntervalsKeepRealMinutesAcrossBerlinsDaylightSavingChanges) {
  const absl::TimeZone berlin = Zone("Europe/Berlin");
  // Hourly on the spring-forward day: 01:00 CET, then 03:00 CEST (an hour later).
  const absl::Time at_one = absl::FromCivil(absl::CivilSecond(2026, 3, 29, 1, 0, 0), berlin);
  const absl::Time next = NextFireTime(Parse("every 1 hours"), at_one, berlin);
  EXPECT_EQ(absl::FormatTime("%H:%M %z", next, berlin), "03:00 +0200");
  EXPECT_EQ(next - at_one, absl::Hours(1));
  // Every 10 minutes through the repeated hour of the fall-back day: 10 real minutes apart.
  absl::Time t = absl::FromCivil(absl::CivilSecond(2026, 10, 25, 1, 55, 0), berlin);
  for (int i = 0; i < 12; ++i) {
    const absl::Time n = NextFireTime(Parse("every 10 minutes"), t, berlin);
    EXPECT_LE(n - t, absl::Minutes(10));
    EXPECT_EQ(absl::ToInt64Minutes(n - absl::UnixEpoch()) % 10, 0);
    t = n;
  }
  // 02:00 … 02:50 CEST, then 02:00 … 02:50 CET.
  EXPECT_EQ(absl::FormatTime("%H:%M %z", t, berlin), "02:50 +0100");
}

}  // namespace
}  // namespace qq::notification::rules
