// qq-bench-gateway: create-customer and get-customer through the gateway (REST/JSON)
// and directly over gRPC against customer-svc, side by side in one run, so the
// gateway's overhead shows as a ratio. Prints `BENCH <name> <value> <unit>` lines.
//
//   ./deploy/dev bench gateway [--quick]
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "qingquan/customer/v1/customer.grpc.pb.h"
#include "tests/support/http_client.h"
#include "tests/support/load_run.h"
#include "tests/support/stack.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace v1 = qingquan::customer::v1;

using qq::testing::Percentile;
using qq::testing::Report;
using qq::testing::Run;
using qq::testing::RunResult;

std::string CustomerJson(int t, int i) {
  char phone[16];
  std::snprintf(phone, sizeof phone, "139%08d", (t * 1000003 + i) % 100000000);
  return std::string(R"({"name":"压测客户","phones":[")") + phone +
         R"("],"addresses":[{"text":"城东区 解放路 8 号","location":{"lat":31.25,"lng":121.55}}]})";
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const std::string gateway = qq::testing::GatewayUrl();
  const std::string customer_addr = qq::testing::EnvOr("QQ_TEST_CUSTOMER_ADDR");
  if (gateway.empty() || customer_addr.empty()) {
    std::fprintf(stderr,
                 "QQ_TEST_GATEWAY_URL and QQ_TEST_CUSTOMER_ADDR must be set "
                 "(run through ./deploy/dev bench gateway)\n");
    return 2;
  }
  const int threads = 8;
  const int per_thread = quick ? 100 : 1000;

  qq::testing::HttpClient login(gateway);
  const std::string token = qq::testing::LoginAs(login, "utility-demo", "agent");
  const std::string bearer = "Bearer " + token;

  // Through the gateway: one keep-alive connection per thread.
  std::vector<std::unique_ptr<qq::testing::HttpClient>> http;
  for (int t = 0; t < threads; ++t)
    http.push_back(std::make_unique<qq::testing::HttpClient>(gateway));
  std::vector<std::vector<std::string>> http_ids(threads);
  RunResult http_create = Run(threads, per_thread, [&](int t, int i) {
    auto res = http[t]->Post("/v1/customers", CustomerJson(t, i), token);
    if (res.status != 200) return false;
    http_ids[t].push_back(qq::testing::Str(res.Json(), "id"));
    return true;
  });
  RunResult http_get = Run(threads, per_thread, [&](int t, int i) {
    const auto& ids = http_ids[t];
    if (ids.empty()) return false;
    return http[t]->Get("/v1/customers/" + ids[i % ids.size()], token).status == 200;
  });

  // Directly over gRPC: one channel per thread, as each gateway connection has its own.
  std::vector<std::unique_ptr<v1::CustomerService::Stub>> stubs;
  for (int t = 0; t < threads; ++t) {
    grpc::ChannelArguments args;
    args.SetInt("grpc.channel_id", t);  // distinct channels, not one shared subchannel
    stubs.push_back(v1::CustomerService::NewStub(
        grpc::CreateCustomChannel(customer_addr, grpc::InsecureChannelCredentials(), args)));
  }
  std::vector<std::vector<std::string>> grpc_ids(threads);
  RunResult grpc_create = Run(threads, per_thread, [&](int t, int i) {
    v1::CreateCustomerRequest req;
    auto* c = req.mutable_customer();
    c->set_name("压测客户");
    char phone[16];
    std::snprintf(phone, sizeof phone, "138%08d", (t * 1000003 + i) % 100000000);
    c->add_phones(phone);
    auto* a = c->add_addresses();
    a->set_text("城东区 解放路 8 号");
    a->mutable_location()->set_lat(31.25);
    a->mutable_location()->set_lng(121.55);
    v1::Customer out;
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", bearer);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    if (!stubs[t]->CreateCustomer(&ctx, req, &out).ok()) return false;
    grpc_ids[t].push_back(out.id());
    return true;
  });
  RunResult grpc_get = Run(threads, per_thread, [&](int t, int i) {
    const auto& ids = grpc_ids[t];
    if (ids.empty()) return false;
    v1::GetCustomerRequest req;
    req.set_id(ids[i % ids.size()]);
    v1::Customer out;
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", bearer);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return stubs[t]->GetCustomer(&ctx, req, &out).ok();
  });

  Report("gateway_create_customer", http_create);
  Report("gateway_get_customer", http_get);
  Report("grpc_create_customer", grpc_create);
  Report("grpc_get_customer", grpc_get);
  std::printf("BENCH gateway_overhead_get_p50 %.2f ratio\n",
              Percentile(http_get.latencies_ms, 0.5) / Percentile(grpc_get.latencies_ms, 0.5));
  std::printf(
      "BENCH gateway_overhead_create_p50 %.2f ratio\n",
      Percentile(http_create.latencies_ms, 0.5) / Percentile(grpc_create.latencies_ms, 0.5));
  std::printf("BENCH gateway_overhead_get_throughput %.2f ratio\n",
              (grpc_get.latencies_ms.size() / grpc_get.seconds) /
                  (http_get.latencies_ms.size() / http_get.seconds));
  bool failed = http_create.errors + http_get.errors + grpc_create.errors + grpc_get.errors > 0;
  return failed ? 1 : 0;
}
