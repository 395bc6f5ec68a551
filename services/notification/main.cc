// qq-notification-svc: messages to customers and staff at each important step.
#include "absl/flags/flag.h"
#include "absl/time/clock.h"
#include "services/common/at_rest_cipher.h"
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
#include "services/common/status.h"
#include "services/common/wakeable_loop.h"
#include "services/common/worker_pool.h"
#include "services/notification/channels/in_app_channel.h"
#include "services/notification/message_sender.h"
#include "services/notification/notification_service.h"
#include "services/notification/notification_store.h"
#include "services/notification/provider_directory.h"
#include "services/notification/rule_action_worker.h"
#include "services/notification/rule_engine.h"
#include "services/notification/rule_service.h"

ABSL_FLAG(std::string, secret_keys, "",
          "Keys for provider credentials at rest, id:hex64[,id:hex64...]; the first is "
          "current, the others still open old values (rotation).");
ABSL_FLAG(std::string, aliyun_sms_endpoint, "https://dysmsapi.aliyuncs.com/",
          "Aliyun SMS API endpoint.");
ABSL_FLAG(std::string, tencent_sms_endpoint, "https://sms.tencentcloudapi.com",
          "Tencent Cloud SMS API endpoint.");
ABSL_FLAG(std::string, wechat_api_base, "https://api.weixin.qq.com", "WeChat API base URL.");
ABSL_FLAG(int32_t, provider_timeout_ms, 5000,
          "How long one call to a provider may take before the message is tried again later.");

int main(int argc, char** argv) {
  qq::BlockShutdownSignals();
  qq::InitFlags(argc, argv, "qq-notification-svc: customer and staff messages");
  qq::InitLogging("notification", absl::GetFlag(FLAGS_log_level));

  const std::string dsn = absl::GetFlag(FLAGS_pg_dsn);
  auto keys = qq::ExitIfError(qq::ParseJwtKeys(absl::GetFlag(FLAGS_jwt_keys)), "jwt keys");
  qq::TokenVerifier verifier(keys);
  // Rule actions call the customer and order services on no user's behalf.
  qq::TokenIssuer issuer(keys.front());
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

  const qq::AtRestCipher cipher = qq::ExitIfError(
      qq::AtRestCipher::FromConfig(absl::GetFlag(FLAGS_secret_keys)), "secret keys");
  qq::notification::ProviderDirectory providers(
      store, cipher,
      {.aliyun_sms = absl::GetFlag(FLAGS_aliyun_sms_endpoint),
       .tencent_sms = absl::GetFlag(FLAGS_tencent_sms_endpoint),
       .wechat_api = absl::GetFlag(FLAGS_wechat_api_base),
       .timeout = std::chrono::milliseconds(absl::GetFlag(FLAGS_provider_timeout_ms))},
      std::make_shared<qq::notification::InAppChannel>(
          absl::GetFlag(FLAGS_order_addr), issuer,
          std::chrono::milliseconds(absl::GetFlag(FLAGS_provider_timeout_ms))));
  qq::notification::ProviderServiceImpl provider_accounts(guard, store, providers, cipher);
  qq::notification::MessageSender sender(
      store,
      [&providers](const std::string& tenant, const std::string& channel) {
        return providers.For(tenant, channel);
      },
      {});
  sender.Start();

  qq::notification::RuleStore rule_store(*pool);
  qq::notification::RuleEngine rules(rule_store);
  qq::notification::RuleActionWorker rule_actions(
      rule_store, issuer, absl::GetFlag(FLAGS_customer_addr), absl::GetFlag(FLAGS_order_addr));
  rule_actions.Start();
  qq::notification::RuleServiceImpl rule_service(guard, rule_store, rules, [&] {
    sender.Wake();
    rule_actions.Wake();
  });
  auto after_commit = [&sender, &rule_actions](const qq::StreamEvent&) {
    sender.Wake();
    rule_actions.Wake();
  };

  qq::EventConsumer order_events(
      *pool, absl::GetFlag(FLAGS_redis_addr), &metrics,
      {.group = "notification",
       .consumer = qq::ConsumerName("notification"),
       .streams = {qq::EventStreamName("order")},
       .after_commit = after_commit},
      [&rules](pqxx::work& txn, const qq::StreamEvent& event) -> absl::Status {
        const absl::Time now = absl::Now();
        QQ_RETURN_IF_ERROR(qq::notification::HandleOrderEvent(txn, event, now));
        return rules.OnEvent(txn, event, now);
      });
  order_events.Start();
  // Customers and their ledgers: the facts the rules look at.
  qq::EventConsumer customer_events(
      *pool, absl::GetFlag(FLAGS_redis_addr), &metrics,
      {.group = "notification",
       .consumer = qq::ConsumerName("notification"),
       .streams = {qq::EventStreamName("customer")},
       .types = {"customer.created", "customer.updated", "customer.status_changed",
                 "customer.deleted", "ledger.posted"},
       .after_commit = after_commit},
      [&rules](pqxx::work& txn, const qq::StreamEvent& event) {
        return rules.OnEvent(txn, event, absl::Now());
      });
  customer_events.Start();
  // Where dispatch routed each work order (area and team facts).
  qq::EventConsumer dispatch_events(*pool, absl::GetFlag(FLAGS_redis_addr), &metrics,
                                    {.group = "notification",
                                     .consumer = qq::ConsumerName("notification"),
                                     .streams = {qq::EventStreamName("dispatch")},
                                     .types = {"workorder.assigned"}},
                                    [&rules](pqxx::work& txn, const qq::StreamEvent& event) {
                                      return rules.OnEvent(txn, event, absl::Now());
                                    });
  dispatch_events.Start();
  // Scheduled rules (daily at 09:00 tenant time, every 10 minutes, …).
  qq::WakeableLoop schedules;
  schedules.Start(std::chrono::seconds(5), [&] {
    if (rules.RunDueSchedules(absl::Now()) > 0) {
      sender.Wake();
      rule_actions.Wake();
    }
  });

  qq::GrpcServer server;
  qq::ExitIfError(server.Start(absl::GetFlag(FLAGS_listen), {&messages, &templates, &preferences,
                                                             &provider_accounts, &rule_service}),
                  "grpc server");
  qq::WaitForShutdownSignal();
  server.Shutdown(std::chrono::seconds(5));
  schedules.Stop();
  dispatch_events.Stop();
  customer_events.Stop();
  order_events.Stop();
  rule_actions.Stop();
  sender.Stop();
  return 0;
}
