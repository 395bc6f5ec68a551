// Human-friendly order numbers: WO-20261205-0001, DO-20261205-0001, per tenant and day
// (Asia/Shanghai).
//
// The day's counter lives in Redis (one INCR in a script, no database transaction and no
// row lock that every create of a tenant would queue behind). Where Redis does not answer,
// a counter row in PostgreSQL serves instead, bumped in a short transaction of its own
// that does not wait for its WAL flush. Either counter can fall behind the numbers in use
// (Redis restarted without its data, a crash lost the last bumps, the two took turns): the
// orders' unique index then refuses the repeat, and the caller asks again with `heal`,
// which moves the counter past the highest number of the day in use. Numbers of creates
// that roll back are skipped, as with any sequence.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace qq {
class PgPool;
class RedisClient;
}  // namespace qq

namespace qq::order {

enum class OrderSeries { kWorkOrder, kDeliveryOrder };

class OrderNumbers {
 public:
  // `redis` may be null: the PostgreSQL counters then serve alone.
  OrderNumbers(PgPool& pool, RedisClient* redis) : pool_(pool), redis_(redis) {}

  absl::StatusOr<std::string> Next(OrderSeries series, const std::string& tenant,
                                   bool heal = false);

 private:
  absl::StatusOr<std::string> NextFromDatabase(OrderSeries series, const std::string& tenant,
                                               bool heal);
  absl::StatusOr<std::string> NextFromRedis(OrderSeries series, const std::string& tenant,
                                            bool heal);

  PgPool& pool_;
  RedisClient* redis_;
};

}  // namespace qq::order
