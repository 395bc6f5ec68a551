// Builds routes from google.api.http options and finds the route for a request.
#include "gateway/route_table.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "google/api/annotations.pb.h"
#include "google/protobuf/descriptor.h"

namespace qq::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;

absl::Status MethodError(const MethodDescriptor& method, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(method.full_name(), ": ", what));
}

// A path variable must name a singular scalar or enum, reached through singular
// message fields: the path segment is one value.
absl::Status CheckPathField(const MethodDescriptor& method,
                            const std::vector<std::string>& field_path) {
  const Descriptor* message = method.input_type();
  std::string name = absl::StrJoin(field_path, ".");
  for (size_t i = 0; i < field_path.size(); ++i) {
    const FieldDescriptor* field = message->FindFieldByName(field_path[i]);
    if (field == nullptr) {
      return MethodError(method, absl::StrCat("path variable '", name, "' names no field of ",
                                              message->full_name()));
    }
    if (field->is_repeated()) {
      return MethodError(method, absl::StrCat("path variable '", name, "' is a repeated field"));
    }
    bool last = i + 1 == field_path.size();
    bool is_message = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    if (last == is_message) {
      return MethodError(method, absl::StrCat("path variable '", name,
                                              last ? "' must be a scalar or enum field"
                                                   : "' goes through a non-message field"));
    }
    if (is_message) message = field->message_type();
  }
  return absl::OkStatus();
}

absl::Status CheckTopLevelField(const MethodDescriptor& method, const Descriptor& message,
                                absl::string_view what, const std::string& name) {
  if (name.empty() || (name == "*" && what == "body")) return absl::OkStatus();
  if (message.FindFieldByName(name) == nullptr) {
    return MethodError(method,
                       absl::StrCat(what, " '", name, "' names no field of ", message.full_name()));
  }
  return absl::OkStatus();
}

// The HTTP method and template of a rule; both empty when the rule has no pattern.
std::pair<std::string, std::string> PatternOf(const google::api::HttpRule& rule) {
  using Rule = google::api::HttpRule;
  switch (rule.pattern_case()) {
    case Rule::kGet:
      return {"GET", rule.get()};
    case Rule::kPut:
      return {"PUT", rule.put()};
    case Rule::kPost:
      return {"POST", rule.post()};
    case Rule::kDelete:
      return {"DELETE", rule.delete_()};
    case Rule::kPatch:
      return {"PATCH", rule.patch()};
    case Rule::kCustom:
      return {absl::AsciiStrToUpper(rule.custom().kind()), rule.custom().path()};
    case Rule::PATTERN_NOT_SET:
      break;
  }
  return {"", ""};
}

// Unary, or one of the three streaming shapes served over HTTP; other streaming methods
// have no REST form.
absl::StatusOr<RouteKind> KindOf(const MethodDescriptor& method,
                                 const google::api::HttpRule& rule) {
  if (!method.client_streaming() && !method.server_streaming()) return RouteKind::kUnary;
  if (method.client_streaming() && method.server_streaming()) {
    return MethodError(method, "bidirectional streaming methods have no REST form");
  }
  if (method.client_streaming()) {
    const FieldDescriptor* body = method.input_type()->FindFieldByName(rule.body());
    if (body == nullptr || body->is_repeated() || body->message_type() == nullptr ||
        body->message_type()->full_name() != kHttpBodyType) {
      return MethodError(method, absl::StrCat("a client-streaming method is served only as an "
                                              "upload: body must name a ",
                                              kHttpBodyType, " field"));
    }
    return RouteKind::kUpload;
  }
  if (!rule.response_body().empty()) {
    return MethodError(method, "a server-streaming method sends whole messages: no response_body");
  }
  return method.output_type()->full_name() == kHttpBodyType ? RouteKind::kDownload
                                                            : RouteKind::kEventStream;
}

absl::StatusOr<Route> MakeRoute(const MethodDescriptor& method, const google::api::HttpRule& rule) {
  auto [http_method, text] = PatternOf(rule);
  if (http_method.empty()) return MethodError(method, "google.api.http has no pattern");
  absl::StatusOr<PathTemplate> path = PathTemplate::Parse(text);
  if (!path.ok()) return MethodError(method, path.status().message());
  for (const PathTemplate::Variable& variable : path->variables()) {
    if (absl::Status s = CheckPathField(method, variable.field_path); !s.ok()) return s;
  }
  if (absl::Status s = CheckTopLevelField(method, *method.input_type(), "body", rule.body());
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          CheckTopLevelField(method, *method.output_type(), "response_body", rule.response_body());
      !s.ok()) {
    return s;
  }
  absl::StatusOr<RouteKind> kind = KindOf(method, rule);
  if (!kind.ok()) return kind.status();
  Route route;
  route.kind = *kind;
  route.http_method = http_method;
  route.path = *std::move(path);
  route.body_field = rule.body();
  route.response_body_field = rule.response_body();
  route.method = &method;
  route.grpc_method = absl::StrCat("/", method.service()->full_name(), "/", method.name());
  route.package = method.service()->file()->package();
  route.label = absl::StrCat(http_method, " ", text);
  return route;
}

}  // namespace

std::string EventNameOf(const Route& route) {
  std::string name = route.method->output_type()->name();
  if (!name.empty()) name[0] = absl::ascii_tolower(name[0]);
  return name;
}

absl::StatusOr<RouteTable> RouteTable::Build(
    const std::vector<const google::protobuf::ServiceDescriptor*>& services,
    const std::vector<absl::string_view>& public_methods) {
  RouteTable table;
  std::map<std::string, std::string> served;  // "GET /v1/x/*" -> method serving it
  for (const google::protobuf::ServiceDescriptor* service : services) {
    for (int i = 0; i < service->method_count(); ++i) {
      const MethodDescriptor& method = *service->method(i);
      if (!method.options().HasExtension(google::api::http)) continue;
      const google::api::HttpRule& rule = method.options().GetExtension(google::api::http);
      std::vector<const google::api::HttpRule*> rules = {&rule};
      for (const google::api::HttpRule& extra : rule.additional_bindings()) {
        if (!extra.additional_bindings().empty()) {
          return MethodError(method, "additional_bindings cannot nest");
        }
        rules.push_back(&extra);
      }
      for (const google::api::HttpRule* r : rules) {
        absl::StatusOr<Route> route = MakeRoute(method, *r);
        if (!route.ok()) return route.status();
        route->is_public = std::find(public_methods.begin(), public_methods.end(),
                                     method.full_name()) != public_methods.end();
        std::string key = absl::StrCat(route->http_method, " ", route->path.Canonical());
        auto [it, inserted] = served.emplace(key, method.full_name());
        if (!inserted) {
          return MethodError(
              method, absl::StrCat("'", route->label, "' is already served by ", it->second));
        }
        table.routes_.push_back(*std::move(route));
      }
    }
  }
  for (absl::string_view name : public_methods) {
    bool found = std::any_of(table.routes_.begin(), table.routes_.end(),
                             [&](const Route& r) { return r.method->full_name() == name; });
    if (!found) {
      return absl::InvalidArgumentError(absl::StrCat("public method ", name, " has no route"));
    }
  }
  return table;
}

RouteLookup RouteTable::Find(absl::string_view http_method, absl::string_view path) const {
  RouteLookup lookup;
  std::set<std::string> allowed;
  int best = -1;
  for (const Route& route : routes_) {
    std::optional<std::vector<PathBinding>> bindings = route.path.Match(path);
    if (!bindings) continue;
    allowed.insert(route.http_method);
    if (route.http_method != http_method) continue;
    int specificity = route.path.Specificity();
    if (specificity > best) {
      best = specificity;
      lookup.route = &route;
      lookup.bindings = *std::move(bindings);
    }
  }
  lookup.allowed_methods.assign(allowed.begin(), allowed.end());
  return lookup;
}

}  // namespace qq::gateway
