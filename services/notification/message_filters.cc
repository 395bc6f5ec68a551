#include "services/notification/message_filters.h"

#include <functional>

#include "services/common/call_guard.h"
#include "services/common/client.h"
#include "services/common/grpc_status.h"
#include "services/common/ids.h"
#include "services/common/log.h"
#include "services/common/status.h"

namespace qq::notification {
namespace {

// NOT_FOUND passes through naming `field`; an owner that does not answer is not an error.
absl::Status Settle(const absl::Status& asked, const char* what, const char* field) {
  if (asked.ok()) return absl::OkStatus();
  if (asked.code() == absl::StatusCode::kNotFound) {
    return WithField(absl::NotFoundError(std::string("no such ") + what), field);
  }
  LogWarn("message list filter not checked: owner did not answer",
          {{"field", field}, {"error", asked.ToString()}});
  return absl::OkStatus();
}

}  // namespace

MessageFilters::MessageFilters(const std::string& customer_addr, const std::string& order_addr,
                               std::chrono::milliseconds timeout)
    : customers_(qingquan::customer::v1::CustomerService::NewStub(MakeChannel(customer_addr))),
      work_orders_(qingquan::order::v1::WorkOrderService::NewStub(MakeChannel(order_addr))),
      timeout_(timeout) {}

absl::Status MessageFilters::Check(const CallContext& call, const std::string& customer_id,
                                   const std::string& work_order_id, std::string* customer_name) {
  // One owner's answer to "is `id` yours?" (`rpc` makes the call with the given context).
  auto ask = [&](const std::string& id, const char* what, const char* field,
                 const std::function<grpc::Status(grpc::ClientContext*)>& rpc) -> absl::Status {
    if (id.empty()) return absl::OkStatus();
    if (!LooksLikeUuid(id)) {
      return WithField(absl::NotFoundError(std::string("no such ") + what), field);
    }
    grpc::ClientContext ctx;
    PrepareOutgoingCall(ctx, call, timeout_);
    return Settle(FromGrpcStatus(rpc(&ctx)), what, field);
  };
  QQ_RETURN_IF_ERROR(ask(customer_id, "customer", "customerId", [&](grpc::ClientContext* ctx) {
    qingquan::customer::v1::GetCustomerRequest request;
    request.set_id(customer_id);
    qingquan::customer::v1::Customer customer;
    grpc::Status got = customers_->GetCustomer(ctx, request, &customer);
    if (got.ok() && customer_name != nullptr) *customer_name = customer.name();
    return got;
  }));
  return ask(work_order_id, "work order", "workOrderId", [&](grpc::ClientContext* ctx) {
    qingquan::order::v1::GetWorkOrderRequest request;
    request.set_id(work_order_id);
    qingquan::order::v1::WorkOrder order;
    return work_orders_->GetWorkOrder(ctx, request, &order);
  });
}

}  // namespace qq::notification
