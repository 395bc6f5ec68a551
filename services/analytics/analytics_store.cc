#include "services/analytics/analytics_store.h"

#include "services/common/pg_pool.h"

namespace qq::analytics {
namespace {

const NamedQuery kRecordCreated{
    "RecordWorkOrderCreated",
    "INSERT INTO work_order_facts (tenant_id, work_order_id, type, channel, created_at) "
    "VALUES ($1, $2, $3, $4, to_timestamp($5)) ON CONFLICT (tenant_id, work_order_id) DO NOTHING"};

// A resolution may arrive before its creation event was seen (separate consumers of
// one stream never reorder, but a replay might): insert or complete the row.
const NamedQuery kRecordResolved{
    "RecordWorkOrderResolved",
    "INSERT INTO work_order_facts (tenant_id, work_order_id, type, created_at, resolved_at) "
    "VALUES ($1, $2, $3, to_timestamp($4), to_timestamp($5)) "
    "ON CONFLICT (tenant_id, work_order_id) DO UPDATE SET resolved_at = EXCLUDED.resolved_at"};

const NamedQuery kSummariseWorkOrders{
    "SummariseWorkOrders",
    "SELECT type, count(*)::int, count(resolved_at)::int, "
    "  COALESCE(avg(EXTRACT(EPOCH FROM resolved_at - created_at)), 0)::float8 "
    "FROM work_order_facts "
    "WHERE tenant_id = $1 "
    "  AND ($2 = '' OR created_at >= ($2::date)::timestamp AT TIME ZONE 'Asia/Shanghai') "
    "  AND ($3 = '' OR created_at < ($3::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai') "
    "GROUP BY type ORDER BY type"};

}  // namespace

AnalyticsStore::AnalyticsStore(PgPool& pool) : pool_(pool) {
  pool_.Prepare({kSummariseWorkOrders, kRecordCreated, kRecordResolved});
}

void AnalyticsStore::RecordCreated(pqxx::work& txn, const std::string& tenant,
                                   const std::string& work_order_id, const std::string& type,
                                   const std::string& channel, double created_unix) {
  txn.exec_prepared(kRecordCreated.name, tenant, work_order_id, type, channel, created_unix);
}

void AnalyticsStore::RecordResolved(pqxx::work& txn, const std::string& tenant,
                                    const std::string& work_order_id, const std::string& type,
                                    double created_unix, double resolved_unix) {
  txn.exec_prepared(kRecordResolved.name, tenant, work_order_id, type, created_unix, resolved_unix);
}

absl::StatusOr<KpiSummary> AnalyticsStore::SummariseWorkOrders(const std::string& tenant,
                                                               const KpiPeriod& period) {
  KpiSummary summary;
  absl::Status status = pool_.Read([&](pqxx::work& txn) {
    pqxx::result rows =
        txn.exec_prepared(kSummariseWorkOrders.name, tenant, period.from_date, period.to_date);
    for (const auto& row : rows) {
      summary.by_type.push_back(TypeKpi{row[0].as<std::string>(), row[1].as<int>(),
                                        row[2].as<int>(), row[3].as<double>()});
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return summary;
}

}  // namespace qq::analytics
