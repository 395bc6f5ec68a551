// The only place with SQL for the analytics service: work-order facts and KPIs.
#pragma once

#include <pqxx/pqxx>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/analytics/domain/kpi_period.h"
#include "services/analytics/domain/kpi_totals.h"
#include "services/common/migrations.h"

namespace qq {
class PgPool;
}

namespace qq::analytics {

struct KpiSummary {
  std::vector<TypeKpi> by_type;
};

class AnalyticsStore {
 public:
  explicit AnalyticsStore(PgPool& pool);

  // Called by the event handler inside the consumer's transaction.
  static void RecordCreated(pqxx::work& txn, const std::string& tenant,
                            const std::string& work_order_id, const std::string& type,
                            const std::string& channel, double created_unix);
  static void RecordResolved(pqxx::work& txn, const std::string& tenant,
                             const std::string& work_order_id, const std::string& type,
                             double created_unix, double resolved_unix);

  // Counts and mean handling time per work-order type in `period` (by creation day,
  // tenant time zone Asia/Shanghai).
  absl::StatusOr<KpiSummary> SummariseWorkOrders(const std::string& tenant,
                                                 const KpiPeriod& period);

 private:
  PgPool& pool_;
};

}  // namespace qq::analytics

namespace qq {
// Generated from services/analytics/migrations/*.sql (cmake/EmbedSql.cmake).
std::vector<Migration> analytics_migrations();
}  // namespace qq
