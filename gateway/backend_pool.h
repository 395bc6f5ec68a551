// The gRPC side of the gateway: one channel and generic stub per API package, unary and
// streaming calls by method name with raw bytes (no generated stubs, so new RPCs need no
// code here), and readiness through each backend's standard health service.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gateway/backends.h"

namespace grpc {
class ClientContext;
}  // namespace grpc

namespace qq::gateway {

struct BackendAddress {
  std::string package;  // "qingquan.customer.v1"
  std::string address;  // "127.0.0.1:50051"
};

class BackendPool final : public Backends {
 public:
  explicit BackendPool(const std::vector<BackendAddress>& backends);
  ~BackendPool() override;
  BackendPool(const BackendPool&) = delete;
  BackendPool& operator=(const BackendPool&) = delete;

  // Sends with deadline `call.timeout` and `call.metadata`. UNAVAILABLE after Shutdown.
  void Call(BackendCall call, BackendCallDone done) override;
  std::shared_ptr<UploadCall> StartUpload(const BackendCall& call) override;
  std::shared_ptr<DownloadCall> StartDownload(const BackendCall& call) override;
  void CheckHealth(std::chrono::milliseconds timeout, HealthDone done) override;

  // Cancels the calls in flight and waits up to `wait` until their callbacks have
  // returned, so nothing they reference is used after the caller tears it down.
  void Shutdown(std::chrono::milliseconds wait);

 private:
  struct Backend;
  struct PendingCall;
  class Stream;
  class UploadStream;
  class DownloadStream;
  class FailedCall;
  using RawDone = std::function<void(const absl::Status&, std::string)>;

  Backend* Find(const std::string& package);
  // Registers a call's context so that Shutdown can cancel it; false once shut down.
  bool Track(const std::shared_ptr<grpc::ClientContext>& context);
  // Starts `stream` on the backend of `call` (which must exist); false once shut down.
  bool StartStream(const std::shared_ptr<Stream>& stream, const BackendCall& call);

  // Starts `method` on `backend` with `request` bytes; `done` gets the response bytes.
  void Start(Backend& backend, const std::string& method, const std::string& request,
             const std::vector<std::pair<std::string, std::string>>& metadata,
             std::chrono::milliseconds timeout, RawDone done);
  void Finished(const grpc::ClientContext* context);

  std::vector<std::unique_ptr<Backend>> backends_;
  absl::Mutex mu_;
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
  std::map<const grpc::ClientContext*, std::weak_ptr<grpc::ClientContext>> in_flight_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace qq::gateway
