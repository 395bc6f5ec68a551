// qq-dispatch-svc: teams, service areas (PostGIS), and routing of new work orders to
// the team of their area; announces each routing as "workorder.assigned".
#include "absl/flags/flag.h"
#include "services/common/auth.h"
#include "services/common/call_guard.h"
#include "services/common/config.h"
#include "services/common/event_consumer.h"
#include "services/common/log.h"
#include "services/common/metrics.h"
#include "services/common/outbox.h"
#include "services/common/pg_pool.h"
#include "services/common/redis_client.h"
#include "services/common/server.h"
#include "services/common/service_main.h"
#include "services/common/status.h"
#include "services/dispatch/demo_data.h"
#include "services/dispatch/dispatch_service.h"
#include "services/dispatch/dispatch_store.h"
#include "services/dispatch/work_order_router.h"

int main(int argc, char** argv) {
  qq::BlockShutdownSignals();
  qq::InitFlags(argc, argv, "qq-dispatch-svc: service areas, teams and work-order routing");
  qq::InitLogging("dispatch", absl::GetFlag(FLAGS_log_level));

  const std::string dsn = absl::GetFlag(FLAGS_pg_dsn);
  const std::string redis_addr = absl::GetFlag(FLAGS_redis_addr);
  qq::TokenVerifier verifier(
      qq::ExitIfError(qq::ParseJwtKeys(absl::GetFlag(FLAGS_jwt_keys)), "jwt keys"));
  qq::Metrics metrics("dispatch");
  qq::ExitIfError(metrics.Serve(absl::GetFlag(FLAGS_admin_listen)), "metrics endpoint");
  qq::ExitIfError(qq::MigrateWhenReachable(dsn, "dispatch", qq::dispatch_migrations(),
                                           std::chrono::seconds(60)),
                  "migrations");
  auto pool = qq::ExitIfError(qq::PgPool::Connect(dsn, absl::GetFlag(FLAGS_pg_pool_size), &metrics),
                              "database");

  qq::dispatch::DispatchStore store(*pool);
  if (absl::GetFlag(FLAGS_load_demo_data)) {
    qq::ExitIfError(qq::dispatch::LoadDemoData(store), "demo data");
  }

  qq::RedisClient redis(redis_addr, std::chrono::milliseconds(2000));
  qq::OutboxRelay relay(*pool, redis, &metrics, qq::OutboxRelay::Options{});
  relay.Start();

  // The order service shows the team within 2 s of creation: wake the relay as soon as
  // the routing (and its workorder.assigned event) has committed.
  qq::EventConsumer consumer(*pool, redis_addr, &metrics,
                             {.group = "dispatch",
                              .consumer = qq::ConsumerName("dispatch"),
                              .streams = {qq::EventStreamName("order")},
                              .types = {qq::dispatch::kWorkOrderCreated},
                              .after_commit = [&relay](const qq::StreamEvent&) { relay.Wake(); }},
                             qq::dispatch::HandleOrderEvent);
  consumer.Start();

  qq::CallGuard guard(verifier, metrics);
  qq::dispatch::DispatchServiceImpl service(guard, store);
  qq::GrpcServer server;
  qq::ExitIfError(server.Start(absl::GetFlag(FLAGS_listen), {&service}), "grpc server");
  qq::WaitForShutdownSignal();
  server.Shutdown(std::chrono::seconds(5));
  consumer.Stop();
  relay.Stop();
  return 0;
}
