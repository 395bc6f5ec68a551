// Does what a rule's firing asks of other services: a coupon in the customer's ledger, a
// care task (a 回访 work order), a tag on the customer. Each call carries the action's own
// idempotency key and a service token for the tenant, so a retry after a crash or a
// timeout never issues a second coupon or opens a second task. Unreachable services are
// retried with backoff; refusals are recorded on the action with the reason.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "qingquan/customer/v1/customer.grpc.pb.h"
#include "qingquan/order/v1/order.grpc.pb.h"
#include "services/common/auth.h"
#include "services/common/wakeable_loop.h"
#include "services/notification/rule_store.h"

namespace qq::notification {

class RuleActionWorker {
 public:
  RuleActionWorker(RuleStore& store, const TokenIssuer& issuer, const std::string& customer_addr,
                   const std::string& order_addr,
                   std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));
  ~RuleActionWorker();

  void Start(std::chrono::milliseconds interval = std::chrono::milliseconds(500));
  void Stop();
  void Wake() { loop_.Wake(); }
  // One pass; returns the actions handled.
  int RunDue();

 private:
  struct Outcome {
    std::string status;  // DONE, FAILED, or "" to retry
    std::string detail;
    std::string reference;
  };
  Outcome Perform(const ActionRow& action);

  RuleStore& store_;
  const TokenIssuer& issuer_;
  std::unique_ptr<qingquan::customer::v1::LedgerService::Stub> ledger_;
  std::unique_ptr<qingquan::customer::v1::CustomerService::Stub> customers_;
  std::unique_ptr<qingquan::order::v1::WorkOrderService::Stub> work_orders_;
  std::chrono::milliseconds timeout_;
  WakeableLoop loop_;
};

}  // namespace qq::notification
