// What the gateway needs from the gRPC services: a unary call by method name with raw
// protobuf bytes, and a readiness probe. Kept free of gRPC headers so that the request
// handling can be tested against a fake.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace qq::gateway {

struct BackendCall {
  std::string package;      // which backend, e.g. "qingquan.order.v1"
  std::string grpc_method;  // "/qingquan.order.v1.WorkOrderService/GetWorkOrder"
  std::string request;      // serialized request message
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

class Backends {
 public:
  virtual ~Backends() = default;

  // Starts the call; `done` runs exactly once, on a gRPC thread. UNIMPLEMENTED when no
  // backend serves `call.package`.
  virtual void Call(BackendCall call, BackendCallDone done) = 0;

  // Asks every backend's grpc.health.v1.Health/Check (service "") within `timeout`;
  // `done` runs once with one entry per backend, in configuration order.
  virtual void CheckHealth(std::chrono::milliseconds timeout, HealthDone done) = 0;
};

}  // namespace qq::gateway
