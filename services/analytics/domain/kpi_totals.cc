#include "services/analytics/domain/kpi_totals.h"

namespace qq::analytics {

KpiTotals SumTypeKpis(const std::vector<TypeKpi>& by_type) {
  KpiTotals totals;
  double weighted_seconds = 0;
  for (const TypeKpi& t : by_type) {
    totals.created += t.created;
    totals.resolved += t.resolved;
    weighted_seconds += t.average_handling_seconds * t.resolved;
  }
  if (totals.resolved > 0) totals.average_handling_seconds = weighted_seconds / totals.resolved;
  return totals;
}

}  // namespace qq::analytics
