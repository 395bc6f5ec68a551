// What the gateway needs from the gRPC services: unary, client-streaming (uploads) and
// server-streaming (downloads) calls by method name with raw protobuf bytes, and a
// readiness probe. Kept free of gRPC headers so that the request handling can be tested
// against a fake.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace qq::gateway {

struct BackendCall {
  std::string package;      // which backend, e.g. "qingquan.order.v1"
  std::string grpc_method;  // "/qingquan.order.v1.WorkOrderService/GetWorkOrder"
  std::string request;      // serialized request message (unused by uploads)
  std::vector<std::pair<std::string, std::string>> metadata;
  std::chrono::milliseconds timeout{0};
};

// The serialized response message, or the call's status (qq::FromGrpcStatus, so an
// offending field named by the service is kept).
using BackendCallDone = std::function<void(absl::StatusOr<std::string>)>;

struct BackendHealth {
  std::string package;
  std::string address;
  // "SERVING", "NOT_SERVING", "UNKNOWN", "SERVICE_UNKNOWN", or the failed call's code
  // name such as "UNAVAILABLE".
  std::string state;
  std::string error;  // why the check failed, when it did
  bool serving() const { return state == "SERVING"; }
};

using HealthDone = std::function<void(std::vector<BackendHealth>)>;

// A client-streaming call in progress: request messages go out one at a time, then the
// single response comes back. Its owner calls Write, Finish and Cancel one after the
// other (never two at once); callbacks run on any thread, possibly before the call that
// started them returns.
class UploadCall {
 public:
  virtual ~UploadCall() = default;
  // Sends one request message; `done(true)` once it is on its way and the next may be
  // written, `done(false)` when the call has ended (Finish then tells why).
  virtual void Write(std::string message, std::function<void(bool)> done) = 0;
  // Half-closes and delivers the response message, or the call's status.
  virtual void Finish(BackendCallDone done) = 0;
  // Abandons the call (instead of Finish): the backend sees it cancelled.
  virtual void Cancel() = 0;
};

// A server-streaming call in progress: the request went out when it started; response
// messages are read one at a time. Next and Cancel are called one after the other.
class DownloadCall {
 public:
  using NextDone = std::function<void(absl::StatusOr<std::optional<std::string>>)>;
  virtual ~DownloadCall() = default;
  // The next response message; nullopt once the call has ended well; the call's status
  // (qq::FromGrpcStatus) when it failed. `done` runs once, on any thread.
  virtual void Next(NextDone done) = 0;
  // Abandons the call: the backend sees it cancelled; no Next follows.
  virtual void Cancel() = 0;
};

class Backends {
 public:
  virtual ~Backends() = default;

  // Starts the call; `done` runs exactly once, on a gRPC thread. UNIMPLEMENTED when no
  // backend serves `call.package`.
  virtual void Call(BackendCall call, BackendCallDone done) = 0;

  // Starts a client-streaming call with the deadline and metadata of `call`; its first
  // message is the first Write. A call that cannot start (UNIMPLEMENTED: no backend for
  // the package; UNAVAILABLE: shutting down) fails its first Write and reports why in
  // Finish. Never null.
  virtual std::shared_ptr<UploadCall> StartUpload(const BackendCall& call) = 0;

  // Starts a server-streaming call sending `call.request` as its only request message.
  // A call that cannot start answers its first Next with why. Never null.
  virtual std::shared_ptr<DownloadCall> StartDownload(const BackendCall& call) = 0;

  // Asks every backend's grpc.health.v1.Health/Check (service "") within `timeout`;
  // `done` runs once with one entry per backend, in configuration order.
  virtual void CheckHealth(std::chrono::milliseconds timeout, HealthDone done) = 0;
};

}  // namespace qq::gateway
