// gRPC handlers for the desk around the orders: SLA settings, to-dos and feedback; and
// the SLA scheduler that sends warnings, breaches and escalations on time.
#pragma once

#include <chrono>

#include "qingquan/order/v1/order.grpc.pb.h"
#include "services/common/call_guard.h"
#include "services/common/outbox.h"
#include "services/common/wakeable_loop.h"
#include "services/order/feedback_store.h"
#include "services/order/order_store.h"
#include "services/order/sla_store.h"
#include "services/order/todo_store.h"

namespace qq::order {

class SlaServiceImpl final : public qingquan::order::v1::SlaService::CallbackService {
 public:
  SlaServiceImpl(CallGuard& guard, SlaSettingsStore& store) : guard_(guard), store_(store) {}

  grpc::ServerUnaryReactor* GetSlaSettings(
      grpc::CallbackServerContext* ctx, const qingquan::order::v1::GetSlaSettingsRequest* request,
      SlaSettings* response) override;
  grpc::ServerUnaryReactor* UpdateSlaSettings(
      grpc::CallbackServerContext* ctx,
      const qingquan::order::v1::UpdateSlaSettingsRequest* request, SlaSettings* response) override;

 private:
  CallGuard& guard_;
  SlaSettingsStore& store_;
};

class TodoServiceImpl final : public qingquan::order::v1::TodoService::CallbackService {
 public:
  TodoServiceImpl(CallGuard& guard, TodoStore& store) : guard_(guard), store_(store) {}

  grpc::ServerUnaryReactor* ListTodos(grpc::CallbackServerContext* ctx,
                                      const qingquan::order::v1::ListTodosRequest* request,
                                      qingquan::order::v1::ListTodosResponse* response) override;
  grpc::ServerUnaryReactor* CompleteTodo(grpc::CallbackServerContext* ctx,
                                         const qingquan::order::v1::CompleteTodoRequest* request,
                                         Todo* response) override;
  grpc::ServerUnaryReactor* CreateTodo(grpc::CallbackServerContext* ctx,
                                       const qingquan::order::v1::CreateTodoRequest* request,
                                       Todo* response) override;

 private:
  CallGuard& guard_;
  TodoStore& store_;
};

class FeedbackServiceImpl final : public qingquan::order::v1::FeedbackService::CallbackService {
 public:
  FeedbackServiceImpl(CallGuard& guard, FeedbackStore& store, OutboxRelay& relay)
      : guard_(guard), store_(store), relay_(relay) {}

  grpc::ServerUnaryReactor* SubmitFeedback(
      grpc::CallbackServerContext* ctx, const qingquan::order::v1::SubmitFeedbackRequest* request,
      Feedback* response) override;

 private:
  CallGuard& guard_;
  FeedbackStore& store_;
  OutboxRelay& relay_;
};

// Looks at the orders whose next SLA check is due every `interval`. Safe with several
// replicas: a pass runs only under the scheduler's advisory lock. Nothing lives only in
// memory: the next check of every order is a column.
class SlaScheduler {
 public:
  SlaScheduler(OrderStore& store, OutboxRelay& relay, Metrics* metrics)
      : store_(store), relay_(relay), metrics_(metrics) {}

  void Start(std::chrono::milliseconds interval);
  void Stop() { loop_.Stop(); }
  // One pass; returns how many orders it looked at.
  absl::StatusOr<int> RunOnce();

 private:
  OrderStore& store_;
  OutboxRelay& relay_;
  Metrics* metrics_;
  WakeableLoop loop_;  // last: stopped before the members it uses go
};

}  // namespace qq::order
