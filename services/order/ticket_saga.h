// The ticket saga's worker: carries out the deductions and refunds the delivery store
// queued (ticket_saga_steps) against the customer service's ledger, which is idempotent
// by order, so a step retried after a crash or a timeout never deducts twice. Runs every
// `interval` and at once on Wake().
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "qingquan/customer/v1/customer.grpc.pb.h"
#include "services/common/auth.h"
#include "services/common/wakeable_loop.h"
#include "services/order/delivery_store.h"

namespace qq::order {

class TicketSaga {
 public:
  TicketSaga(DeliveryStore& store,
             std::shared_ptr<qingquan::customer::v1::LedgerService::StubInterface> ledger,
             const TokenIssuer& issuer, std::chrono::milliseconds deadline);
  void Start(std::chrono::milliseconds interval);
  void Wake() { loop_.Wake(); }
  void Stop() { loop_.Stop(); }

  // Runs the due steps now; returns how many ran.
  absl::StatusOr<int> RunOnce();

 private:
  absl::StatusOr<TicketStepOutcome> Carry(const TicketStep& step);

  DeliveryStore& store_;
  std::shared_ptr<qingquan::customer::v1::LedgerService::StubInterface> ledger_;
  const TokenIssuer& issuer_;
  std::chrono::milliseconds deadline_;
  WakeableLoop loop_;  // last: stopped before the members it uses go
};

}  // namespace qq::order
