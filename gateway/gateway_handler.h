// What the gateway does with one HTTP request: the fixed endpoints (/healthz, /readyz,
// /openapi.json), and for API routes: find the route, verify the access token, build
// the request message, call the backend, and turn its answer into JSON. Upload routes
// stream the raw request body to a client-streaming call; download routes stream a
// server-streaming call's HttpBody messages out as the response body.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "gateway/backends.h"
#include "gateway/http_handler.h"
#include "gateway/route_table.h"
#include "services/common/auth.h"
#include "services/common/metadata.h"

namespace qq::gateway {

struct GatewayOptions {
  std::chrono::milliseconds request_timeout{10000};  // gRPC deadline of a backend call
  std::chrono::milliseconds readiness_timeout{1000};
  // gRPC deadline of an upload or download call (the whole transfer).
  std::chrono::milliseconds transfer_timeout{300000};
  // How long an event stream stays open; then it ends and the client reconnects.
  std::chrono::milliseconds event_stream_timeout{600000};
};

// Largest `data` of one message of an upload.
inline constexpr size_t kUploadChunkBytes = 1024 * 1024;

class GatewayHandler final : public HttpHandler {
 public:
  // Keeps references: `routes`, `backends` and `verifier` must outlive the handler.
  GatewayHandler(const RouteTable& routes, Backends& backends, const TokenVerifier& verifier,
                 GatewayOptions options);

  // Answers: 404 for no route, 405 (with Allow) for a path served under other methods,
  // 401 without a valid token on a non-public route, 415 for a non-JSON body (upload
  // routes take any), 400 naming the field for a request that does not transcode or an
  // Idempotency-Key that is not 1..128 printable ASCII characters, else the backend's
  // answer mapped with qq::HttpStatusFor. A download answers 200 with the file once its
  // first message arrives; a failure after that cuts the body short. An event stream
  // answers 200 (text/event-stream) once its first message arrives; a failure after that
  // is sent as an "error" event that ends the stream.
  void Handle(HttpRequest request, Respond respond) override;

  // True for upload routes.
  bool StreamsRequestBody(absl::string_view method, absl::string_view path) const override;

 private:
  void HandleReady(Respond respond);
  void HandleRoute(HttpRequest request, RouteLookup lookup, Respond respond);
  void HandleDownload(const Route& route, BackendCall call, Respond respond, std::string request_id,
                      std::string tenant);
  void HandleEventStream(const Route& route, BackendCall call, Respond respond,
                         std::string request_id, std::string tenant);

  const RouteTable& routes_;
  Backends& backends_;
  const TokenVerifier& verifier_;
  GatewayOptions options_;
  std::string openapi_json_;  // built once: the routes do not change while running
};

}  // namespace qq::gateway
