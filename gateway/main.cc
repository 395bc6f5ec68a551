// qq-gateway: wiring only. Flags -> token verifier, routes from the linked descriptors,
// backend channels, request handler, HTTP server; then wait for SIGTERM/SIGINT.
#include <chrono>
#include <cstdint>
#include <iterator>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "gateway/backend_pool.h"
#include "gateway/gateway_handler.h"
#include "gateway/http_server.h"
#include "gateway/linked_services.h"
#include "gateway/route_table.h"
#include "services/common/auth.h"
#include "services/common/config.h"
#include "services/common/log.h"
#include "services/common/metrics.h"
#include "services/common/server.h"
#include "services/common/service_main.h"

ABSL_FLAG(int64_t, max_body_bytes, 1048576, "Largest request body accepted; larger gets 413.");
ABSL_FLAG(int64_t, max_upload_bytes, 67108864,
          "Largest request body accepted on upload (file) routes; larger gets 413.");
ABSL_FLAG(int32_t, request_timeout_ms, 10000,
          "Time to read a request, deadline of its backend call, and time to write the answer.");
ABSL_FLAG(int32_t, transfer_timeout_ms, 300000,
          "Deadline of the backend call of an upload or download route (the whole transfer).");
ABSL_FLAG(int32_t, event_stream_timeout_ms, 600000,
          "How long an event stream (server-sent events) stays open before it ends and the "
          "client reconnects.");
ABSL_FLAG(int32_t, io_threads, 2, "Threads serving HTTP connections.");

namespace {

// How long requests in flight may take to finish once SIGTERM arrives.
constexpr std::chrono::seconds kShutdownGrace{5};

}  // namespace

int main(int argc, char** argv) {
  qq::BlockShutdownSignals();
  qq::InitFlags(argc, argv, "qq-gateway: REST/JSON front door of the Qingquan gRPC services");
  qq::InitLogging("gateway", absl::GetFlag(FLAGS_log_level));
  using qq::gateway::BackendAddress;

  const auto request_timeout = std::chrono::milliseconds(absl::GetFlag(FLAGS_request_timeout_ms));
  const auto transfer_timeout = std::chrono::milliseconds(absl::GetFlag(FLAGS_transfer_timeout_ms));
  const auto event_stream_timeout =
      std::chrono::milliseconds(absl::GetFlag(FLAGS_event_stream_timeout_ms));
  const int64_t max_body_bytes = absl::GetFlag(FLAGS_max_body_bytes);
  const int64_t max_upload_bytes = absl::GetFlag(FLAGS_max_upload_bytes);
  const int io_threads = absl::GetFlag(FLAGS_io_threads);
  if (request_timeout.count() <= 0 || transfer_timeout.count() <= 0 ||
      event_stream_timeout.count() <= 0 || max_body_bytes <= 0 || max_upload_bytes <= 0 ||
      io_threads <= 0) {
    qq::ExitIfError(
        absl::InvalidArgumentError("request_timeout_ms, transfer_timeout_ms, "
                                   "event_stream_timeout_ms, max_body_bytes, max_upload_bytes "
                                   "and io_threads must be positive"),
        "configuration");
  }
  qq::TokenVerifier verifier(
      qq::ExitIfError(qq::ParseJwtKeys(absl::GetFlag(FLAGS_jwt_keys)), "jwt keys"));

  const std::vector<BackendAddress> backends = {
      {"qingquan.customer.v1", absl::GetFlag(FLAGS_customer_addr)},
      {"qingquan.order.v1", absl::GetFlag(FLAGS_order_addr)},
      {"qingquan.dispatch.v1", absl::GetFlag(FLAGS_dispatch_addr)},
      {"qingquan.notification.v1", absl::GetFlag(FLAGS_notification_addr)},
      {"qingquan.analytics.v1", absl::GetFlag(FLAGS_analytics_addr)},
  };
  std::vector<std::string> packages;
  for (const BackendAddress& backend : backends) packages.push_back(backend.package);
  const qq::gateway::RouteTable routes = qq::ExitIfError(
      qq::gateway::RouteTable::Build(
          qq::gateway::LinkedServices(packages),
          {std::begin(qq::gateway::kPublicMethods), std::end(qq::gateway::kPublicMethods)}),
      "routes");
  qq::LogInfo("routes loaded", {{"count", std::to_string(routes.routes().size())}});

  qq::Metrics metrics("gateway");
  qq::ExitIfError(metrics.Serve(absl::GetFlag(FLAGS_admin_listen)), "metrics endpoint");

  qq::gateway::BackendPool backend_pool(backends);
  qq::gateway::GatewayHandler handler(routes, backend_pool, verifier,
                                      {.request_timeout = request_timeout,
                                       .readiness_timeout = std::chrono::seconds(1),
                                       .transfer_timeout = transfer_timeout,
                                       .event_stream_timeout = event_stream_timeout});
  qq::gateway::HttpServer server({.listen = absl::GetFlag(FLAGS_listen),
                                  .io_threads = io_threads,
                                  .max_body_bytes = static_cast<uint64_t>(max_body_bytes),
                                  .max_upload_bytes = static_cast<uint64_t>(max_upload_bytes),
                                  .request_timeout = request_timeout},
                                 handler, &metrics);
  qq::ExitIfError(server.Start(), "http server");

  qq::WaitForShutdownSignal();
  server.Shutdown(kShutdownGrace);
  // Cancels what is still waiting on a backend before the server's executors go away.
  backend_pool.Shutdown(std::chrono::seconds(1));
  qq::LogInfo("gateway stopped");
  return 0;
}
