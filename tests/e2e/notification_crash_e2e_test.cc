// kill -9 of a notification service in the middle of a burst: a second notification
// process (same database and Redis as the test stack, its own consumer in the same groups,
// its own sender and action worker) takes part of a burst of ledger entries that make a
// low-balance rule send an SMS and issue a coupon; it is killed with SIGKILL partway. The
// stack's own notification service reclaims what the dead one had read (after 30 s idle)
// and sends what it had leased (after the 60 s lease). Afterwards every customer got the
// reminder exactly once (the development provider's record is the witness) and exactly one
// coupon, and the customer who opted out got no SMS.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "services/common/testing/require_stack.h"
#include "tests/support/eventually.h"
#include "tests/support/http_client.h"
#include "tests/support/stack.h"

extern char** environ;

namespace qq::testing {
namespace {

using namespace std::chrono_literals;

class NotificationProcess {
 public:
  ~NotificationProcess() { Kill(); }

  bool Start() {
    const std::string bin = EnvOr("QQ_TEST_BIN_DIR") + "/qq-notification-svc";
    const std::string pg = EnvOr("QQ_TEST_PG_PORT");
    std::vector<std::string> env = {
        "QQ_LISTEN=127.0.0.1:0",
        "QQ_ADMIN_LISTEN=",
        "QQ_JWT_KEYS=" + EnvOr("QQ_TEST_JWT_KEYS"),
        "QQ_SECRET_KEYS=" + EnvOr("QQ_TEST_SECRET_KEYS"),
        "QQ_PG_DSN=postgresql://qq_notification@127.0.0.1:" + pg + "/qq_notification",
        "QQ_REDIS_ADDR=" + EnvOr("QQ_TEST_REDIS_ADDR"),
        "QQ_CUSTOMER_ADDR=" + EnvOr("QQ_TEST_CUSTOMER_ADDR"),
        "QQ_ORDER_ADDR=" + EnvOr("QQ_TEST_ORDER_ADDR"),
        "QQ_LOG_LEVEL=error",
        "PATH=/usr/bin:/bin"};
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    char* argv[] = {const_cast<char*>(bin.c_str()), nullptr};
    return posix_spawn(&pid_, bin.c_str(), nullptr, nullptr, argv, envp.data()) == 0;
  }

  void Kill() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  pid_t pid_ = -1;
};

TEST(NotificationCrash, KillNineMidBurstSendsEveryMessageAndCouponExactlyOnce) {
  if (EnvOr("QQ_TEST_BIN_DIR").empty() || GatewayUrl().empty() ||
      EnvOr("QQ_TEST_SECRET_KEYS").empty()) {
    QQ_SKIP_WITHOUT_STACK("QQ_TEST_BIN_DIR / QQ_TEST_GATEWAY_URL / QQ_TEST_SECRET_KEYS");
  }
  HttpClient http(GatewayUrl());
  const std::string agent = LoginAs(http, "station-demo", "agent");
  const std::string manager = LoginAs(http, "station-demo", "manager");
  auto send = [&](const std::string& method, const std::string& target, const std::string& body,
                  const std::string& token, const std::string& key = "") {
    std::map<std::string, std::string> headers = {{"Authorization", "Bearer " + token}};
    if (!key.empty()) headers["Idempotency-Key"] = key;
    return http.Send(method, target, body, headers);
  };
  // No other active rule of the tenant fires on these entries.
  const boost::json::value rules = http.Get("/v1/rules", manager).Json();
  for (const auto& rule : rules.as_object().at("rules").as_array()) {
    if (!rule.as_object().at("paused").as_bool()) {
      http.Post("/v1/rules/" + Str(rule, "id") + ":pause", "{}", manager);
    }
  }
  HttpResponse created = http.Post(
      "/v1/rules",
      R"({"name":"崩溃测试：水票提醒","templateId":"ticket_low","params":{"threshold":2,"product":"18.9L","coupon":"崩溃测试券"}})",
      manager);
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string rule = Str(created.Json(), "id");
  struct Pause {
    std::function<void()> fn;
    ~Pause() { fn(); }
  } pause{[&] { http.Post("/v1/rules/" + rule + ":pause", "{}", manager); }};

  const std::string marker = "notify-crash-" + std::to_string(getpid());
  constexpr int kCustomers = 24;
  std::vector<std::string> customers;
  for (int i = 0; i < kCustomers; ++i) {
    HttpResponse c = http.Post(
        "/v1/customers",
        R"({"name":"崩溃客户)" + std::to_string(i) + R"(","phones":[")" + UniquePhone() + R"("]})",
        agent);
    ASSERT_EQ(c.status, 200) << c.body;
    customers.push_back(Str(c.Json(), "id"));
    ASSERT_EQ(
        send(
            "POST", "/v1/customers/" + customers.back() + "/ledger/entries",
            R"({"kind":"PURCHASE","asset":{"kind":"TICKET","product":"18.9L"},"quantityDelta":5,"amountFenDelta":9000,"reason":"买水票"})",
            agent, marker + "-buy-" + std::to_string(i))
            .status,
        200);
  }
  const std::string opted_out = customers[0];
  ASSERT_EQ(send("PUT", "/v1/customers/" + opted_out + "/notification-preferences",
                 R"({"channels":[{"channel":"SMS","optedOut":true}]})", agent)
                .status,
            200);

  NotificationProcess second;
  ASSERT_TRUE(second.Start());
  std::this_thread::sleep_for(2s);  // its consumers join the groups
  for (int i = 0; i < kCustomers; ++i) {
    if (i == kCustomers / 2) second.Kill();  // kill -9 halfway through the burst
    ASSERT_EQ(
        send(
            "POST", "/v1/customers/" + customers[i] + "/ledger/entries",
            R"({"kind":"ADJUSTMENT","asset":{"kind":"TICKET","product":"18.9L"},"quantityDelta":-4,"reason":"补录送水"})",
            agent, marker + "-use-" + std::to_string(i))
            .status,
        200);
  }
  second.Kill();

  pqxx::connection db(ServiceDatabaseDsn("qq_notification"));
  auto count = [&](const std::string& sql) {
    pqxx::work txn(db);
    return txn.exec_params1(sql, "station-demo", rule)[0].as<long long>();
  };
  // Every customer's reminder is settled (sent, or suppressed for the opted-out one) and
  // every coupon action done, within the reclaim (30 s) and lease (60 s) times.
  const bool settled = Eventually(
      [&] {
        return count(
                   "SELECT count(*) FROM messages WHERE tenant_id = $1 AND rule_id = $2 "
                   "AND status IN ('SENT', 'SUPPRESSED')") == kCustomers &&
               count(
                   "SELECT count(*) FROM rule_actions a JOIN rule_firings f "
                   "ON f.id = a.firing_id WHERE f.tenant_id = $1 AND f.rule_id = $2::uuid "
                   "AND a.type = 'issue_coupon' AND a.status = 'DONE'") == kCustomers;
      },
      150s);
  ASSERT_TRUE(settled) << "messages settled: "
                       << count(
                              "SELECT count(*) FROM messages WHERE tenant_id = $1 AND "
                              "rule_id = $2 AND status IN ('SENT', 'SUPPRESSED')");
  EXPECT_EQ(count("SELECT count(*) FROM rule_firings WHERE tenant_id = $1 AND rule_id = $2::uuid"),
            kCustomers);
  EXPECT_EQ(count("SELECT count(*) FROM messages WHERE tenant_id = $1 AND rule_id = $2"),
            kCustomers);
  // The provider's record: one SMS per customer but the opted-out one.
  EXPECT_EQ(count("SELECT count(*) FROM dev_sms_sent d JOIN messages m ON m.id = d.message_id "
                  "WHERE m.tenant_id = $1 AND m.rule_id = $2"),
            kCustomers - 1);
  EXPECT_EQ(count("SELECT count(*) FROM dev_sms_sent d JOIN messages m ON m.id = d.message_id "
                  "WHERE m.tenant_id = $1 AND m.rule_id = $2 AND m.customer_id = '" +
                  opted_out + "'"),
            0);
  // One coupon each, in the customer's own ledger.
  for (const std::string& customer : customers) {
    const boost::json::value ledger =
        http.Get("/v1/customers/" + customer + "/ledger", agent).Json();
    int64_t coupons = 0;
    for (const auto& b : ledger.as_object().at("balances").as_array()) {
      const auto& asset = b.as_object().at("asset");
      if (Str(asset, "kind") == "COUPON" && Str(asset, "product") == "崩溃测试券") {
        coupons = static_cast<int64_t>(Num(b, "quantity"));
      }
    }
    EXPECT_EQ(coupons, 1) << customer;
  }
}

}  // namespace
}  // namespace qq::testing
