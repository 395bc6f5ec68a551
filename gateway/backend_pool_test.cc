#include "gateway/backend_pool.h"

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <gtest/gtest.h>

#include <future>
#include <mutex>

#include "services/common/grpc_status.h"
#include "services/common/status.h"

namespace qq::gateway {
namespace {

// A backend answering any method generically:
//   /test.Echo/Echo  -> the request bytes + "|" + the x-qq-tenant metadata value
//   /test.Echo/Fail  -> NOT_FOUND naming field "customerId" (as services do)
//   /test.Echo/Hang  -> nothing until the call is cancelled
class EchoService : public grpc::CallbackGenericService {
 public:
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* ctx) override {
    return new Reactor(ctx);
  }

 private:
  class Reactor : public grpc::ServerGenericBidiReactor {
   public:
    explicit Reactor(grpc::GenericCallbackServerContext* ctx) : ctx_(ctx) { StartRead(&request_); }

    void OnReadDone(bool ok) override {
      std::lock_guard lock(mu_);
      if (!ok) return FinishOnce(grpc::Status(grpc::StatusCode::INTERNAL, "no request"));
      if (ctx_->method() == "/test.Echo/Hang") return;
      if (ctx_->method() == "/test.Echo/Fail") {
        return FinishOnce(
            ToGrpcStatus(WithField(absl::NotFoundError("no such customer"), "customerId")));
      }
      std::vector<grpc::Slice> slices;
      std::string body;
      (void)request_.Dump(&slices);
      for (const grpc::Slice& s : slices)
        body.append(reinterpret_cast<const char*>(s.begin()), s.size());
      auto tenant = ctx_->client_metadata().find("x-qq-tenant");
      if (tenant != ctx_->client_metadata().end()) {
        body.push_back('|');
        body.append(tenant->second.data(), tenant->second.size());
      }
      grpc::Slice slice(body);
      response_ = grpc::ByteBuffer(&slice, 1);
      finished_ = true;
      StartWriteAndFinish(&response_, grpc::WriteOptions(), grpc::Status::OK);
    }

    void OnCancel() override {
      std::lock_guard lock(mu_);
      FinishOnce(grpc::Status::CANCELLED);
    }

    void OnDone() override { delete this; }

   private:
    void FinishOnce(const grpc::Status& status) {
      if (finished_) return;
      finished_ = true;
      Finish(status);
    }

    grpc::GenericCallbackServerContext* ctx_;
    std::mutex mu_;
    bool finished_ = false;
    grpc::ByteBuffer request_;
    grpc::ByteBuffer response_;
  };
};

class BackendPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterCallbackGenericService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port_, 0);
    address_ = "127.0.0.1:" + std::to_string(port_);
  }

  void TearDown() override { server_->Shutdown(std::chrono::system_clock::now()); }

  // Runs a call and waits for its result.
  static absl::StatusOr<std::string> CallAndWait(BackendPool& pool, BackendCall call) {
    std::promise<absl::StatusOr<std::string>> done;
    pool.Call(std::move(call),
              [&](absl::StatusOr<std::string> r) { done.set_value(std::move(r)); });
    return done.get_future().get();
  }

  static std::vector<BackendHealth> HealthOf(BackendPool& pool) {
    std::promise<std::vector<BackendHealth>> done;
    pool.CheckHealth(std::chrono::seconds(1),
                     [&](std::vector<BackendHealth> h) { done.set_value(std::move(h)); });
    return done.get_future().get();
  }

  EchoService service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::string address_;
};

TEST_F(BackendPoolTest, CallsByMethodNameWithBytesAndMetadata) {
  BackendPool pool({{"test.v1", address_}});
  BackendCall call{
      "test.v1", "/test.Echo/Echo", "hello", {{"x-qq-tenant", "t-demo"}}, std::chrono::seconds(2)};
  absl::StatusOr<std::string> result = CallAndWait(pool, call);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(*result, "hello|t-demo");
}

TEST_F(BackendPoolTest, KeepsTheFieldAServiceNamesInItsError) {
  BackendPool pool({{"test.v1", address_}});
  absl::StatusOr<std::string> result =
      CallAndWait(pool, {"test.v1", "/test.Echo/Fail", "", {}, std::chrono::seconds(2)});
  ASSERT_EQ(result.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(result.status().message(), "no such customer");
  EXPECT_EQ(FieldOf(result.status()), "customerId");
}

TEST_F(BackendPoolTest, UnknownPackageIsUnimplemented) {
  BackendPool pool({{"test.v1", address_}});
  absl::StatusOr<std::string> result =
      CallAndWait(pool, {"other.v1", "/other.X/Y", "", {}, std::chrono::seconds(1)});
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnimplemented);
}

TEST_F(BackendPoolTest, DeadBackendIsUnavailableAndSlowOneHitsTheDeadline) {
  BackendPool pool({{"dead.v1", "127.0.0.1:1"}, {"test.v1", address_}});
  absl::StatusOr<std::string> dead =
      CallAndWait(pool, {"dead.v1", "/dead.X/Y", "", {}, std::chrono::seconds(2)});
  EXPECT_EQ(dead.status().code(), absl::StatusCode::kUnavailable);
  absl::StatusOr<std::string> slow =
      CallAndWait(pool, {"test.v1", "/test.Echo/Hang", "", {}, std::chrono::milliseconds(100)});
  EXPECT_EQ(slow.status().code(), absl::StatusCode::kDeadlineExceeded);
}

TEST_F(BackendPoolTest, ReportsHealthOfEachBackendInOrder) {
  BackendPool pool({{"test.v1", address_}, {"dead.v1", "127.0.0.1:1"}});
  std::vector<BackendHealth> health = HealthOf(pool);
  ASSERT_EQ(health.size(), 2u);
  EXPECT_EQ(health[0].package, "test.v1");
  EXPECT_EQ(health[0].state, "SERVING") << health[0].error;
  EXPECT_TRUE(health[0].serving());
  EXPECT_EQ(health[1].address, "127.0.0.1:1");
  EXPECT_EQ(health[1].state, "UNAVAILABLE");
  EXPECT_FALSE(health[1].error.empty());

  server_->GetHealthCheckService()->SetServingStatus(false);
  EXPECT_EQ(HealthOf(pool)[0].state, "NOT_SERVING");
}

TEST_F(BackendPoolTest, ShutdownCancelsCallsInFlightAndRefusesNewOnes) {
  BackendPool pool({{"test.v1", address_}});
  std::promise<absl::StatusOr<std::string>> hung;
  pool.Call({"test.v1", "/test.Echo/Hang", "", {}, std::chrono::seconds(30)},
            [&](absl::StatusOr<std::string> r) { hung.set_value(std::move(r)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto start = std::chrono::steady_clock::now();
  pool.Shutdown(std::chrono::seconds(5));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(hung.get_future().get().status().code(), absl::StatusCode::kCancelled);

  absl::StatusOr<std::string> late =
      CallAndWait(pool, {"test.v1", "/test.Echo/Echo", "", {}, std::chrono::seconds(1)});
  EXPECT_EQ(late.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace qq::gateway
