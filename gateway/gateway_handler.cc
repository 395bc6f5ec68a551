// Request handling of the gateway; the backend call completes asynchronously, so no
// io thread waits on a service.
#include "gateway/gateway_handler.h"

#include <boost/json.hpp>

#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gateway/json_transcoder.h"
#include "gateway/openapi.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "services/common/call_guard.h"
#include "services/common/log.h"

namespace qq::gateway {
namespace {

HttpResponse JsonOk(std::string body, std::string route) {
  HttpResponse response;
  response.body = std::move(body);
  response.route = std::move(route);
  return response;
}

HttpResponse MethodNotAllowed(absl::string_view method, absl::string_view path,
                              const std::vector<std::string>& allowed, std::string route) {
  std::string allow = absl::StrJoin(allowed, ", ");
  HttpResponse response = ErrorResponse(
      absl::UnimplementedError(absl::StrCat(method, " is not allowed on ", path, "; use ", allow)),
      405);
  response.headers.emplace_back("Allow", allow);
  response.route = std::move(route);
  return response;
}

// application/json, with or without parameters such as charset, or any "+json" type.
// Also application/x-www-form-urlencoded: it is what `curl -d` labels every body with,
// and the body is still parsed strictly as JSON (anything else is a 400).
bool IsJsonContentType(absl::string_view content_type) {
  absl::string_view media = content_type.substr(0, content_type.find(';'));
  media = absl::StripAsciiWhitespace(media);
  return media.empty() || absl::EqualsIgnoreCase(media, "application/json") ||
         absl::EndsWithIgnoreCase(media, "+json") ||
         absl::EqualsIgnoreCase(media, "application/x-www-form-urlencoded");
}

// What a client is told about a server-side failure: the code, and a plain sentence.
// The details (gRPC transport text naming internal addresses, for one) go to the log.
absl::Status ForClient(const absl::Status& status) {
  if (HttpStatusFor(status) < 500) return status;
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
      return absl::UnavailableError("a service is not answering; try again shortly");
    case absl::StatusCode::kDeadlineExceeded:
      return absl::DeadlineExceededError("a service did not answer in time");
    case absl::StatusCode::kUnimplemented:
      return status;
    default:
      return absl::Status(status.code(), "internal error");
  }
}

// gRPC metadata values must be printable ASCII; anything else is not forwarded.
bool IsMetadataSafe(absl::string_view value) {
  return std::all_of(value.begin(), value.end(), [](char c) { return c >= 0x20 && c <= 0x7E; });
}

std::unique_ptr<google::protobuf::Message> NewMessage(const google::protobuf::Descriptor& type) {
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(&type);
  if (prototype == nullptr) return nullptr;
  return std::unique_ptr<google::protobuf::Message>(prototype->New());
}

std::string ReadinessJson(const std::vector<BackendHealth>& backends, bool ready) {
  boost::json::array list;
  for (const BackendHealth& backend : backends) {
    boost::json::object entry{
        {"package", backend.package}, {"address", backend.address}, {"state", backend.state}};
    if (!backend.error.empty()) entry["error"] = backend.error;
    list.push_back(std::move(entry));
  }
  boost::json::object doc{{"status", ready ? "ready" : "not ready"}, {"backends", std::move(list)}};
  return boost::json::serialize(doc);
}

}  // namespace

GatewayHandler::GatewayHandler(const RouteTable& routes, Backends& backends,
                               const TokenVerifier& verifier, GatewayOptions options)
    : routes_(routes),
      backends_(backends),
      verifier_(verifier),
      options_(options),
      openapi_json_(OpenApiDocument(routes)) {}

void GatewayHandler::Handle(HttpRequest request, Respond respond) {
  // Fixed endpoints answer GET only; they are not in the route table.
  for (absl::string_view fixed : {"/healthz", "/readyz", "/openapi.json"}) {
    if (request.path != fixed) continue;
    if (request.method != "GET") {
      return respond(MethodNotAllowed(request.method, request.path, {"GET"}, std::string(fixed)));
    }
    if (fixed == "/healthz") return respond(JsonOk(R"({"status":"ok"})", "/healthz"));
    if (fixed == "/openapi.json") return respond(JsonOk(openapi_json_, "/openapi.json"));
    return HandleReady(std::move(respond));
  }
  RouteLookup lookup = routes_.Find(request.method, request.path);
  if (lookup.route == nullptr) {
    if (!lookup.allowed_methods.empty()) {
      return respond(
          MethodNotAllowed(request.method, request.path, lookup.allowed_methods, "unmatched"));
    }
    return respond(ErrorResponse(
        absl::NotFoundError(absl::StrCat("no route for ", request.method, " ", request.path))));
  }
  HandleRoute(std::move(request), std::move(lookup), std::move(respond));
}

void GatewayHandler::HandleReady(Respond respond) {
  backends_.CheckHealth(options_.readiness_timeout,
                        [respond = std::move(respond)](std::vector<BackendHealth> backends) {
                          bool ready = std::all_of(backends.begin(), backends.end(),
                                                   [](const auto& b) { return b.serving(); });
                          HttpResponse response = JsonOk(ReadinessJson(backends, ready), "/readyz");
                          response.status = ready ? 200 : 503;
                          respond(std::move(response));
                        });
}

void GatewayHandler::HandleRoute(HttpRequest request, RouteLookup lookup, Respond respond) {
  const Route& route = *lookup.route;
  auto fail = [&](const absl::Status& status, int http_status = 0) {
    HttpResponse response = ErrorResponse(status, http_status);
    response.route = route.label;
    return response;
  };

  Identity identity;
  if (!route.is_public) {
    absl::StatusOr<Identity> verified = verifier_.VerifyAuthorizationHeader(request.authorization);
    if (!verified.ok()) {
      HttpResponse response = fail(verified.status());
      response.headers.emplace_back("WWW-Authenticate", "Bearer");
      return respond(std::move(response));
    }
    identity = *std::move(verified);
  }
  if (!route.body_field.empty() && !absl::StripAsciiWhitespace(request.body).empty() &&
      !IsJsonContentType(request.content_type)) {
    return respond(
        fail(absl::InvalidArgumentError(absl::StrCat("Content-Type must be application/json, not '",
                                                     request.content_type, "'")),
             415));
  }

  if (request.idempotency_key.size() > 128 || !IsMetadataSafe(request.idempotency_key)) {
    return respond(
        fail(InvalidField("Idempotency-Key", "must be at most 128 printable ASCII characters")));
  }

  std::unique_ptr<google::protobuf::Message> message = NewMessage(*route.method->input_type());
  if (message == nullptr) {
    return respond(fail(absl::InternalError(
        absl::StrCat("no generated type for ", route.method->input_type()->full_name()))));
  }
  HttpRequestParts parts{route.body_field, std::move(lookup.bindings), request.query, request.body};
  if (absl::Status status = JsonTranscoder::ToRequest(parts, *message); !status.ok()) {
    return respond(fail(status));
  }

  BackendCall call;
  call.package = route.package;
  call.grpc_method = route.grpc_method;
  call.request = message->SerializeAsString();
  call.timeout = options_.request_timeout;
  if (!request.authorization.empty() && IsMetadataSafe(request.authorization)) {
    call.metadata.emplace_back(kAuthorizationHeader, request.authorization);
  }
  call.metadata.emplace_back(kRequestIdHeader, request.request_id);
  if (!request.idempotency_key.empty()) {
    call.metadata.emplace_back(kIdempotencyKeyHeader, request.idempotency_key);
  }
  if (!route.is_public) {
    for (auto [key, value] : {std::pair<const char*, std::string>{kTenantHeader, identity.tenant},
                              {kUserHeader, identity.user_id},
                              {kRolesHeader, absl::StrJoin(identity.roles, ",")}}) {
      if (IsMetadataSafe(value)) call.metadata.emplace_back(key, std::move(value));
    }
  }

  backends_.Call(
      std::move(call), [&route, respond = std::move(respond), request_id = request.request_id,
                        tenant = identity.tenant](absl::StatusOr<std::string> result) {
        ScopedLogContext log_context(request_id, tenant);
        HttpResponse response;
        if (!result.ok()) {
          response = ErrorResponse(ForClient(result.status()));
          if (response.status >= 500) {
            LogWarn("backend call failed", {{"method", route.grpc_method},
                                            {"code", CodeName(result.status().code())},
                                            {"error", std::string(result.status().message())}});
          }
        } else if (std::unique_ptr<google::protobuf::Message> output =
                       NewMessage(*route.method->output_type());
                   output == nullptr || !output->ParseFromString(*result)) {
          response = ErrorResponse(
              absl::InternalError(absl::StrCat("unreadable response from ", route.grpc_method)));
        } else if (absl::StatusOr<std::string> json =
                       JsonTranscoder::ToJson(*output, route.response_body_field);
                   !json.ok()) {
          response = ErrorResponse(json.status());
        } else {
          response.body = *std::move(json);
        }
        response.route = route.label;
        response.tenant = tenant;
        respond(std::move(response));
      });
}

}  // namespace qq::gateway
