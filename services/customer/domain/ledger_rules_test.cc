#include "services/customer/domain/ledger_rules.h"

#include <gtest/gtest.h>

#include "services/common/status.h"

namespace qq::customer {
namespace {

LedgerEntryDraft Entry(const std::string& kind, const std::string& asset, int64_t quantity,
                       int64_t fen, const std::string& reason = "") {
  return {kind, asset, asset == "DEPOSIT" ? "" : "18.9L", {quantity, fen}, reason, ""};
}

TEST(CheckStaffEntry, KindsHaveTheirSigns) {
  EXPECT_TRUE(CheckStaffEntry(Entry("PURCHASE", "TICKET", 20, 36000)).ok());
  EXPECT_EQ(FieldOf(CheckStaffEntry(Entry("PURCHASE", "TICKET", -1, 0))), "entry.quantityDelta");
  EXPECT_TRUE(CheckStaffEntry(Entry("RETURN", "DEPOSIT", -2, -6000)).ok());
  EXPECT_EQ(FieldOf(CheckStaffEntry(Entry("RETURN", "TICKET", -2, 0))), "entry.kind");
  EXPECT_EQ(FieldOf(CheckStaffEntry(Entry("REFUND", "TICKET", -5, -9000))), "entry.reason");
  EXPECT_TRUE(CheckStaffEntry(Entry("REFUND", "TICKET", -5, -9000, "客户退卡")).ok());
  EXPECT_EQ(FieldOf(CheckStaffEntry(Entry("ADJUSTMENT", "TICKET", 1, 0))), "entry.reason");
  EXPECT_TRUE(CheckStaffEntry(Entry("ADJUSTMENT", "TICKET", -1, 0, "盘点")).ok());
  EXPECT_EQ(FieldOf(CheckStaffEntry(Entry("DELIVERY_DEDUCTION", "TICKET", -1, 0))), "entry.kind");
  EXPECT_EQ(FieldOf(CheckStaffEntry(Entry("PURCHASE", "GOLD", 1, 0))), "entry.asset.kind");
  auto no_product = Entry("PURCHASE", "TICKET", 1, 0);
  no_product.product = "";
  EXPECT_EQ(FieldOf(CheckStaffEntry(no_product)), "entry.asset.product");
}

TEST(ApplyToBalance, NeverBelowZeroAndSaysWhy) {
  auto after = ApplyToBalance({3, 5400}, {-2, -3600}, "TICKET 18.9L", "quantity");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->quantity, 1);
  auto refused = ApplyToBalance({1, 1800}, {-2, 0}, "TICKET 18.9L", "quantity");
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(FieldOf(refused.status()), "quantity");
  EXPECT_NE(refused.status().message().find("balance of TICKET 18.9L is 1"), std::string::npos);
}

TEST(AmountForQuantity, ProportionalAndAllWithTheLastTicket) {
  EXPECT_EQ(AmountForQuantity({10, 18000}, 2), 3600);
  EXPECT_EQ(AmountForQuantity({3, 1000}, 1), 333);
  EXPECT_EQ(AmountForQuantity({3, 1000}, 3), 1000);
  EXPECT_EQ(AmountForQuantity({0, 0}, 1), 0);
}

}  // namespace
}  // namespace qq::customer
