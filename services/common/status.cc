#include "services/common/status.h"

#include <cstdio>

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace qq {

absl::Status InvalidField(absl::string_view field, absl::string_view reason) {
  return WithField(absl::InvalidArgumentError(absl::StrCat(field, ": ", reason)), field);
}

absl::Status WithField(absl::Status status, absl::string_view field) {
  if (!status.ok() && !field.empty()) status.SetPayload(kFieldPayloadKey, absl::Cord(field));
  return status;
}

std::string FieldOf(const absl::Status& status) {
  auto payload = status.GetPayload(kFieldPayloadKey);
  return payload ? std::string(*payload) : std::string();
}

int HttpStatusFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kCancelled:
      return 499;
    case absl::StatusCode::kUnknown:
      return 500;
    case absl::StatusCode::kInvalidArgument:
      return 400;
    case absl::StatusCode::kDeadlineExceeded:
      return 504;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kAlreadyExists:
      return 409;
    case absl::StatusCode::kPermissionDenied:
      return 403;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kResourceExhausted:
      return 429;
    case absl::StatusCode::kFailedPrecondition:
      return 400;
    case absl::StatusCode::kAborted:
      return 409;
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnimplemented:
      return 501;
    case absl::StatusCode::kInternal:
      return 500;
    case absl::StatusCode::kUnavailable:
      return 503;
    case absl::StatusCode::kDataLoss:
      return 500;
    default:
      return 500;
  }
}

absl::Status WithHttpStatus(absl::Status status, int http_status) {
  if (!status.ok()) status.SetPayload(kHttpStatusPayloadKey, absl::Cord(absl::StrCat(http_status)));
  return status;
}

int HttpStatusFor(const absl::Status& status) {
  auto payload = status.GetPayload(kHttpStatusPayloadKey);
  int http_status = 0;
  if (payload && absl::SimpleAtoi(std::string(*payload), &http_status) && http_status >= 400 &&
      http_status < 600) {
    return http_status;
  }
  return HttpStatusFor(status.code());
}

absl::Status WithErrorCode(absl::Status status, absl::string_view error_code) {
  if (!status.ok() && !error_code.empty()) {
    status.SetPayload(kErrorCodePayloadKey, absl::Cord(error_code));
  }
  return status;
}

std::string ErrorCodeOf(const absl::Status& status) {
  auto payload = status.GetPayload(kErrorCodePayloadKey);
  return payload ? std::string(*payload) : std::string();
}

// Params travel as one payload: "name\x1fvalue\x1e…" (unit and record separators, which
// no parameter value holds).
absl::Status WithErrorParams(absl::Status status,
                             const std::map<std::string, std::string>& params) {
  if (status.ok() || params.empty()) return status;
  std::string encoded;
  for (const auto& [name, value] : params) absl::StrAppend(&encoded, name, "\x1f", value, "\x1e");
  status.SetPayload(kErrorParamsPayloadKey, absl::Cord(encoded));
  return status;
}

std::map<std::string, std::string> ErrorParamsOf(const absl::Status& status) {
  std::map<std::string, std::string> params;
  auto payload = status.GetPayload(kErrorParamsPayloadKey);
  if (!payload) return params;
  for (absl::string_view record :
       absl::StrSplit(std::string(*payload), '\x1e', absl::SkipEmpty())) {
    const size_t split = record.find('\x1f');
    if (split == absl::string_view::npos) continue;
    params.emplace(std::string(record.substr(0, split)), std::string(record.substr(split + 1)));
  }
  return params;
}

std::string CodeName(absl::StatusCode code) {
  // absl spells these in CamelCase; gRPC and our API use SCREAMING_SNAKE.
  switch (code) {
    case absl::StatusCode::kOk:
      return "OK";
    case absl::StatusCode::kCancelled:
      return "CANCELLED";
    case absl::StatusCode::kUnknown:
      return "UNKNOWN";
    case absl::StatusCode::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case absl::StatusCode::kDeadlineExceeded:
      return "DEADLINE_EXCEEDED";
    case absl::StatusCode::kNotFound:
      return "NOT_FOUND";
    case absl::StatusCode::kAlreadyExists:
      return "ALREADY_EXISTS";
    case absl::StatusCode::kPermissionDenied:
      return "PERMISSION_DENIED";
    case absl::StatusCode::kUnauthenticated:
      return "UNAUTHENTICATED";
    case absl::StatusCode::kResourceExhausted:
      return "RESOURCE_EXHAUSTED";
    case absl::StatusCode::kFailedPrecondition:
      return "FAILED_PRECONDITION";
    case absl::StatusCode::kAborted:
      return "ABORTED";
    case absl::StatusCode::kOutOfRange:
      return "OUT_OF_RANGE";
    case absl::StatusCode::kUnimplemented:
      return "UNIMPLEMENTED";
    case absl::StatusCode::kInternal:
      return "INTERNAL";
    case absl::StatusCode::kUnavailable:
      return "UNAVAILABLE";
    case absl::StatusCode::kDataLoss:
      return "DATA_LOSS";
    default:
      return "UNKNOWN";
  }
}

std::string JsonQuote(absl::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out.push_back('"');
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
  return out;
}

std::string ErrorJson(const absl::Status& status) {
  std::string code = ErrorCodeOf(status);
  if (code.empty()) code = CodeName(status.code());
  std::string out = absl::StrCat("{\"error\":{\"code\":", JsonQuote(code),
                                 ",\"message\":", JsonQuote(status.message()));
  std::string field = FieldOf(status);
  if (!field.empty()) absl::StrAppend(&out, ",\"field\":", JsonQuote(field));
  out += "}}";
  return out;
}

}  // namespace qq
