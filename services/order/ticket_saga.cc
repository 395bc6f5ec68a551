#include "services/order/ticket_saga.h"

#include "services/common/client.h"
#include "services/common/grpc_status.h"
#include "services/common/log.h"
#include "services/common/status.h"
#include "services/order/domain/delivery_order_draft.h"

namespace qq::order {
namespace {

namespace customer_v1 = qingquan::customer::v1;
constexpr int kStepsPerPass = 50;

}  // namespace

TicketSaga::TicketSaga(DeliveryStore& store,
                       std::shared_ptr<customer_v1::LedgerService::StubInterface> ledger,
                       const TokenIssuer& issuer, std::chrono::milliseconds deadline)
    : store_(store), ledger_(std::move(ledger)), issuer_(issuer), deadline_(deadline) {}

absl::StatusOr<TicketStepOutcome> TicketSaga::Carry(const TicketStep& step) {
  QQ_ASSIGN_OR_RETURN(std::string token,
                      issuer_.Issue(Identity{step.tenant, "system:order", "order", {"service"}},
                                    std::chrono::seconds(300)));
  auto refund_all = [&](const std::string& reason) -> absl::Status {
    for (const auto& item : step.order.items()) {
      grpc::ClientContext ctx;
      PrepareServiceCall(ctx, token, deadline_);
      customer_v1::RefundForOrderRequest request;
      request.set_order_id(TicketLedgerKey(step.order_id, item.product()));
      request.set_reason(reason);
      customer_v1::LedgerEntry entry;
      QQ_RETURN_IF_ERROR(FromGrpcStatus(ledger_->RefundForOrder(&ctx, request, &entry)));
    }
    return absl::OkStatus();
  };
  if (step.action == "refund") {
    QQ_RETURN_IF_ERROR(refund_all("订单取消 " + step.order.number()));
    return TicketStepOutcome::kDone;
  }
  for (const auto& item : step.order.items()) {
    grpc::ClientContext ctx;
    PrepareServiceCall(ctx, token, deadline_);
    customer_v1::DeductForOrderRequest request;
    request.set_customer_id(step.order.customer_id());
    request.set_order_id(TicketLedgerKey(step.order_id, item.product()));
    request.set_product(item.product());
    request.set_quantity(item.quantity());
    customer_v1::LedgerEntry entry;
    absl::Status status = FromGrpcStatus(ledger_->DeductForOrder(&ctx, request, &entry));
    if (status.code() == absl::StatusCode::kFailedPrecondition) {
      // Too few tickets: give back what this order already took, the driver collects cash.
      QQ_RETURN_IF_ERROR(refund_all("水票不足, 改收现金 " + step.order.number()));
      return TicketStepOutcome::kTicketsShort;
    }
    QQ_RETURN_IF_ERROR(status);
  }
  return TicketStepOutcome::kDone;
}

absl::StatusOr<int> TicketSaga::RunOnce() {
  return store_.RunDueTicketSteps(kStepsPerPass, [this](const TicketStep& step) {
    auto outcome = Carry(step);
    if (!outcome.ok()) {
      LogWarn("ticket step postponed", {{"order", step.order_id},
                                        {"action", step.action},
                                        {"error", std::string(outcome.status().message())}});
    }
    return outcome;
  });
}

void TicketSaga::Start(std::chrono::milliseconds interval) {
  loop_.Start(interval, [this] {
    auto ran = RunOnce();
    if (!ran.ok()) LogWarn("ticket saga pass failed", {{"error", ran.status().ToString()}});
  });
}

}  // namespace qq::order
