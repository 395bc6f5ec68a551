// What the order service asks the customer service: the customer behind an order,
// with a short deadline and the caller's identity.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "qingquan/customer/v1/customer.grpc.pb.h"

namespace qq {
struct CallContext;
}

namespace qq::order {

class CustomerDirectory {
 public:
  explicit CustomerDirectory(const std::string& customer_addr,
                             std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));

  // NOT_FOUND (field "customerId") for an unknown customer; UNAVAILABLE or
  // DEADLINE_EXCEEDED when the customer service does not answer in time.
  absl::StatusOr<qingquan::customer::v1::Customer> GetCustomer(const CallContext& call,
                                                               const std::string& customer_id);

 private:
  std::unique_ptr<qingquan::customer::v1::CustomerService::Stub> stub_;
  std::chrono::milliseconds timeout_;
};

// The customer's address `address_id`, or the first one when it is empty; nullptr when
// the customer has no address. NOT_FOUND (field "addressId") for an id the customer lacks.
absl::StatusOr<const qingquan::customer::v1::Address*> ChooseAddress(
    const qingquan::customer::v1::Customer& customer, const std::string& address_id);

}  // namespace qq::order
