#include "services/order/domain/standing_order.h"

#include <gtest/gtest.h>

#include "services/common/status.h"

namespace qq::order {
namespace {

namespace v1 = qingquan::order::v1;

// 2026-12-07 is a Monday.
const absl::CivilDay kMonday(2026, 12, 7);

absl::TimeZone Shanghai() {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &zone));
  return zone;
}

StandingOrder EveryMonday() {
  StandingOrder o;
  o.set_channel(v1::PHONE);
  o.set_customer_id("6f1c7a9e-4f1b-4c55-9d7e-2d7f0c1b8a11");
  auto* item = o.add_items();
  item->set_product("18.9L");
  item->set_quantity(2);
  o.set_payment(v1::DeliveryOrder::TICKETS);
  o.mutable_recurrence()->set_frequency(Recurrence::WEEKLY);
  o.mutable_recurrence()->add_weekdays(1);
  o.set_window_start_local("15:00");
  return o;
}

StandingSchedule ScheduleOf(const StandingOrder& o, absl::CivilDay today = kMonday) {
  auto s = CheckStandingSchedule(o, today);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *s : StandingSchedule{};
}

std::string ErrorFieldOf(const StandingOrder& o) {
  auto s = CheckStandingSchedule(o, kMonday);
  EXPECT_FALSE(s.ok());
  return FieldOf(s.status());
}

TEST(StandingSchedule, EveryMondayDeliversOnMondaysOnly) {
  StandingSchedule s = ScheduleOf(EveryMonday(), kMonday - 3);  // created on a Friday
  EXPECT_EQ(NextDeliveryDay(s, kMonday - 3), kMonday);
  EXPECT_EQ(NextDeliveryDay(s, kMonday), kMonday);
  EXPECT_EQ(NextDeliveryDay(s, kMonday + 1), kMonday + 7);
}

TEST(StandingSchedule, EveryOtherWeekCountsWeeksFromTheStart) {
  StandingOrder o = EveryMonday();
  o.mutable_recurrence()->set_interval(2);
  o.mutable_recurrence()->add_weekdays(4);               // and Thursday
  o.mutable_recurrence()->set_start_date("2026-12-09");  // a Wednesday of week 0
  StandingSchedule s = ScheduleOf(o);
  EXPECT_EQ(NextDeliveryDay(s, kMonday), absl::CivilDay(2026, 12, 10));  // Thursday, week 0
  EXPECT_EQ(NextDeliveryDay(s, absl::CivilDay(2026, 12, 11)), absl::CivilDay(2026, 12, 21));
  EXPECT_EQ(NextDeliveryDay(s, absl::CivilDay(2026, 12, 22)), absl::CivilDay(2026, 12, 24));
}

TEST(StandingSchedule, MonthlyThirtyFirstFallsOnTheLastDayOfShortMonths) {
  StandingOrder o = EveryMonday();
  o.mutable_recurrence()->set_frequency(Recurrence::MONTHLY);
  o.mutable_recurrence()->clear_weekdays();
  o.mutable_recurrence()->add_month_days(31);
  StandingSchedule s = ScheduleOf(o);
  EXPECT_EQ(NextDeliveryDay(s, kMonday), absl::CivilDay(2026, 12, 31));
  EXPECT_EQ(NextDeliveryDay(s, absl::CivilDay(2027, 1, 1)), absl::CivilDay(2027, 1, 31));
  EXPECT_EQ(NextDeliveryDay(s, absl::CivilDay(2027, 2, 1)), absl::CivilDay(2027, 2, 28));
  EXPECT_EQ(NextDeliveryDay(s, absl::CivilDay(2028, 2, 1)), absl::CivilDay(2028, 2, 29));
}

TEST(StandingSchedule, LastDayAndFirstDayTogetherDoNotRepeat) {
  StandingOrder o = EveryMonday();
  o.mutable_recurrence()->set_frequency(Recurrence::MONTHLY);
  o.mutable_recurrence()->clear_weekdays();
  o.mutable_recurrence()->add_month_days(-1);
  o.mutable_recurrence()->add_month_days(1);
  o.mutable_recurrence()->add_month_days(-1);
  StandingSchedule s = ScheduleOf(o);
  EXPECT_EQ(s.month_days, (std::vector<int>{-1, 1}));
  EXPECT_EQ(NextDeliveryDay(s, absl::CivilDay(2026, 12, 31)), absl::CivilDay(2026, 12, 31));
  EXPECT_EQ(NextDeliveryDay(s, absl::CivilDay(2027, 1, 1)), absl::CivilDay(2027, 1, 1));
}

TEST(StandingSchedule, EveryThreeDaysSkipsAwayDaysAndStopsAtTheEnd) {
  StandingOrder o = EveryMonday();
  o.mutable_recurrence()->set_frequency(Recurrence::DAILY);
  o.mutable_recurrence()->clear_weekdays();
  o.mutable_recurrence()->set_interval(3);
  o.mutable_recurrence()->add_skip_dates("2026-12-10");
  o.mutable_recurrence()->set_end_date("2026-12-16");
  StandingSchedule s = ScheduleOf(o);
  EXPECT_EQ(NextDeliveryDay(s, kMonday), kMonday);
  EXPECT_EQ(NextDeliveryDay(s, kMonday + 1), absl::CivilDay(2026, 12, 13));  // the 10th skipped
  EXPECT_EQ(NextDeliveryDay(s, absl::CivilDay(2026, 12, 14)), absl::CivilDay(2026, 12, 16));
  EXPECT_EQ(NextDeliveryDay(s, absl::CivilDay(2026, 12, 17)), std::nullopt);
}

TEST(StandingSchedule, OccurrenceIsCreatedLeadDaysAheadWithTheLocalWindow) {
  StandingOrder o = EveryMonday();
  o.set_window_end_local("18:30");
  o.set_lead_days(2);
  StandingSchedule s = ScheduleOf(o);
  Occurrence occ = OccurrenceOn(s, kMonday, Shanghai());
  // Shanghai is UTC+8 all year.
  EXPECT_EQ(occ.create_at,
            absl::FromCivil(absl::CivilSecond(2026, 12, 4, 16, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(occ.window_start,
            absl::FromCivil(absl::CivilSecond(2026, 12, 7, 7, 0, 0), absl::UTCTimeZone()));
  EXPECT_EQ(occ.window_end,
            absl::FromCivil(absl::CivilSecond(2026, 12, 7, 10, 30, 0), absl::UTCTimeZone()));
}

TEST(StandingSchedule, WithoutAWindowTheWholeDayIsTheWindow) {
  StandingOrder o = EveryMonday();
  o.clear_window_start_local();
  StandingSchedule s = ScheduleOf(o);
  EXPECT_EQ(s.lead_days, 1);
  Occurrence occ = OccurrenceOn(s, kMonday, absl::UTCTimeZone());
  EXPECT_EQ(occ.window_start, absl::FromCivil(kMonday, absl::UTCTimeZone()));
  EXPECT_EQ(occ.window_end, absl::FromCivil(kMonday + 1, absl::UTCTimeZone()));
}

TEST(StandingSchedule, ADayWhoseWindowClosedIsPassedOver) {
  StandingOrder o = EveryMonday();
  o.set_window_end_local("18:00");
  StandingSchedule s = ScheduleOf(o);
  const absl::TimeZone utc = absl::UTCTimeZone();
  auto open = NextOpenOccurrence(s, kMonday,
                                 absl::FromCivil(absl::CivilMinute(kMonday) + 17 * 60, utc), utc);
  ASSERT_TRUE(open.has_value());
  EXPECT_EQ(open->day, kMonday);
  auto late = NextOpenOccurrence(s, kMonday,
                                 absl::FromCivil(absl::CivilMinute(kMonday) + 18 * 60, utc), utc);
  ASSERT_TRUE(late.has_value());
  EXPECT_EQ(late->day, kMonday + 7);
}

TEST(StandingSchedule, BadInputNamesTheField) {
  StandingOrder o = EveryMonday();
  o.mutable_recurrence()->set_frequency(Recurrence::FREQUENCY_UNSPECIFIED);
  EXPECT_EQ(ErrorFieldOf(o), "recurrence.frequency");

  o = EveryMonday();
  o.mutable_recurrence()->add_weekdays(8);
  EXPECT_EQ(ErrorFieldOf(o), "recurrence.weekdays[1]");

  o = EveryMonday();
  o.mutable_recurrence()->clear_weekdays();
  EXPECT_EQ(ErrorFieldOf(o), "recurrence.weekdays");

  o = EveryMonday();
  o.mutable_recurrence()->add_month_days(3);
  EXPECT_EQ(ErrorFieldOf(o), "recurrence.monthDays");

  o = EveryMonday();
  o.mutable_recurrence()->set_interval(53);
  EXPECT_EQ(ErrorFieldOf(o), "recurrence.interval");

  o = EveryMonday();
  o.mutable_recurrence()->set_start_date("2026-02-30");
  EXPECT_EQ(ErrorFieldOf(o), "recurrence.startDate");

  o = EveryMonday();
  o.mutable_recurrence()->set_end_date("2026-12-01");
  EXPECT_EQ(ErrorFieldOf(o), "recurrence.endDate");

  o = EveryMonday();
  o.mutable_recurrence()->add_skip_dates("next monday");
  EXPECT_EQ(ErrorFieldOf(o), "recurrence.skipDates[0]");

  o = EveryMonday();
  o.set_window_start_local("25:00");
  EXPECT_EQ(ErrorFieldOf(o), "windowStartLocal");

  o = EveryMonday();
  o.set_window_end_local("14:00");
  EXPECT_EQ(ErrorFieldOf(o), "windowEndLocal");

  o = EveryMonday();
  o.set_lead_days(8);
  EXPECT_EQ(ErrorFieldOf(o), "leadDays");

  // Only Mondays, but the one day allowed is a Tuesday.
  o = EveryMonday();
  o.mutable_recurrence()->set_start_date("2026-12-08");
  o.mutable_recurrence()->set_end_date("2026-12-08");
  EXPECT_EQ(ErrorFieldOf(o), "recurrence");
}

TEST(StandingOrderTemplate, ChecksItemsAsADeliveryOrderDoes) {
  StandingOrder o = EveryMonday();
  o.mutable_items(0)->set_quantity(0);
  auto draft = CheckStandingOrderTemplate(o);
  ASSERT_FALSE(draft.ok());
  EXPECT_EQ(FieldOf(draft.status()), "items[0].quantity");
  EXPECT_TRUE(CheckStandingOrderTemplate(EveryMonday()).ok());
}

}  // namespace
}  // namespace qq::order
