#include "services/customer/domain/search_query.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/common/status.h"

namespace qq::customer {
namespace {

TEST(PlanSearch, TellsPhonesSuffixesPinyinAndText) {
  auto phone = PlanSearch(" 139-1234-5678 ");
  ASSERT_TRUE(phone.ok());
  EXPECT_EQ(phone->kind, SearchPlan::kPhone);
  EXPECT_EQ(phone->text, "13912345678");
  auto suffix = PlanSearch("5678");
  ASSERT_TRUE(suffix.ok());
  EXPECT_EQ(suffix->kind, SearchPlan::kPhoneSuffix);
  EXPECT_EQ(PlanSearch("62345678")->kind, SearchPlan::kPhoneSuffix);
  EXPECT_EQ(PlanSearch("ZS")->kind, SearchPlan::kPinyin);
  EXPECT_EQ(PlanSearch("ZS")->text, "zs");
  EXPECT_EQ(PlanSearch("张杨路")->kind, SearchPlan::kText);
  EXPECT_EQ(FieldOf(PlanSearch("567").status()), "q");
  EXPECT_EQ(FieldOf(PlanSearch("  ").status()), "q");
}

TEST(SearchTermsForName, HasFragmentsAndPinyin) {
  std::vector<std::string> texts;
  for (const auto& t : SearchTermsForName("张三")) texts.push_back(t.text);
  EXPECT_THAT(texts, ::testing::IsSupersetOf({"张三", "三", "zhangsan", "zs"}));
}

TEST(MergeCandidates, KeepsTheBestScorePerCustomer) {
  auto merged = MergeCandidates({{{"a", 50, "PINYIN"}, {"b", 60, "NAME"}}, {{"a", 90, "PHONE"}}});
  ASSERT_EQ(merged.size(), 2u);
  EXPECT_EQ(merged[0].customer_id, "a");
  EXPECT_EQ(merged[0].matched, "PHONE");
  EXPECT_EQ(EscapeLike("50%_\\"), "50\\%\\_\\\\");
}

}  // namespace
}  // namespace qq::customer
