// absl::Status helpers shared by every service and the gateway: the two propagation
// macros Debian's Abseil lacks, field-carrying errors, and the one Status -> HTTP table.
#pragma once

#include <map>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define QQ_STATUS_CONCAT_INNER(a, b) a##b
#define QQ_STATUS_CONCAT(a, b) QQ_STATUS_CONCAT_INNER(a, b)

// Returns from the current function when `expr` (an absl::Status) is not ok.
#define QQ_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::absl::Status qq_status_ = (expr);      \
    if (!qq_status_.ok()) return qq_status_; \
  } while (false)

// `QQ_ASSIGN_OR_RETURN(auto x, MakeX());` declares x from an absl::StatusOr or returns
// its error.
#define QQ_ASSIGN_OR_RETURN(lhs, rexpr) \
  QQ_ASSIGN_OR_RETURN_IMPL(QQ_STATUS_CONCAT(qq_statusor_, __LINE__), lhs, rexpr)
#define QQ_ASSIGN_OR_RETURN_IMPL(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                             \
  if (!statusor.ok()) return statusor.status();        \
  lhs = std::move(*statusor)

namespace qq {

// Payload key under which a Status carries the offending request field.
inline constexpr absl::string_view kFieldPayloadKey = "qingquan.dev/field";
inline constexpr absl::string_view kHttpStatusPayloadKey = "qingquan.dev/http-status";
inline constexpr absl::string_view kErrorCodePayloadKey = "qingquan.dev/error-code";
inline constexpr absl::string_view kErrorParamsPayloadKey = "qingquan.dev/error-params";

// INVALID_ARGUMENT naming `field` (lowerCamelCase path, e.g. "phones[0]").
absl::Status InvalidField(absl::string_view field, absl::string_view reason);

// Attaches `field` to any status (e.g. NOT_FOUND for "customerId").
absl::Status WithField(absl::Status status, absl::string_view field);

// The field a status names, or "" when it names none.
std::string FieldOf(const absl::Status& status);

// The HTTP status grpc-gateway uses for a code (NotFound 404, AlreadyExists 409, ...).
int HttpStatusFor(absl::StatusCode code);

// For the few errors whose HTTP status the code alone cannot say (422 for a reused
// idempotency key): carried as a payload, across gRPC in ErrorDetail.http_status.
absl::Status WithHttpStatus(absl::Status status, int http_status);

// The status's own HTTP status if it carries one, else HttpStatusFor(code).
int HttpStatusFor(const absl::Status& status);

// A stable code more specific than the status code (e.g. "IDEMPOTENCY_KEY_REUSED"), for
// clients that act on it: carried across gRPC in ErrorDetail.error_code and answered as
// the JSON error's "code" in place of the status code's name.
absl::Status WithErrorCode(absl::Status status, absl::string_view error_code);

// The status's specific error code, or "" when it has none.
std::string ErrorCodeOf(const absl::Status& status);

// The values its message is made of, by name (e.g. {"max": "60"}), so a client or the
// gateway can word the message in the user's language; carried in ErrorDetail.params.
absl::Status WithErrorParams(absl::Status status, const std::map<std::string, std::string>& params);
std::map<std::string, std::string> ErrorParamsOf(const absl::Status& status);

// Canonical upper-case name, e.g. "INVALID_ARGUMENT".
std::string CodeName(absl::StatusCode code);

// {"error":{"code":"INVALID_ARGUMENT","message":"...","field":"phone"}}; "code" is the
// specific error code where the status has one (WithErrorCode).
std::string ErrorJson(const absl::Status& status);

// JSON string literal (with quotes) for `text`; escapes control characters and quotes.
std::string JsonQuote(absl::string_view text);

}  // namespace qq
