// qq-analytics-svc: KPIs for dashboards, computed from the order service's events.
#include "absl/flags/flag.h"
#include "services/analytics/analytics_service.h"
#include "services/analytics/analytics_store.h"
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

int main(int argc, char** argv) {
  qq::BlockShutdownSignals();
  qq::InitFlags(argc, argv, "qq-analytics-svc: KPIs computed from domain events");
  qq::InitLogging("analytics", absl::GetFlag(FLAGS_log_level));

  const std::string dsn = absl::GetFlag(FLAGS_pg_dsn);
  qq::TokenVerifier verifier(
      qq::ExitIfError(qq::ParseJwtKeys(absl::GetFlag(FLAGS_jwt_keys)), "jwt keys"));
  qq::Metrics metrics("analytics");
  qq::ExitIfError(metrics.Serve(absl::GetFlag(FLAGS_admin_listen)), "metrics endpoint");
  qq::ExitIfError(qq::MigrateWhenReachable(dsn, "analytics", qq::analytics_migrations(),
                                           std::chrono::seconds(60)),
                  "migrations");
  auto pool = qq::ExitIfError(qq::PgPool::Connect(dsn, absl::GetFlag(FLAGS_pg_pool_size), &metrics),
                              "database");

  qq::CallGuard guard(verifier, metrics);
  qq::analytics::AnalyticsStore store(*pool);
  qq::analytics::AnalyticsServiceImpl service(guard, store);

  qq::EventConsumer consumer(*pool, absl::GetFlag(FLAGS_redis_addr), &metrics,
                             {.group = "analytics",
                              .consumer = qq::ConsumerName("analytics"),
                              .streams = {qq::EventStreamName("order")},
                              .types = {"workorder.created", "workorder.resolved"}},
                             qq::analytics::HandleOrderEvent);
  consumer.Start();

  qq::GrpcServer server;
  qq::ExitIfError(server.Start(absl::GetFlag(FLAGS_listen), {&service}), "grpc server");
  qq::WaitForShutdownSignal();
  server.Shutdown(std::chrono::seconds(5));
  consumer.Stop();
  return 0;
}
