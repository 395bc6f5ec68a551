#include "services/order/domain/delivery_order_draft.h"

#include <gtest/gtest.h>

#include "services/common/status.h"

namespace qq::order {
namespace {

namespace v1 = qingquan::order::v1;

const absl::Time kNow = absl::FromUnixSeconds(1796000000);

v1::DeliveryOrder TwoBarrels() {
  v1::DeliveryOrder o;
  o.set_channel(v1::PHONE);
  o.set_customer_id("6f1c7a9e-4f1b-4c55-9d7e-2d7f0c1b8a11");
  auto* item = o.add_items();
  item->set_product(" 18.9L ");
  item->set_quantity(2);
  o.set_payment(v1::DeliveryOrder::TICKETS);
  return o;
}

TEST(CheckNewDeliveryOrder, AcceptsTwoBarrelsByTickets) {
  auto draft = CheckNewDeliveryOrder(TwoBarrels(), kNow);
  ASSERT_TRUE(draft.ok()) << draft.status();
  ASSERT_EQ(draft->items.size(), 1u);
  EXPECT_EQ(draft->items[0].product, "18.9L");
  EXPECT_EQ(draft->items[0].quantity, 2);
  EXPECT_EQ(draft->payment, v1::DeliveryOrder::TICKETS);
  EXPECT_FALSE(draft->window_start.has_value());
}

TEST(CheckNewDeliveryOrder, AddsUpRepeatedProducts) {
  v1::DeliveryOrder o = TwoBarrels();
  auto* more = o.add_items();
  more->set_product("18.9L");
  more->set_quantity(3);
  auto* cups = o.add_items();
  cups->set_product("纸杯");
  cups->set_quantity(1);
  auto draft = CheckNewDeliveryOrder(o, kNow);
  ASSERT_TRUE(draft.ok()) << draft.status();
  ASSERT_EQ(draft->items.size(), 2u);
  EXPECT_EQ(draft->items[0].quantity, 5);
  EXPECT_EQ(draft->items[1].product, "纸杯");
}

TEST(CheckNewDeliveryOrder, NamesTheBadField) {
  v1::DeliveryOrder o = TwoBarrels();
  o.clear_items();
  EXPECT_EQ(FieldOf(CheckNewDeliveryOrder(o, kNow).status()), "items");
  o = TwoBarrels();
  o.mutable_items(0)->set_quantity(0);
  EXPECT_EQ(FieldOf(CheckNewDeliveryOrder(o, kNow).status()), "items[0].quantity");
  o = TwoBarrels();
  o.mutable_items(0)->set_product("");
  EXPECT_EQ(FieldOf(CheckNewDeliveryOrder(o, kNow).status()), "items[0].product");
  o = TwoBarrels();
  o.mutable_items(0)->set_product("18.9L:evil");
  EXPECT_EQ(FieldOf(CheckNewDeliveryOrder(o, kNow).status()), "items[0].product");
  o = TwoBarrels();
  o.clear_payment();
  EXPECT_EQ(FieldOf(CheckNewDeliveryOrder(o, kNow).status()), "payment");
  o = TwoBarrels();
  o.clear_channel();
  EXPECT_EQ(FieldOf(CheckNewDeliveryOrder(o, kNow).status()), "channel");
  o = TwoBarrels();
  o.set_address_id("nope");
  EXPECT_EQ(CheckNewDeliveryOrder(o, kNow).status().code(), absl::StatusCode::kNotFound);
}

TEST(CheckNewDeliveryOrder, WindowMustBeOpenAndOrdered) {
  v1::DeliveryOrder o = TwoBarrels();
  o.mutable_window()->mutable_start_time()->set_seconds(absl::ToUnixSeconds(kNow) + 3600);
  auto after_three = CheckNewDeliveryOrder(o, kNow);  // "after 15:00": a start only
  ASSERT_TRUE(after_three.ok()) << after_three.status();
  EXPECT_EQ(*after_three->window_start, kNow + absl::Hours(1));
  EXPECT_FALSE(after_three->window_end.has_value());

  o.mutable_window()->mutable_end_time()->set_seconds(absl::ToUnixSeconds(kNow) + 1800);
  EXPECT_EQ(FieldOf(CheckNewDeliveryOrder(o, kNow).status()), "window.endTime");

  o.clear_window();
  o.mutable_window()->mutable_end_time()->set_seconds(absl::ToUnixSeconds(kNow) - 60);
  auto closed = CheckNewDeliveryOrder(o, kNow);
  EXPECT_EQ(FieldOf(closed.status()), "window.endTime");
  EXPECT_NE(closed.status().message().find("already passed"), absl::string_view::npos);
}

TEST(TicketLedgerKey, OnePerOrderAndProduct) {
  EXPECT_EQ(TicketLedgerKey("6f1c7a9e-4f1b-4c55-9d7e-2d7f0c1b8a11", "18.9L"),
            "6f1c7a9e-4f1b-4c55-9d7e-2d7f0c1b8a11:18.9L");
}

TEST(CheckNewDeliveryOrder, ProductNamesAndNotesCountCharacters) {
  v1::DeliveryOrder o = TwoBarrels();
  o.mutable_items(0)->set_product("农夫山泉·19L桶装水（含押金）");
  o.set_notes(std::string(kMaxNotesChars / 2, 'x') + [] {
    std::string s;
    for (size_t i = 0; i < kMaxNotesChars / 2; ++i) s += "楼";
    return s;
  }());
  auto draft = CheckNewDeliveryOrder(o, kNow);
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->items[0].product, "农夫山泉·19L桶装水(含押金)");  // NFKC folds the brackets
  o.set_notes(o.notes() + "🚪");
  auto refused = CheckNewDeliveryOrder(o, kNow);
  EXPECT_EQ(FieldOf(refused.status()), "notes");
  EXPECT_NE(refused.status().message().find("at most 1000 characters"), absl::string_view::npos);
}

TEST(CheckNewDeliveryOrder, FullWidthProductIsTheSameProduct) {
  v1::DeliveryOrder o = TwoBarrels();
  o.mutable_items(0)->set_product("１８．９Ｌ");
  auto draft = CheckNewDeliveryOrder(o, kNow);
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->items[0].product, "18.9L");
  std::string forty;
  for (size_t i = 0; i < kMaxProductChars; ++i) forty += "桶";
  o.mutable_items(0)->set_product(forty);
  EXPECT_TRUE(CheckNewDeliveryOrder(o, kNow).ok());
  o.mutable_items(0)->set_product(forty + "桶");
  EXPECT_EQ(FieldOf(CheckNewDeliveryOrder(o, kNow).status()), "items[0].product");
}

// 下午3点后送, 工作日派送: the customer's wishes become the window of an order given none.
TEST(NextPreferredWindow, AfterThreeOnWeekdays) {
  const absl::TimeZone beijing = absl::FixedTimeZone(8 * 3600);
  auto preferred = PreferredWindowOf("15:00", "", {1, 2, 3, 4, 5});
  ASSERT_TRUE(preferred.has_value());
  // Monday 2026-12-07 10:00 Beijing: today, 15:00 to midnight.
  const absl::Time monday_morning = absl::FromCivil(absl::CivilMinute(2026, 12, 7, 10, 0), beijing);
  auto window = NextPreferredWindow(*preferred, monday_morning, beijing);
  ASSERT_TRUE(window.has_value());
  EXPECT_EQ(window->first, absl::FromCivil(absl::CivilMinute(2026, 12, 7, 15, 0), beijing));
  EXPECT_EQ(window->second, absl::FromCivil(absl::CivilMinute(2026, 12, 8, 0, 0), beijing));
  // Friday 23:30 is almost over; Saturday and Sunday are not wanted: next Monday.
  const absl::Time friday_night = absl::FromCivil(absl::CivilMinute(2026, 12, 11, 23, 59), beijing);
  auto next = NextPreferredWindow(*preferred, friday_night + absl::Minutes(2), beijing);
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->first, absl::FromCivil(absl::CivilMinute(2026, 12, 14, 15, 0), beijing));
}

TEST(PreferredWindowOf, SaysNothingWithoutTimesOrDays) {
  EXPECT_FALSE(PreferredWindowOf("", "", {}).has_value());
  EXPECT_FALSE(PreferredWindowOf("18:00", "15:00", {}).has_value());
  auto weekends = PreferredWindowOf("", "", {6, 7});
  ASSERT_TRUE(weekends.has_value());
  EXPECT_EQ(weekends->start_minute, 0);
  EXPECT_EQ(weekends->end_minute, 24 * 60);
}

}  // namespace
}  // namespace qq::order
