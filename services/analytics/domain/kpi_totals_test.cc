#include "services/analytics/domain/kpi_totals.h"

#include <gtest/gtest.h>

namespace qq::analytics {
namespace {

TEST(SumTypeKpis, WeightsMeanHandlingTimeByResolvedCount) {
  KpiTotals totals = SumTypeKpis({{"REPAIR", 5, 3, 100.0}, {"COMPLAINT", 2, 1, 500.0}});
  EXPECT_EQ(totals.created, 7);
  EXPECT_EQ(totals.resolved, 4);
  EXPECT_DOUBLE_EQ(totals.average_handling_seconds, (3 * 100.0 + 500.0) / 4);
}

TEST(SumTypeKpis, NothingResolvedMeansZeroMean) {
  KpiTotals totals = SumTypeKpis({{"REPAIR", 2, 0, 0.0}});
  EXPECT_EQ(totals.resolved, 0);
  EXPECT_EQ(totals.average_handling_seconds, 0.0);
}

}  // namespace
}  // namespace qq::analytics
