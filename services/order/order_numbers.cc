#include "services/order/order_numbers.h"

#include "services/common/pg_pool.h"
#include "services/common/status.h"
#include "services/order/domain/work_order_draft.h"

namespace qq::order {
namespace {

struct Series {
  const char* prefix;
  const char* next_sql;
  const char* heal_sql;
};

// The day is Shanghai's; `heal` counts past every number of the day already used.
#define QQ_NEXT_NUMBER_SQL(counters)                            \
  "INSERT INTO " counters                                       \
  " (tenant_id, day, last) "                                    \
  "VALUES ($1, (now() AT TIME ZONE 'Asia/Shanghai')::date, 1) " \
  "ON CONFLICT (tenant_id, day) DO UPDATE SET last = " counters \
  ".last + 1 "                                                  \
  "RETURNING to_char(day, 'YYYYMMDD'), last"
#define QQ_HEAL_NUMBER_SQL(counters, orders, prefix)                                           \
  "UPDATE " counters                                                                           \
  " c SET last = greatest(c.last, coalesce((SELECT max(split_part(number, "                    \
  "'-', 3)::int) FROM " orders " o WHERE o.tenant_id = c.tenant_id AND o.number LIKE '" prefix \
  "-' || to_char(c.day, 'YYYYMMDD') || '-%'), 0)) + 1 "                                        \
  "WHERE c.tenant_id = $1 AND c.day = (now() AT TIME ZONE 'Asia/Shanghai')::date "             \
  "RETURNING to_char(day, 'YYYYMMDD'), last"

const Series kWorkOrders{"WO", QQ_NEXT_NUMBER_SQL("work_order_counters"),
                         QQ_HEAL_NUMBER_SQL("work_order_counters", "work_orders", "WO")};
const Series kDeliveryOrders{
    "DO", QQ_NEXT_NUMBER_SQL("delivery_order_counters"),
    QQ_HEAL_NUMBER_SQL("delivery_order_counters", "delivery_orders", "DO")};

}  // namespace

absl::StatusOr<std::string> NextOrderNumber(PgPool& pool, OrderSeries kind,
                                            const std::string& tenant, bool heal) {
  const Series& series = kind == OrderSeries::kWorkOrder ? kWorkOrders : kDeliveryOrders;
  std::string number;
  QQ_RETURN_IF_ERROR(pool.Transact([&](pqxx::work& txn) -> absl::Status {
    txn.exec("SET LOCAL synchronous_commit = off");
    // The first attempt of the day created the counter row, so healing only updates it.
    pqxx::result row = txn.exec_params(heal ? series.heal_sql : series.next_sql, tenant);
    if (row.empty()) row = txn.exec_params(series.next_sql, tenant);
    number = FormatOrderNumber(series.prefix, row[0][0].as<std::string>(), row[0][1].as<int>());
    return absl::OkStatus();
  }));
  return number;
}

}  // namespace qq::order
