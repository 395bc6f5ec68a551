#include "services/order/order_numbers.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/common/civil_text.h"
#include "services/common/log.h"
#include "services/common/pg_pool.h"
#include "services/common/redis_client.h"
#include "services/common/status.h"
#include "services/order/domain/work_order_draft.h"

namespace qq::order {
namespace {

struct Series {
  const char* prefix;
  const char* orders_table;
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

const Series kWorkOrders{"WO", "work_orders", QQ_NEXT_NUMBER_SQL("work_order_counters"),
                         QQ_HEAL_NUMBER_SQL("work_order_counters", "work_orders", "WO")};
const Series kDeliveryOrders{
    "DO", "delivery_orders", QQ_NEXT_NUMBER_SQL("delivery_order_counters"),
    QQ_HEAL_NUMBER_SQL("delivery_order_counters", "delivery_orders", "DO")};

const Series& SeriesOf(OrderSeries series) {
  return series == OrderSeries::kWorkOrder ? kWorkOrders : kDeliveryOrders;
}

// Keys outlive their day by two: long enough for any clock skew between replicas.
constexpr char kKeyTtlSeconds[] = "259200";
// INCR, with the TTL set when the key is new.
constexpr char kNextScript[] =
    "local n = redis.call('INCR', KEYS[1]) "
    "if n == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end "
    "return n";
// Raises the counter to at least ARGV[2] (the highest number in use), then INCR.
constexpr char kHealScript[] =
    "local current = tonumber(redis.call('GET', KEYS[1]) or '0') "
    "if current < tonumber(ARGV[2]) then redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[1]) end "
    "return redis.call('INCR', KEYS[1])";

std::string ShanghaiDay() { return absl::FormatTime("%Y%m%d", absl::Now(), BeijingTime()); }

}  // namespace

absl::StatusOr<std::string> OrderNumbers::Next(OrderSeries series, const std::string& tenant,
                                               bool heal) {
  if (redis_ != nullptr) {
    auto number = NextFromRedis(series, tenant, heal);
    if (number.ok() || number.status().code() != absl::StatusCode::kUnavailable) return number;
    LogWarn("order numbers from PostgreSQL: Redis does not answer",
            {{"error", std::string(number.status().message())}});
  }
  return NextFromDatabase(series, tenant, heal);
}

absl::StatusOr<std::string> OrderNumbers::NextFromRedis(OrderSeries kind, const std::string& tenant,
                                                        bool heal) {
  const Series& series = SeriesOf(kind);
  const std::string day = ShanghaiDay();
  const std::string key = absl::StrCat("qq:order:number:", series.prefix, ":", tenant, ":", day);
  absl::StatusOr<RedisReply> reply;
  if (heal) {
    long long highest = 0;
    QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) -> absl::Status {
      pqxx::result r = txn.exec_params(
          absl::StrCat("SELECT coalesce(max(split_part(number, '-', 3)::int), 0) FROM ",
                       series.orders_table, " WHERE tenant_id = $1 AND number LIKE $2"),
          tenant, absl::StrCat(series.prefix, "-", day, "-%"));
      highest = r[0][0].as<long long>();
      return absl::OkStatus();
    }));
    reply = redis_->Command({"EVAL", kHealScript, "1", key, kKeyTtlSeconds, absl::StrCat(highest)});
  } else {
    reply = redis_->Command({"EVAL", kNextScript, "1", key, kKeyTtlSeconds});
  }
  QQ_RETURN_IF_ERROR(reply.status());
  if (reply->type != RedisReply::Type::kInteger) {
    return absl::InternalError("order number counter: unexpected Redis reply");
  }
  return FormatOrderNumber(series.prefix, day, static_cast<int>(reply->integer));
}

absl::StatusOr<std::string> OrderNumbers::NextFromDatabase(OrderSeries kind,
                                                           const std::string& tenant, bool heal) {
  const Series& series = SeriesOf(kind);
  std::string number;
  QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) -> absl::Status {
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
