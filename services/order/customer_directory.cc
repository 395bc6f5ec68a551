#include "services/order/customer_directory.h"

#include "services/common/call_guard.h"
#include "services/common/client.h"
#include "services/common/grpc_status.h"
#include "services/common/ids.h"
#include "services/common/status.h"

namespace qq::order {

CustomerDirectory::CustomerDirectory(const std::string& customer_addr,
                                     std::chrono::milliseconds timeout)
    : stub_(qingquan::customer::v1::CustomerService::NewStub(MakeChannel(customer_addr))),
      timeout_(timeout) {}

absl::StatusOr<qingquan::customer::v1::Customer> CustomerDirectory::GetCustomer(
    const CallContext& call, const std::string& customer_id) {
  if (!LooksLikeUuid(customer_id)) {
    return WithField(absl::NotFoundError("no such customer"), "customerId");
  }
  grpc::ClientContext ctx;
  PrepareOutgoingCall(ctx, call, timeout_);
  qingquan::customer::v1::GetCustomerRequest request;
  request.set_id(customer_id);
  qingquan::customer::v1::Customer customer;
  absl::Status status = FromGrpcStatus(stub_->GetCustomer(&ctx, request, &customer));
  if (status.code() == absl::StatusCode::kNotFound) {
    return WithField(absl::NotFoundError("no such customer"), "customerId");
  }
  if (!status.ok()) {
    return absl::Status(status.code(),
                        std::string("customer service: ") + std::string(status.message()));
  }
  return customer;
}

absl::StatusOr<const qingquan::customer::v1::Address*> ChooseAddress(
    const qingquan::customer::v1::Customer& customer, const std::string& address_id) {
  for (const auto& a : customer.addresses()) {
    if (address_id.empty() || a.id() == address_id) return &a;
  }
  if (!address_id.empty()) {
    return WithField(absl::NotFoundError("the customer has no such address"), "addressId");
  }
  return nullptr;
}

}  // namespace qq::order
