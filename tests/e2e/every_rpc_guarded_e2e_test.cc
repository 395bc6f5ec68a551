// Every RPC of every service refuses a call without a valid token, straight over gRPC
// (not through the gateway), except the login. This is what makes CallGuard the
// services' interceptor: a handler that skipped it would fail here. The services' own
// health and reflection services stay open, as they must.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <regex>
#include <string>

#include "gateway/linked_services.h"
#include "google/protobuf/descriptor.h"
#include "services/common/testing/require_stack.h"
#include "tests/support/stack.h"

namespace qq::testing {
namespace {

// Package -> the QQ_TEST_*_ADDR of the service that serves it.
const std::map<std::string, std::string> kServiceAddressVariables = {
    {"qingquan.customer.v1", "QQ_TEST_CUSTOMER_ADDR"},
    {"qingquan.order.v1", "QQ_TEST_ORDER_ADDR"},
    {"qingquan.dispatch.v1", "QQ_TEST_DISPATCH_ADDR"},
    {"qingquan.notification.v1", "QQ_TEST_NOTIFICATION_ADDR"},
    {"qingquan.analytics.v1", "QQ_TEST_ANALYTICS_ADDR"},
};

const char* const kPublicMethods[] = {"/qingquan.customer.v1.AuthService/Login",
                                      "/qingquan.customer.v1.AuthService/ServiceAccountLogin"};

// RPCs declared in the services' .proto files, counted from the source (independently of
// the descriptors the test walks), so a service left out of the link cannot go unnoticed.
int DeclaredRpcCount() {
  const std::string repo = EnvOr("QQ_TEST_REPO_DIR");
  if (repo.empty()) return 0;
  const std::regex rpc(R"(^\s*rpc\s+\w+\s*\()");
  int count = 0;
  for (const auto& [package, variable] : kServiceAddressVariables) {
    std::string dir = package;  // qingquan.order.v1 -> protos/qingquan/order/v1
    std::replace(dir.begin(), dir.end(), '.', '/');
    const std::filesystem::path folder = std::filesystem::path(repo) / "protos" / dir;
    if (!std::filesystem::is_directory(folder)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
      if (entry.path().extension() != ".proto") continue;
      std::ifstream in(entry.path());
      for (std::string line; std::getline(in, line);) count += std::regex_search(line, rpc);
    }
  }
  return count;
}

grpc::Status CallUnary(const std::string& address, const std::string& method,
                       const std::string& authorization) {
  auto channel = grpc::CreateChannel(address, grpc::InsecureChannelCredentials());
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  if (!authorization.empty()) ctx.AddMetadata("authorization", authorization);
  grpc::ByteBuffer request;  // an empty message is valid for every request type
  grpc::Slice empty("");
  request = grpc::ByteBuffer(&empty, 1);
  grpc::ByteBuffer response;
  std::mutex mu;
  std::condition_variable done_cv;
  bool done = false;
  grpc::Status result;
  stub.UnaryCall(&ctx, method, grpc::StubOptions(), &request, &response, [&](grpc::Status status) {
    std::lock_guard lock(mu);
    result = std::move(status);
    done = true;
    done_cv.notify_one();
  });
  std::unique_lock lock(mu);
  done_cv.wait(lock, [&] { return done; });
  return result;
}

TEST(EveryRpc, RefusesCallsWithoutAValidToken) {
  if (EnvOr("QQ_TEST_CUSTOMER_ADDR").empty()) {
    QQ_SKIP_WITHOUT_STACK("QQ_TEST_*_ADDR");
  }
  std::vector<std::string> packages;
  for (const auto& [package, variable] : kServiceAddressVariables) packages.push_back(package);
  int checked = 0;
  for (const auto* service : gateway::LinkedServices(packages)) {
    const std::string address =
        EnvOr(kServiceAddressVariables.at(service->file()->package()).c_str());
    for (int i = 0; i < service->method_count(); ++i) {
      const std::string method = "/" + service->full_name() + "/" + service->method(i)->name();
      if (std::find(std::begin(kPublicMethods), std::end(kPublicMethods), method) !=
          std::end(kPublicMethods)) {
        continue;
      }
      for (const std::string& authorization : {std::string(), std::string("Bearer not.a.token"),
                                               std::string("Basic YWRtaW46YWRtaW4=")}) {
        grpc::Status status = CallUnary(address, method, authorization);
        EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED)
            << method << " with '" << authorization << "': " << status.error_message();
      }
      ++checked;
    }
  }
  // Every RPC the protos declare was called: none is missing from the linked descriptors.
  const int declared = DeclaredRpcCount();
  ASSERT_GT(declared, 0) << "no rpc found under " << EnvOr("QQ_TEST_REPO_DIR") << "/protos";
  EXPECT_EQ(checked + static_cast<int>(std::size(kPublicMethods)), declared)
      << "the .proto files declare RPCs the test did not call: are the protos linked?";
}

TEST(EveryRpc, HealthStaysOpen) {
  if (EnvOr("QQ_TEST_CUSTOMER_ADDR").empty()) {
    QQ_SKIP_WITHOUT_STACK("QQ_TEST_*_ADDR");
  }
  for (const auto& [package, variable] : kServiceAddressVariables) {
    grpc::Status status = CallUnary(EnvOr(variable.c_str()), "/grpc.health.v1.Health/Check", "");
    EXPECT_TRUE(status.ok()) << package << ": " << status.error_message();
  }
}

}  // namespace
}  // namespace qq::testing
