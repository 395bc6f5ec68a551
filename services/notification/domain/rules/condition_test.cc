#include "services/notification/domain/rules/condition.h"

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "services/common/status.h"

namespace qq::notification::rules {
namespace {

// The field and code of a condition's first error.
struct Rejection {
  absl::StatusCode code;
  std::string field;
  std::string message;
};
Rejection Reject(const std::string& json, Subject subject = Subject::kCustomer) {
  auto parsed = ParseCondition(json, subject);
  if (parsed.ok()) return {absl::StatusCode::kOk, "", ""};
  return {parsed.status().code(), FieldOf(parsed.status()), std::string(parsed.status().message())};
}

TEST(ParseCondition, ReadsNestedGroupsAndLeaves) {
  auto c = ParseCondition(R"({"all": [
      {"field": "customer.ticket_balance", "key": "18.9L", "op": "lte", "value": 2},
      {"not": {"field": "customer.tags", "op": "contains", "value": "VIP"}},
      {"any": [{"field": "customer.status", "op": "in", "value": ["ACTIVE", "SILENT"]},
               {"field": "customer.days_since_last_order", "op": "is_not_set"}]}]})",
                          Subject::kCustomer);
  ASSERT_TRUE(c.ok()) << c.status();
  ASSERT_EQ(c->kind, Condition::Kind::kAll);
  ASSERT_EQ(c->children.size(), 3u);
  const Condition& balance = c->children[0];
  EXPECT_EQ(balance.fact, FactId::kCustomerTicketBalance);
  EXPECT_EQ(balance.key, "18.9L");
  EXPECT_EQ(balance.op, Op::kLte);
  EXPECT_EQ(std::get<int64_t>(balance.value), 2);
  EXPECT_EQ(c->children[1].kind, Condition::Kind::kNot);
  EXPECT_EQ(std::get<std::string>(c->children[1].children[0].value), "VIP");
  const Condition& any = c->children[2];
  EXPECT_EQ(any.kind, Condition::Kind::kAny);
  EXPECT_EQ(std::get<std::vector<std::string>>(any.children[0].value),
            (std::vector<std::string>{"ACTIVE", "SILENT"}));
  EXPECT_TRUE(std::holds_alternative<std::monostate>(any.children[1].value));
  EXPECT_EQ(CountLeaves(*c), 4);
}

TEST(ParseCondition, CanonicalJsonParsesBackToTheSameCondition) {
  auto c = ParseCondition(R"({"any": [
      {"field": "customer.tags", "op": "contains", "value": " 待关怀🎂 "},
      {"not": {"all": []}},
      {"field": "customer.ticket_balance", "key": "18.9L桶装水", "op": "not_in", "value": [0, 1]}]})",
                          Subject::kCustomer);
  ASSERT_TRUE(c.ok()) << c.status();
  const std::string json = ConditionToJson(*c);
  auto again = ParseCondition(json, Subject::kCustomer);
  ASSERT_TRUE(again.ok()) << again.status() << " for " << json;
  EXPECT_EQ(*again, *c);
  // Spaces around text are trimmed; Chinese and emoji are kept as typed.
  EXPECT_EQ(std::get<std::string>(c->children[0].value), "待关怀🎂");
  EXPECT_EQ(c->children[2].key, "18.9L桶装水");
}

TEST(ParseCondition, FoldsFullWidthProductNamesAsTheOrderServiceStoresThem) {
  auto c = ParseCondition(R"({"all": [
      {"field": "customer.ticket_balance", "key": "１８．９Ｌ", "op": "lte", "value": 2},
      {"field": "order.products", "op": "contains", "value": "１８．９Ｌ桶装水"}]})",
                          Subject::kDeliveryOrder);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->children[0].key, "18.9L");
  EXPECT_EQ(std::get<std::string>(c->children[1].value), "18.9L桶装水");
}

TEST(ParseCondition, CustomerFactsAreAvailableOnOrdersButNotTheOtherWayRound) {
  EXPECT_TRUE(ParseCondition(R"({"field": "customer.status", "op": "eq", "value": "ACTIVE"})",
                             Subject::kWorkOrder)
                  .ok());
  EXPECT_TRUE(
      ParseCondition(R"({"field": "customer.tags", "op": "is_empty"})", Subject::kDeliveryOrder)
          .ok());
  Rejection r = Reject(R"({"all": [{"field": "work_order.type", "op": "eq", "value": "REPAIR"}]})",
                       Subject::kCustomer);
  EXPECT_EQ(r.code, absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.field, "condition.all[0].field");
  EXPECT_NE(r.message.find("work_order.type is not a fact of customer rules"), std::string::npos);
  EXPECT_EQ(
      Reject(R"({"field": "order.payment", "op": "eq", "value": "CASH"})", Subject::kWorkOrder)
          .field,
      "condition.field");
}

TEST(ParseCondition, NamesTheUnknownFactByItsPath) {
  Rejection r = Reject(R"({"all": [
      {"field": "customer.status", "op": "eq", "value": "ACTIVE"},
      {"not": {"field": "customer.foo", "op": "eq", "value": 1}}]})");
  EXPECT_EQ(r.code, absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.field, "condition.all[1].not.field");
  EXPECT_NE(r.message.find("unknown fact 'customer.foo'"), std::string::npos);
}

TEST(ParseCondition, ChecksTheValueAgainstTheFactsType) {
  Rejection r =
      Reject(R"({"all": [{"field": "customer.ticket_balance", "op": "lte", "value": "2"}]})");
  EXPECT_EQ(r.field, "condition.all[0].value");
  EXPECT_NE(r.message.find("must be an integer for customer.ticket_balance"), std::string::npos);
  // 2.5 is not an integer either; nor is a bool for an int.
  EXPECT_EQ(Reject(R"({"field": "customer.ticket_balance", "op": "lte", "value": 2.5})").field,
            "condition.value");
  EXPECT_EQ(Reject(R"({"field": "customer.birthday_today", "op": "eq", "value": 1})").field,
            "condition.value");
  EXPECT_EQ(Reject(R"({"field": "customer.area_id", "op": "eq", "value": 7})").field,
            "condition.value");
  EXPECT_EQ(Reject(R"({"field": "customer.area_id", "op": "eq", "value": "  "})").message,
            "condition.value: must not be empty");
}

TEST(ParseCondition, ChecksEnumValuesAgainstTheProtoNames) {
  Rejection r = Reject(R"({"field": "work_order.urgency", "op": "eq", "value": "HIGH"})",
                       Subject::kWorkOrder);
  EXPECT_EQ(r.field, "condition.value");
  EXPECT_NE(
      r.message.find("'HIGH' is not a value of work_order.urgency (NORMAL, URGENT, CRITICAL)"),
      std::string::npos);
  Rejection in = Reject(
      R"({"field": "work_order.type", "op": "in", "value": ["REPAIR", "WATER_CHANGE", "LEAK"]})",
      Subject::kWorkOrder);
  EXPECT_EQ(in.field, "condition.value[2]");
  EXPECT_TRUE(ParseCondition(R"({"field": "work_order.type", "op": "in",
                                 "value": ["DISPENSER_REPAIR", "WATER_CHANGE"]})",
                             Subject::kWorkOrder)
                  .ok());
  EXPECT_EQ(Reject(R"({"field": "order.payment", "op": "eq", "value": "WECHAT_PAY"})",
                   Subject::kDeliveryOrder)
                .field,
            "condition.value");
}

TEST(ParseCondition, RefusesOperatorsThatDoNotFitTheType) {
  Rejection r = Reject(R"({"field": "customer.area_id", "op": "lt", "value": "A"})");
  EXPECT_EQ(r.field, "condition.op");
  EXPECT_NE(r.message.find("operator 'lt' does not apply to customer.area_id (string)"),
            std::string::npos);
  EXPECT_EQ(Reject(R"({"field": "customer.tags", "op": "eq", "value": "VIP"})").field,
            "condition.op");
  EXPECT_EQ(Reject(R"({"field": "customer.birthday_today", "op": "ne", "value": true})").field,
            "condition.op");
  EXPECT_EQ(Reject(R"({"field": "customer.status", "op": "gte", "value": "ACTIVE"})").field,
            "condition.op");
  EXPECT_EQ(Reject(R"({"field": "customer.status", "op": "like", "value": "A%"})").message,
            "condition.op: unknown operator 'like'");
  EXPECT_EQ(Reject(R"({"field": "customer.status", "value": "ACTIVE"})").message,
            "condition.op: is required");
}

TEST(ParseCondition, InTakesANonEmptyArrayAndIsSetTakesNoValue) {
  EXPECT_EQ(Reject(R"({"field": "customer.status", "op": "in", "value": "ACTIVE"})").field,
            "condition.value");
  EXPECT_EQ(Reject(R"({"field": "customer.status", "op": "in", "value": []})").message,
            "condition.value: must not be empty");
  EXPECT_EQ(Reject(R"({"field": "customer.ticket_balance", "op": "in", "value": [1, "2"]})").field,
            "condition.value[1]");
  EXPECT_EQ(Reject(R"({"field": "customer.status", "op": "is_set", "value": true})").message,
            "condition.value: 'is_set' takes no value");
  EXPECT_EQ(Reject(R"({"field": "customer.status", "op": "eq"})").message,
            "condition.value: is required for 'eq'");
}

TEST(ParseCondition, AcceptsAKeyOnlyOnKeyedFacts) {
  Rejection r = Reject(R"({"all": [{"field": "customer.status", "key": "x", "op": "eq",
                                   "value": "ACTIVE"}]})");
  EXPECT_EQ(r.field, "condition.all[0].key");
  EXPECT_NE(r.message.find("customer.status takes no key"), std::string::npos);
  EXPECT_EQ(
      Reject(R"({"field": "customer.ticket_balance", "key": "", "op": "lte", "value": 1})").field,
      "condition.key");
  const std::string long_key(41, 'L');
  EXPECT_EQ(Reject(absl::StrCat(R"({"field": "customer.ticket_balance", "key": ")", long_key,
                                R"(", "op": "lte", "value": 1})"))
                .field,
            "condition.key");
}

TEST(ParseCondition, RefusesNestingDeeperThanEightLevels) {
  // Eight levels: seven `not`s around a leaf.
  std::string ok = R"({"field": "customer.status", "op": "is_set"})";
  for (int i = 0; i < 7; ++i) ok = absl::StrCat(R"({"not": )", ok, "}");
  EXPECT_TRUE(ParseCondition(ok, Subject::kCustomer).ok());
  Rejection r = Reject(absl::StrCat(R"({"all": [)", ok, "]}"));
  EXPECT_EQ(r.code, absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.field, "condition.all[0].not.not.not.not.not.not.not");
  EXPECT_NE(r.message.find("nested deeper than 8 levels"), std::string::npos);
}

TEST(ParseCondition, RefusesMoreThanAHundredLeaves) {
  auto leaves = [](int n) {
    std::string items;
    for (int i = 0; i < n; ++i) {
      absl::StrAppend(&items, i ? "," : "",
                      R"({"field": "customer.ticket_balance", "op": "gte", "value": )", i, "}");
    }
    return absl::StrCat(R"({"any": [)", items, "]}");
  };
  EXPECT_TRUE(ParseCondition(leaves(100), Subject::kCustomer).ok());
  Rejection r = Reject(leaves(101));
  EXPECT_EQ(r.field, "condition");
  EXPECT_NE(r.message.find("more than 100 leaves"), std::string::npos);
  // Empty groups are no leaves, but they are limited too.
  std::string groups;
  for (int i = 0; i < 100; ++i) absl::StrAppend(&groups, i ? "," : "", R"({"all": []})");
  Rejection g = Reject(absl::StrCat(R"({"any": [)", groups, "]}"));
  EXPECT_EQ(g.field, "condition");
  EXPECT_NE(g.message.find("more than 100 all/any/not groups"), std::string::npos);
}

TEST(ParseCondition, RefusesMalformedNodes) {
  EXPECT_EQ(Reject(R"({"all": [], "any": []})").message,
            "condition: has more than one of 'all', 'any', 'not', 'field'");
  EXPECT_EQ(Reject(R"({})").message, "condition: needs one of 'all', 'any', 'not' or 'field'");
  EXPECT_EQ(Reject(R"({"all": {}})").field, "condition.all");
  EXPECT_EQ(Reject(R"({"all": [[]]})").field, "condition.all[0]");
  EXPECT_EQ(Reject(R"({"field": "customer.status", "op": "is_set", "comment": "x"})").field,
            "condition.comment");
  EXPECT_EQ(Reject(R"({"not": {"field": "customer.status", "op": "is_set"}, "x": 1})").field,
            "condition.x");
  // SQL or code is just an unknown fact name, never run.
  EXPECT_EQ(Reject(R"({"field": "1=1; DROP TABLE rules", "op": "is_set"})").field,
            "condition.field");
  auto not_json = ParseCondition("{\"all\": [", Subject::kCustomer);
  EXPECT_EQ(not_json.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace qq::notification::rules
