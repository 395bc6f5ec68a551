#include "services/analytics/domain/kpi_period.h"

#include <gtest/gtest.h>

#include "services/common/status.h"

namespace qq::analytics {
namespace {

TEST(KpiPeriod, AcceptsOpenAndClosedRanges) {
  auto open = ParseKpiPeriod("", "");
  ASSERT_TRUE(open.ok());
  EXPECT_EQ(open->from_date, "");
  auto closed = ParseKpiPeriod("2026-11-01", "2026-11-30");
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(closed->to_date, "2026-11-30");
}

TEST(KpiPeriod, RejectsMalformedDateNamingTheField) {
  auto bad = ParseKpiPeriod("2026-13-01", "");
  ASSERT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(bad.status()), "fromDate");
  EXPECT_EQ(FieldOf(ParseKpiPeriod("", "yesterday").status()), "toDate");
}

TEST(KpiPeriod, RejectsReversedRange) {
  auto reversed = ParseKpiPeriod("2026-11-30", "2026-11-01");
  ASSERT_EQ(reversed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(reversed.status()), "toDate");
}

}  // namespace
}  // namespace qq::analytics
