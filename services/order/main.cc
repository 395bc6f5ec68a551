// qq-order-svc: work orders and delivery orders from every channel, the workflows they
// follow, their photos, and the ticket saga with the customer service's ledger.
#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "services/common/auth.h"
#include "services/common/call_guard.h"
#include "services/common/client.h"
#include "services/common/config.h"
#include "services/common/event_consumer.h"
#include "services/common/log.h"
#include "services/common/metrics.h"
#include "services/common/outbox.h"
#include "services/common/pg_pool.h"
#include "services/common/redis_client.h"
#include "services/common/server.h"
#include "services/common/service_main.h"
#include "services/common/worker_pool.h"
#include "services/order/attachment_service.h"
#include "services/order/attachment_store.h"
#include "services/order/attachments/blob_store.h"
#include "services/order/customer_directory.h"
#include "services/order/delivery_order_service.h"
#include "services/order/delivery_store.h"
#include "services/order/feedback_store.h"
#include "services/order/order_numbers.h"
#include "services/order/order_store.h"
#include "services/order/service_desk.h"
#include "services/order/sla_store.h"
#include "services/order/standing_order_service.h"
#include "services/order/ticket_saga.h"
#include "services/order/todo_store.h"
#include "services/order/work_order_service.h"
#include "services/order/workflow_store.h"

ABSL_FLAG(std::string, blob_store, "/var/lib/qingquan/attachments",
          "Where photos are kept: an absolute folder path or file:///path.");
ABSL_FLAG(int64_t, max_attachment_bytes, 10LL << 20, "Largest photo accepted.");
ABSL_FLAG(int32_t, handler_threads, 16, "Threads that run the RPC handlers.");
ABSL_FLAG(int32_t, sla_check_interval_ms, 5000,
          "How often the SLA scheduler looks for warnings, breaches and escalations due.");
ABSL_FLAG(int32_t, standing_order_interval_ms, 60000,
          "How often the standing-order generator looks for occurrences due (creates and "
          "changes also wake it).");
ABSL_FLAG(int32_t, ticket_call_deadline_ms, 2000,
          "Deadline of each ledger call the ticket saga makes to the customer service.");

int main(int argc, char** argv) {
  qq::BlockShutdownSignals();
  qq::InitFlags(argc, argv, "qq-order-svc: work orders");
  qq::InitLogging("order", absl::GetFlag(FLAGS_log_level));

  const std::string dsn = absl::GetFlag(FLAGS_pg_dsn);
  auto jwt_keys = qq::ExitIfError(qq::ParseJwtKeys(absl::GetFlag(FLAGS_jwt_keys)), "jwt keys");
  qq::TokenVerifier verifier(jwt_keys);
  qq::TokenIssuer issuer(jwt_keys.front());
  qq::Metrics metrics("order");
  qq::ExitIfError(metrics.Serve(absl::GetFlag(FLAGS_admin_listen)), "metrics endpoint");
  qq::ExitIfError(
      qq::MigrateWhenReachable(dsn, "order", qq::order_migrations(), std::chrono::seconds(60)),
      "migrations");
  auto pool = qq::ExitIfError(qq::PgPool::Connect(dsn, absl::GetFlag(FLAGS_pg_pool_size), &metrics),
                              "database");
  qq::RedisClient redis(absl::GetFlag(FLAGS_redis_addr), std::chrono::milliseconds(1000));

  qq::OutboxRelay relay(*pool, redis, &metrics, {});
  relay.Start();
  auto blobs =
      qq::ExitIfError(qq::order::MakeBlobStore(absl::GetFlag(FLAGS_blob_store)), "blob store");
  qq::CallGuard guard(verifier, metrics);
  // Handlers block on the database and on the customer service: they run here, not on
  // gRPC's few callback threads.
  qq::WorkerPool handler_threads(absl::GetFlag(FLAGS_handler_threads));
  guard.OffloadTo(&handler_threads);
  qq::order::WorkflowStore workflows(*pool);
  qq::order::SlaSettingsStore sla_settings(*pool);
  // Its own connection: the relay's stream writes never hold up a create's number.
  qq::RedisClient number_redis(absl::GetFlag(FLAGS_redis_addr), std::chrono::milliseconds(500));
  qq::order::OrderNumbers numbers(*pool, &number_redis);
  qq::order::OrderStore store(*pool, workflows, sla_settings, numbers);
  qq::order::DeliveryStore deliveries(*pool, workflows, sla_settings, numbers);
  qq::order::TodoStore todos(*pool);
  qq::order::FeedbackStore feedback(*pool);
  qq::order::AttachmentStore attachments(*pool);
  qq::order::CustomerDirectory customers(absl::GetFlag(FLAGS_customer_addr), issuer);
  qq::order::StandingOrderStore standing_orders(*pool);
  qq::order::TicketSaga saga(
      deliveries,
      qingquan::customer::v1::LedgerService::NewStub(
          qq::MakeChannel(absl::GetFlag(FLAGS_customer_addr))),
      issuer, std::chrono::milliseconds(absl::GetFlag(FLAGS_ticket_call_deadline_ms)));
  saga.Start(std::chrono::seconds(5));
  qq::order::WorkOrderServiceImpl work_orders(guard, store, customers, relay);
  qq::order::DeliveryOrderServiceImpl delivery_orders(guard, deliveries, customers, relay, saga);
  qq::order::WorkflowServiceImpl workflow_service(guard, workflows);
  qq::order::AttachmentServiceImpl attachment_service(guard, attachments, *blobs,
                                                      absl::GetFlag(FLAGS_max_attachment_bytes));
  qq::order::SlaServiceImpl sla_service(guard, sla_settings);
  qq::order::TodoServiceImpl todo_service(guard, todos);
  qq::order::FeedbackServiceImpl feedback_service(guard, feedback, relay);
  qq::order::StandingOrderGenerator standing_order_generator(standing_orders, deliveries, customers,
                                                             sla_settings, relay);
  qq::order::StandingOrderServiceImpl standing_order_service(
      guard, standing_orders, customers, sla_settings, standing_order_generator);
  standing_order_generator.Start(
      std::chrono::milliseconds(absl::GetFlag(FLAGS_standing_order_interval_ms)));
  qq::order::SlaScheduler sla_scheduler(store, relay, &metrics);
  sla_scheduler.Start(std::chrono::milliseconds(absl::GetFlag(FLAGS_sla_check_interval_ms)));

  qq::EventConsumer dispatch_events(
      *pool, absl::GetFlag(FLAGS_redis_addr), &metrics,
      {.group = "order",
       .consumer = qq::ConsumerName("order"),
       .streams = {qq::EventStreamName("dispatch")},
       .types = {"workorder.assigned", "workorder.worker_offered", "delivery.assigned",
                 "delivery.reassigned", "delivery.unplaced"},
       .after_commit = [&relay](const qq::StreamEvent&) { relay.Wake(); }},
      [&store, &deliveries](pqxx::work& txn, const qq::StreamEvent& event) {
        if (event.type == "delivery.unplaced") {
          return qq::order::HandleDeliveryUnplaced(deliveries, txn, event);
        }
        if (absl::StartsWith(event.type, "delivery.")) {
          return qq::order::HandleDeliveryAssigned(deliveries, txn, event);
        }
        return qq::order::HandleDispatchEvent(store, txn, event);
      });
  dispatch_events.Start();

  qq::GrpcServer server;
  qq::ExitIfError(
      server.Start(absl::GetFlag(FLAGS_listen),
                   {&work_orders, &delivery_orders, &workflow_service, &attachment_service,
                    &sla_service, &todo_service, &feedback_service, &standing_order_service}),
      "grpc server");
  qq::WaitForShutdownSignal();
  server.Shutdown(std::chrono::seconds(5));
  dispatch_events.Stop();
  sla_scheduler.Stop();
  standing_order_generator.Stop();
  saga.Stop();
  relay.Stop();
  return 0;
}
