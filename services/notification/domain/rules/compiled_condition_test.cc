#include "services/notification/domain/rules/compiled_condition.h"

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_cat.h"

namespace qq::notification::rules {
namespace {

CompiledCondition Compile(const std::string& json, Subject subject = Subject::kCustomer) {
  auto parsed = ParseCondition(json, subject);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return CompiledCondition(parsed.ok() ? *parsed : Condition{});
}

// Evaluates both paths and checks they agree.
bool Matches(const std::string& json, const Facts& facts, Subject subject = Subject::kCustomer) {
  CompiledCondition c = Compile(json, subject);
  const bool fast = c.Matches(facts);
  EXPECT_EQ(c.Explain(facts).matched, fast) << json;
  return fast;
}

std::string Leaf(const std::string& field, const std::string& op, const std::string& value) {
  return absl::StrCat(R"({"field": ")", field, R"(", "op": ")", op, R"(", "value": )", value, "}");
}

constexpr char kTrue[] = R"({"all": []})";
constexpr char kFalse[] = R"({"any": []})";

TEST(CompiledCondition, AllAnyNotTruthTable) {
  const Facts none;
  const std::pair<std::string, bool> cases[] = {
      {kTrue, true},
      {kFalse, false},
      {absl::StrCat(R"({"all": [)", kTrue, ",", kTrue, "]}"), true},
      {absl::StrCat(R"({"all": [)", kTrue, ",", kFalse, "]}"), false},
      {absl::StrCat(R"({"all": [)", kFalse, ",", kTrue, "]}"), false},
      {absl::StrCat(R"({"any": [)", kFalse, ",", kFalse, "]}"), false},
      {absl::StrCat(R"({"any": [)", kFalse, ",", kTrue, "]}"), true},
      {absl::StrCat(R"({"any": [)", kTrue, ",", kFalse, "]}"), true},
      {absl::StrCat(R"({"not": )", kTrue, "}"), false},
      {absl::StrCat(R"({"not": )", kFalse, "}"), true},
      {absl::StrCat(R"({"not": {"not": )", kFalse, "}}"), false},
      // Groups nested in groups skip whole subtrees correctly.
      {absl::StrCat(R"({"all": [{"any": [)", kFalse, ",", kFalse, "]},", kTrue, "]}"), false},
      {absl::StrCat(R"({"any": [{"all": [)", kTrue, ",", kFalse, R"(]}, {"not": )", kFalse, "}]}"),
       true},
  };
  for (const auto& [json, expected] : cases) EXPECT_EQ(Matches(json, none), expected) << json;
}

TEST(CompiledCondition, ComparesIntegers) {
  Facts f;
  f.SetInt(FactId::kCustomerDaysSinceCreated, 30);
  const std::string field = "customer.days_since_created";
  EXPECT_TRUE(Matches(Leaf(field, "eq", "30"), f));
  EXPECT_FALSE(Matches(Leaf(field, "ne", "30"), f));
  EXPECT_TRUE(Matches(Leaf(field, "lt", "31"), f));
  EXPECT_FALSE(Matches(Leaf(field, "lt", "30"), f));
  EXPECT_TRUE(Matches(Leaf(field, "lte", "30"), f));
  EXPECT_FALSE(Matches(Leaf(field, "gt", "30"), f));
  EXPECT_TRUE(Matches(Leaf(field, "gte", "30"), f));
  EXPECT_TRUE(Matches(Leaf(field, "in", "[7, 30, 90]"), f));
  EXPECT_FALSE(Matches(Leaf(field, "in", "[7, 90]"), f));
  EXPECT_TRUE(Matches(Leaf(field, "not_in", "[7, 90]"), f));
  EXPECT_FALSE(Matches(Leaf(field, "not_in", "[90, 30]"), f));
}

TEST(CompiledCondition, EveryComparisonOnAnUnsetFactIsFalseAndNotInvertsIt) {
  Facts f;  // a customer who never ordered: days_since_last_order unset
  f.SetEnum(FactId::kCustomerStatus, "ACTIVE");
  const std::string field = "customer.days_since_last_order";
  for (const char* op : {"eq", "ne", "lt", "lte", "gt", "gte"}) {
    EXPECT_FALSE(Matches(Leaf(field, op, "30"), f)) << op;
  }
  EXPECT_FALSE(Matches(Leaf(field, "in", "[30]"), f));
  EXPECT_FALSE(Matches(Leaf(field, "not_in", "[30]"), f));
  EXPECT_FALSE(Matches(R"({"field": "customer.days_since_last_order", "op": "is_set"})", f));
  EXPECT_TRUE(Matches(R"({"field": "customer.days_since_last_order", "op": "is_not_set"})", f));
  EXPECT_TRUE(Matches(absl::StrCat(R"({"not": )", Leaf(field, "gte", "30"), "}"), f));
  // Unset lists: on a work order without a customer, tags are unknown, not empty.
  Facts work_order;
  work_order.SetString(FactId::kWorkOrderState, "CREATED");
  for (const char* op : {"is_empty", "is_not_empty"}) {
    EXPECT_FALSE(Matches(absl::StrCat(R"({"field": "customer.tags", "op": ")", op, R"("})"),
                         work_order, Subject::kWorkOrder))
        << op;
  }
  EXPECT_FALSE(
      Matches(Leaf("customer.tags", "not_contains", R"("VIP")"), work_order, Subject::kWorkOrder));
  EXPECT_FALSE(
      Matches(Leaf("customer.status", "ne", R"("CHURNED")"), work_order, Subject::kWorkOrder));
}

TEST(CompiledCondition, KeyedBalancesReadTheProductAndTheTotalWithoutKey) {
  Facts f;
  f.AddTicketBalance("18.9L", 1);
  f.AddTicketBalance("18.9L桶装水", 5);
  f.AddTicketBalance("18.9L", 1);  // two ledger lines of one product add up
  auto balance = [](const std::string& key, const std::string& op, int value) {
    return absl::StrCat(R"({"field": "customer.ticket_balance")",
                        key.empty() ? "" : absl::StrCat(R"(, "key": ")", key, R"(")"),
                        R"(, "op": ")", op, R"(", "value": )", value, "}");
  };
  EXPECT_TRUE(Matches(balance("18.9L", "eq", 2), f));
  EXPECT_TRUE(Matches(balance("18.9L桶装水", "eq", 5), f));
  EXPECT_TRUE(Matches(balance("", "eq", 7), f));
  // A product the customer has no tickets of has 0 of them (the customer is known).
  EXPECT_TRUE(Matches(balance("11.3L", "eq", 0), f));
  EXPECT_TRUE(Matches(balance("11.3L", "lte", 2), f));
  // The full-width spelling in the rule is the same product.
  EXPECT_TRUE(Matches(balance("１８．９Ｌ", "lte", 2), f));
  // No customer at all: unset, so even "lte 2" is false.
  EXPECT_FALSE(Matches(balance("18.9L", "lte", 2), Facts()));

  Facts no_tickets;
  no_tickets.SetInt(FactId::kCustomerTicketBalance, 0);
  EXPECT_TRUE(Matches(balance("18.9L", "lte", 2), no_tickets));
}

TEST(CompiledCondition, OrderQuantitiesAndProducts) {
  Facts f;
  f.AddOrderItem("18.9L", 2);
  f.AddOrderItem("矿泉水24瓶", 1);
  f.SetEnum(FactId::kOrderPayment, "TICKETS");
  const Subject order = Subject::kDeliveryOrder;
  EXPECT_TRUE(Matches(R"({"field": "order.quantity", "op": "eq", "value": 3})", f, order));
  EXPECT_TRUE(
      Matches(R"({"field": "order.quantity", "key": "18.9L", "op": "gte", "value": 2})", f, order));
  EXPECT_TRUE(Matches(Leaf("order.products", "contains", R"("矿泉水24瓶")"), f, order));
  EXPECT_FALSE(Matches(Leaf("order.products", "not_contains", R"("18.9L")"), f, order));
  EXPECT_TRUE(Matches(R"({"field": "order.products", "op": "is_not_empty"})", f, order));
  EXPECT_TRUE(Matches(Leaf("order.payment", "eq", R"("TICKETS")"), f, order));
  EXPECT_TRUE(Matches(Leaf("order.payment", "not_in", R"(["CASH", "ONLINE"])"), f, order));
}

TEST(CompiledCondition, StringsEnumsBoolsAndLists) {
  Facts f;
  f.SetEnum(FactId::kWorkOrderType, "WATER_CHANGE");
  f.SetEnum(FactId::kWorkOrderUrgency, "URGENT");
  f.SetString(FactId::kWorkOrderState, "DISPATCHED");
  f.SetString(FactId::kWorkOrderTeamId, "team-7");
  f.SetList(FactId::kCustomerTags, {"VIP", "待关怀🎂"});
  f.SetBool(FactId::kCustomerBirthdayToday, false);
  const Subject wo = Subject::kWorkOrder;
  EXPECT_TRUE(Matches(Leaf("work_order.type", "eq", R"("WATER_CHANGE")"), f, wo));
  EXPECT_TRUE(Matches(Leaf("work_order.type", "ne", R"("REPAIR")"), f, wo));
  EXPECT_TRUE(Matches(Leaf("work_order.urgency", "in", R"(["URGENT", "CRITICAL"])"), f, wo));
  EXPECT_FALSE(Matches(Leaf("work_order.urgency", "not_in", R"(["URGENT"])"), f, wo));
  EXPECT_TRUE(Matches(Leaf("work_order.state", "in", R"(["CREATED", "DISPATCHED"])"), f, wo));
  EXPECT_FALSE(Matches(Leaf("work_order.state", "not_in", R"(["CREATED", "DISPATCHED"])"), f, wo));
  EXPECT_TRUE(Matches(Leaf("work_order.team_id", "ne", R"("team-8")"), f, wo));
  EXPECT_FALSE(Matches(Leaf("work_order.team_id", "eq", R"("team-8")"), f, wo));
  EXPECT_TRUE(Matches(Leaf("customer.tags", "contains", R"("待关怀🎂")"), f, wo));
  EXPECT_FALSE(Matches(Leaf("customer.tags", "contains", R"("待关怀")"), f, wo));
  EXPECT_TRUE(Matches(Leaf("customer.tags", "not_contains", R"("黑名单")"), f, wo));
  EXPECT_FALSE(Matches(R"({"field": "customer.tags", "op": "is_empty"})", f, wo));
  EXPECT_TRUE(Matches(Leaf("customer.birthday_today", "eq", "false"), f, wo));
  EXPECT_FALSE(Matches(Leaf("customer.birthday_today", "eq", "true"), f, wo));

  Facts empty_tags;
  empty_tags.SetList(FactId::kCustomerTags, {});
  EXPECT_TRUE(Matches(R"({"field": "customer.tags", "op": "is_empty"})", empty_tags));
  EXPECT_TRUE(Matches(Leaf("customer.tags", "not_contains", R"("VIP")"), empty_tags));
}

TEST(CompiledCondition, AnEnumValueOutsideTheSchemaMatchesOnlyNegations) {
  Facts f;
  f.SetEnum(FactId::kCustomerStatus, "FROZEN");  // a value a newer customer-svc might send
  EXPECT_TRUE(f.IsSet(FactId::kCustomerStatus));
  EXPECT_FALSE(Matches(Leaf("customer.status", "eq", R"("ACTIVE")"), f));
  EXPECT_FALSE(Matches(Leaf("customer.status", "in", R"(["ACTIVE", "SILENT", "CHURNED"])"), f));
  EXPECT_TRUE(Matches(Leaf("customer.status", "ne", R"("ACTIVE")"), f));
  EXPECT_TRUE(Matches(Leaf("customer.status", "not_in", R"(["ACTIVE"])"), f));
}

TEST(CompiledCondition, SettersOfTheWrongTypeLeaveTheFactUnset) {
  Facts f;
  f.SetString(FactId::kCustomerTicketBalance, "2");
  f.SetInt(FactId::kCustomerAreaId, 2);
  EXPECT_FALSE(f.IsSet(FactId::kCustomerTicketBalance));
  EXPECT_FALSE(f.IsSet(FactId::kCustomerAreaId));
  f.SetInt(FactId::kCustomerDaysSinceCreated, 3);
  f.Unset(FactId::kCustomerDaysSinceCreated);
  EXPECT_FALSE(Matches(Leaf("customer.days_since_created", "eq", "3"), f));
}

TEST(CompiledCondition, ExplainsEveryLeafForTheAuditLog) {
  CompiledCondition c = Compile(R"({"all": [
      {"field": "customer.ticket_balance", "key": "18.9L桶装水", "op": "lte", "value": 2},
      {"not": {"field": "customer.tags", "op": "contains", "value": "VIP"}},
      {"field": "customer.days_since_last_order", "op": "gte", "value": 30}]})");
  Facts f;
  f.AddTicketBalance("18.9L桶装水", 1);
  f.SetList(FactId::kCustomerTags, {"VIP"});
  const Evaluation e = c.Explain(f);
  EXPECT_FALSE(e.matched);
  EXPECT_FALSE(c.Matches(f));
  // The `not` failed, and the third leaf is reported although a short-circuit skips it.
  ASSERT_EQ(e.leaves.size(), 3u);
  EXPECT_EQ(e.leaves[0].path, "condition.all[0]");
  EXPECT_EQ(e.leaves[0].field, "customer.ticket_balance");
  EXPECT_EQ(e.leaves[0].key, "18.9L桶装水");
  EXPECT_EQ(e.leaves[0].op, "lte");
  EXPECT_EQ(e.leaves[0].expected, "2");
  EXPECT_EQ(e.leaves[0].actual, "1");
  EXPECT_TRUE(e.leaves[0].outcome);
  EXPECT_EQ(e.leaves[1].path, "condition.all[1].not");
  EXPECT_EQ(e.leaves[1].expected, R"("VIP")");
  EXPECT_EQ(e.leaves[1].actual, R"(["VIP"])");
  EXPECT_TRUE(e.leaves[1].outcome);  // the leaf itself; the `not` makes it fail the rule
  EXPECT_EQ(e.leaves[2].actual, "null");
  EXPECT_FALSE(e.leaves[2].outcome);

  EXPECT_EQ(e.ToJson(),
            R"({"matched":false,"leaves":[)"
            R"({"path":"condition.all[0]","field":"customer.ticket_balance","key":"18.9L桶装水",)"
            R"("op":"lte","expected":2,"actual":1,"outcome":true},)"
            R"({"path":"condition.all[1].not","field":"customer.tags","op":"contains",)"
            R"("expected":"VIP","actual":["VIP"],"outcome":true},)"
            R"({"path":"condition.all[2]","field":"customer.days_since_last_order","op":"gte",)"
            R"("expected":30,"actual":null,"outcome":false}]})");
  EXPECT_NE(e.ToText().find(
                "condition.all[0]: customer.ticket_balance[18.9L桶装水] lte 2, actual 1 → true"),
            std::string::npos);
}

TEST(CompiledCondition, ExplainsListsAndUnknownEnumValues) {
  CompiledCondition c = Compile(R"({"any": [
      {"field": "customer.status", "op": "in", "value": ["ACTIVE", "SILENT"]},
      {"field": "customer.tags", "op": "is_empty"}]})");
  Facts f;
  f.SetEnum(FactId::kCustomerStatus, "FROZEN");
  f.SetList(FactId::kCustomerTags, {"待关怀🎂"});
  const Evaluation e = c.Explain(f);
  EXPECT_FALSE(e.matched);
  ASSERT_EQ(e.leaves.size(), 2u);
  EXPECT_EQ(e.leaves[0].expected, R"(["ACTIVE","SILENT"])");
  EXPECT_EQ(e.leaves[0].actual, R"x("(unknown)")x");
  EXPECT_EQ(e.leaves[1].expected, "");
  EXPECT_EQ(e.leaves[1].actual, R"(["待关怀🎂"])");
}

}  // namespace
}  // namespace qq::notification::rules
