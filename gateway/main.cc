// qq-gateway: wiring only. Flags -> token verifier, routes from the linked descriptors,
// backend channels, the web console's files, request handler, HTTP server; then wait for
// SIGTERM/SIGINT.
#include <chrono>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "gateway/backend_pool.h"
#include "gateway/console_config.h"
#include "gateway/gateway_handler.h"
#include "gateway/http_server.h"
#include "gateway/linked_services.h"
#include "gateway/route_table.h"
#include "gateway/static_site.h"
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
ABSL_FLAG(std::string, web_root, "",
          "Directory of the built web console (web/dist), read into memory at start-up and "
          "served outside /v1/; empty: no console.");
ABSL_FLAG(std::string, map_tile_url, "",
          "Map tile URL template for the console, e.g. https://tiles.example.com/{z}/{x}/{y}.png; "
          "empty: no base map.");
ABSL_FLAG(std::string, map_coord_system, "WGS84",
          "Datum of the map tiles: WGS84, or GCJ02 (tiles of Chinese providers).");
ABSL_FLAG(std::string, map_attribution, "", "Attribution shown on the console's map.");

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
  const qq::gateway::ConsoleConfig console = qq::ExitIfError(
      qq::gateway::CheckConsoleConfig({.map_tile_url = absl::GetFlag(FLAGS_map_tile_url),
                                       .map_coord_system = absl::GetFlag(FLAGS_map_coord_system),
                                       .map_attribution = absl::GetFlag(FLAGS_map_attribution)}),
      "console configuration");

  // A gateway serving only the API is a fine deployment: a console that cannot be loaded
  // is a warning, not a reason to stop.
  std::optional<qq::gateway::StaticSite> site;
  if (const std::string web_root = absl::GetFlag(FLAGS_web_root); web_root.empty()) {
    qq::LogInfo("no web_root: the web console is not served");
  } else if (absl::StatusOr<qq::gateway::StaticSite> loaded = qq::gateway::StaticSite::Load(
                 web_root, {.extra_img_origin = qq::gateway::TileOrigin(console.map_tile_url)});
             !loaded.ok()) {
    qq::LogWarn("the web console is not served",
                {{"web_root", web_root}, {"error", loaded.status().ToString()}});
  } else {
    site.emplace(*std::move(loaded));
    qq::LogInfo("web console loaded", {{"web_root", web_root},
                                       {"files", std::to_string(site->file_count())},
                                       {"bytes", std::to_string(site->total_bytes())}});
  }

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
                                       .event_stream_timeout = event_stream_timeout,
                                       .console = console},
                                      site ? &*site : nullptr);
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
