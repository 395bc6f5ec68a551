// What the gateway does with one HTTP request: the fixed endpoints (/healthz, /readyz,
// /openapi.json, /console-config.json), and for API routes: find the route, verify the
// access token, build the request message, call the backend, and turn its answer into
// JSON. Upload routes stream the raw request body to a client-streaming call; download
// routes stream a server-streaming call's HttpBody messages out as the response body.
// Paths outside the API (/v1/) are the web console's, answered by the StaticSite.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "gateway/backends.h"
#include "gateway/console_config.h"
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
  ConsoleConfig console;  // answers /console-config.json
};

class StaticSite;

// Largest `data` of one message of an upload.
inline constexpr size_t kUploadChunkBytes = 1024 * 1024;

class GatewayHandler final : public HttpHandler {
 public:
  // Keeps references: `routes`, `backends`, `verifier` and `site` must outlive the
  // handler. Without a site (null) the console is not served.
  GatewayHandler(const RouteTable& routes, Backends& backends, const TokenVerifier& verifier,
                 GatewayOptions options, const StaticSite* site = nullptr);

  // Paths outside /v1/ go to the site (see StaticSite::Serve); without one, "/" is a 404
  // saying the console is not served here. API routes answer: 404 for no route, 405 (with Allow)
  // for a path served under other methods, 401 without a valid token on a non-public route, 415 for
  // a non-JSON body (upload routes take any), 400 naming the field for a request that does not
  // transcode or an Idempotency-Key that is not 1..128 printable ASCII characters, else the
  // backend's answer mapped with qq::HttpStatusFor. A download answers 200 with the file once its
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
  const StaticSite* site_;
  std::string openapi_json_;  // built once: the routes do not change while running
  std::string console_config_json_;
};

}  // namespace qq::gateway
