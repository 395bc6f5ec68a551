// qq-notification-svc: messages to customers and staff at each important step.
#include "absl/flags/flag.h"
#include "absl/time/clock.h"
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
#include "services/notification/dev_channel.h"
#include "services/notification/message_sender.h"
#include "services/notification/notification_service.h"
#include "services/notification/notification_store.h"

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
  qq::notification::NotificationServiceImpl messages(guard, store, filters);
  qq::notification::TemplateServiceImpl templates(guard, store, filters);
  qq::notification::PreferenceServiceImpl preferences(guard, store, filters);

  // Every tenant sends through the development provider until provider accounts are set.
  qq::notification::DevChannel dev_sms(store, "SMS"), dev_wechat(store, "WECHAT"),
      dev_in_app(store, "IN_APP");
  qq::notification::MessageSender sender(
      store,
      [&](const std::string&, const std::string& channel) -> qq::notification::Channel* {
        if (channel == "SMS") return &dev_sms;
        if (channel == "WECHAT") return &dev_wechat;
        if (channel == "IN_APP") return &dev_in_app;
        return nullptr;
      },
      {});
  sender.Start();

  qq::EventConsumer order_events(
      *pool, absl::GetFlag(FLAGS_redis_addr), &metrics,
      {.group = "notification",
       .consumer = qq::ConsumerName("notification"),
       .streams = {qq::EventStreamName("order")},
       .after_commit = [&sender](const qq::StreamEvent&) { sender.Wake(); }},
      [](pqxx::work& txn, const qq::StreamEvent& event) {
        return qq::notification::HandleOrderEvent(txn, event, absl::Now());
      });
  order_events.Start();

  qq::GrpcServer server;
  qq::ExitIfError(server.Start(absl::GetFlag(FLAGS_listen), {&messages, &templates, &preferences}),
                  "grpc server");
  qq::WaitForShutdownSignal();
  server.Shutdown(std::chrono::seconds(5));
  order_events.Stop();
  sender.Stop();
  return 0;
}
