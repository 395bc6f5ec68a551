#include "gateway/backend_pool.h"

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <gtest/gtest.h>

#include <future>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

#include "services/common/grpc_status.h"
#include "services/common/status.h"

namespace qq::gateway {
namespace {

std::string BytesOf(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  (void)buffer.Dump(&slices);
  for (const grpc::Slice& s : slices)
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

grpc::ByteBuffer BufferOf(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

// A backend answering any method generically:
//   /test.Echo/Echo  -> the request bytes + "|" + the x-qq-tenant metadata value
//   /test.Echo/Fail  -> NOT_FOUND naming field "customerId" (as services do)
//   /test.Echo/Hang  -> nothing until the call is cancelled
// and streams (StreamReactor):
//   /test.Echo/Collect        client streaming: the messages joined by "+", then "|<count>"
//   /test.Echo/Reject         client streaming: INVALID_ARGUMENT naming "file" after one message
//   /test.Echo/Repeat         server streaming: "r0:<request>", "r1:<request>", "r2:<request>"
//   /test.Echo/RepeatThenFail server streaming: "r0:<request>", then DATA_LOSS
class EchoService : public grpc::CallbackGenericService {
 public:
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* ctx) override {
    const std::string& method = ctx->method();
    if (method == "/test.Echo/Collect" || method == "/test.Echo/Reject" ||
        method == "/test.Echo/Repeat" || method == "/test.Echo/RepeatThenFail") {
      return new StreamReactor(ctx);
    }
    return new Reactor(ctx);
  }

 private:
  class StreamReactor : public grpc::ServerGenericBidiReactor {
   public:
    explicit StreamReactor(grpc::GenericCallbackServerContext* ctx) : method_(ctx->method()) {
      StartRead(&request_);
    }

    void OnReadDone(bool ok) override {
      if (method_ == "/test.Echo/Collect") {
        if (ok) {
          collected_.push_back(BytesOf(request_));
          return StartRead(&request_);
        }
        response_ = BufferOf(absl::StrCat(absl::StrJoin(collected_, "+"), "|", collected_.size()));
        return StartWriteAndFinish(&response_, grpc::WriteOptions(), grpc::Status::OK);
      }
      if (method_ == "/test.Echo/Reject") {
        return Finish(ToGrpcStatus(WithField(absl::InvalidArgumentError("not a csv"), "file")));
      }
      if (!ok) return Finish(grpc::Status(grpc::StatusCode::INTERNAL, "no request"));
      request_text_ = BytesOf(request_);
      WriteNext();
    }

    void OnWriteDone(bool ok) override {
      if (!ok) return Finish(grpc::Status::CANCELLED);
      ++written_;
      WriteNext();
    }

    void OnDone() override { delete this; }

   private:
    void WriteNext() {
      if (method_ == "/test.Echo/RepeatThenFail" && written_ == 1) {
        return Finish(grpc::Status(grpc::StatusCode::DATA_LOSS, "the disk is gone"));
      }
      if (written_ == 3) return Finish(grpc::Status::OK);
      response_ = BufferOf(absl::StrCat("r", written_, ":", request_text_));
      StartWrite(&response_);
    }

    std::string method_;
    grpc::ByteBuffer request_;
    grpc::ByteBuffer response_;
    std::vector<std::string> collected_;
    std::string request_text_;
    int written_ = 0;
  };

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

// Waits for each streaming operation in turn.
bool WriteAndWait(UploadCall& upload, std::string message) {
  std::promise<bool> done;
  upload.Write(std::move(message), [&](bool ok) { done.set_value(ok); });
  return done.get_future().get();
}

absl::StatusOr<std::string> FinishAndWait(UploadCall& upload) {
  std::promise<absl::StatusOr<std::string>> done;
  upload.Finish([&](absl::StatusOr<std::string> r) { done.set_value(std::move(r)); });
  return done.get_future().get();
}

absl::StatusOr<std::optional<std::string>> NextAndWait(DownloadCall& download) {
  std::promise<absl::StatusOr<std::optional<std::string>>> done;
  download.Next(
      [&](absl::StatusOr<std::optional<std::string>> r) { done.set_value(std::move(r)); });
  return done.get_future().get();
}

TEST_F(BackendPoolTest, UploadsMessagesInOrderAndGetsTheOneResponse) {
  BackendPool pool({{"test.v1", address_}});
  std::shared_ptr<UploadCall> upload =
      pool.StartUpload({"test.v1", "/test.Echo/Collect", "", {}, std::chrono::seconds(5)});
  for (const char* message : {"a", "bb", "ccc"}) EXPECT_TRUE(WriteAndWait(*upload, message));
  absl::StatusOr<std::string> result = FinishAndWait(*upload);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(*result, "a+bb+ccc|3");
}

TEST_F(BackendPoolTest, UploadRefusedByTheBackendReportsItsStatusAndField) {
  BackendPool pool({{"test.v1", address_}});
  std::shared_ptr<UploadCall> upload =
      pool.StartUpload({"test.v1", "/test.Echo/Reject", "", {}, std::chrono::seconds(5)});
  WriteAndWait(*upload, "first");  // may or may not be taken before the refusal
  absl::StatusOr<std::string> result = FinishAndWait(*upload);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(result.status()), "file");
}

TEST_F(BackendPoolTest, DownloadsMessagesUntilTheEnd) {
  BackendPool pool({{"test.v1", address_}});
  std::shared_ptr<DownloadCall> download =
      pool.StartDownload({"test.v1", "/test.Echo/Repeat", "x", {}, std::chrono::seconds(5)});
  for (const char* expected : {"r0:x", "r1:x", "r2:x"}) {
    absl::StatusOr<std::optional<std::string>> message = NextAndWait(*download);
    ASSERT_TRUE(message.ok()) << message.status();
    ASSERT_TRUE(message->has_value());
    EXPECT_EQ(**message, expected);
  }
  absl::StatusOr<std::optional<std::string>> end = NextAndWait(*download);
  ASSERT_TRUE(end.ok()) << end.status();
  EXPECT_FALSE(end->has_value());
}

TEST_F(BackendPoolTest, DownloadFailingMidwayReportsTheStatus) {
  BackendPool pool({{"test.v1", address_}});
  std::shared_ptr<DownloadCall> download = pool.StartDownload(
      {"test.v1", "/test.Echo/RepeatThenFail", "x", {}, std::chrono::seconds(5)});
  absl::StatusOr<std::optional<std::string>> first = NextAndWait(*download);
  ASSERT_TRUE(first.ok() && first->has_value()) << first.status();
  EXPECT_EQ(NextAndWait(*download).status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(BackendPoolTest, AbandonedStreamsEndSoShutdownNeedNotWait) {
  BackendPool pool({{"test.v1", address_}});
  std::shared_ptr<DownloadCall> download =
      pool.StartDownload({"test.v1", "/test.Echo/Repeat", "x", {}, std::chrono::seconds(30)});
  ASSERT_TRUE(NextAndWait(*download).ok());
  download->Cancel();
  std::shared_ptr<UploadCall> upload =
      pool.StartUpload({"test.v1", "/test.Echo/Collect", "", {}, std::chrono::seconds(30)});
  EXPECT_TRUE(WriteAndWait(*upload, "a"));
  upload->Cancel();
  auto start = std::chrono::steady_clock::now();
  pool.Shutdown(std::chrono::seconds(5));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_EQ(NextAndWait(*download).status().code(), absl::StatusCode::kCancelled);
  EXPECT_EQ(FinishAndWait(*upload).status().code(), absl::StatusCode::kCancelled);
}

TEST_F(BackendPoolTest, ShutdownCancelsAnUploadInFlight) {
  BackendPool pool({{"test.v1", address_}});
  std::shared_ptr<UploadCall> upload =
      pool.StartUpload({"test.v1", "/test.Echo/Collect", "", {}, std::chrono::seconds(30)});
  EXPECT_TRUE(WriteAndWait(*upload, "a"));
  pool.Shutdown(std::chrono::milliseconds(200));  // the upload's owner still holds it
  EXPECT_EQ(FinishAndWait(*upload).status().code(), absl::StatusCode::kCancelled);
  std::shared_ptr<UploadCall> late =
      pool.StartUpload({"test.v1", "/test.Echo/Collect", "", {}, std::chrono::seconds(1)});
  EXPECT_FALSE(WriteAndWait(*late, "a"));
  EXPECT_EQ(FinishAndWait(*late).status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(BackendPoolTest, StreamsToAnUnknownPackageAreUnimplemented) {
  BackendPool pool({{"test.v1", address_}});
  std::shared_ptr<UploadCall> upload =
      pool.StartUpload({"other.v1", "/other.X/Y", "", {}, std::chrono::seconds(1)});
  EXPECT_FALSE(WriteAndWait(*upload, "a"));
  EXPECT_EQ(FinishAndWait(*upload).status().code(), absl::StatusCode::kUnimplemented);
  std::shared_ptr<DownloadCall> download =
      pool.StartDownload({"other.v1", "/other.X/Y", "", {}, std::chrono::seconds(1)});
  EXPECT_EQ(NextAndWait(*download).status().code(), absl::StatusCode::kUnimplemented);
}

}  // namespace
}  // namespace qq::gateway
