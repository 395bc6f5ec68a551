// qq-bench-dispatch: the dispatch service's live path at the scale of a busy station.
//
//  1. seed: `--couriers` couriers on duty and `--stops` delivery stops already on their
//     routes (each near its courier, in a sweep around the courier's base) go straight
//     into the dispatch database of station-demo.
//  2. insert: one new delivery at a time is placed the way the service places it
//     (RouteStore::AddStopIn + PlaceStopIn in one transaction against the same database:
//     read every courier and routed stop, run the optimiser's insert, write the route and
//     the outbox event). p99 of the whole transaction, and of the optimiser alone.
//  3. assign: delivery orders are created through the gateway for customers inside the
//     couriers' district; the time from the create's answer until GET
//     /v1/delivery-orders/{id} shows a courier (order.created → relay → dispatch places it
//     → delivery.assigned → order service assigns) is measured.
//  4. locations: `--clients` threads post batches of 6 reports (5 s apart, one device per
//     batch, as phones that send every 30 s) for the bench couriers for `--seconds`.
//     Meanwhile one live-tracking stream per courier (GET …/tracking:watch, server-sent
//     events, as the customers' phones hold them) is open on the courier's first stop;
//     each event's position is matched to the batch that carried it, for the time from
//     posting a report until the stream shows it or a later one of the same courier.
//
//   ./deploy/dev bench dispatch [--quick]   (quick: 50 couriers, 1,000 stops, 5 s)
//   qq-bench-dispatch --couriers N --stops N --inserts N --assigns N --seconds S --clients C
#include <google/protobuf/util/time_util.h>

#include <pqxx/pqxx>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "qingquan/common/v1/events.pb.h"
#include "services/common/auth.h"
#include "services/common/pg_pool.h"
#include "services/dispatch/domain/route_planning.h"
#include "services/dispatch/route_store.h"
#include "services/dispatch/staff_store.h"
#include "tests/support/event_stream.h"
#include "tests/support/http_client.h"
#include "tests/support/load_run.h"
#include "tests/support/stack.h"

namespace {

using Clock = std::chrono::steady_clock;
using qq::testing::HttpClient;
using qq::testing::Percentile;
using qq::testing::RunResult;

constexpr char kTenant[] = "station-demo";
// 城东区 of the demo data.
constexpr double kSouth = 31.20, kNorth = 31.30, kWest = 121.50, kEast = 121.60;

double Millis(Clock::time_point since) {
  return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
}

std::string RandomUuid(std::mt19937_64& rng) {
  std::uniform_int_distribution<uint64_t> any;
  uint64_t a = any(rng), b = any(rng);
  a = (a & 0xffffffffffff0fffULL) | 0x4000ULL;
  b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  char out[37];
  std::snprintf(out, sizeof out, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xffff),
                static_cast<unsigned>(b >> 48),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return out;
}

struct Point {
  double lat, lng;
};

// Couriers spread over the district, on duty, positions fresh; stops on their routes,
// each given to the nearest courier and ordered by angle around that courier's base.
void Seed(int couriers, int stops, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> lat(kSouth, kNorth), lng(kWest, kEast);
  std::uniform_int_distribution<int> barrels(1, 3);
  std::vector<Point> bases;
  for (int i = 0; i < couriers; ++i) bases.push_back({lat(rng), lng(rng)});
  std::vector<std::vector<std::pair<double, Point>>> routes(couriers);
  for (int i = 0; i < stops; ++i) {
    Point p{lat(rng), lng(rng)};
    int best = 0;
    double best_d = 1e18;
    for (int c = 0; c < couriers; ++c) {
      const double d = std::hypot(p.lat - bases[c].lat, p.lng - bases[c].lng);
      if (d < best_d) best = c, best_d = d;
    }
    routes[best].push_back({std::atan2(p.lat - bases[best].lat, p.lng - bases[best].lng), p});
  }
  pqxx::connection db(qq::testing::ServiceDatabaseDsn("qq_dispatch"));
  pqxx::work txn(db);
  txn.exec_params("DELETE FROM delivery_stops WHERE tenant_id = $1", kTenant);
  txn.exec_params("DELETE FROM staff WHERE tenant_id = $1 AND user_id LIKE 'bench-courier-%'",
                  kTenant);
  std::vector<std::string> ids, lats, lngs;
  for (int c = 0; c < couriers; ++c) {
    ids.push_back(absl::StrCat("bench-courier-", c));
    lats.push_back(absl::StrCat(bases[c].lat));
    lngs.push_back(absl::StrCat(bases[c].lng));
  }
  txn.exec_params(
      "INSERT INTO staff (tenant_id, user_id, kind, name, vehicle, capacity_barrels, home_lat, "
      "  home_lng, on_duty, last_lat, last_lng, last_position_at) "
      "SELECT $1, u.id, 'COURIER', '压测骑手', 'E_BIKE', 400, u.lat, u.lng, true, u.lat, u.lng, "
      "  now() FROM unnest($2::text[], $3::float8[], $4::float8[]) AS u(id, lat, lng)",
      kTenant, qq::PgTextArray(ids), qq::PgTextArray(lats), qq::PgTextArray(lngs));
  std::vector<std::string> order_ids, couriers_of, sequences, stop_lats, stop_lngs, demands;
  for (int c = 0; c < couriers; ++c) {
    std::sort(routes[c].begin(), routes[c].end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (size_t i = 0; i < routes[c].size(); ++i) {
      order_ids.push_back(RandomUuid(rng));
      couriers_of.push_back(ids[c]);
      sequences.push_back(absl::StrCat(i + 1));
      stop_lats.push_back(absl::StrCat(routes[c][i].second.lat));
      stop_lngs.push_back(absl::StrCat(routes[c][i].second.lng));
      demands.push_back(absl::StrCat(barrels(rng)));
    }
  }
  txn.exec_params(
      "INSERT INTO delivery_stops (tenant_id, order_id, number, state, customer_id, "
      "  customer_name, address_text, lat, lng, customer_tags, item_products, item_quantities, "
      "  demand, payment, courier_id, sequence) "
      "SELECT $1, u.id, 'DO-BENCH', 'ASSIGNED', gen_random_uuid()::text, '压测客户', '城东区', "
      "  u.lat, u.lng, '{下午3点后送}', '{18.9L}', ARRAY[u.demand], u.demand, 'CASH', u.courier, "
      "  u.seq "
      "FROM unnest($2::text[], $3::text[], $4::int[], $5::float8[], $6::float8[], $7::int[]) "
      "  AS u(id, courier, seq, lat, lng, demand)",
      kTenant, qq::PgTextArray(order_ids), qq::PgTextArray(couriers_of), qq::PgTextArray(sequences),
      qq::PgTextArray(stop_lats), qq::PgTextArray(stop_lngs), qq::PgTextArray(demands));
  txn.commit();
}

// Places `count` new deliveries one after another; the latency of each placement
// transaction and of the optimiser inside it.
void MeasureInsert(int count, std::mt19937_64& rng) {
  auto pool = qq::PgPool::Connect(qq::testing::ServiceDatabaseDsn("qq_dispatch"), 2);
  if (!pool.ok()) {
    std::fprintf(stderr, "dispatch database: %s\n", pool.status().ToString().c_str());
    std::exit(1);
  }
  std::uniform_real_distribution<double> lat(kSouth, kNorth), lng(kWest, kEast);
  std::vector<double> whole, optimiser;
  int placed = 0;
  for (int i = 0; i < count; ++i) {
    qingquan::common::v1::DeliveryOrderChanged order;
    order.set_order_id(RandomUuid(rng));
    order.set_number(absl::StrCat("DO-BENCH-", i));
    order.set_customer_id(RandomUuid(rng));
    order.set_customer_name("新客户");
    order.mutable_location()->set_lat(lat(rng));
    order.mutable_location()->set_lng(lng(rng));
    auto* item = order.add_items();
    item->set_product("18.9L");
    item->set_quantity(2);
    order.set_payment("CASH");
    const auto start = Clock::now();
    absl::Status status = (*pool)->Transact([&](pqxx::work& txn) -> absl::Status {
      qq::dispatch::RouteStore::AddStopIn(txn, kTenant, order);
      auto placement =
          qq::dispatch::RouteStore::PlaceStopIn(txn, kTenant, order.order_id(), absl::Now());
      if (!placement.ok()) return placement.status();
      if (*placement && (*placement)->placed) ++placed;
      return absl::OkStatus();
    });
    whole.push_back(Millis(start));
    if (!status.ok()) std::fprintf(stderr, "placement failed: %s\n", status.ToString().c_str());
  }
  // The optimiser alone on the same plan, read once.
  std::vector<qq::dispatch::CourierForPlanning> couriers;
  std::vector<qq::dispatch::StopForPlanning> routed;
  {
    pqxx::connection db(qq::testing::ServiceDatabaseDsn("qq_dispatch"));
    pqxx::work txn(db);
    for (const auto& r :
         txn.exec_params("SELECT user_id, last_lat, last_lng, capacity_barrels FROM staff "
                         "WHERE tenant_id = $1 AND on_duty AND kind = 'COURIER' ORDER BY user_id",
                         kTenant)) {
      qq::dispatch::CourierForPlanning c;
      c.user_id = r[0].as<std::string>();
      c.start = c.home = {r[1].as<double>(), r[2].as<double>()};
      c.capacity = r[3].as<int>();
      c.vehicle = qingquan::dispatch::v1::Staff::E_BIKE;
      couriers.push_back(c);
    }
    for (const auto& r : txn.exec_params(
             "SELECT order_id, lat, lng, demand, courier_id FROM delivery_stops "
             "WHERE tenant_id = $1 AND courier_id <> '' AND state IN ('PENDING', 'ASSIGNED') "
             "ORDER BY courier_id, sequence",
             kTenant)) {
      routed.push_back({.order_id = r[0].as<std::string>(),
                        .location = {r[1].as<double>(), r[2].as<double>()},
                        .demand = r[3].as<int>(),
                        .courier_id = r[4].as<std::string>()});
    }
  }
  for (int i = 0; i < count; ++i) {
    qq::dispatch::StopForPlanning stop{
        .order_id = "x", .location = {lat(rng), lng(rng)}, .demand = 2};
    const auto start = Clock::now();
    auto placement = qq::dispatch::PlaceStop(couriers, routed, stop, absl::Now());
    optimiser.push_back(Millis(start));
    if (!placement.ok())
      std::fprintf(stderr, "optimiser: %s\n", placement.status().ToString().c_str());
  }
  std::sort(whole.begin(), whole.end());
  std::sort(optimiser.begin(), optimiser.end());
  std::printf("BENCH routed_stops %zu count\n", routed.size());
  std::printf("BENCH insert_p99_ms %.2f ms\n", Percentile(whole, 0.99));
  std::printf("BENCH insert_p50_ms %.2f ms\n", Percentile(whole, 0.50));
  std::printf("BENCH insert_optimiser_p99_ms %.2f ms\n", Percentile(optimiser, 0.99));
  std::printf("BENCH insert_placed %d of %d\n", placed, count);
  std::fflush(stdout);
}

void MeasureAssign(int count) {
  const std::string gateway = qq::testing::GatewayUrl();
  HttpClient http(gateway);
  const std::string agent = qq::testing::LoginAs(http, kTenant, "agent");
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> lat(kSouth + 0.01, kNorth - 0.01),
      lng(kWest + 0.01, kEast - 0.01);
  std::vector<double> latencies;
  int errors = 0;
  for (int i = 0; i < count; ++i) {
    auto customer = http.Post(
        "/v1/customers",
        absl::StrCat(
            R"({"name":"压测客户","phones":[")", qq::testing::UniquePhone(),
            R"("],"tags":["高层无电梯"],"addresses":[{"text":"城东区 压测小区","location":{"lat":)",
            lat(rng), R"(,"lng":)", lng(rng), "}}]}"),
        agent);
    const std::string customer_id = qq::testing::Str(customer.Json(), "id");
    auto created =
        http.Post("/v1/delivery-orders",
                  R"({"channel":"PHONE","customerId":")" + customer_id +
                      R"(","items":[{"product":"18.9L","quantity":1}],"payment":"CASH"})",
                  agent);
    const auto start = Clock::now();
    const std::string id = qq::testing::Str(created.Json(), "id");
    bool seen = false;
    while (!id.empty() && Millis(start) < 10000) {
      auto got = http.Get("/v1/delivery-orders/" + id, agent);
      if (!qq::testing::Str(got.Json(), "courierId").empty()) {
        seen = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (seen) {
      latencies.push_back(Millis(start));
    } else {
      ++errors;
    }
  }
  std::sort(latencies.begin(), latencies.end());
  std::printf("BENCH assign_p99_ms %.1f ms\n", Percentile(latencies, 0.99));
  std::printf("BENCH assign_p50_ms %.1f ms\n", Percentile(latencies, 0.50));
  if (errors > 0) std::printf("BENCH assign_errors %d count\n", errors);
  std::fflush(stdout);
}

void MeasureLocations(int couriers, int clients, double seconds) {
  auto keys = qq::ParseJwtKeys(qq::testing::EnvOr("QQ_TEST_JWT_KEYS"));
  if (!keys.ok()) {
    std::fprintf(stderr, "QQ_TEST_JWT_KEYS: %s\n", keys.status().ToString().c_str());
    std::exit(1);
  }
  qq::TokenIssuer issuer(keys->front());
  std::vector<std::string> tokens;
  for (int c = 0; c < couriers; ++c) {
    auto token =
        issuer.Issue(qq::Identity{kTenant, absl::StrCat("bench-courier-", c), "bench", {"courier"}},
                     std::chrono::seconds(3600));
    tokens.push_back(*token);
  }
  const std::string gateway = qq::testing::GatewayUrl();
  std::vector<std::unique_ptr<HttpClient>> http;
  for (int t = 0; t < clients; ++t) http.push_back(std::make_unique<HttpClient>(gateway));
  std::atomic<uint64_t> sequence{0};
  const std::string run = absl::StrCat(absl::ToUnixMillis(absl::Now()));
  // Batch n ends at latitude kTrackedLat + n * kLatStep, so a position seen on a tracking
  // stream tells which batch it came from; sent[n] is when that batch was posted.
  constexpr double kTrackedLat = 31.26, kLatStep = 1e-7;
  const size_t max_batches = static_cast<size_t>(seconds * 20000) + 1000;
  auto sent = std::make_unique<std::atomic<int64_t>[]>(max_batches);
  const auto epoch = Clock::now();
  std::mutex seen_mu;
  std::vector<std::vector<uint64_t>> unseen(tokens.size());  // per courier, in posting order
  // Posting a batch → its position (or a later one) on a stream: during the load, and for
  // one report per courier afterwards (phones report every few seconds, not 20 times).
  std::vector<double> seen_ms, probe_ms;
  std::atomic<uint64_t> first_probe{UINT64_MAX};
  auto post_batch = [&](HttpClient& client, uint64_t n, int courier) {
    const absl::Time now = absl::Now();
    std::vector<std::string> reports;
    for (int k = 5; k >= 0; --k) {
      const absl::Time at = now - absl::Seconds(5 * k);
      const double lat = k == 0 ? kTrackedLat + kLatStep * n : 31.25 + 0.0001 * k;
      // StrCat would keep 6 significant digits: the batch number needs all of them.
      reports.push_back(
          absl::StrCat(R"({"position":{"lat":)", absl::StrFormat("%.9f", lat), R"(,"lng":)", 121.55,
                       R"(},"time":")",
                       absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", at, absl::UTCTimeZone()), R"("})"));
    }
    if (n < max_batches) {
      sent[n] = (Clock::now() - epoch).count();
      std::lock_guard lock(seen_mu);
      std::vector<uint64_t>& mine = unseen[courier];  // kept sorted: posts race each other
      mine.insert(std::upper_bound(mine.begin(), mine.end(), n), n);
    }
    auto r = client.Post("/v1/staff/me/locations",
                         absl::StrCat(R"({"deviceId":"bench-)", run, "-", n, R"(","reports":[)",
                                      absl::StrJoin(reports, ","), "]}"),
                         tokens[courier]);
    return r.status == 200;
  };

  // One tracking stream per courier, on its first stop.
  std::vector<std::pair<int, std::string>> watched;  // courier, order
  {
    pqxx::connection db(qq::testing::ServiceDatabaseDsn("qq_dispatch"));
    pqxx::nontransaction txn(db);
    for (const auto& row : txn.exec_params(
             "SELECT DISTINCT ON (courier_id) courier_id, order_id FROM delivery_stops "
             "WHERE tenant_id = $1 AND courier_id LIKE 'bench-courier-%' AND sequence > 0 "
             "  AND state IN ('ASSIGNED', 'DELIVERING', 'ARRIVED') ORDER BY courier_id, sequence",
             kTenant)) {
      const std::string courier = row[0].as<std::string>();
      const int c = std::atoi(courier.c_str() + std::strlen("bench-courier-"));
      if (c < couriers) watched.emplace_back(c, row[1].as<std::string>());
    }
  }
  const std::string console = *issuer.Issue(
      qq::Identity{kTenant, "bench-dispatcher", "bench", {"dispatcher"}}, std::chrono::hours(1));
  std::atomic<bool> stopping{false};
  std::atomic<int> streams_open{0}, stream_failures{0};
  std::vector<std::thread> watchers;
  for (const auto& [courier, order] : watched) {
    watchers.emplace_back([&, courier = courier, order = order] {
      try {
        qq::testing::EventStream stream(gateway, "/v1/delivery-orders/" + order + "/tracking:watch",
                                        console);
        if (stream.status() != 200) throw std::runtime_error(stream.error_body());
        ++streams_open;
        while (!stopping) {
          std::optional<qq::testing::ServerSentEvent> event = stream.Next(std::chrono::seconds(60));
          if (!event) break;
          const int64_t now = (Clock::now() - epoch).count();
          const auto json = qq::testing::HttpResponse{200, event->data, {}}.Json();
          if (!json.is_object() || !json.as_object().contains("courierPosition")) continue;
          const double lat = qq::testing::Num(json.as_object().at("courierPosition"), "lat");
          const long long shown = std::llround((lat - kTrackedLat) / kLatStep);
          if (shown < 0) continue;
          std::lock_guard lock(seen_mu);
          std::vector<uint64_t>& mine = unseen[courier];
          auto covered = std::upper_bound(mine.begin(), mine.end(), static_cast<uint64_t>(shown));
          for (auto it = mine.begin(); it != covered; ++it) {
            (*it >= first_probe ? probe_ms : seen_ms)
                .push_back(std::chrono::duration<double, std::milli>(
                               Clock::duration(now - sent[*it].load()))
                               .count());
          }
          mine.erase(mine.begin(), covered);
        }
      } catch (const std::exception& e) {
        if (!stopping) ++stream_failures;
      }
    });
  }
  // Every stream has its first event before the load starts.
  for (int i = 0; i < 200 && streams_open + stream_failures < static_cast<int>(watched.size());
       ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  auto report = [&](int t) {
    const uint64_t n = sequence++;
    return post_batch(*http[t], n, static_cast<int>(n % tokens.size()));
  };
  RunResult result = qq::testing::RunFor(clients, seconds, std::chrono::microseconds(0), report);
  // Let the last positions arrive; then each courier reports once, 50 ms apart.
  std::this_thread::sleep_for(std::chrono::seconds(2));
  first_probe = sequence.load();
  int probes_failed = 0;
  for (const auto& [courier, order] : watched) {
    if (!post_batch(*http[0], sequence++, courier)) ++probes_failed;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (probes_failed > 0) std::printf("BENCH tracking_probe_errors %d count\n", probes_failed);
  std::this_thread::sleep_for(std::chrono::seconds(2));
  // Wake every stream once more so its thread ends.
  first_probe = UINT64_MAX - 1;  // late arrivals of the probes are not counted twice
  stopping = true;
  for (const auto& [courier, order] : watched) post_batch(*http[0], sequence++, courier);
  for (auto& watcher : watchers) watcher.join();

  std::sort(seen_ms.begin(), seen_ms.end());
  std::sort(probe_ms.begin(), probe_ms.end());
  const double batches_per_s = result.latencies_ms.size() / result.seconds;
  std::printf("BENCH location_reports_per_s %.0f reports/s\n", batches_per_s * 6);
  std::printf("BENCH location_batch_p99_ms %.2f ms\n", Percentile(result.latencies_ms, 0.99));
  if (result.errors > 0) std::printf("BENCH location_errors %d count\n", result.errors);
  std::printf("BENCH tracking_streams %d count\n", streams_open.load());
  if (stream_failures > 0)
    std::printf("BENCH tracking_stream_failures %d count\n", stream_failures.load());
  std::printf("BENCH tracking_position_under_load_count %zu count\n", seen_ms.size());
  std::printf("BENCH tracking_position_under_load_p50_ms %.1f ms\n", Percentile(seen_ms, 0.50));
  std::printf("BENCH tracking_position_under_load_p99_ms %.1f ms\n", Percentile(seen_ms, 0.99));
  std::printf("BENCH tracking_position_count %zu count\n", probe_ms.size());
  std::printf("BENCH tracking_position_p50_ms %.1f ms\n", Percentile(probe_ms, 0.50));
  std::printf("BENCH tracking_position_p99_ms %.1f ms\n", Percentile(probe_ms, 0.99));
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  int couriers = 200, stops = 5000, inserts = 200, assigns = 100, clients = 8;
  double seconds = 10;
  for (int i = 1; i < argc; ++i) {
    auto next = [&] { return i + 1 < argc ? std::atof(argv[++i]) : 0.0; };
    if (std::strcmp(argv[i], "--quick") == 0) {
      couriers = 50, stops = 1000, inserts = 50, assigns = 20, seconds = 5;
    } else if (std::strcmp(argv[i], "--couriers") == 0) {
      couriers = static_cast<int>(next());
    } else if (std::strcmp(argv[i], "--stops") == 0) {
      stops = static_cast<int>(next());
    } else if (std::strcmp(argv[i], "--inserts") == 0) {
      inserts = static_cast<int>(next());
    } else if (std::strcmp(argv[i], "--assigns") == 0) {
      assigns = static_cast<int>(next());
    } else if (std::strcmp(argv[i], "--seconds") == 0) {
      seconds = next();
    } else if (std::strcmp(argv[i], "--clients") == 0) {
      clients = static_cast<int>(next());
    }
  }
  if (qq::testing::GatewayUrl().empty()) {
    std::fprintf(stderr, "run through ./deploy/dev bench dispatch\n");
    return 2;
  }
  std::mt19937_64 rng(42);
  const auto seed_start = Clock::now();
  Seed(couriers, stops, rng);
  std::printf("BENCH couriers %d count\n", couriers);
  std::printf("BENCH seed_seconds %.1f s\n", Millis(seed_start) / 1000);
  std::fflush(stdout);
  MeasureInsert(inserts, rng);
  MeasureAssign(assigns);
  MeasureLocations(couriers, clients, seconds);
  return 0;
}
