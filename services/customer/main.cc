// qq-customer-svc: the customer archive and the staff login that issues access tokens.
#include "absl/flags/flag.h"
#include "services/common/auth.h"
#include "services/common/call_guard.h"
#include "services/common/config.h"
#include "services/common/log.h"
#include "services/common/metrics.h"
#include "services/common/pg_pool.h"
#include "services/common/redis_client.h"
#include "services/common/server.h"
#include "services/common/service_main.h"
#include "services/customer/customer_service.h"
#include "services/customer/customer_store.h"
#include "services/customer/demo_data.h"
#include "services/customer/login_throttle.h"

int main(int argc, char** argv) {
  qq::BlockShutdownSignals();
  qq::InitFlags(argc, argv, "qq-customer-svc: customer archive and staff login");
  qq::InitLogging("customer", absl::GetFlag(FLAGS_log_level));

  const std::string dsn = absl::GetFlag(FLAGS_pg_dsn);
  auto keys = qq::ExitIfError(qq::ParseJwtKeys(absl::GetFlag(FLAGS_jwt_keys)), "jwt keys");
  qq::TokenVerifier verifier(keys);
  qq::TokenIssuer issuer(keys.front());
  qq::Metrics metrics("customer");
  qq::ExitIfError(metrics.Serve(absl::GetFlag(FLAGS_admin_listen)), "metrics endpoint");
  qq::ExitIfError(qq::MigrateWhenReachable(dsn, "customer", qq::customer_migrations(),
                                           std::chrono::seconds(60)),
                  "migrations");
  auto pool = qq::ExitIfError(qq::PgPool::Connect(dsn, absl::GetFlag(FLAGS_pg_pool_size), &metrics),
                              "database");
  qq::RedisClient redis(absl::GetFlag(FLAGS_redis_addr), std::chrono::milliseconds(500));

  qq::CallGuard guard(verifier, metrics);
  qq::customer::CustomerStore store(*pool);
  if (absl::GetFlag(FLAGS_load_demo_data)) {
    qq::ExitIfError(qq::customer::LoadDemoAccounts(store), "demo accounts");
    qq::ExitIfError(qq::customer::LoadDemoCustomers(store), "demo customers");
  }
  qq::customer::LoginThrottle throttle(redis, /*max_failures=*/5, std::chrono::minutes(15));
  qq::customer::CustomerServiceImpl customers(guard, store);
  qq::customer::AuthServiceImpl auth(guard, store, throttle, issuer);

  qq::GrpcServer server;
  qq::ExitIfError(server.Start(absl::GetFlag(FLAGS_listen), {&customers, &auth}), "grpc server");
  qq::WaitForShutdownSignal();
  server.Shutdown(std::chrono::seconds(5));
  return 0;
}
