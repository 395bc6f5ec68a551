// HTTP request parts (path variables, query string, JSON body) -> request message, and
// response message -> JSON, with protobuf's JSON mapping. The body is checked against the
// message descriptor first, so every error names the offending field in lowerCamelCase
// ("workOrder.type", "phones[0]"), which protobuf's own JSON errors do not. Pure.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gateway/path_template.h"

namespace google::protobuf {
class Message;
}  // namespace google::protobuf

namespace qq::gateway {

struct HttpRequestParts {
  // "" (no body), "*" (the whole message) or a top-level field (Route::body_field).
  absl::string_view body_field;
  std::vector<PathBinding> path_bindings;
  absl::string_view query;  // without '?', still percent-encoded
  absl::string_view body;
};

class JsonTranscoder {
 public:
  // Fills `request` (normally empty): the body first, then path variables, then query
  // parameters for fields bound by neither. An empty body counts as "{}"; a body on a
  // route without one is ignored. Query names may be lowerCamelCase or snake_case,
  // dotted for nested fields, and repeated for repeated fields.
  // INVALID_ARGUMENT naming the field (qq::FieldOf) for an unknown field or query
  // parameter, a value of the wrong type or out of range, an unknown enum name, a
  // parameter given twice, or one that sets a field the path or body already binds;
  // INVALID_ARGUMENT without a field for malformed JSON.
  static absl::Status ToRequest(const HttpRequestParts& parts, google::protobuf::Message& request);

  // `response` in JSON: lowerCamelCase names, enums by name, default scalars printed.
  // With `response_body_field`, only that top-level field. INTERNAL if printing fails.
  static absl::StatusOr<std::string> ToJson(const google::protobuf::Message& response,
                                            absl::string_view response_body_field = "");
};

}  // namespace qq::gateway
