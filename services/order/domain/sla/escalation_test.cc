#include "services/order/domain/sla/escalation.h"

#include <limits>
#include <string>
#include <vector>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace qq::order::sla {
namespace {

absl::TimeZone Shanghai() {
  absl::TimeZone tz;
  EXPECT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &tz));
  return tz;
}

absl::Time Sh(int y, int m, int d, int hh, int mm) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), Shanghai());
}

std::string Local(absl::Time t) {
  if (t == absl::InfiniteFuture()) return "infinite-future";
  return absl::FormatTime("%a %H:%M", t, Shanghai());
}

// "level role @ local time", so a whole schedule compares in one line.
std::vector<std::string> Describe(const std::vector<DueEscalation>& steps) {
  std::vector<std::string> out;
  for (const DueEscalation& s : steps) {
    out.push_back(absl::StrCat(s.level, " ", s.notify_role, " @ ", Local(s.due_at)));
  }
  return out;
}

BusinessCalendar ShanghaiOffice() {
  CalendarConfig config;
  config.time_zone = "Asia/Shanghai";
  for (int d = 0; d < 5; ++d)
    config.weekdays[d] = {{8 * 60 + 30, 12 * 60}, {13 * 60 + 30, 17 * 60 + 30}};
  absl::StatusOr<BusinessCalendar> calendar = BusinessCalendar::Create(config);
  EXPECT_TRUE(calendar.ok()) << calendar.status();
  return *calendar;
}

// Warn the leader at 80 %, breach to the leader at 100 %, the manager 2 working hours later.
EscalationChain StandardChain() {
  absl::StatusOr<EscalationChain> chain = EscalationChain::Create({
      {.level = 0, .notify_role = "leader", .target_share = 0.8},
      {.level = 1, .notify_role = "leader", .target_share = 1.0},
      {.level = 2, .notify_role = "manager", .target_share = 1.0, .after = absl::Hours(2)},
  });
  EXPECT_TRUE(chain.ok()) << chain.status();
  return *chain;
}

// Repair reported Friday 2026-03-13 17:00 with 4 working hours: due Monday 12:00.
SlaClock FridayRepair(std::vector<Pause> pauses = {}) {
  absl::StatusOr<SlaClock> clock =
      SlaClock::Create(ShanghaiOffice(), Sh(2026, 3, 13, 17, 0), absl::Hours(4), std::move(pauses));
  EXPECT_TRUE(clock.ok()) << clock.status();
  return *clock;
}

TEST(EscalationTest, ScheduleOfAFridayEveningRepair) {
  // 80 % (3 h 12 min) on Monday 11:12; deadline 12:00; +2 working hours skips lunch: 15:30.
  EXPECT_EQ(Describe(StandardChain().Schedule(FridayRepair())),
            (std::vector<std::string>{"0 leader @ Mon 11:12", "1 leader @ Mon 12:00",
                                      "2 manager @ Mon 15:30"}));
}

TEST(EscalationTest, DueStepsLeaveOutTheFiredOnes) {
  const EscalationChain chain = StandardChain();
  const SlaClock clock = FridayRepair();
  EXPECT_TRUE(chain.DueAt(clock, Sh(2026, 3, 16, 11, 0), {}).empty());
  EXPECT_EQ(Describe(chain.DueAt(clock, Sh(2026, 3, 16, 11, 12), {})),
            (std::vector<std::string>{"0 leader @ Mon 11:12"}));
  // A job that slept through the morning catches up on both, earliest first.
  EXPECT_EQ(Describe(chain.DueAt(clock, Sh(2026, 3, 16, 12, 30), {})),
            (std::vector<std::string>{"0 leader @ Mon 11:12", "1 leader @ Mon 12:00"}));
  EXPECT_EQ(Describe(chain.DueAt(clock, Sh(2026, 3, 16, 12, 30), {0})),
            (std::vector<std::string>{"1 leader @ Mon 12:00"}));
  EXPECT_TRUE(chain.DueAt(clock, Sh(2026, 3, 16, 15, 0), {0, 1}).empty());
  EXPECT_EQ(Describe(chain.DueAt(clock, Sh(2026, 3, 16, 15, 30), {1, 0})),
            (std::vector<std::string>{"2 manager @ Mon 15:30"}));
  EXPECT_TRUE(chain.DueAt(clock, Sh(2026, 3, 20, 9, 0), {0, 1, 2}).empty());
}

TEST(EscalationTest, PausesShiftEscalationsAndAnOpenPauseHoldsThem) {
  const EscalationChain chain = StandardChain();
  // Waiting for the customer Monday 09:00–14:00: 30 min Fri + 30 min Mon before it.
  const SlaClock paused = FridayRepair({{Sh(2026, 3, 16, 9, 0), Sh(2026, 3, 16, 14, 0)}});
  EXPECT_EQ(Describe(chain.Schedule(paused)),
            (std::vector<std::string>{"0 leader @ Mon 16:12", "1 leader @ Mon 17:00",
                                      "2 manager @ Tue 10:00"}));
  // Still waiting: nothing beyond what was used before the pause can fall due.
  const SlaClock waiting = FridayRepair({{Sh(2026, 3, 16, 9, 0)}});
  EXPECT_EQ(Describe(chain.Schedule(waiting)),
            (std::vector<std::string>{"0 leader @ infinite-future", "1 leader @ infinite-future",
                                      "2 manager @ infinite-future"}));
  EXPECT_TRUE(chain.DueAt(waiting, Sh(2027, 1, 1, 0, 0), {}).empty());
}

TEST(EscalationTest, StepsComeBackEarliestFirstTiesByLevel) {
  absl::StatusOr<EscalationChain> chain = EscalationChain::Create({
      {.level = 7, .notify_role = "director", .target_share = 2.0},
      {.level = 3, .notify_role = "manager", .target_share = 1.0},
      {.level = 1, .notify_role = "leader", .target_share = 0.5, .after = absl::Hours(1)},
      {.level = 2, .notify_role = "duty-officer", .target_share = 0.75},
  });
  ASSERT_TRUE(chain.ok()) << chain.status();
  EXPECT_EQ(chain->steps().size(), 4u);
  // 4 h target from Friday 17:00 (30 min that day): 50 % + 1 h and 75 % are both 3 h →
  // Monday 08:30 + 2.5 h = 11:00; 200 % = 8 h → Monday 08:30 + 7.5 h = Monday's close.
  EXPECT_EQ(Describe(chain->Schedule(FridayRepair())),
            (std::vector<std::string>{"1 leader @ Mon 11:00", "2 duty-officer @ Mon 11:00",
                                      "3 manager @ Mon 12:00", "7 director @ Mon 17:30"}));
}

TEST(EscalationTest, EmptyChainHasNothingToDo) {
  absl::StatusOr<EscalationChain> chain = EscalationChain::Create({});
  ASSERT_TRUE(chain.ok()) << chain.status();
  EXPECT_TRUE(chain->Schedule(FridayRepair()).empty());
  EXPECT_TRUE(chain->DueAt(FridayRepair(), Sh(2030, 1, 1, 0, 0), {}).empty());
}

TEST(EscalationTest, InvalidChains) {
  struct Case {
    std::vector<EscalationStep> steps;
    std::string field;
    std::string reason_part;
  };
  const Case cases[] = {
      {{{.level = 1, .notify_role = "leader"},
        {.level = 2, .notify_role = "manager"},
        {.level = 1, .notify_role = "director"}},
       "steps[2].level",
       "level 1 is already used by steps[0]"},
      {{{.level = 1, .notify_role = ""}}, "steps[0].notifyRole", "must name a role"},
      {{{.level = 1, .notify_role = "leader", .target_share = -0.1}},
       "steps[0].targetShare",
       "finite share >= 0"},
      {{{.level = 1,
         .notify_role = "leader",
         .target_share = std::numeric_limits<double>::quiet_NaN()}},
       "steps[0].targetShare",
       "finite share >= 0"},
      {{{.level = 0, .notify_role = "leader"},
        {.level = 1, .notify_role = "leader", .after = absl::Minutes(-5)}},
       "steps[1].after",
       "must be finite and >= 0"},
      {{{.level = 1, .notify_role = "leader", .after = absl::InfiniteDuration()}},
       "steps[0].after",
       "must be finite and >= 0"},
  };
  for (const Case& c : cases) {
    const absl::StatusOr<EscalationChain> chain = EscalationChain::Create(c.steps);
    ASSERT_FALSE(chain.ok()) << c.field;
    EXPECT_EQ(chain.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_TRUE(absl::StartsWith(chain.status().message(), c.field + ": ")) << chain.status();
    EXPECT_TRUE(absl::StrContains(chain.status().message(), c.reason_part)) << chain.status();
    const absl::optional<absl::Cord> payload = chain.status().GetPayload("qingquan.dev/field");
    ASSERT_TRUE(payload.has_value());
    EXPECT_EQ(std::string(*payload), c.field);
  }
}

}  // namespace
}  // namespace qq::order::sla
