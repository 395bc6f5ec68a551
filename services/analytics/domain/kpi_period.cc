#include "services/analytics/domain/kpi_period.h"

#include "absl/time/civil_time.h"
#include "services/common/status.h"

namespace qq::analytics {
namespace {

absl::Status CheckDate(const std::string& field, const std::string& value, absl::CivilDay* day) {
  if (value.empty()) return absl::OkStatus();
  if (value.size() != 10 || !absl::ParseCivilTime(value, day)) {
    return InvalidField(field, "expected a date written YYYY-MM-DD");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<KpiPeriod> ParseKpiPeriod(const std::string& from_date, const std::string& to_date) {
  absl::CivilDay from, to;
  QQ_RETURN_IF_ERROR(CheckDate("fromDate", from_date, &from));
  QQ_RETURN_IF_ERROR(CheckDate("toDate", to_date, &to));
  if (!from_date.empty() && !to_date.empty() && to < from) {
    return InvalidField("toDate", "must not be before fromDate");
  }
  return KpiPeriod{from_date, to_date};
}

}  // namespace qq::analytics
