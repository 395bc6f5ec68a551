#include "services/notification/domain/send_policy.h"

#include <gtest/gtest.h>

namespace qq::notification {
namespace {

absl::Time Shanghai(int y, int mo, int d, int h, int mi) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &zone));
  return absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi), zone);
}

TEST(QuietHours, DaytimeGoesAtOnce) {
  SendPolicy p;
  absl::Time noon = Shanghai(2026, 12, 8, 12, 0);
  EXPECT_EQ(EarliestSendTime(p, "service", noon), noon);
  absl::Time eight = Shanghai(2026, 12, 8, 8, 0);  // the end minute is no longer quiet
  EXPECT_EQ(EarliestSendTime(p, "service", eight), eight);
  absl::Time before_nine = Shanghai(2026, 12, 8, 20, 59);
  EXPECT_EQ(EarliestSendTime(p, "service", before_nine), before_nine);
}

TEST(QuietHours, LateEveningWaitsForTomorrowMorningInTenantTime) {
  SendPolicy p;
  EXPECT_EQ(EarliestSendTime(p, "service", Shanghai(2026, 12, 8, 21, 0)),
            Shanghai(2026, 12, 9, 8, 0));
  EXPECT_EQ(EarliestSendTime(p, "service", Shanghai(2026, 12, 8, 23, 30)),
            Shanghai(2026, 12, 9, 8, 0));
  // 00:30 is already the next day: that day's 08:00.
  EXPECT_EQ(EarliestSendTime(p, "service", Shanghai(2026, 12, 9, 0, 30)),
            Shanghai(2026, 12, 9, 8, 0));
  // Month and year ends roll over.
  EXPECT_EQ(EarliestSendTime(p, "marketing", Shanghai(2026, 12, 31, 22, 0)),
            Shanghai(2027, 1, 1, 8, 0));
}

TEST(QuietHours, UrgentCategoriesAndDisabledQuietHoursGoAtOnce) {
  SendPolicy p;
  absl::Time night = Shanghai(2026, 12, 8, 23, 30);
  EXPECT_EQ(EarliestSendTime(p, "outage", night), night);
  p.quiet_enabled = false;
  EXPECT_EQ(EarliestSendTime(p, "service", night), night);
}

TEST(QuietHours, WindowWithinOneDay) {
  SendPolicy p;
  p.quiet_start = "12:00";
  p.quiet_end = "14:00";
  EXPECT_EQ(EarliestSendTime(p, "service", Shanghai(2026, 12, 8, 12, 30)),
            Shanghai(2026, 12, 8, 14, 0));
  absl::Time late = Shanghai(2026, 12, 8, 23, 30);
  EXPECT_EQ(EarliestSendTime(p, "service", late), late);
}

TEST(QuietHours, AnotherTimeZoneCountsItsOwnClock) {
  SendPolicy p;
  p.time_zone = "Europe/Berlin";
  absl::TimeZone berlin;
  ASSERT_TRUE(absl::LoadTimeZone("Europe/Berlin", &berlin));
  // 22:00 Berlin (05:00 next day in Shanghai) is quiet in Berlin.
  absl::Time t = absl::FromCivil(absl::CivilMinute(2026, 12, 8, 22, 0), berlin);
  EXPECT_EQ(EarliestSendTime(p, "service", t),
            absl::FromCivil(absl::CivilMinute(2026, 12, 9, 8, 0), berlin));
}

TEST(TenantDay, CutAtLocalMidnight) {
  SendPolicy p;
  EXPECT_EQ(TenantDay(p, Shanghai(2026, 12, 8, 23, 30)), absl::CivilDay(2026, 12, 8));
  EXPECT_EQ(TenantDay(p, Shanghai(2026, 12, 9, 0, 30)), absl::CivilDay(2026, 12, 9));
}

TEST(DailyCap, PerChannelAndNotForUrgent) {
  SendPolicy p;
  EXPECT_EQ(DailyCap(p, "SMS", "marketing"), 3);
  EXPECT_EQ(DailyCap(p, "SMS", "survey"), 3);
  EXPECT_EQ(DailyCap(p, "SMS", "service"), 0);
  EXPECT_EQ(DailyCap(p, "SMS", "outage"), 0);
  EXPECT_EQ(DailyCap(p, "IN_APP", "service"), 0);
}

TEST(ValidateSendPolicy, NamesTheField) {
  SendPolicy p;
  EXPECT_TRUE(ValidateSendPolicy(p).ok());
  p.quiet_start = "25:00";
  EXPECT_NE(ValidateSendPolicy(p).message().find("quietHours.start"), std::string::npos);
  p = SendPolicy();
  p.quiet_end = "8点";
  EXPECT_NE(ValidateSendPolicy(p).message().find("quietHours.end"), std::string::npos);
  p = SendPolicy();
  p.time_zone = "Mars/Olympus";
  EXPECT_NE(ValidateSendPolicy(p).message().find("timeZone"), std::string::npos);
  p = SendPolicy();
  p.sms_signature = "【清泉】";
  EXPECT_NE(ValidateSendPolicy(p).message().find("smsSignature"), std::string::npos);
  p = SendPolicy();
  p.urgent_categories = {"停水"};
  EXPECT_NE(ValidateSendPolicy(p).message().find("urgentCategories[0]"), std::string::npos);
  EXPECT_EQ(ParseClockMinutes("08:05"), 485);
  EXPECT_EQ(ParseClockMinutes("8:05"), -1);
}

}  // namespace
}  // namespace qq::notification
