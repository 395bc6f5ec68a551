// The HTTP/1.1 side of the gateway (Boost.Beast): accepts connections on N io threads,
// reads requests within the body and time limits, assigns request ids, hands each request
// to an HttpHandler, writes its response, logs and measures it, and shuts down
// gracefully. Upload bodies stream to the handler and download bodies stream out in
// chunks, a piece at a time. Beast stays out of this header.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "gateway/http_handler.h"

namespace qq {
class Metrics;
}  // namespace qq

namespace qq::gateway {

struct HttpServerOptions {
  std::string listen = "127.0.0.1:8080";  // host:port; port 0 picks a free one
  int io_threads = 2;
  uint64_t max_body_bytes = 1048576;  // larger bodies get 413
  // The same for routes whose body streams to the handler (uploads).
  uint64_t max_upload_bytes = 64 * 1024 * 1024;
  // Limit for reading a request and for writing its response (for streamed bodies: for
  // each piece); also the idle time a keep-alive connection may wait for its next request.
  std::chrono::milliseconds request_timeout{10000};
};

class HttpServer {
 public:
  // `handler` and `metrics` (may be null) must outlive the server.
  HttpServer(HttpServerOptions options, HttpHandler& handler, Metrics* metrics);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts the io threads. INVALID_ARGUMENT for a malformed address,
  // UNAVAILABLE when it cannot be bound.
  absl::Status Start();

  // The bound port (useful with port 0); 0 before Start.
  int port() const;

  // Stops accepting, closes idle connections, gives requests in flight up to `grace` to
  // be answered (their connections then close), and stops the io threads.
  void Shutdown(std::chrono::milliseconds grace);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The client's X-Request-Id if it is 1..128 characters of [A-Za-z0-9._-], else a new
// random id (32 hex digits).
std::string RequestIdFor(absl::string_view header);

}  // namespace qq::gateway
