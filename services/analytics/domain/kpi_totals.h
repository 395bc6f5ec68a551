// Totals over per-type work-order figures. Pure: no database.
#pragma once

#include <string>
#include <vector>

namespace qq::analytics {

struct TypeKpi {
  std::string type;
  int created = 0;
  int resolved = 0;
  // Mean over the resolved ones; 0 when none is resolved.
  double average_handling_seconds = 0;
};

struct KpiTotals {
  int created = 0;
  int resolved = 0;
  double average_handling_seconds = 0;
};

// Sums counts; the overall mean handling time weights each type by its resolved count.
KpiTotals SumTypeKpis(const std::vector<TypeKpi>& by_type);

}  // namespace qq::analytics
