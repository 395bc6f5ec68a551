#include "services/notification/domain/rules/fact_schema.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "services/notification/domain/rules/facts.h"

namespace qq::notification::rules {
namespace {

TEST(FactSchema, IsIndexedByFactIdWithUniqueNames) {
  const auto schema = FactSchema();
  ASSERT_EQ(schema.size(), static_cast<size_t>(kFactCount));
  std::set<std::string> names;
  for (size_t i = 0; i < schema.size(); ++i) {
    EXPECT_EQ(static_cast<size_t>(schema[i].id), i) << schema[i].name;
    EXPECT_TRUE(names.insert(std::string(schema[i].name)).second) << schema[i].name;
    EXPECT_EQ(FindFact(schema[i].name), &schema[i]);
    EXPECT_FALSE(schema[i].label_zh.empty()) << schema[i].name;
    EXPECT_EQ(schema[i].type == FactType::kEnum, !schema[i].enum_values.empty()) << schema[i].name;
  }
  EXPECT_EQ(FindFact("customer.foo"), nullptr);
  EXPECT_TRUE(Describe(FactId::kCustomerTicketBalance).takes_key);
  EXPECT_TRUE(Describe(FactId::kOrderQuantity).takes_key);
  EXPECT_FALSE(Describe(FactId::kCustomerStatus).takes_key);
}

TEST(FactSchema, CustomerFactsApplyToEverySubjectOthersOnlyToTheirOwn) {
  EXPECT_TRUE(FactAppliesTo(FactId::kCustomerTags, Subject::kWorkOrder));
  EXPECT_TRUE(FactAppliesTo(FactId::kCustomerTags, Subject::kDeliveryOrder));
  EXPECT_FALSE(FactAppliesTo(FactId::kWorkOrderType, Subject::kCustomer));
  EXPECT_FALSE(FactAppliesTo(FactId::kWorkOrderType, Subject::kDeliveryOrder));
  EXPECT_FALSE(FactAppliesTo(FactId::kOrderPayment, Subject::kWorkOrder));
}

TEST(FactSchema, OperatorsByType) {
  EXPECT_TRUE(OpAppliesTo(Op::kLte, FactType::kInt));
  EXPECT_FALSE(OpAppliesTo(Op::kLte, FactType::kString));
  EXPECT_TRUE(OpAppliesTo(Op::kNotIn, FactType::kEnum));
  EXPECT_FALSE(OpAppliesTo(Op::kNe, FactType::kBool));
  EXPECT_FALSE(OpAppliesTo(Op::kEq, FactType::kStringList));
  EXPECT_TRUE(OpAppliesTo(Op::kIsSet, FactType::kStringList));
  for (int i = 0; i <= static_cast<int>(Op::kIsNotEmpty); ++i) {
    EXPECT_EQ(ParseOp(OpName(static_cast<Op>(i))), static_cast<Op>(i));
  }
  EXPECT_FALSE(ParseOp("like").has_value());
}

TEST(FactSchema, DescribesItselfAsJsonForTheConsole) {
  const std::string json = FactSchemaJson();
  EXPECT_NE(json.find(R"({"name":"customer.ticket_balance","subject":"customer","type":"int",)"),
            std::string::npos);
  EXPECT_NE(json.find(R"("label_zh":"水票余额","takes_key":true)"), std::string::npos);
  EXPECT_NE(json.find(R"("enum_values":["NORMAL","URGENT","CRITICAL"])"), std::string::npos);
  EXPECT_NE(json.find(R"("operators":["is_set","is_not_set","contains","not_contains",)"
                      R"("is_empty","is_not_empty"])"),
            std::string::npos);
}

TEST(Facts, StringAndListSlotsDoNotOverlap) {
  Facts f;
  f.SetString(FactId::kCustomerAreaId, "a");
  f.SetString(FactId::kWorkOrderState, "b");
  f.SetString(FactId::kWorkOrderAreaId, "c");
  f.SetString(FactId::kWorkOrderTeamId, "d");
  f.SetList(FactId::kCustomerTags, {"t"});
  f.AddOrderItem("18.9L", 1);
  f.AddOrderItem("18.9L", 2);
  EXPECT_EQ(f.String(FactId::kCustomerAreaId), "a");
  EXPECT_EQ(f.String(FactId::kWorkOrderState), "b");
  EXPECT_EQ(f.String(FactId::kWorkOrderAreaId), "c");
  EXPECT_EQ(f.String(FactId::kWorkOrderTeamId), "d");
  EXPECT_EQ(f.List(FactId::kCustomerTags), std::vector<std::string>{"t"});
  EXPECT_EQ(f.List(FactId::kOrderProducts), std::vector<std::string>{"18.9L"});
  EXPECT_EQ(f.Keyed(FactId::kOrderQuantity, "18.9L"), 3);
  EXPECT_EQ(f.Number(FactId::kOrderQuantity), 3);
}

}  // namespace
}  // namespace qq::notification::rules
