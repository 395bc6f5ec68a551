// The REST routes of the API, derived from the google.api.http annotations of the gRPC
// methods, and the lookup of the route serving (HTTP method, path). Pure given the
// descriptors, so a new annotated RPC needs no gateway code.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/path_template.h"

namespace google::protobuf {
class MethodDescriptor;
class ServiceDescriptor;
}  // namespace google::protobuf

namespace qq::gateway {

// RPCs callable without an access token (full method names). Keep this list short.
inline constexpr absl::string_view kPublicMethods[] = {
    "qingquan.customer.v1.AuthService.Login",
};

// The message type that carries a raw HTTP body (a file) through gRPC.
inline constexpr absl::string_view kHttpBodyType = "qingquan.common.v1.HttpBody";

enum class RouteKind {
  kUnary,
  // Client streaming, `body` naming an HttpBody field: the raw request body goes out in
  // chunks as that field's `data`, after the first message built from path and query.
  kUpload,
  // Server streaming HttpBody: the messages' `data` make up the response body.
  kDownload,
  // Server streaming any other message: server-sent events (text/event-stream), one
  // event per message with its JSON as the data.
  kEventStream,
};

struct Route {
  RouteKind kind = RouteKind::kUnary;
  std::string http_method;  // "GET", "POST", ... (custom kinds as written, upper-cased)
  PathTemplate path;
  // "" (no body), "*" (the whole request message) or a top-level request field.
  std::string body_field;
  // "" (the whole response message) or a top-level response field.
  std::string response_body_field;
  const google::protobuf::MethodDescriptor* method = nullptr;
  std::string grpc_method;  // "/qingquan.order.v1.WorkOrderService/AcceptWorkOrder"
  std::string package;      // "qingquan.order.v1": which backend serves it
  bool is_public = false;
  std::string label;  // "POST /v1/work-orders/{id}:accept", for metrics and logs
};

// The name of an event-stream route's events: its message type's name with a lower-case
// first letter ("tracking" for qingquan.dispatch.v1.Tracking).
std::string EventNameOf(const Route& route);

struct RouteLookup {
  const Route* route = nullptr;  // null: no route for this method
  std::vector<PathBinding> bindings;
  // Methods of routes whose template matches the path (for 405's Allow), sorted.
  std::vector<std::string> allowed_methods;
};

class RouteTable {
 public:
  // One route per (additional) binding of every method of `services` that has a
  // google.api.http option. INVALID_ARGUMENT naming the method when a template does
  // not parse, a path variable or the body names no suitable field, a streaming method
  // has no REST form (see RouteKind), two routes would serve the
  // same method and template, or a name in `public_methods` has no route.
  static absl::StatusOr<RouteTable> Build(
      const std::vector<const google::protobuf::ServiceDescriptor*>& services,
      const std::vector<absl::string_view>& public_methods);

  // The most specific route (see PathTemplate::Specificity) for `http_method` whose
  // template matches `path` (no query string); ties go to the route declared first.
  RouteLookup Find(absl::string_view http_method, absl::string_view path) const;

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

}  // namespace qq::gateway
