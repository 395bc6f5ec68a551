#include "services/customer/domain/delivery_preferences.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "google/protobuf/field_mask.pb.h"
#include "qingquan/customer/v1/customer.pb.h"
#include "services/common/status.h"
#include "services/customer/domain/customer_draft.h"

namespace qq::customer {
namespace {

namespace v1 = qingquan::customer::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kPrefix[] = "deliveryPreferences";

v1::DeliveryPreferences Window(const std::string& start, const std::string& end) {
  v1::DeliveryPreferences p;
  p.set_window_start_local(start);
  p.set_window_end_local(end);
  return p;
}

v1::DeliveryPreferences Days(std::initializer_list<int> days) {
  v1::DeliveryPreferences p;
  for (int d : days) p.add_weekdays(d);
  return p;
}

std::string FieldOfCheck(const v1::DeliveryPreferences& p) {
  auto checked = CheckDeliveryPreferences(p, kPrefix);
  EXPECT_FALSE(checked.ok());
  EXPECT_EQ(checked.status().code(), absl::StatusCode::kInvalidArgument);
  return FieldOf(checked.status());
}

TEST(CheckDeliveryPreferences, NoPreferencesAreValid) {
  auto checked = CheckDeliveryPreferences(v1::DeliveryPreferences(), kPrefix);
  ASSERT_TRUE(checked.ok()) << checked.status();
  EXPECT_EQ(*checked, DeliveryPreferencesDraft());
}

TEST(CheckDeliveryPreferences, NormalisesTimesAndSortsWeekdays) {
  v1::DeliveryPreferences p = Window(" １５：００ ", "18:00");
  for (int d : {5, 1, 3}) p.add_weekdays(d);
  p.set_no_lift(true);
  p.set_needs_cart(true);
  p.set_floor(6);
  auto checked = CheckDeliveryPreferences(p, kPrefix);
  ASSERT_TRUE(checked.ok()) << checked.status();
  EXPECT_EQ(checked->window_start_local, "15:00");
  EXPECT_EQ(checked->window_end_local, "18:00");
  EXPECT_THAT(checked->weekdays, ElementsAre(1, 3, 5));
  EXPECT_TRUE(checked->no_lift);
  EXPECT_TRUE(checked->needs_cart);
  EXPECT_EQ(checked->floor, 6);

  v1::DeliveryPreferences stored = DeliveryPreferencesMessageOf(*checked);
  EXPECT_EQ(stored.window_start_local(), "15:00");
  EXPECT_THAT(stored.weekdays(), ElementsAre(1, 3, 5));
  EXPECT_EQ(stored.floor(), 6);
}

TEST(CheckDeliveryPreferences, EndMayBeTheEndOfTheDay) {
  auto checked = CheckDeliveryPreferences(Window("20:00", "24:00"), kPrefix);
  ASSERT_TRUE(checked.ok()) << checked.status();
  EXPECT_EQ(checked->window_end_local, "24:00");
  EXPECT_TRUE(CheckDeliveryPreferences(Window("00:00", ""), kPrefix).ok());
}

TEST(CheckDeliveryPreferences, RejectsTimesThatAreNotHhMm) {
  for (const char* bad : {"25:00", "15:60", "3pm", "15", "1500", "15:00:00", "下午3点"}) {
    EXPECT_EQ(FieldOfCheck(Window(bad, "")), "deliveryPreferences.windowStartLocal") << bad;
    EXPECT_EQ(FieldOfCheck(Window("", bad)), "deliveryPreferences.windowEndLocal") << bad;
  }
  // The end of the day cannot start a window; midnight cannot end one.
  EXPECT_EQ(FieldOfCheck(Window("24:00", "")), "deliveryPreferences.windowStartLocal");
  EXPECT_EQ(FieldOfCheck(Window("", "00:00")), "deliveryPreferences.windowEndLocal");
  auto status = CheckDeliveryPreferences(Window("25:00", ""), kPrefix).status();
  EXPECT_THAT(std::string(status.message()), HasSubstr("HH:MM"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("25:00"));
}

TEST(CheckDeliveryPreferences, RejectsAStartThatIsNotBeforeTheEnd) {
  EXPECT_EQ(FieldOfCheck(Window("18:00", "15:00")), "deliveryPreferences.windowEndLocal");
  EXPECT_EQ(FieldOfCheck(Window("15:00", "15:00")), "deliveryPreferences.windowEndLocal");
  auto status = CheckDeliveryPreferences(Window("18:00", "15:00"), kPrefix).status();
  EXPECT_THAT(std::string(status.message()), HasSubstr("after windowStartLocal"));
}

TEST(CheckDeliveryPreferences, RejectsWeekdaysOutOfRangeOrRepeated) {
  EXPECT_EQ(FieldOfCheck(Days({8})), "deliveryPreferences.weekdays[0]");
  EXPECT_EQ(FieldOfCheck(Days({1, 0})), "deliveryPreferences.weekdays[1]");
  EXPECT_EQ(FieldOfCheck(Days({1, 2, 1})), "deliveryPreferences.weekdays[2]");
  auto status = CheckDeliveryPreferences(Days({1, 2, 1}), kPrefix).status();
  EXPECT_THAT(std::string(status.message()), HasSubstr("twice"));
}

TEST(CheckDeliveryPreferences, FloorIsZeroTo200) {
  v1::DeliveryPreferences p;
  p.set_floor(200);
  EXPECT_TRUE(CheckDeliveryPreferences(p, kPrefix).ok());
  p.set_floor(201);
  EXPECT_EQ(FieldOfCheck(p), "deliveryPreferences.floor");
  p.set_floor(-1);
  EXPECT_EQ(FieldOfCheck(p), "deliveryPreferences.floor");
}

TEST(PreferenceTagsOf, SaysTheWindow) {
  EXPECT_THAT(PreferenceTagsOf(Window("15:00", "")), ElementsAre("15:00后送"));
  EXPECT_THAT(PreferenceTagsOf(Window("", "11:00")), ElementsAre("11:00前送"));
  EXPECT_THAT(PreferenceTagsOf(Window("15:00", "18:00")), ElementsAre("15:00-18:00送"));
  EXPECT_THAT(PreferenceTagsOf(Window("15:00", "24:00")), ElementsAre("15:00后送"));
  EXPECT_THAT(PreferenceTagsOf(Window("00:00", "11:00")), ElementsAre("11:00前送"));
  EXPECT_THAT(PreferenceTagsOf(Window("00:00", "24:00")), IsEmpty());
}

TEST(PreferenceTagsOf, SaysTheDays) {
  EXPECT_THAT(PreferenceTagsOf(Days({1, 2, 3, 4, 5})), ElementsAre("仅工作日送"));
  EXPECT_THAT(PreferenceTagsOf(Days({6, 7})), ElementsAre("仅周末送"));
  EXPECT_THAT(PreferenceTagsOf(Days({1, 3})), ElementsAre("仅周一、周三送"));
  EXPECT_THAT(PreferenceTagsOf(Days({7})), ElementsAre("仅周日送"));
  EXPECT_THAT(PreferenceTagsOf(Days({1, 2, 3, 4, 5, 6, 7})), IsEmpty());
}

TEST(PreferenceTagsOf, SaysTheStairsAndTheCart) {
  v1::DeliveryPreferences p;
  p.set_no_lift(true);
  EXPECT_THAT(PreferenceTagsOf(p), ElementsAre("高层无电梯"));
  p.set_floor(6);
  EXPECT_THAT(PreferenceTagsOf(p), ElementsAre("6楼无电梯"));
  p.set_no_lift(false);
  p.set_needs_cart(true);
  EXPECT_THAT(PreferenceTagsOf(p), ElementsAre("需带小推车"));
}

TEST(PreferenceTagsOf, NoPreferencesNoTags) {
  EXPECT_THAT(PreferenceTagsOf(v1::DeliveryPreferences()), IsEmpty());
}

TEST(PreferenceTagsOf, AllTogetherInAFixedOrder) {
  v1::DeliveryPreferences p = Window("15:00", "");
  for (int d : {1, 2, 3, 4, 5}) p.add_weekdays(d);
  p.set_no_lift(true);
  p.set_needs_cart(true);
  p.set_floor(6);
  EXPECT_THAT(PreferenceTagsOf(p),
              ElementsAre("15:00后送", "仅工作日送", "6楼无电梯", "需带小推车"));
}

TEST(CheckNewCustomer, ChecksTheDeliveryPreferences) {
  v1::Customer c;
  c.set_name("张三");
  c.mutable_delivery_preferences()->set_window_start_local("１５：００");
  auto draft = CheckNewCustomer(c, {});
  ASSERT_TRUE(draft.ok()) << draft.status();
  ASSERT_TRUE(draft->delivery_preferences.has_value());
  EXPECT_EQ(draft->delivery_preferences->window_start_local, "15:00");

  c.mutable_delivery_preferences()->add_weekdays(8);
  EXPECT_EQ(FieldOf(CheckNewCustomer(c, {}).status()), "deliveryPreferences.weekdays[0]");
}

TEST(ApplyCustomerUpdate, ReplacesTheDeliveryPreferencesWhenNamed) {
  v1::Customer current;
  current.set_name("张三");
  current.mutable_delivery_preferences()->set_window_start_local("15:00");
  current.mutable_delivery_preferences()->set_no_lift(true);
  v1::Customer patch;
  patch.set_name("李四");
  patch.mutable_delivery_preferences()->set_window_end_local("11:00");

  google::protobuf::FieldMask mask;
  mask.add_paths("delivery_preferences");
  auto merged = ApplyCustomerUpdate(current, patch, mask);
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(merged->name(), "张三");
  EXPECT_EQ(merged->delivery_preferences().window_start_local(), "");
  EXPECT_EQ(merged->delivery_preferences().window_end_local(), "11:00");
  EXPECT_FALSE(merged->delivery_preferences().no_lift());

  // Another path keeps them.
  mask.set_paths(0, "name");
  merged = ApplyCustomerUpdate(current, patch, mask);
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_EQ(merged->delivery_preferences().window_start_local(), "15:00");
  EXPECT_TRUE(merged->delivery_preferences().no_lift());
}

}  // namespace
}  // namespace qq::customer
