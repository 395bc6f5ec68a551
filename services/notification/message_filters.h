// What a message list is filtered by must be the caller's: a customer or work order of
// another tenant (or none at all) is NOT_FOUND, as on every other sub-collection, not an
// empty list. The notification service asks the owners over gRPC with the caller's
// identity and a short deadline.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "qingquan/customer/v1/customer.grpc.pb.h"
#include "qingquan/order/v1/order.grpc.pb.h"

namespace qq {
struct CallContext;
}

namespace qq::notification {

class MessageFilters {
 public:
  MessageFilters(const std::string& customer_addr, const std::string& order_addr,
                 std::chrono::milliseconds timeout = std::chrono::milliseconds(1000));

  // OK when each non-empty id names a customer / work order of the caller's tenant.
  // NOT_FOUND naming "customerId" or "workOrderId" otherwise. When the owner does not
  // answer, OK: the list is scoped by tenant anyway, so a foreign id can only come back
  // empty, and messages stay readable while a neighbour is down.
  // `customer_name`, when given, receives the customer's name (empty when the owner did
  // not answer).
  absl::Status Check(const CallContext& call, const std::string& customer_id,
                     const std::string& work_order_id, std::string* customer_name = nullptr);

 private:
  std::unique_ptr<qingquan::customer::v1::CustomerService::Stub> customers_;
  std::unique_ptr<qingquan::order::v1::WorkOrderService::Stub> work_orders_;
  std::chrono::milliseconds timeout_;
};

}  // namespace qq::notification
