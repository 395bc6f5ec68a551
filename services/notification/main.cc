// qq-notification-svc: messages to customers and staff at each important step.
#include "absl/flags/flag.h"
#include "services/common/auth.h"
#include "services/common/call_guard.h"
#include "services/common/config.h"
#include "services/common/event_consumer.h"
#include "services/common/log.h"
#include "services/common/metrics.h"
#include "services/common/outbox.h"
#include "services/common/pg_pool.h"
#include "services/common/server.h"
#include "services/common/service_main.h"
#include "services/common/worker_pool.h"
#include "services/notification/notification_service.h"
#include "services/notification/notification_store.h"
#include "services/notification/sms_provider.h"

int main(int argc, char** argv) {
  qq::BlockShutdownSignals();
  qq::InitFlags(argc, argv, "qq-notification-svc: customer and staff messages");
  qq::InitLogging("notification", absl::GetFlag(FLAGS_log_level));

  const std::string dsn = absl::GetFlag(FLAGS_pg_dsn);
  qq::TokenVerifier verifier(
      qq::ExitIfError(qq::ParseJwtKeys(absl::GetFlag(FLAGS_jwt_keys)), "jwt keys"));
  qq::Metrics metrics("notification");
  qq::ExitIfError(metrics.Serve(absl::GetFlag(FLAGS_admin_listen)), "metrics endpoint");
  qq::ExitIfError(qq::MigrateWhenReachable(dsn, "notification", qq::notification_migrations(),
                                           std::chrono::seconds(60)),
                  "migrations");
  auto pool = qq::ExitIfError(qq::PgPool::Connect(dsn, absl::GetFlag(FLAGS_pg_pool_size), &metrics),
                              "database");

  qq::CallGuard guard(verifier, metrics);
  // Listing asks the customer and order services about its filters: off gRPC's threads.
  qq::WorkerPool handler_threads(4);
  guard.OffloadTo(&handler_threads);
  qq::notification::NotificationStore store(*pool);
  qq::notification::MessageFilters filters(absl::GetFlag(FLAGS_customer_addr),
                                           absl::GetFlag(FLAGS_order_addr));
  qq::notification::NotificationServiceImpl service(guard, store, filters);
  qq::notification::DevSmsProvider sms;

  qq::EventConsumer order_events(*pool, absl::GetFlag(FLAGS_redis_addr), &metrics,
                                 {.group = "notification",
                                  .consumer = qq::ConsumerName("notification"),
                                  .streams = {qq::EventStreamName("order")},
                                  .types = {"workorder.resolved", "survey.offered"}},
                                 [&sms](pqxx::work& txn, const qq::StreamEvent& event) {
                                   return qq::notification::HandleOrderEvent(sms, txn, event);
                                 });
  order_events.Start();

  qq::GrpcServer server;
  qq::ExitIfError(server.Start(absl::GetFlag(FLAGS_listen), {&service}), "grpc server");
  qq::WaitForShutdownSignal();
  server.Shutdown(std::chrono::seconds(5));
  order_events.Stop();
  return 0;
}
