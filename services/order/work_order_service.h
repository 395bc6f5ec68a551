// gRPC handlers for work orders, and the handler of dispatch-service events that
// puts the assigned team on the order.
#pragma once

#include <pqxx/pqxx>

#include "qingquan/order/v1/order.grpc.pb.h"
#include "services/common/call_guard.h"
#include "services/common/event_consumer.h"
#include "services/common/outbox.h"
#include "services/order/customer_directory.h"
#include "services/order/domain/workflow.h"
#include "services/order/order_store.h"

namespace qq::order {

class WorkOrderServiceImpl final : public qingquan::order::v1::WorkOrderService::CallbackService {
 public:
  WorkOrderServiceImpl(CallGuard& guard, OrderStore& store, CustomerDirectory& customers,
                       OutboxRelay& relay)
      : guard_(guard), store_(store), customers_(customers), relay_(relay) {}

  grpc::ServerUnaryReactor* CreateWorkOrder(
      grpc::CallbackServerContext* ctx, const qingquan::order::v1::CreateWorkOrderRequest* request,
      WorkOrder* response) override;
  grpc::ServerUnaryReactor* GetWorkOrder(grpc::CallbackServerContext* ctx,
                                         const qingquan::order::v1::GetWorkOrderRequest* request,
                                         WorkOrder* response) override;
  grpc::ServerUnaryReactor* ListWorkOrders(
      grpc::CallbackServerContext* ctx, const qingquan::order::v1::ListWorkOrdersRequest* request,
      qingquan::order::v1::ListWorkOrdersResponse* response) override;
  grpc::ServerUnaryReactor* ListWorkOrderPool(
      grpc::CallbackServerContext* ctx,
      const qingquan::order::v1::ListWorkOrderPoolRequest* request,
      qingquan::order::v1::ListWorkOrdersResponse* response) override;
  grpc::ServerUnaryReactor* AcceptWorkOrder(
      grpc::CallbackServerContext* ctx, const qingquan::order::v1::AcceptWorkOrderRequest* request,
      WorkOrder* response) override;
  grpc::ServerUnaryReactor* UpdateWorkOrder(
      grpc::CallbackServerContext* ctx, const qingquan::order::v1::UpdateWorkOrderRequest* request,
      WorkOrder* response) override;
  grpc::ServerUnaryReactor* ResolveWorkOrder(
      grpc::CallbackServerContext* ctx, const qingquan::order::v1::ResolveWorkOrderRequest* request,
      WorkOrder* response) override;
  grpc::ServerUnaryReactor* TransitionWorkOrder(
      grpc::CallbackServerContext* ctx,
      const qingquan::order::v1::TransitionWorkOrderRequest* request, WorkOrder* response) override;

 private:
  // Takes `transition` of the order's workflow for the caller.
  absl::StatusOr<WorkOrder> Transition(const CallContext& call, const std::string& id,
                                       const std::string& transition, TransitionInput input,
                                       std::vector<std::string> attachment_ids,
                                       std::optional<google::protobuf::Struct> custom_fields = {});

  CallGuard& guard_;
  OrderStore& store_;
  CustomerDirectory& customers_;
  OutboxRelay& relay_;
};

// Handles "workorder.assigned" from the dispatch service: records the team and takes
// the workflow's "dispatch" transition where the order's state allows it; without
// automatic assignment the team leader gets a to-do. Handles "workorder.worker_offered":
// the chosen worker is assigned (or the leader gets a to-do when dispatch found nobody).
// Other event types are ignored.
absl::Status HandleDispatchEvent(OrderStore& store, pqxx::work& txn, const StreamEvent& event);

}  // namespace qq::order
