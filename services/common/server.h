// gRPC server bootstrap shared by every service: callback services plus the standard
// health service and server reflection, graceful shutdown on SIGTERM/SIGINT.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace grpc {
class Server;
class Service;
}  // namespace grpc

namespace qq {

// Call first in main(), before any thread starts, so that every thread inherits the
// blocked mask and WaitForShutdownSignal() alone receives SIGTERM/SIGINT.
void BlockShutdownSignals();

// Blocks until SIGTERM or SIGINT arrives.
void WaitForShutdownSignal();

class GrpcServer {
 public:
  GrpcServer();
  ~GrpcServer();

  // Binds `listen` (host:port, port 0 picks one) and starts serving `services` plus
  // health (SERVING once started) and reflection. UNAVAILABLE when the port is taken.
  absl::Status Start(const std::string& listen, const std::vector<grpc::Service*>& services);

  int port() const { return port_; }

  // Health goes NOT_SERVING, in-flight calls get `grace` to finish, then the server stops.
  void Shutdown(std::chrono::milliseconds grace);

 private:
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

}  // namespace qq
