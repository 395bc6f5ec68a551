// The request signatures of the SMS providers, shared by the channels that sign and the
// fake providers that check. Pure functions over strings (OpenSSL for the MACs).
//
// Aliyun: the RPC-style signature V1 ("SignatureMethod=HMAC-SHA1", "SignatureVersion=1.0"):
//   CanonicalizedQuery = sorted by name, AliyunPercentEncode(name) "=" AliyunPercentEncode(value),
//                        joined with "&" (every parameter but Signature)
//   StringToSign       = Method "&" "%2F" "&" AliyunPercentEncode(CanonicalizedQuery)
//   Signature          = Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign))
// Tencent Cloud: TC3-HMAC-SHA256 (API 3.0 signature v3).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace qq::notification {

std::string HmacSha1(absl::string_view key, absl::string_view data);    // raw 20 bytes
std::string HmacSha256(absl::string_view key, absl::string_view data);  // raw 32 bytes
std::string HexLower(absl::string_view bytes);
std::string Base64(absl::string_view bytes);

// RFC 3986 unreserved characters (A-Z a-z 0-9 - _ . ~) stay, every other byte becomes
// %XY in upper-case hex: so a space is %20 (never "+"), "*" is %2A, "~" stays.
std::string AliyunPercentEncode(absl::string_view text);
// Reverses percent-encoding; with `plus_is_space` a "+" is a space (form bodies).
std::string PercentDecode(absl::string_view text, bool plus_is_space);

using AliyunParams = std::vector<std::pair<std::string, std::string>>;

std::string AliyunCanonicalizedQuery(const AliyunParams& params);  // Signature is skipped
std::string AliyunStringToSign(absl::string_view method, const AliyunParams& params);
std::string AliyunRpcSignature(absl::string_view method, const AliyunParams& params,
                               absl::string_view access_key_secret);

// What TC3 signs of a request. Header names are matched case-insensitively; values are
// trimmed and lower-cased, as the spec says.
struct Tc3Request {
  std::string method = "POST";
  std::string canonical_uri = "/";
  std::string canonical_query;                                      // "" for POST
  std::vector<std::pair<std::string, std::string>> signed_headers;  // e.g. content-type, host
  std::string payload;
};

// "2019-02-25" for a Unix time, in UTC.
std::string Tc3Date(int64_t unix_seconds);
std::string Tc3CanonicalRequest(const Tc3Request& request);
// "content-type;host": the lower-cased names, sorted, joined with ";".
std::string Tc3SignedHeaderNames(const Tc3Request& request);
std::string Tc3StringToSign(int64_t unix_seconds, absl::string_view service,
                            absl::string_view canonical_request);
// Hex HMAC over the string to sign with the derived key
// HMAC(HMAC(HMAC("TC3" + secret_key, date), service), "tc3_request").
std::string Tc3Signature(absl::string_view secret_key, int64_t unix_seconds,
                         absl::string_view service, absl::string_view string_to_sign);
// The whole Authorization header value.
std::string Tc3Authorization(absl::string_view secret_id, absl::string_view secret_key,
                             int64_t unix_seconds, absl::string_view service,
                             const Tc3Request& request);

}  // namespace qq::notification
