// kill -9 of the order service in the middle of a load run: a second order-service
// process (same database, Redis and neighbours as the test stack) takes creates over
// gRPC, each with its own Idempotency-Key; it is killed with SIGKILL partway, restarted,
// and every request that got no answer is retried with its key. Afterwards every order
// acknowledged to a client exists, every request made exactly one order, every order has
// exactly one workorder.created event, and the dispatch service's routing of each order
// shows on it exactly once (a redelivered event would add a second entry).
#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "qingquan/order/v1/order.grpc.pb.h"
#include "services/common/testing/require_stack.h"
#include "tests/support/http_client.h"
#include "tests/support/stack.h"

extern char** environ;

namespace qq::testing {
namespace {

using namespace std::chrono_literals;
namespace v1 = qingquan::order::v1;

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

bool Accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

// A second qq-order-svc on `port`, sharing everything else with the test stack.
class OrderProcess {
 public:
  explicit OrderProcess(int port) : port_(port) {}
  ~OrderProcess() { Kill(); }

  bool Start() {
    const std::string bin = EnvOr("QQ_TEST_BIN_DIR") + "/qq-order-svc";
    const std::string pg = EnvOr("QQ_TEST_PG_PORT");
    std::vector<std::string> env = {
        "QQ_LISTEN=127.0.0.1:" + std::to_string(port_),
        "QQ_ADMIN_LISTEN=",
        "QQ_JWT_KEYS=" + EnvOr("QQ_TEST_JWT_KEYS"),
        "QQ_PG_DSN=postgresql://qq_order@127.0.0.1:" + pg + "/qq_order",
        "QQ_REDIS_ADDR=" + EnvOr("QQ_TEST_REDIS_ADDR"),
        "QQ_CUSTOMER_ADDR=" + EnvOr("QQ_TEST_CUSTOMER_ADDR"),
        "QQ_BLOB_STORE=/tmp/qq-crash-test-blobs-" + std::to_string(getpid()),
        "QQ_LOG_LEVEL=error",
        "PATH=/usr/bin:/bin"};
    std::vector<char*> envp;
    for (auto& e : env) envp.push_back(e.data());
    envp.push_back(nullptr);
    char* argv[] = {const_cast<char*>(bin.c_str()), nullptr};
    if (posix_spawn(&pid_, bin.c_str(), nullptr, nullptr, argv, envp.data()) != 0) return false;
    for (auto deadline = std::chrono::steady_clock::now() + 30s;
         std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(50ms)) {
      if (Accepts(port_)) return true;
    }
    return false;
  }

  void Kill() {
    if (pid_ <= 0) return;
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

 private:
  int port_;
  pid_t pid_ = -1;
};

TEST(Crash, KillNineMidLoadLosesNothingAndDoublesNothing) {
  if (EnvOr("QQ_TEST_BIN_DIR").empty() || GatewayUrl().empty()) {
    QQ_SKIP_WITHOUT_STACK("QQ_TEST_BIN_DIR / QQ_TEST_GATEWAY_URL");
  }
  HttpClient http(GatewayUrl());
  const std::string agent = LoginAs(http, "utility-demo", "agent");
  const std::string customer = Str(
      http.Post(
              "/v1/customers",
              R"({"name":"崩溃测试","phones":[")" + UniquePhone() +
                  R"("],"addresses":[{"text":"城东区 测试路 1 号","location":{"lat":31.25,"lng":121.55}}]})",
              agent)
          .Json(),
      "id");
  ASSERT_FALSE(customer.empty());

  const int port = FreePort();
  OrderProcess order(port);
  ASSERT_TRUE(order.Start()) << "the second order service did not start";
  auto connect = [port] {
    return v1::WorkOrderService::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                                             grpc::InsecureChannelCredentials()));
  };
  auto stub = connect();

  const std::string marker = "crash-" + std::to_string(getpid());
  constexpr int kRequests = 300;
  std::vector<std::string> ids(kRequests);  // the answer, once there was one
  std::mutex mu;
  auto create = [&](int i) -> grpc::Status {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + 3s);
    ctx.AddMetadata("authorization", "Bearer " + agent);
    ctx.AddMetadata("idempotency-key", marker + "-" + std::to_string(i));
    v1::CreateWorkOrderRequest request;
    auto* wo = request.mutable_work_order();
    wo->set_type(v1::WorkOrder::REPAIR);  // field work: dispatch routes it
    wo->set_channel(v1::PHONE);
    wo->set_customer_id(customer);
    wo->set_description(marker + "-" + std::to_string(i));
    v1::WorkOrder created;
    grpc::Status status = stub->CreateWorkOrder(&ctx, request, &created);
    if (status.ok()) {
      std::lock_guard lock(mu);
      ids[i] = created.id();
    }
    return status;
  };

  // Eight clients send every request once; the process dies under them.
  std::atomic<int> next{0}, acknowledged{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 8; ++t) {
    clients.emplace_back([&] {
      for (int i = next++; i < kRequests; i = next++) {
        if (create(i).ok()) acknowledged++;
      }
    });
  }
  for (auto deadline = std::chrono::steady_clock::now() + 30s;
       acknowledged < kRequests / 3 && next < kRequests &&
       std::chrono::steady_clock::now() < deadline;) {
    std::this_thread::sleep_for(1ms);
  }
  order.Kill();
  for (auto& c : clients) c.join();
  const int before_crash = acknowledged;
  std::vector<std::string> acknowledged_ids;
  for (const auto& id : ids) {
    if (!id.empty()) acknowledged_ids.push_back(id);
  }
  EXPECT_LT(before_crash, kRequests) << "the crash came too late to matter";

  // Restart and retry every unanswered request with its own key.
  ASSERT_TRUE(order.Start()) << "the order service did not come back";
  stub = connect();  // a fresh channel, not one backing off from the dead process
  for (int i = 0; i < kRequests; ++i) {
    if (!ids[i].empty()) continue;
    grpc::Status status;
    for (int attempt = 0; attempt < 20; ++attempt) {
      status = create(i);
      if (status.ok()) break;
      std::this_thread::sleep_for(100ms);
    }
    ASSERT_TRUE(status.ok()) << "request " << i << ": " << status.error_message();
  }

  pqxx::connection db(ServiceDatabaseDsn("qq_order"));
  auto count = [&](const std::string& sql) {
    pqxx::work txn(db);
    return txn.exec_params(sql, marker + "-%")[0][0].as<long long>();
  };
  // Exactly one order per request, and every acknowledged one among them.
  EXPECT_EQ(count("SELECT count(*) FROM work_orders WHERE description LIKE $1"), kRequests);
  EXPECT_EQ(count("SELECT count(DISTINCT description) FROM work_orders WHERE description LIKE $1"),
            kRequests);
  {
    pqxx::work txn(db);
    std::string list = "{";
    for (size_t i = 0; i < acknowledged_ids.size(); ++i) {
      list += (i ? "," : "") + acknowledged_ids[i];
    }
    list += "}";
    EXPECT_EQ(
        txn.exec_params("SELECT count(*) FROM work_orders WHERE id = ANY($1::uuid[])", list)[0][0]
            .as<size_t>(),
        acknowledged_ids.size());
  }
  // One workorder.created per order.
  EXPECT_EQ(count("SELECT count(*) FROM qq_outbox o JOIN work_orders w ON o.aggregate_id = "
                  "w.id::text WHERE w.description LIKE $1 AND o.event_type = 'workorder.created'"),
            kRequests);
  // Every order routed by dispatch, and its routing recorded on it exactly once.
  long long routed = 0, doubled = 0;
  for (auto deadline = std::chrono::steady_clock::now() + 60s;
       std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(200ms)) {
    routed = count(
        "SELECT count(DISTINCT w.id) FROM work_orders w JOIN work_order_timeline t ON "
        "t.work_order_id = w.id AND t.actor = 'system:dispatch' WHERE w.description LIKE $1");
    if (routed == kRequests) break;
  }
  doubled = count(
      "SELECT count(*) FROM (SELECT w.id FROM work_orders w JOIN work_order_timeline t ON "
      "t.work_order_id = w.id AND t.actor = 'system:dispatch' WHERE w.description LIKE $1 "
      "GROUP BY w.id HAVING count(*) > 1) d");
  EXPECT_EQ(routed, kRequests);
  EXPECT_EQ(doubled, 0);
  std::cout << before_crash << " of " << kRequests
            << " acknowledged before kill -9; all accounted for after the restart\n";
}

}  // namespace
}  // namespace qq::testing
