#include "services/order/domain/sla_policy.h"

#include <gtest/gtest.h>

#include "services/common/status.h"

namespace qq::order {
namespace {

namespace v1 = qingquan::order::v1;

const absl::TimeZone kShanghai = absl::FixedTimeZone(8 * 3600);

absl::Time Local(int y, int mo, int d, int h, int mi) {
  return absl::FromCivil(absl::CivilMinute(y, mo, d, h, mi), kShanghai);
}

class SlaPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    settings_ = DefaultSlaSettings();
    calendar_ = *CalendarOf(settings_);
    chain_ = *ChainOf(settings_);
  }

  SlaReview Review(const SlaFacts& facts, absl::Time now) {
    auto review = ReviewSla(facts, *calendar_, *chain_, settings_.warning_share(), now);
    EXPECT_TRUE(review.ok()) << review.status();
    return *review;
  }

  // A normal repair reported on Friday 2026-12-04 at 17:00: 4 working hours to respond,
  // 3 working days to resolve.
  SlaFacts FridayRepair() {
    SlaFacts f;
    f.created = Local(2026, 12, 4, 17, 0);
    auto target = TargetFor(settings_, "REPAIR", "NORMAL");
    f.response_minutes = target->response_minutes();
    f.resolve_minutes = target->resolve_minutes();
    f.around_the_clock = target->around_the_clock();
    return f;
  }

  SlaSettings settings_;
  std::optional<sla::BusinessCalendar> calendar_;
  std::optional<sla::EscalationChain> chain_;
};

TEST_F(SlaPolicyTest, DefaultsAreValid) { EXPECT_TRUE(ValidateSlaSettings(settings_).ok()); }

TEST_F(SlaPolicyTest, TheMostSpecificTargetWins) {
  EXPECT_EQ(TargetFor(settings_, "REPAIR", "CRITICAL")->resolve_minutes(), 240);
  EXPECT_TRUE(TargetFor(settings_, "REPAIR", "CRITICAL")->around_the_clock());
  EXPECT_EQ(TargetFor(settings_, "REPAIR", "NORMAL")->resolve_minutes(), 3 * 450);
  EXPECT_EQ(TargetFor(settings_, "COMPLAINT", "URGENT")->response_minutes(), 120);
  auto fallback = TargetFor(settings_, "NEW_CONNECTION", "NORMAL");
  EXPECT_EQ(fallback->kind(), "NEW_CONNECTION");
  SlaSettings only_star = settings_;
  only_star.clear_targets();
  EXPECT_FALSE(TargetFor(only_star, "REPAIR", "NORMAL").has_value());
}

TEST_F(SlaPolicyTest, FridayEveningRepairIsDueMondayInOfficeHours) {
  SlaReview at_start = Review(FridayRepair(), Local(2026, 12, 4, 17, 0));
  EXPECT_EQ(*at_start.response_due, Local(2026, 12, 7, 12, 0));  // 30 min Fri + 3.5 h Mon
  EXPECT_TRUE(at_start.alerts.empty());
  // The first thing to watch is the response warning at 80 % (3 h 12 min in): Mon 11:12.
  EXPECT_EQ(*at_start.next_check, Local(2026, 12, 7, 11, 12));

  SlaReview monday = Review(FridayRepair(), Local(2026, 12, 7, 11, 30));
  ASSERT_EQ(monday.alerts.size(), 1u);
  EXPECT_EQ(monday.alerts[0].type, "sla.warning");
  EXPECT_EQ(monday.alerts[0].clock, "response");
  EXPECT_TRUE(monday.after.response_warned);
  EXPECT_EQ(*monday.next_check, Local(2026, 12, 7, 12, 0));

  // Once sent, an alert is not sent again.
  SlaReview again = Review(monday.after, Local(2026, 12, 7, 11, 40));
  EXPECT_TRUE(again.alerts.empty());
}

TEST_F(SlaPolicyTest, BreachThenEscalationToLeaderAndManager) {
  SlaFacts facts = FridayRepair();
  facts.responded = Local(2026, 12, 7, 9, 0);
  // Three working days (1,350 min): 30 on Friday, Monday, Tuesday, then Wednesday 17:00.
  SlaReview before = Review(facts, Local(2026, 12, 7, 9, 0));
  EXPECT_EQ(*before.resolve_due, Local(2026, 12, 9, 17, 0));
  SlaReview late = Review(facts, Local(2026, 12, 10, 9, 0));  // Thursday 09:00
  std::vector<std::string> types;
  for (const auto& a : late.alerts) types.push_back(a.type + "/" + std::to_string(a.level));
  EXPECT_EQ(types, (std::vector<std::string>{"sla.breached/0", "sla.escalated/1"}));
  EXPECT_EQ(late.alerts[1].notify_role, "leader");
  EXPECT_EQ(late.after.escalation_level, 1);
  // The manager's step comes two working hours after the deadline: Thursday 10:00.
  EXPECT_EQ(*late.next_check, Local(2026, 12, 10, 10, 0));
  SlaReview later = Review(late.after, Local(2026, 12, 10, 10, 30));
  ASSERT_EQ(later.alerts.size(), 1u);
  EXPECT_EQ(later.alerts[0].notify_role, "manager");
  EXPECT_FALSE(later.next_check.has_value());
}

TEST_F(SlaPolicyTest, WaitingForTheCustomerStopsTheClocks) {
  SlaFacts facts = FridayRepair();
  facts.responded = Local(2026, 12, 7, 9, 0);
  facts.pauses.push_back({Local(2026, 12, 7, 10, 0)});  // still waiting
  SlaReview paused = Review(facts, Local(2026, 12, 14, 9, 0));
  EXPECT_FALSE(paused.resolve_due.has_value());
  EXPECT_TRUE(paused.alerts.empty());
  EXPECT_FALSE(paused.next_check.has_value());
  // The customer answers a day later (one working day): the deadline moves by as much,
  // from Wednesday 17:00 to Thursday 17:00.
  facts.pauses.back().to = Local(2026, 12, 8, 10, 0);
  SlaReview resumed = Review(facts, Local(2026, 12, 8, 10, 0));
  EXPECT_EQ(*resumed.resolve_due, Local(2026, 12, 10, 17, 0));
}

TEST_F(SlaPolicyTest, ResolvedOrdersRaiseNothing) {
  SlaFacts facts = FridayRepair();
  facts.responded = Local(2026, 12, 7, 9, 0);
  facts.resolved = Local(2026, 12, 7, 15, 0);
  SlaReview review = Review(facts, Local(2026, 12, 20, 9, 0));
  EXPECT_TRUE(review.alerts.empty());
  EXPECT_FALSE(review.next_check.has_value());
}

TEST_F(SlaPolicyTest, CriticalRepairsCountAroundTheClock) {
  SlaFacts facts;
  facts.created = Local(2026, 12, 5, 23, 0);  // Saturday night
  auto target = TargetFor(settings_, "REPAIR", "CRITICAL");
  facts.response_minutes = target->response_minutes();
  facts.resolve_minutes = target->resolve_minutes();
  facts.around_the_clock = target->around_the_clock();
  SlaReview review = Review(facts, facts.created);
  EXPECT_EQ(*review.response_due, Local(2026, 12, 5, 23, 30));
  EXPECT_EQ(*review.resolve_due, Local(2026, 12, 6, 3, 0));
}

TEST_F(SlaPolicyTest, BadSettingsNameTheField) {
  SlaSettings s = settings_;
  s.mutable_calendar()->mutable_weekdays(0)->mutable_periods(1)->set_start("25:00");
  EXPECT_EQ(FieldOf(ValidateSlaSettings(s)), "calendar.weekdays[0].periods[1].start");
  s = settings_;
  s.mutable_calendar()->mutable_weekdays(0)->mutable_periods(1)->set_start("11:00");
  EXPECT_EQ(FieldOf(ValidateSlaSettings(s)), "calendar.weekdays[0].periods[1]");
  s = settings_;
  s.mutable_calendar()->set_time_zone("Mars/Olympus");
  EXPECT_EQ(FieldOf(ValidateSlaSettings(s)), "calendar.timeZone");
  s = settings_;
  s.mutable_calendar()->mutable_weekdays()->RemoveLast();
  EXPECT_EQ(FieldOf(ValidateSlaSettings(s)), "calendar.weekdays");
  s = settings_;
  s.mutable_calendar()->add_holidays("2026-13-01");
  EXPECT_EQ(FieldOf(ValidateSlaSettings(s)), "calendar.holidays[0]");
  s = settings_;
  s.mutable_targets(0)->set_kind("PIZZA");
  EXPECT_EQ(FieldOf(ValidateSlaSettings(s)), "targets[0].kind");
  s = settings_;
  s.mutable_targets(0)->set_resolve_minutes(-5);
  EXPECT_EQ(FieldOf(ValidateSlaSettings(s)), "targets[0].resolveMinutes");
  s = settings_;
  s.mutable_escalation(1)->set_notify_role("boss");
  EXPECT_EQ(FieldOf(ValidateSlaSettings(s)), "escalation[1].notifyRole");
  s = settings_;
  s.mutable_escalation(1)->set_level(1);
  EXPECT_EQ(FieldOf(ValidateSlaSettings(s)), "escalation[1].level");
  s = settings_;
  s.set_warning_share(1.5);
  EXPECT_EQ(FieldOf(ValidateSlaSettings(s)), "warningShare");
}

}  // namespace
}  // namespace qq::order
