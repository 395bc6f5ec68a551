#include "services/order/domain/work_order_draft.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/common/status.h"

namespace qq::order {
namespace {

using qingquan::order::v1::WorkOrder;

WorkOrder ValidRepair() {
  WorkOrder wo;
  wo.set_type(WorkOrder::REPAIR);
  wo.set_channel(qingquan::order::v1::PHONE);
  wo.set_customer_id("6f1c7a9e-4f1b-4c55-9d7e-2d7f0c1b8a11");
  wo.set_description(" 水管爆裂 ");
  return wo;
}

TEST(CheckNewWorkOrder, AcceptsARepairAndDefaultsUrgency) {
  auto draft = CheckNewWorkOrder(ValidRepair());
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->urgency, WorkOrder::NORMAL);
  EXPECT_EQ(draft->description, "水管爆裂");
}

TEST(CheckNewWorkOrder, NamesMissingFields) {
  WorkOrder wo = ValidRepair();
  wo.clear_type();
  EXPECT_EQ(FieldOf(CheckNewWorkOrder(wo).status()), "type");
  wo = ValidRepair();
  wo.clear_channel();
  EXPECT_EQ(FieldOf(CheckNewWorkOrder(wo).status()), "channel");
  wo = ValidRepair();
  wo.clear_customer_id();
  EXPECT_EQ(FieldOf(CheckNewWorkOrder(wo).status()), "customerId");
  wo = ValidRepair();
  wo.set_description(std::string(kMaxDescriptionChars + 1, 'x'));
  EXPECT_EQ(FieldOf(CheckNewWorkOrder(wo).status()), "description");
}

// 4000 Chinese characters are 12000 bytes: the limit counts characters.
TEST(CheckNewWorkOrder, LimitsDescriptionInCharacters) {
  std::string text;
  for (size_t i = 0; i < kMaxDescriptionChars; ++i) text += i % 2 ? "水" : "💧";
  WorkOrder wo = ValidRepair();
  wo.set_description(text);
  auto draft = CheckNewWorkOrder(wo);
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->description, text);
  wo.set_description(text + "阀");
  auto refused = CheckNewWorkOrder(wo);
  EXPECT_EQ(FieldOf(refused.status()), "description");
  EXPECT_THAT(std::string(refused.status().message()),
              testing::HasSubstr("at most 4000 characters"));
  wo.set_description("\u3000 更换DN100阀门后恢复供水 \u3000");
  EXPECT_EQ(CheckNewWorkOrder(wo)->description, "更换DN100阀门后恢复供水");
}

TEST(CheckNewWorkOrder, MalformedAddressIdIsNotFound) {
  WorkOrder wo = ValidRepair();
  wo.set_address_id("nope");
  auto draft = CheckNewWorkOrder(wo);
  EXPECT_EQ(draft.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(FieldOf(draft.status()), "addressId");
}

TEST(NormalizeOrderNumber, TakesWhatPeopleType) {
  EXPECT_EQ(NormalizeOrderNumber(" wo-20261208-0014 "), "WO-20261208-0014");
  EXPECT_EQ(NormalizeOrderNumber("ＷＯ－２０２６１２０８－００１４"), "WO-20261208-0014");
  EXPECT_EQ(NormalizeOrderNumber("DO-20261208-0003"), "DO-20261208-0003");
}

TEST(FormatWorkOrderNumber, PadsTheSequence) {
  EXPECT_EQ(FormatWorkOrderNumber("20261122", 1), "WO-20261122-0001");
  EXPECT_EQ(FormatWorkOrderNumber("20261122", 12345), "WO-20261122-12345");
}

}  // namespace
}  // namespace qq::order
