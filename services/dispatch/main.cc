// qq-dispatch-svc: teams, service areas (PostGIS), and routing of new work orders to
// the team of their area (announced as "workorder.assigned"); workers and couriers with
// their positions; couriers' delivery routes (announced as "delivery.assigned").
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
#include "services/common/status.h"
#include "services/common/wakeable_loop.h"
#include "services/common/worker_pool.h"
#include "services/dispatch/demo_data.h"
#include "services/dispatch/dispatch_service.h"
#include "services/dispatch/dispatch_store.h"
#include "services/dispatch/field_service.h"
#include "services/dispatch/route_store.h"
#include "services/dispatch/staff_directory.h"
#include "services/dispatch/staff_store.h"
#include "services/dispatch/tracking_hub.h"
#include "services/dispatch/work_order_router.h"
#include "services/dispatch/worker_offers.h"

ABSL_FLAG(int32_t, location_retention_days, 30,
          "Days of position history kept (whole day partitions are dropped after that).");
ABSL_FLAG(int32_t, handler_threads, 8, "Threads that run the RPC handlers.");
ABSL_FLAG(int32_t, customer_call_deadline_ms, 2000,
          "Deadline of each call to the customer service (checking staff accounts).");

int main(int argc, char** argv) {
  qq::BlockShutdownSignals();
  qq::InitFlags(argc, argv, "qq-dispatch-svc: service areas, teams and work-order routing");
  qq::InitLogging("dispatch", absl::GetFlag(FLAGS_log_level));

  const std::string dsn = absl::GetFlag(FLAGS_pg_dsn);
  const std::string redis_addr = absl::GetFlag(FLAGS_redis_addr);
  auto jwt_keys = qq::ExitIfError(qq::ParseJwtKeys(absl::GetFlag(FLAGS_jwt_keys)), "jwt keys");
  qq::TokenVerifier verifier(jwt_keys);
  // Signs the tokens dispatch asks the customer service with (as the service of a tenant).
  qq::TokenIssuer issuer(jwt_keys.front());
  qq::Metrics metrics("dispatch");
  qq::ExitIfError(metrics.Serve(absl::GetFlag(FLAGS_admin_listen)), "metrics endpoint");
  qq::ExitIfError(qq::MigrateWhenReachable(dsn, "dispatch", qq::dispatch_migrations(),
                                           std::chrono::seconds(60)),
                  "migrations");
  auto pool = qq::ExitIfError(qq::PgPool::Connect(dsn, absl::GetFlag(FLAGS_pg_pool_size), &metrics),
                              "database");

  qq::dispatch::DispatchStore store(*pool);
  if (absl::GetFlag(FLAGS_load_demo_data)) {
    qq::ExitIfError(qq::dispatch::LoadDemoData(store, *pool), "demo data");
  }

  qq::RedisClient redis(redis_addr, std::chrono::milliseconds(2000));
  qq::OutboxRelay relay(*pool, redis, &metrics, qq::OutboxRelay::Options{});
  relay.Start();

  // The order service shows the team within 2 s of creation: wake the relay as soon as
  // the routing (and its workorder.assigned event) has committed.
  qq::dispatch::StaffStore staff(*pool, &redis);
  qq::dispatch::RouteStore routes(*pool);
  qq::dispatch::WorkerOfferStore offers(*pool);
  std::vector<std::string> order_types = {qq::dispatch::kWorkOrderCreated};
  for (const char* type : qq::dispatch::kDeliveryEventTypes) order_types.push_back(type);
  for (const char* type : qq::dispatch::kWorkOrderStepTypes) order_types.push_back(type);
  qq::EventConsumer consumer(*pool, redis_addr, &metrics,
                             {.group = "dispatch",
                              .consumer = qq::ConsumerName("dispatch"),
                              .streams = {qq::EventStreamName("order")},
                              .types = order_types,
                              .after_commit = [&relay](const qq::StreamEvent&) { relay.Wake(); }},
                             [](pqxx::work& txn, const qq::StreamEvent& event) {
                               if (absl::StartsWith(event.type, "workorder.")) {
                                 return qq::dispatch::HandleOrderEvent(txn, event);
                               }
                               return qq::dispatch::HandleDeliveryEvent(txn, event);
                             });
  consumer.Start();

  // Day partitions of the position history: made ahead, dropped after the retention.
  qq::WakeableLoop history_maintenance;
  history_maintenance.Start(std::chrono::hours(1), [&staff] {
    absl::Status done = staff.MaintainHistory(absl::GetFlag(FLAGS_location_retention_days));
    if (!done.ok())
      qq::LogWarn("position history maintenance failed", {{"error", done.ToString()}});
  });
  history_maintenance.Wake();
  // Offers not accepted in time go to the next candidate.
  qq::WakeableLoop offer_expiry;
  offer_expiry.Start(std::chrono::seconds(15), [&offers, &relay] {
    auto expired = offers.ExpireDue(100, absl::Now());
    if (!expired.ok()) {
      qq::LogWarn("offer expiry pass failed", {{"error", expired.status().ToString()}});
    } else if (*expired > 0) {
      relay.Wake();
    }
  });

  // Who may get a profile or lead a team: the customer service's staff accounts.
  qq::dispatch::CustomerStaffDirectory people(
      qq::MakeChannel(absl::GetFlag(FLAGS_customer_addr)), issuer,
      std::chrono::milliseconds(absl::GetFlag(FLAGS_customer_call_deadline_ms)));
  qq::CallGuard guard(verifier, metrics);
  qq::WorkerPool handler_threads(absl::GetFlag(FLAGS_handler_threads));
  guard.OffloadTo(&handler_threads);
  qq::dispatch::DispatchServiceImpl service(guard, store, offers, people, &relay);
  qq::dispatch::StaffServiceImpl staff_service(guard, staff, routes, relay, people);
  qq::dispatch::TrackingHub tracking_hub(dsn);
  tracking_hub.Start();
  qq::dispatch::RouteServiceImpl route_service(guard, routes, relay, tracking_hub, handler_threads);
  qq::GrpcServer server;
  qq::ExitIfError(
      server.Start(absl::GetFlag(FLAGS_listen), {&service, &staff_service, &route_service}),
      "grpc server");
  qq::WaitForShutdownSignal();
  server.Shutdown(std::chrono::seconds(5));
  tracking_hub.Stop();
  consumer.Stop();
  history_maintenance.Stop();
  offer_expiry.Stop();
  relay.Stop();
  return 0;
}
