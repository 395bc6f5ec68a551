#include "services/order/feedback_store.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "qingquan/common/v1/events.pb.h"
#include "services/common/idempotency.h"
#include "services/common/outbox.h"
#include "services/common/pg_pool.h"
#include "services/common/status.h"

namespace qq::order {
namespace {

using google::protobuf::util::TimeUtil;

const NamedQuery kWorkOrderForFeedback{
    "WorkOrderForFeedback",
    "SELECT number, type, customer_id::text, reopen_count, resolved_at IS NOT NULL, "
    "  NOT open AND resolved_at IS NULL "
    "FROM work_orders WHERE tenant_id = $1 AND id = $2"};
const NamedQuery kDeliveryForFeedback{
    "DeliveryForFeedback",
    "SELECT number, 'DELIVERY', customer_id::text, 0, delivered_at IS NOT NULL, "
    "  state = 'CANCELLED' "
    "FROM delivery_orders WHERE tenant_id = $1 AND id = $2"};
const NamedQuery kInsertFeedback{
    "InsertFeedback",
    "INSERT INTO feedback (tenant_id, order_id, order_kind, score, comment, customer_id, "
    "  recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7) "
    "ON CONFLICT (tenant_id, order_id, order_kind) DO NOTHING "
    "RETURNING id::text, (extract(epoch FROM created_at) * 1000000)::bigint"};
const NamedQuery kExistingFeedback{
    "ExistingFeedback",
    "SELECT id::text FROM feedback WHERE tenant_id = $1 AND order_id = $2 AND order_kind = $3"};
const NamedQuery kCloseFollowUps{
    "CloseFollowUps",
    "UPDATE todos SET done_at = now(), done_by = $3, done_comment = 'feedback recorded' "
    "WHERE tenant_id = $1 AND order_id = $2 AND kind = 'FOLLOW_UP' AND done_at IS NULL"};

}  // namespace

FeedbackStore::FeedbackStore(PgPool& pool) : pool_(pool) {
  pool_.Prepare({kWorkOrderForFeedback, kDeliveryForFeedback, kInsertFeedback, kExistingFeedback,
                 kCloseFollowUps});
}

absl::StatusOr<Feedback> FeedbackStore::Submit(const std::string& tenant, const std::string& actor,
                                               Feedback feedback,
                                               const IdempotencyScope& idempotency) {
  Feedback recorded;
  QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    recorded = feedback;
    Feedback first;
    QQ_ASSIGN_OR_RETURN(bool replayed, ClaimIdempotencyKey(txn, idempotency, first));
    if (replayed) {  // a retry: the first answer, nothing recorded twice
      recorded = std::move(first);
      return absl::OkStatus();
    }
    const bool delivery = feedback.order_kind() == "DELIVERY";
    pqxx::result order =
        txn.exec_prepared(delivery ? kDeliveryForFeedback.name : kWorkOrderForFeedback.name, tenant,
                          feedback.order_id());
    if (order.empty()) return WithField(absl::NotFoundError("no such order"), "orderId");
    if (order[0][5].as<bool>()) {
      return WithField(absl::FailedPreconditionError(
                           delivery ? "the order was cancelled: there is nothing to rate"
                                    : "the work order was cancelled: there is nothing to rate"),
                       "orderId");
    }
    if (!order[0][4].as<bool>()) {
      return WithField(
          absl::FailedPreconditionError(delivery ? "the order is not delivered yet"
                                                 : "the work order is not resolved yet"),
          "orderId");
    }
    const std::string customer_id = order[0][2].as<std::string>();
    pqxx::result inserted =
        txn.exec_prepared(kInsertFeedback.name, tenant, feedback.order_id(), feedback.order_kind(),
                          feedback.score(), feedback.comment(), customer_id, actor);
    if (inserted.empty()) {
      pqxx::result first = txn.exec_prepared(kExistingFeedback.name, tenant, feedback.order_id(),
                                             feedback.order_kind());
      return WithField(absl::AlreadyExistsError(absl::StrCat("this order already has feedback ",
                                                             first[0][0].as<std::string>())),
                       "orderId");
    }
    feedback.set_id(inserted[0][0].as<std::string>());
    *feedback.mutable_create_time() =
        TimeUtil::MicrosecondsToTimestamp(inserted[0][1].as<long long>());
    feedback.set_customer_id(customer_id);
    feedback.set_recorded_by(actor);
    txn.exec_prepared(kCloseFollowUps.name, tenant, feedback.order_id(), actor);

    qingquan::common::v1::FeedbackReceived e;
    e.set_feedback_id(feedback.id());
    e.set_order_id(feedback.order_id());
    e.set_order_kind(feedback.order_kind());
    e.set_number(order[0][0].as<std::string>());
    e.set_type(order[0][1].as<std::string>());
    e.set_score(feedback.score());
    e.set_comment(feedback.comment());
    e.set_customer_id(customer_id);
    e.set_reopen_count(order[0][3].as<int>());
    *e.mutable_time() = feedback.create_time();
    AppendToOutbox(txn, OutgoingEvent{EventStreamName("order"), tenant, "feedback.received",
                                      feedback.order_id(), e.SerializeAsString()});
    recorded = feedback;
    RecordIdempotentResponse(txn, idempotency, recorded);
    return absl::OkStatus();
  }));
  return recorded;
}

}  // namespace qq::order
