// Satisfaction feedback (回访): one score per resolved work order or delivered order.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "qingquan/order/v1/order.pb.h"
#include "services/common/idempotency.h"

namespace qq {
class PgPool;
}

namespace qq::order {

using qingquan::order::v1::Feedback;

class FeedbackStore {
 public:
  explicit FeedbackStore(PgPool& pool);

  // Stores `feedback` (order_kind, order_id, score 1–5 and comment already checked),
  // publishes feedback.received and closes the order's open follow-up to-do.
  // NOT_FOUND (field "orderId") for an order the tenant lacks; FAILED_PRECONDITION while
  // it is not resolved or delivered; ALREADY_EXISTS naming the first one's id (unless the
  // same Idempotency-Key retries it: then the first answer).
  absl::StatusOr<Feedback> Submit(const std::string& tenant, const std::string& actor,
                                  Feedback feedback, const IdempotencyScope& idempotency = {});

 private:
  PgPool& pool_;
};

}  // namespace qq::order
