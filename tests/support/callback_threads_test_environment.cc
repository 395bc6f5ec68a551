// Linked into the test binaries that make and drop many gRPC channels (gateway_test,
// e2e_test); not part of qq_test_support, whose unreferenced objects the linker drops.
//
// gRPC 1.51 runs its callback API on a thread pool that is torn down when its last user
// (a channel or server that used it) goes away. When that last user is released inside
// one of the pool's own threads — a test's channel dropped from a reactor callback — the
// teardown joins its own thread and the process later aborts in grpc_cq_internal_unref
// (grpc/grpc#32584). These tests create and drop many channels and servers, so one
// channel keeps the pool in use for the whole run. (The services keep their channels
// for their lifetime and are not exposed to this.)
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

namespace {

class KeepCallbackThreadsInUse : public ::testing::Environment {
 public:
  void SetUp() override {
    // Nothing listens on port 1: the call fails at once, but the channel has taken its
    // reference on the callback thread pool.
    channel_ = grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials());
    grpc::GenericStub stub(channel_);
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(200));
    grpc::Slice empty("");
    grpc::ByteBuffer request(&empty, 1), response;
    std::mutex mu;
    std::condition_variable done_cv;
    bool done = false;
    stub.UnaryCall(&ctx, "/qq.Keep/Alive", grpc::StubOptions(), &request, &response,
                   [&](grpc::Status) {
                     std::lock_guard lock(mu);
                     done = true;
                     done_cv.notify_one();
                   });
    std::unique_lock lock(mu);
    done_cv.wait(lock, [&] { return done; });
  }

  void TearDown() override { channel_.reset(); }

 private:
  std::shared_ptr<grpc::Channel> channel_;
};

::testing::Environment* const kKeepCallbackThreadsInUse =
    ::testing::AddGlobalTestEnvironment(new KeepCallbackThreadsInUse);

}  // namespace
