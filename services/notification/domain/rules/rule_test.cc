#include "services/notification/domain/rules/rule.h"

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_replace.h"
#include "services/common/status.h"

namespace qq::notification::rules {
namespace {

constexpr char kExample[] = R"({
  "trigger": {"event": "ledger.posted"},
  "subject": "customer",
  "condition": {"all": [
     {"field": "customer.ticket_balance", "key": "18.9L", "op": "lte", "value": 2},
     {"not": {"field": "customer.tags", "op": "contains", "value": "VIP"}},
     {"any": [{"field": "customer.status", "op": "eq", "value": "ACTIVE"}]}
  ]},
  "actions": [
     {"type": "send", "template": "ticket_low", "channel": "SMS"},
     {"type": "issue_coupon", "coupon": "续费95折", "amount_fen": 500, "valid_days": 30},
     {"type": "create_task", "task": "care", "note": "请电话回访"},
     {"type": "escalate", "role": "manager"},
     {"type": "add_tag", "tag": "待关怀🎂"}
  ],
  "cooldown_hours": 72
})";

// `kExample` with `from` replaced by `to` (which must occur).
std::string Edit(const std::string& from, const std::string& to) {
  const std::string json(kExample);
  EXPECT_NE(json.find(from), std::string::npos) << from;
  return absl::StrReplaceAll(json, {{from, to}});
}

struct Rejection {
  absl::StatusCode code;
  std::string field;
  std::string message;
};
Rejection Reject(const std::string& json) {
  auto rule = ParseRule(json);
  if (rule.ok()) return {absl::StatusCode::kOk, "", ""};
  return {rule.status().code(), FieldOf(rule.status()), std::string(rule.status().message())};
}

TEST(ParseRule, ReadsEveryPartOfARule) {
  auto rule = ParseRule(kExample);
  ASSERT_TRUE(rule.ok()) << rule.status();
  EXPECT_EQ(rule->trigger.event, "ledger.posted");
  EXPECT_FALSE(rule->trigger.schedule.has_value());
  EXPECT_EQ(rule->subject, Subject::kCustomer);
  EXPECT_EQ(CountLeaves(rule->condition), 3);
  ASSERT_EQ(rule->actions.size(), 5u);
  EXPECT_EQ(rule->actions[0].type, ActionType::kSend);
  EXPECT_EQ(rule->actions[0].template_name, "ticket_low");
  EXPECT_EQ(rule->actions[0].channel, "SMS");
  EXPECT_EQ(rule->actions[1].type, ActionType::kIssueCoupon);
  EXPECT_EQ(rule->actions[1].coupon, "续费95折");
  EXPECT_EQ(rule->actions[1].amount_fen, 500);
  EXPECT_EQ(rule->actions[1].valid_days, 30);
  EXPECT_EQ(rule->actions[2].task, "care");
  EXPECT_EQ(rule->actions[2].note, "请电话回访");
  EXPECT_EQ(rule->actions[3].role, "manager");
  EXPECT_EQ(rule->actions[4].tag, "待关怀🎂");
  EXPECT_EQ(rule->cooldown_hours, 72);
  EXPECT_EQ(rule->cooldown(), absl::Hours(72));
}

TEST(ParseRule, CanonicalJsonRoundTrips) {
  auto rule =
      ParseRule(Edit(R"({"event": "ledger.posted"})", R"({"schedule": "Weekly thu,mon 9:30"})"));
  EXPECT_EQ(rule.status().code(), absl::StatusCode::kInvalidArgument);  // 9:30 is not HH:MM
  rule =
      ParseRule(Edit(R"({"event": "ledger.posted"})", R"({"schedule": "Weekly thu,mon 09:30"})"));
  ASSERT_TRUE(rule.ok()) << rule.status();
  const std::string json = RuleToJson(*rule);
  EXPECT_NE(json.find(R"("trigger":{"schedule":"weekly MON,THU 09:30"})"), std::string::npos);
  auto again = ParseRule(json);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *rule);
  EXPECT_EQ(RuleToJson(*again), json);
}

TEST(ParseRule, DefaultsAMissingConditionToAlwaysAndCouponValidityTo30Days) {
  auto rule = ParseRule(R"({"trigger": {"schedule": "daily 09:00"}, "subject": "customer",
      "actions": [{"type": "issue_coupon", "coupon": "生日券", "amount_fen": 800}],
      "cooldown_hours": 0})");
  ASSERT_TRUE(rule.ok()) << rule.status();
  EXPECT_EQ(rule->actions[0].valid_days, 30);
  EXPECT_TRUE(CompiledCondition(rule->condition).Matches(Facts()));
  EXPECT_EQ(RuleToJson(*rule),
            R"({"trigger":{"schedule":"daily 09:00"},"subject":"customer",)"
            R"("condition":{"all":[]},"actions":[{"type":"issue_coupon","coupon":"生日券",)"
            R"("amount_fen":800,"valid_days":30}],"cooldown_hours":0})");
}

TEST(ParseRule, NamesTheTriggersProblem) {
  Rejection r = Reject(Edit(R"({"event": "ledger.posted"})", R"({"schedule": "daily 25:00"})"));
  EXPECT_EQ(r.code, absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.field, "trigger.schedule");
  EXPECT_NE(r.message.find("does not parse: '25:00' is not a time of day"), std::string::npos);
  EXPECT_EQ(
      Reject(Edit(R"({"event": "ledger.posted"})", R"({"schedule": "every 1 minutes"})")).field,
      "trigger.schedule");
  EXPECT_EQ(Reject(Edit(R"({"event": "ledger.posted"})",
                        R"({"event": "ledger.posted", "schedule": "daily 09:00"})"))
                .message,
            "trigger: has both 'event' and 'schedule'; choose one");
  EXPECT_EQ(Reject(Edit(R"({"event": "ledger.posted"})", "{}")).field, "trigger");
  EXPECT_EQ(Reject(Edit(R"("ledger.posted")", R"("Ledger Posted")")).field, "trigger.event");
  EXPECT_EQ(Reject(Edit(R"("ledger.posted")", R"("ledger")")).field, "trigger.event");
  EXPECT_EQ(Reject(Edit(R"({"event": "ledger.posted"})", R"({"cron": "* * * * *"})")).field,
            "trigger.cron");
}

TEST(ParseRule, NamesTheActionsProblem) {
  Rejection r = Reject(Edit(R"("type": "create_task")", R"("type": "call_api")"));
  EXPECT_EQ(r.field, "actions[2].type");
  EXPECT_NE(r.message.find("unknown action 'call_api'"), std::string::npos);
  EXPECT_EQ(Reject(Edit(R"("channel": "SMS")", R"("channel": "EMAIL")")).field,
            "actions[0].channel");
  EXPECT_EQ(Reject(Edit(R"("template": "ticket_low")", R"("template": "Ticket Low")")).field,
            "actions[0].template");
  EXPECT_EQ(Reject(Edit(R"("amount_fen": 500)", R"("amount_fen": 0)")).message,
            "actions[1].amount_fen: must be between 1 and 1000000");
  EXPECT_EQ(Reject(Edit(R"("amount_fen": 500)", R"("amount_fen": "500")")).field,
            "actions[1].amount_fen");
  EXPECT_EQ(Reject(Edit(R"("valid_days": 30)", R"("valid_days": 0)")).field,
            "actions[1].valid_days");
  EXPECT_EQ(Reject(Edit(R"("coupon": "续费95折", )", "")).message,
            "actions[1].coupon: is required");
  EXPECT_EQ(Reject(Edit(R"("role": "manager")", R"("role": "customer")")).field, "actions[3].role");
  EXPECT_EQ(Reject(Edit(R"("tag": "待关怀🎂")", R"("tag": "   ")")).field, "actions[4].tag");
  EXPECT_EQ(
      Reject(Edit(R"("tag": "待关怀🎂")", "\"tag\": \"" + std::string(61 * 3, 'x') + "\"")).field,
      "actions[4].tag");
  // 60 Chinese characters are 180 bytes but within the 60-character limit.
  std::string sixty;
  for (int i = 0; i < 60; ++i) sixty += "关";
  EXPECT_EQ(Reject(Edit(R"("tag": "待关怀🎂")", "\"tag\": \"" + sixty + "\"")).code,
            absl::StatusCode::kOk);
  EXPECT_EQ(Reject(Edit(R"("role": "manager")", R"("role": "manager", "sql": "x")")).field,
            "actions[3].sql");
  EXPECT_EQ(Reject(Edit(R"("task": "care", "note": "请电话回访")", R"("task": "care")")).code,
            absl::StatusCode::kOk);
}

TEST(ParseRule, NeedsOneToTenActions) {
  const std::string no_actions = R"({"trigger": {"event": "ledger.posted"}, "subject": "customer",
      "actions": [], "cooldown_hours": 1})";
  EXPECT_EQ(Reject(no_actions).message, "actions: needs at least one action");
  std::string many = R"({"trigger": {"event": "ledger.posted"}, "subject": "customer",
      "actions": [)";
  for (int i = 0; i < 11; ++i)
    many += std::string(i ? "," : "") + R"({"type": "escalate", "role": "manager"})";
  many += R"(], "cooldown_hours": 1})";
  EXPECT_EQ(Reject(many).message, "actions: at most 10 actions");
}

TEST(ParseRule, ChecksTheConditionAgainstTheRulesSubject) {
  Rejection r =
      Reject(Edit(R"({"any": [{"field": "customer.status", "op": "eq", "value": "ACTIVE"}]})",
                  R"({"any": [{"field": "work_order.type", "op": "eq", "value": "REPAIR"}]})"));
  EXPECT_EQ(r.field, "condition.all[2].any[0].field");
  EXPECT_NE(r.message.find("work_order.type is not a fact of customer rules"), std::string::npos);
  // The same condition is fine on a work-order rule.
  EXPECT_EQ(Reject(Edit(R"("subject": "customer")", R"("subject": "work_order")")).code,
            absl::StatusCode::kOk);
  EXPECT_EQ(Reject(Edit(R"({"field": "customer.tags", "op": "contains", "value": "VIP"})",
                        R"({"field": "customer.foo", "op": "contains", "value": "VIP"})"))
                .field,
            "condition.all[1].not.field");
  EXPECT_EQ(Reject(Edit(R"("op": "lte", "value": 2)", R"("op": "lte", "value": "two")")).message,
            "condition.all[0].value: must be an integer for customer.ticket_balance, not a string");
}

TEST(ParseRule, NamesTheRestOfTheRulesProblems) {
  EXPECT_EQ(Reject(Edit(R"("subject": "customer")", R"("subject": "meter")")).field, "subject");
  EXPECT_EQ(Reject(Edit(R"("cooldown_hours": 72)", R"("cooldown_hours": -1)")).field,
            "cooldown_hours");
  EXPECT_EQ(Reject(Edit(R"("cooldown_hours": 72)", R"("cooldown_hours": 72.5)")).field,
            "cooldown_hours");
  EXPECT_EQ(Reject(Edit("],\n  \"cooldown_hours\": 72", "]")).message,
            "cooldown_hours: is required");
  EXPECT_EQ(
      Reject(Edit(R"("cooldown_hours": 72)", R"("cooldown_hours": 72, "script": "rm")")).field,
      "script");
  Rejection not_json = Reject("{\"trigger\": ");
  EXPECT_EQ(not_json.code, absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(not_json.field, "");
  EXPECT_NE(not_json.message.find("rule is not valid JSON"), std::string::npos);
  EXPECT_EQ(Reject("[]").message, "rule must be a JSON object, not an array");
  EXPECT_NE(Reject(std::string(70 * 1024, ' ')).message.find("larger than 64 KiB"),
            std::string::npos);
}

TEST(InCooldown, RestsForTheCooldownAfterTheLastFiring) {
  const absl::Time fired = absl::FromUnixSeconds(1'800'000'000);
  const absl::Duration week = absl::Hours(168);
  EXPECT_FALSE(InCooldown(std::nullopt, fired, week));
  EXPECT_TRUE(InCooldown(fired, fired, week));
  EXPECT_TRUE(InCooldown(fired, fired + week - absl::Seconds(1), week));
  EXPECT_FALSE(InCooldown(fired, fired + week, week));
  EXPECT_FALSE(InCooldown(fired, fired, absl::ZeroDuration()));
  // A last firing in the future (another node's clock ahead) still holds the rule back.
  EXPECT_TRUE(InCooldown(fired + absl::Minutes(5), fired, absl::Hours(1)));
}

TEST(ShouldSkipForLoop, SkipsOnlyTheRulesOwnEffectOnTheSameSubject) {
  EXPECT_TRUE(ShouldSkipForLoop("rule-1", "cust-9", "rule-1", "cust-9"));
  EXPECT_FALSE(ShouldSkipForLoop("rule-1", "cust-9", "rule-1", "cust-8"));
  EXPECT_FALSE(ShouldSkipForLoop("rule-1", "cust-9", "rule-2", "cust-9"));
  EXPECT_FALSE(ShouldSkipForLoop("rule-1", "cust-9", "", "cust-9"));
  // An empty rule id never matches an event that no rule caused.
  EXPECT_FALSE(ShouldSkipForLoop("", "cust-9", "", "cust-9"));
}

}  // namespace
}  // namespace qq::notification::rules
