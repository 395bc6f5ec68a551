#include "services/notification/domain/rules/rule_templates.h"

#include <gtest/gtest.h>

#include <string>

#include "services/common/status.h"

namespace qq::notification::rules {
namespace {

InstantiatedRule Instantiate(const char* id, const char* params = "{}") {
  auto rule = InstantiateRuleTemplate(id, params);
  EXPECT_TRUE(rule.ok()) << id << " " << params << ": " << rule.status();
  return rule.ok() ? *rule : InstantiatedRule{};
}

TEST(RuleTemplates, OfferTheFourSeedRulesWithChineseNamesAndParameters) {
  const auto& templates = RuleTemplates();
  ASSERT_EQ(templates.size(), 4u);
  EXPECT_EQ(templates[0].id, "ticket_low");
  EXPECT_EQ(templates[1].id, "idle_30_days");
  EXPECT_EQ(templates[2].id, "birthday");
  EXPECT_EQ(templates[3].id, "work_order_unhandled");
  for (const RuleTemplate& t : templates) {
    EXPECT_FALSE(t.name_zh.empty()) << t.id;
    EXPECT_FALSE(t.description_zh.empty()) << t.id;
    for (const TemplateParam& p : t.params) EXPECT_FALSE(p.label_zh.empty()) << t.id << p.name;
    // Every template with its defaults is a valid rule.
    auto rule = InstantiateRuleTemplate(t.id, "");
    EXPECT_TRUE(rule.ok()) << t.id << ": " << rule.status();
  }
  const TemplateParam& threshold = FindRuleTemplate("ticket_low")->params[3];
  EXPECT_EQ(threshold.name, "threshold");
  EXPECT_EQ(threshold.type, ParamType::kInt);
  EXPECT_EQ(std::get<int64_t>(threshold.default_value), 2);
  EXPECT_EQ(FindRuleTemplate("nope"), nullptr);
  EXPECT_NE(RuleTemplatesJson().find(R"({"name":"threshold","label_zh":"余额阈值（张）",)"
                                     R"("type":"int","default":2,"min":0,"max":1000})"),
            std::string::npos);
}

TEST(RuleTemplates, TicketLowWithDefaults) {
  const InstantiatedRule r = Instantiate("ticket_low");
  EXPECT_EQ(r.json,
            R"({"trigger":{"event":"ledger.posted"},"subject":"customer",)"
            R"("condition":{"all":[{"field":"customer.ticket_balance","key":"18.9L","op":"lte",)"
            R"("value":2}]},"actions":[{"type":"send","template":"ticket_balance_low",)"
            R"("channel":"SMS"},{"type":"issue_coupon","coupon":"续费95折","amount_fen":500,)"
            R"("valid_days":30}],"cooldown_hours":168})");
  // What the store saves is what ParseRule reads back.
  auto parsed = ParseRule(r.json);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, r.rule);
  CompiledCondition condition(r.rule.condition);
  Facts low, enough;
  low.AddTicketBalance("18.9L", 2);
  enough.AddTicketBalance("18.9L", 3);
  EXPECT_TRUE(condition.Matches(low));
  EXPECT_FALSE(condition.Matches(enough));
}

TEST(RuleTemplates, TicketLowWithChineseProductDailyAndOwnThreshold) {
  const InstantiatedRule r = Instantiate(
      "ticket_low",
      R"({"product": "１８．９Ｌ桶装水", "threshold": 5, "trigger": "daily", "time": "08:30",
          "coupon": "续费9折", "amount_fen": 1000})");
  ASSERT_TRUE(r.rule.trigger.schedule.has_value());
  EXPECT_EQ(r.rule.trigger.schedule->ToString(), "daily 08:30");
  EXPECT_EQ(r.rule.condition.children[0].key, "18.9L桶装水");
  EXPECT_EQ(std::get<int64_t>(r.rule.condition.children[0].value), 5);
  EXPECT_EQ(r.rule.actions[1].coupon, "续费9折");
  EXPECT_EQ(r.rule.actions[1].amount_fen, 1000);
  Facts f;
  f.AddTicketBalance("18.9L桶装水", 4);
  EXPECT_TRUE(CompiledCondition(r.rule.condition).Matches(f));
}

TEST(RuleTemplates, Idle30DaysBirthdayAndWorkOrderUnhandled) {
  const InstantiatedRule idle = Instantiate("idle_30_days", R"({"days": 45})");
  EXPECT_EQ(idle.rule.trigger.schedule->ToString(), "daily 09:00");
  EXPECT_EQ(idle.rule.cooldown_hours, 720);
  EXPECT_EQ(idle.rule.actions[0].task, "care");
  EXPECT_EQ(idle.rule.actions[0].note, "客户已 45 天未订水，请电话关怀");
  Facts active_idle, never_ordered;
  active_idle.SetEnum(FactId::kCustomerStatus, "ACTIVE");
  active_idle.SetInt(FactId::kCustomerDaysSinceLastOrder, 45);
  never_ordered.SetEnum(FactId::kCustomerStatus, "ACTIVE");
  EXPECT_TRUE(CompiledCondition(idle.rule.condition).Matches(active_idle));
  EXPECT_FALSE(CompiledCondition(idle.rule.condition).Matches(never_ordered));

  const InstantiatedRule birthday = Instantiate("birthday", R"({"coupon": "生日快乐🎂券"})");
  EXPECT_EQ(birthday.rule.cooldown_hours, 8760);
  EXPECT_EQ(birthday.rule.actions[0].template_name, "birthday");
  EXPECT_EQ(birthday.rule.actions[1].coupon, "生日快乐🎂券");

  const InstantiatedRule wo = Instantiate("work_order_unhandled");
  EXPECT_EQ(wo.rule.subject, Subject::kWorkOrder);
  EXPECT_EQ(wo.rule.trigger.schedule->ToString(), "every 10 minutes");
  EXPECT_EQ(wo.rule.cooldown_hours, 24);
  EXPECT_EQ(std::get<std::vector<std::string>>(wo.rule.condition.children[0].value),
            (std::vector<std::string>{"CREATED", "DISPATCHED"}));
  EXPECT_EQ(wo.rule.actions[0].type, ActionType::kEscalate);
  EXPECT_EQ(wo.rule.actions[0].role, "manager");
  EXPECT_EQ(wo.rule.actions[1].template_name, "work_order_escalated");
  EXPECT_EQ(wo.rule.actions[1].channel, "IN_APP");
  Facts stuck, moving;
  stuck.SetString(FactId::kWorkOrderState, "DISPATCHED");
  stuck.SetInt(FactId::kWorkOrderMinutesSinceLastStep, 121);
  moving.SetString(FactId::kWorkOrderState, "ACCEPTED");
  moving.SetInt(FactId::kWorkOrderMinutesSinceLastStep, 500);
  EXPECT_TRUE(CompiledCondition(wo.rule.condition).Matches(stuck));
  EXPECT_FALSE(CompiledCondition(wo.rule.condition).Matches(moving));
}

TEST(RuleTemplates, RefuseBadParametersByName) {
  auto field_of = [](const char* id, const char* params) {
    auto r = InstantiateRuleTemplate(id, params);
    EXPECT_FALSE(r.ok()) << params;
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << params;
    return FieldOf(r.status());
  };
  EXPECT_EQ(field_of("ticket_low", R"({"threshold": -1})"), "params.threshold");
  EXPECT_EQ(field_of("ticket_low", R"({"threshold": "2"})"), "params.threshold");
  EXPECT_EQ(field_of("ticket_low", R"({"threshold": 1001})"), "params.threshold");
  EXPECT_EQ(field_of("ticket_low", R"({"product": ""})"), "params.product");
  EXPECT_EQ(field_of("ticket_low", R"({"amount_fen": 0})"), "params.amount_fen");
  EXPECT_EQ(field_of("ticket_low", R"({"trigger": "hourly"})"), "params.trigger");
  EXPECT_EQ(field_of("ticket_low", R"({"trigger": "daily", "time": "25:00"})"), "params.time");
  EXPECT_EQ(field_of("ticket_low", R"({"thresold": 3})"), "params.thresold");
  EXPECT_EQ(field_of("idle_30_days", R"({"days": 0})"), "params.days");
  EXPECT_EQ(field_of("work_order_unhandled", R"({"states": []})"), "params.states");
  EXPECT_EQ(field_of("work_order_unhandled", R"({"states": ["CREATED", 3]})"), "params.states[1]");
  EXPECT_EQ(field_of("work_order_unhandled", R"({"minutes": 5})"), "params.minutes");
  auto not_object = InstantiateRuleTemplate("birthday", "[1]");
  EXPECT_EQ(not_object.status().code(), absl::StatusCode::kInvalidArgument);
  auto unknown = InstantiateRuleTemplate("welcome", "{}");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(FieldOf(unknown.status()), "template");
}

}  // namespace
}  // namespace qq::notification::rules
