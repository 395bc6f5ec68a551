// Human-friendly order numbers: WO-20261205-0001, DO-20261205-0001, per tenant and day
// (Asia/Shanghai). The counter is bumped in a short transaction of its own that does not
// wait for its WAL flush, so a create never holds the counter's row lock through its own
// work and commit: creates of one tenant do not queue behind each other. A crash can lose
// the last bumps; the orders' unique index on the number then refuses the repeat and the
// caller asks again with `heal`, which moves the counter past the highest number in use.
// Numbers of creates that roll back are skipped, as with any sequence.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace qq {
class PgPool;
}

namespace qq::order {

enum class OrderSeries { kWorkOrder, kDeliveryOrder };

absl::StatusOr<std::string> NextOrderNumber(PgPool& pool, OrderSeries series,
                                            const std::string& tenant, bool heal = false);

}  // namespace qq::order
