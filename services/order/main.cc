// qq-order-svc: work orders (and, later, delivery orders): one pool for every channel.
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
#include "services/order/customer_directory.h"
#include "services/order/order_store.h"
#include "services/order/work_order_service.h"

int main(int argc, char** argv) {
  qq::BlockShutdownSignals();
  qq::InitFlags(argc, argv, "qq-order-svc: work orders");
  qq::InitLogging("order", absl::GetFlag(FLAGS_log_level));

  const std::string dsn = absl::GetFlag(FLAGS_pg_dsn);
  qq::TokenVerifier verifier(
      qq::ExitIfError(qq::ParseJwtKeys(absl::GetFlag(FLAGS_jwt_keys)), "jwt keys"));
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
  qq::CallGuard guard(verifier, metrics);
  qq::order::OrderStore store(*pool);
  qq::order::CustomerDirectory customers(absl::GetFlag(FLAGS_customer_addr));
  qq::order::WorkOrderServiceImpl work_orders(guard, store, customers, relay);

  qq::EventConsumer dispatch_events(*pool, absl::GetFlag(FLAGS_redis_addr), &metrics,
                                    {.group = "order",
                                     .consumer = qq::ConsumerName("order"),
                                     .streams = {qq::EventStreamName("dispatch")}},
                                    [&store](pqxx::work& txn, const qq::StreamEvent& event) {
                                      return qq::order::HandleDispatchEvent(store, txn, event);
                                    });
  dispatch_events.Start();

  qq::GrpcServer server;
  qq::ExitIfError(server.Start(absl::GetFlag(FLAGS_listen), {&work_orders}), "grpc server");
  qq::WaitForShutdownSignal();
  server.Shutdown(std::chrono::seconds(5));
  dispatch_events.Stop();
  relay.Stop();
  return 0;
}
