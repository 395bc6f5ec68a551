// qq-bench-orders: the order service's write path and its lists at scale.
//
//  1. create: `--clients` threads create work orders through the gateway for `--seconds`
//     (each create checks the customer over gRPC, claims no idempotency key, computes the
//     SLA deadlines and writes the order, its timeline entry and its outbox event).
//  2. pgbench: the same number of clients insert single rows with prepared statements into
//     a table of the same shape (LIKE work_orders INCLUDING ALL) on the same PostgreSQL,
//     same synchronous_commit, for the same time. The ratio of the two is the figure.
//  3. half load: creates paced at half the measured rate; p99 latency.
//  4. lists: `--orders` work orders are loaded straight into the order database (most
//     closed, some open in the pool across 20 areas, some assigned to 2,000 workers and to
//     the demo worker), then the worker's to-dos and the dispatcher's pool (all areas and
//     one area) are read through the gateway.
//
//   ./deploy/dev bench orders [--quick]     (quick: 100,000 orders, 5 s runs)
//   qq-bench-orders --orders N --seconds S --clients C
#include <unistd.h>

#include <pqxx/pqxx>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/support/http_client.h"
#include "tests/support/load_run.h"
#include "tests/support/stack.h"

namespace {

using Clock = std::chrono::steady_clock;
using qq::testing::HttpClient;
using qq::testing::Percentile;
using qq::testing::RunResult;

// pgbench's transactions per second for the single-row insert, or -1.
double PgbenchInsertsPerSecond(int clients, int seconds) {
  {
    pqxx::connection db(qq::testing::ServiceDatabaseDsn("qq_order"));
    pqxx::work txn(db);
    txn.exec("DROP TABLE IF EXISTS bench_work_orders");
    txn.exec("CREATE TABLE bench_work_orders (LIKE work_orders INCLUDING ALL)");
    txn.commit();
  }
  const std::string script = "/tmp/qq-bench-orders-" + std::to_string(getpid()) + ".sql";
  std::ofstream(script)
      << "INSERT INTO bench_work_orders (tenant_id, number, type, channel, urgency, state, "
         "customer_id, customer_name, contact_phone, address_text, description, "
         "workflow_version, sla_response_minutes, sla_resolve_minutes, response_due_at, "
         "resolve_due_at, sla_next_check_at) VALUES ('utility-demo', gen_random_uuid()::text, "
         "'REPAIR', 'PHONE', 'NORMAL', 'CREATED', gen_random_uuid(), '张三', '13912345678', "
         "'上海市浦东新区张杨路 1 号', '水管爆裂', 0, 240, 1350, now() + interval '4 hours', "
         "now() + interval '3 days', now() + interval '3 hours');\n";
  const std::string port = qq::testing::EnvOr("QQ_TEST_PG_PORT");
  const std::string bin_dir =
      qq::testing::EnvOr("QQ_TEST_PGBENCH_DIR", "/usr/lib/postgresql/15/bin");
  const std::string command =
      absl::StrCat(bin_dir, "/pgbench -n -M prepared -c ", clients, " -j 2 -T ", seconds, " -f ",
                   script, " -h 127.0.0.1 -p ", port, " -U postgres qq_order 2>&1");
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  double tps = -1;
  char line[512];
  while (fgets(line, sizeof line, pipe) != nullptr) {
    if (std::strncmp(line, "tps = ", 6) == 0) tps = std::strtod(line + 6, nullptr);
  }
  pclose(pipe);
  std::remove(script.c_str());
  return tps;
}

// Loads `orders` work orders for utility-demo straight into the database.
void LoadOrders(long long orders, const std::string& worker_id) {
  pqxx::connection db(qq::testing::ServiceDatabaseDsn("qq_order"));
  pqxx::work txn(db);
  txn.exec_params(
      "INSERT INTO work_orders (tenant_id, number, type, channel, urgency, state, customer_id, "
      "  customer_name, address_text, description, area_name, team_id, assignee_id, open, "
      "  created_at, resolved_at, resolve_due_at, response_due_at, sla_resolve_minutes) "
      "SELECT 'utility-demo', 'BENCH-' || g, "
      "  (ARRAY['REPAIR','COMPLAINT','ENQUIRY','NEW_CONNECTION'])[1 + g % 4], 'PHONE', "
      "  'NORMAL', CASE WHEN g % 10 = 0 THEN 'DISPATCHED' ELSE 'CLOSED' END, "
      "  gen_random_uuid(), '用户' || g, '上海市浦东新区张杨路 ' || g % 2000 || ' 号', "
      "  '批量工单', '区' || g % 20, 'team-' || g % 20, "
      // open ones: half in the pool, the rest with 2,000 workers and every 2,000th with
      // the demo worker
      "  CASE WHEN g % 10 <> 0 THEN 'w-' || g % 2000 "
      "       WHEN g % 20 = 0 THEN '' "
      "       WHEN g % 40000 = 10 THEN $2 ELSE 'w-' || g % 2000 END, "
      "  g % 10 = 0, now() - (g % 86400) * interval '1 minute', "
      "  CASE WHEN g % 10 = 0 THEN NULL ELSE now() - (g % 86400) * interval '30 seconds' END, "
      "  now() + ((g * 7919) % 10000 - 3000) * interval '1 minute', "
      "  now() + ((g * 7919) % 10000 - 4000) * interval '1 minute', 1350 "
      "FROM generate_series(1, $1::bigint) g",
      orders, worker_id);
  txn.commit();
  // As a table that grew over months would be: vacuumed (visibility map set) and analysed.
  // Without it the autovacuum that a bulk insert triggers runs during the list phase and
  // measures the two cores' contention instead of the queries.
  pqxx::nontransaction maintenance(db);
  maintenance.exec("VACUUM (ANALYZE) work_orders");
}

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  long long orders = 5'000'000;
  int seconds = 20, clients = 8, list_requests = 400;
  for (int i = 1; i < argc; ++i) {
    auto next = [&]() -> long long {
      return i + 1 < argc ? std::strtoll(argv[++i], nullptr, 10) : 0;
    };
    if (std::strcmp(argv[i], "--quick") == 0) {
      orders = 100'000;
      seconds = 5;
      list_requests = 100;
    } else if (std::strcmp(argv[i], "--orders") == 0) {
      orders = next();
    } else if (std::strcmp(argv[i], "--seconds") == 0) {
      seconds = static_cast<int>(next());
    } else if (std::strcmp(argv[i], "--clients") == 0) {
      clients = static_cast<int>(next());
    }
  }
  const std::string gateway = qq::testing::GatewayUrl();
  if (gateway.empty() || qq::testing::EnvOr("QQ_TEST_PG_ADMIN_DSN").empty()) {
    std::fprintf(stderr, "run through ./deploy/dev bench orders (needs the test stack)\n");
    return 2;
  }
  HttpClient login(gateway);
  const std::string agent = qq::testing::LoginAs(login, "utility-demo", "agent");
  const std::string worker = qq::testing::LoginAs(login, "utility-demo", "worker");
  const std::string dispatcher = qq::testing::LoginAs(login, "utility-demo", "dispatcher");

  // Customers to report for (no location: dispatch sends them to the default team).
  std::vector<std::string> customers;
  for (int i = 0; i < 50; ++i) {
    auto r = login.Post("/v1/customers",
                        R"({"name":"压测用户","phones":[")" + qq::testing::UniquePhone() + R"("]})",
                        agent);
    customers.push_back(qq::testing::Str(r.Json(), "id"));
  }
  std::vector<std::unique_ptr<HttpClient>> http;
  for (int t = 0; t < clients; ++t) http.push_back(std::make_unique<HttpClient>(gateway));
  std::atomic<uint64_t> sequence{0};
  auto create = [&](int t) {
    const uint64_t n = sequence++;
    auto r = http[t]->Post("/v1/work-orders",
                           R"({"type":")" + std::string(n % 3 ? "REPAIR" : "COMPLAINT") +
                               R"(","channel":"PHONE","customerId":")" +
                               customers[n % customers.size()] + R"(","description":"压测工单"})",
                           agent);
    return r.status == 200;
  };

  RunResult full = qq::testing::RunFor(clients, seconds, std::chrono::microseconds(0), create);
  const double create_per_s = full.latencies_ms.size() / full.seconds;
  std::printf("BENCH create_per_s %.1f req/s\n", create_per_s);
  std::printf("BENCH create_p99_full_load_ms %.2f ms\n", Percentile(full.latencies_ms, 0.99));
  if (full.errors > 0) std::printf("BENCH create_errors %d count\n", full.errors);
  std::fflush(stdout);

  const double pgbench = PgbenchInsertsPerSecond(clients, seconds);
  std::printf("BENCH pgbench_insert_per_s %.1f tps\n", pgbench);
  std::printf("BENCH create_vs_pgbench %.3f ratio\n", pgbench > 0 ? create_per_s / pgbench : 0.0);
  std::fflush(stdout);

  const auto interval = std::chrono::microseconds(
      static_cast<long long>(clients * 1e6 / std::max(1.0, create_per_s / 2)));
  RunResult half = qq::testing::RunFor(clients, seconds, interval, create);
  std::printf("BENCH create_half_load_per_s %.1f req/s\n", half.latencies_ms.size() / half.seconds);
  std::printf("BENCH create_p99_half_load_ms %.2f ms\n", Percentile(half.latencies_ms, 0.99));
  std::fflush(stdout);

  const auto load_start = Clock::now();
  LoadOrders(orders, qq::testing::UserIdOf(worker));
  std::printf("BENCH orders_loaded %lld orders\n", orders);
  std::printf("BENCH load_seconds %.1f s\n", Seconds(load_start));
  std::fflush(stdout);

  const int list_threads = 4;
  auto measure = [&](const char* name, const std::string& target, const std::string& token) {
    RunResult r = qq::testing::Run(list_threads, list_requests / list_threads, [&](int t, int) {
      return http[t % http.size()]->Get(target, token).status == 200;
    });
    std::printf("BENCH %s %.2f ms\n", name, Percentile(r.latencies_ms, 0.99));
    std::printf("BENCH %s_p50 %.2f ms\n", name, Percentile(r.latencies_ms, 0.50));
    if (r.errors > 0) std::printf("BENCH %s_errors %d count\n", name, r.errors);
    std::fflush(stdout);
  };
  measure("todo_p99_ms", "/v1/todos?pageSize=20", worker);
  measure("pool_p99_ms", "/v1/work-orders:pool?pageSize=20", dispatcher);
  measure("pool_area_p99_ms", "/v1/work-orders:pool?pageSize=20&areaName=%E5%8C%BA7", dispatcher);
  return 0;
}
