// qq-bench-notify: the notification service's throughput and the rule engine's sweeps.
//
//  1. rule_evals_per_s: qq-bench-rules (pure evaluation of the four seed rules, one core).
//  2. messages: `--events` survey.offered events are added to the order stream at `--rate`
//     per second for a tenant of their own (quiet hours off); each becomes an SMS through
//     the development provider. messages_per_s = messages recorded as sent / (last sent −
//     first event added); event_to_sent_p99_ms = event added → dev_sms_sent.sent_at.
//  3. sweep: `--customers` customers are loaded straight into the notification service's
//     facts (customer_facts) of another tenant; the four seed rules are made there through
//     the API (the low-balance one daily), and each is run once (RunRule, as its schedule
//     would); sweep_s = the wall time of the four runs, firings and their messages queued.
//
//   ./deploy/dev bench notify [--quick]   (quick: 100,000 customers, 3,000 events)
#include <pqxx/pqxx>

#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "qingquan/common/v1/events.pb.h"
#include "qingquan/notification/v1/notification.grpc.pb.h"
#include "services/common/auth.h"
#include "services/common/client.h"
#include "services/common/redis_client.h"
#include "tests/support/load_run.h"
#include "tests/support/stack.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace v1 = qingquan::notification::v1;

std::string NewUuid() {
  static std::mt19937_64 random(std::random_device{}());
  const uint64_t a = random(), b = random();
  char out[37];
  std::snprintf(out, sizeof out, "%08x-%04x-4%03x-8%03x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
                static_cast<unsigned>(b >> 52),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return out;
}

constexpr char kMessagesTenant[] = "bench-notify-messages";
constexpr char kSweepTenant[] = "bench-notify-sweep";

void RuleEvals(bool quick) {
  const std::string bin = qq::testing::EnvOr("QQ_TEST_BIN_DIR", "build/bin") + "/qq-bench-rules";
  FILE* pipe = popen((bin + (quick ? " --quick" : "") + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return;
  char line[512];
  while (fgets(line, sizeof line, pipe) != nullptr) std::fputs(line, stdout);
  pclose(pipe);
}

void QuietHoursOff(pqxx::work& txn, const std::string& tenant) {
  txn.exec_params(
      "INSERT INTO notification_settings (tenant_id, quiet_enabled, quiet_start, quiet_end, "
      "  urgent_categories, daily_caps, sms_signature, time_zone) "
      "VALUES ($1, false, '21:00', '08:00', '{outage}', '{\"SMS\":3,\"WECHAT\":5}', '清泉', "
      "  'Asia/Shanghai') ON CONFLICT (tenant_id) DO UPDATE SET quiet_enabled = false",
      tenant);
}

void Messages(int events, int rate) {
  const std::string dsn = qq::testing::ServiceDatabaseDsn("qq_notification");
  {
    pqxx::connection db(dsn);
    pqxx::work txn(db);
    QuietHoursOff(txn, kMessagesTenant);
    txn.commit();
  }
  qq::RedisClient redis(qq::testing::EnvOr("QQ_TEST_REDIS_ADDR"), std::chrono::seconds(5));
  const std::string stream = "qq:events:order";
  const auto interval = std::chrono::microseconds(1000000 / std::max(rate, 1));
  std::map<std::string, double> added_ms;  // event id → wall clock ms
  auto wall_ms = [] {
    return std::chrono::duration<double, std::milli>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  const auto start = Clock::now();
  for (int i = 0; i < events; ++i) {
    std::this_thread::sleep_until(start + interval * i);
    qingquan::common::v1::SurveyOffered survey;
    survey.set_order_id(NewUuid());
    survey.set_order_kind("DELIVERY");
    survey.set_number(absl::StrCat("DO-BENCH-", i));
    survey.set_customer_id(NewUuid());
    survey.set_customer_name("压测客户");
    survey.set_contact_phone(absl::StrCat("139", 10000000 + i));
    const std::string event_id = NewUuid();
    added_ms[event_id] = wall_ms();
    auto added = redis.Command({"XADD", stream, "*", "event_id", event_id, "tenant",
                                kMessagesTenant, "type", "survey.offered", "aggregate_id",
                                survey.order_id(), "payload", survey.SerializeAsString()});
    if (!added.ok()) {
      std::fprintf(stderr, "XADD: %s\n", added.status().ToString().c_str());
      return;
    }
  }
  // Wait until every message is recorded as sent (or 120 s).
  pqxx::connection db(dsn);
  const auto deadline = Clock::now() + std::chrono::seconds(120);
  long long sent = 0;
  while (Clock::now() < deadline) {
    pqxx::work txn(db);
    sent = txn.exec_params1(
                  "SELECT count(*) FROM dev_sms_sent d JOIN messages m ON m.id = d.message_id "
                  "WHERE m.tenant_id = $1",
                  kMessagesTenant)[0]
               .as<long long>();
    if (sent >= events) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  pqxx::work txn(db);
  pqxx::result rows = txn.exec_params(
      "SELECT m.source_event, extract(epoch FROM d.sent_at) * 1000 FROM dev_sms_sent d "
      "JOIN messages m ON m.id = d.message_id WHERE m.tenant_id = $1",
      kMessagesTenant);
  std::vector<double> latencies;
  double first_added = 1e300, last_sent = 0;
  for (const auto& [id, t] : added_ms) first_added = std::min(first_added, t);
  for (const auto& row : rows) {
    auto it = added_ms.find(row[0].as<std::string>());
    if (it == added_ms.end()) continue;
    const double sent_ms = row[1].as<double>();
    latencies.push_back(sent_ms - it->second);
    last_sent = std::max(last_sent, sent_ms);
  }
  std::sort(latencies.begin(), latencies.end());
  if (latencies.size() < static_cast<size_t>(events)) {
    std::fprintf(stderr, "only %zu of %d messages sent within 120 s\n", latencies.size(), events);
  }
  const double seconds = (last_sent - first_added) / 1000.0;
  std::printf("BENCH messages_per_s %.0f messages/s\n",
              seconds > 0 ? latencies.size() / seconds : 0.0);
  std::printf("BENCH event_to_sent_p50_ms %.0f ms\n", qq::testing::Percentile(latencies, 0.50));
  std::printf("BENCH event_to_sent_p99_ms %.0f ms\n", qq::testing::Percentile(latencies, 0.99));
  std::printf("# %d events offered at %d/s\n", events, rate);
  std::fflush(stdout);
}

void LoadCustomers(int customers) {
  pqxx::connection db(qq::testing::ServiceDatabaseDsn("qq_notification"));
  pqxx::work txn(db);
  QuietHoursOff(txn, kSweepTenant);
  txn.exec_params("DELETE FROM customer_facts WHERE tenant_id = $1", kSweepTenant);
  // Tickets 0–40 (about 7 % at or below 2), last order 0–35 days ago (about 14 % idle for
  // 30 days or more), birthdays spread over the year, registered 400 days ago.
  txn.exec_params(
      "INSERT INTO customer_facts (tenant_id, customer_id, name, phone, birthday, status, tags, "
      "  area_id, channel, created_at, last_order_at, tickets, version) "
      "SELECT $1, lpad(i::text, 10, '0'), '客户' || i, '139' || lpad(i::text, 8, '0'), "
      "  date '1980-01-01' + (i % 365), 'ACTIVE', "
      "  CASE WHEN i % 10 = 0 THEN ARRAY['VIP'] ELSE ARRAY[]::text[] END, 'area-' || (i % 20), "
      "  'PHONE', now() - interval '400 days', now() - (i % 36) * interval '1 day', "
      "  jsonb_build_object('18.9L', (i * 7) % 41), 1 "
      "FROM generate_series(1, $2) AS i",
      kSweepTenant, customers);
  txn.commit();
}

void Sweep(int customers) {
  const auto loading = Clock::now();
  LoadCustomers(customers);
  std::printf("# loaded %d customers into customer_facts in %.1f s\n", customers,
              std::chrono::duration<double>(Clock::now() - loading).count());
  auto keys = qq::ParseJwtKeys(qq::testing::EnvOr("QQ_TEST_JWT_KEYS"));
  if (!keys.ok()) {
    std::fprintf(stderr, "QQ_TEST_JWT_KEYS: %s\n", keys.status().ToString().c_str());
    return;
  }
  qq::TokenIssuer issuer(keys->front());
  const std::string token =
      *issuer.Issue(qq::Identity{kSweepTenant, "bench-manager", "bench", {"manager"}},
                    std::chrono::seconds(3600));
  auto stub =
      v1::RuleService::NewStub(qq::MakeChannel(qq::testing::EnvOr("QQ_TEST_NOTIFICATION_ADDR")));
  const std::vector<std::pair<std::string, std::string>> seed = {
      {"ticket_low", R"({"trigger":"daily","threshold":2})"},
      {"idle_30_days", "{}"},
      {"birthday", "{}"},
      {"work_order_unhandled", "{}"}};
  double total = 0;
  long long fired = 0, evaluated = 0;
  for (const auto& [template_id, params] : seed) {
    v1::CreateRuleRequest create;
    create.mutable_rule()->set_template_id(template_id);
    google::protobuf::util::JsonStringToMessage(params, create.mutable_rule()->mutable_params());
    v1::Rule rule;
    {
      grpc::ClientContext ctx;
      qq::PrepareServiceCall(ctx, token, std::chrono::milliseconds(10000));
      grpc::Status s = stub->CreateRule(&ctx, create, &rule);
      if (!s.ok()) {
        std::fprintf(stderr, "CreateRule %s: %s\n", template_id.c_str(), s.error_message().c_str());
        return;
      }
    }
    v1::RunRuleRequest run;
    run.set_id(rule.id());
    v1::RunRuleResponse result;
    grpc::ClientContext ctx;
    qq::PrepareServiceCall(ctx, token, std::chrono::milliseconds(900000));
    const auto started = Clock::now();
    grpc::Status s = stub->RunRule(&ctx, run, &result);
    const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    if (!s.ok()) {
      std::fprintf(stderr, "RunRule %s: %s\n", template_id.c_str(), s.error_message().c_str());
      return;
    }
    total += seconds;
    fired += result.fired();
    evaluated += result.evaluated();
    std::printf("# %s: %d evaluated, %d matched, %d fired in %.1f s\n", template_id.c_str(),
                result.evaluated(), result.matched(), result.fired(), seconds);
    std::fflush(stdout);
    // Left paused: the bench stack is thrown away, but a rule should not run again here.
    v1::PauseRuleRequest pause;
    pause.set_id(rule.id());
    grpc::ClientContext pause_ctx;
    qq::PrepareServiceCall(pause_ctx, token, std::chrono::milliseconds(10000));
    v1::Rule paused;
    (void)stub->PauseRule(&pause_ctx, pause, &paused);
  }
  std::printf("BENCH %s %.1f s\n", customers >= 1000000 ? "sweep_1m_s" : "sweep_s", total);
  std::printf("# %lld subject evaluations, %lld firings queued\n", evaluated, fired);
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  int customers = 1000000, events = 20000, rate = 2000;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--quick") {
      quick = true;
      customers = 100000;
      events = 3000;
    } else if (arg == "--customers" && i + 1 < argc) {
      customers = std::atoi(argv[++i]);
    } else if (arg == "--events" && i + 1 < argc) {
      events = std::atoi(argv[++i]);
    } else if (arg == "--rate" && i + 1 < argc) {
      rate = std::atoi(argv[++i]);
    }
  }
  RuleEvals(quick);
  Messages(events, rate);
  Sweep(customers);
  return 0;
}
