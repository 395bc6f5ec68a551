// gRPC handlers for delivery orders (送水订单) and the workflows every order follows.
#pragma once

#include "qingquan/order/v1/order.grpc.pb.h"
#include "services/common/call_guard.h"
#include "services/common/event_consumer.h"
#include "services/common/outbox.h"
#include "services/order/customer_directory.h"
#include "services/order/delivery_store.h"
#include "services/order/workflow_store.h"

namespace qq::order {

class TicketSaga;

class DeliveryOrderServiceImpl final
    : public qingquan::order::v1::DeliveryOrderService::CallbackService {
 public:
  DeliveryOrderServiceImpl(CallGuard& guard, DeliveryStore& store, CustomerDirectory& customers,
                           OutboxRelay& relay, TicketSaga& saga)
      : guard_(guard), store_(store), customers_(customers), relay_(relay), saga_(saga) {}

  grpc::ServerUnaryReactor* CreateDeliveryOrder(
      grpc::CallbackServerContext* ctx,
      const qingquan::order::v1::CreateDeliveryOrderRequest* request,
      DeliveryOrder* response) override;
  grpc::ServerUnaryReactor* GetDeliveryOrder(
      grpc::CallbackServerContext* ctx, const qingquan::order::v1::GetDeliveryOrderRequest* request,
      DeliveryOrder* response) override;
  grpc::ServerUnaryReactor* ListDeliveryOrders(
      grpc::CallbackServerContext* ctx,
      const qingquan::order::v1::ListDeliveryOrdersRequest* request,
      qingquan::order::v1::ListDeliveryOrdersResponse* response) override;
  grpc::ServerUnaryReactor* UpdateDeliveryOrder(
      grpc::CallbackServerContext* ctx,
      const qingquan::order::v1::UpdateDeliveryOrderRequest* request,
      qingquan::order::v1::DeliveryOrder* response) override;
  grpc::ServerUnaryReactor* TransitionDeliveryOrder(
      grpc::CallbackServerContext* ctx,
      const qingquan::order::v1::TransitionDeliveryOrderRequest* request,
      DeliveryOrder* response) override;

 private:
  CallGuard& guard_;
  DeliveryStore& store_;
  CustomerDirectory& customers_;
  OutboxRelay& relay_;
  TicketSaga& saga_;
};

// Handles "delivery.assigned" from the dispatch service: the optimiser's courier takes
// the order with the workflow's "assign", shown on the timeline with the place on the
// route and the ETA. An order that a person assigned meanwhile (or that moved on) keeps
// what it has. "delivery.reassigned" (a re-plan) moves an assigned order not yet under
// way to its new courier. Other event types are ignored.
absl::Status HandleDeliveryAssigned(DeliveryStore& store, pqxx::work& txn,
                                    const StreamEvent& event);

// Handles "delivery.unplaced": no courier could take the new order, so its timeline says
// why ("未能自动派单: 需 40 桶, 超过在岗车辆的最大容量 30 桶"), while it still waits for one.
// The state does not change; an order assigned meanwhile gets no note.
absl::Status HandleDeliveryUnplaced(DeliveryStore& store, pqxx::work& txn,
                                    const StreamEvent& event);

class WorkflowServiceImpl final : public qingquan::order::v1::WorkflowService::CallbackService {
 public:
  WorkflowServiceImpl(CallGuard& guard, WorkflowStore& store) : guard_(guard), store_(store) {}

  grpc::ServerUnaryReactor* ListWorkflows(
      grpc::CallbackServerContext* ctx, const qingquan::order::v1::ListWorkflowsRequest* request,
      qingquan::order::v1::ListWorkflowsResponse* response) override;
  grpc::ServerUnaryReactor* GetWorkflow(grpc::CallbackServerContext* ctx,
                                        const qingquan::order::v1::GetWorkflowRequest* request,
                                        Workflow* response) override;
  grpc::ServerUnaryReactor* UpdateWorkflow(
      grpc::CallbackServerContext* ctx, const qingquan::order::v1::UpdateWorkflowRequest* request,
      Workflow* response) override;

 private:
  CallGuard& guard_;
  WorkflowStore& store_;
};

}  // namespace qq::order
