// The period a KPI query covers, from optional YYYY-MM-DD bounds in the tenant's
// time zone. Pure: no database.
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace qq::analytics {

struct KpiPeriod {
  // Inclusive first and last day, "YYYY-MM-DD"; empty means unbounded.
  std::string from_date;
  std::string to_date;
};

// INVALID_ARGUMENT naming fromDate/toDate when a date is malformed or the range is
// reversed.
absl::StatusOr<KpiPeriod> ParseKpiPeriod(const std::string& from_date, const std::string& to_date);

}  // namespace qq::analytics
