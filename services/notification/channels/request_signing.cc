#include "services/notification/channels/request_signing.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <ctime>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/sha256.h"

namespace qq::notification {
namespace {

std::string Hmac(const EVP_MD* md, absl::string_view key, absl::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(md, key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &length);
  return std::string(reinterpret_cast<const char*>(out), length);
}

bool IsUnreserved(unsigned char c) {
  return absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string HmacSha1(absl::string_view key, absl::string_view data) {
  return Hmac(EVP_sha1(), key, data);
}

std::string HmacSha256(absl::string_view key, absl::string_view data) {
  return Hmac(EVP_sha256(), key, data);
}

std::string HexLower(absl::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 0xF]);
  }
  return out;
}

std::string Base64(absl::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string AliyunPercentEncode(absl::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size() * 3);
  for (unsigned char c : text) {
    if (IsUnreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

std::string PercentDecode(absl::string_view text, bool plus_is_space) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      const int hi = HexValue(text[i + 1]);
      const int lo = HexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && c == '+' ? ' ' : c);
  }
  return out;
}

std::string AliyunCanonicalizedQuery(const AliyunParams& params) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(params.size());
  for (const auto& [name, value] : params) {
    if (name == "Signature") continue;
    encoded.emplace_back(AliyunPercentEncode(name), AliyunPercentEncode(value));
  }
  // Sorting the encoded names is the same order as sorting the names: encoding keeps
  // ASCII letters and digits and the byte order of everything else.
  std::sort(encoded.begin(), encoded.end());
  return absl::StrJoin(encoded, "&", [](std::string* out, const auto& p) {
    absl::StrAppend(out, p.first, "=", p.second);
  });
}

std::string AliyunStringToSign(absl::string_view method, const AliyunParams& params) {
  return absl::StrCat(method, "&", AliyunPercentEncode("/"), "&",
                      AliyunPercentEncode(AliyunCanonicalizedQuery(params)));
}

std::string AliyunRpcSignature(absl::string_view method, const AliyunParams& params,
                               absl::string_view access_key_secret) {
  return Base64(HmacSha1(absl::StrCat(access_key_secret, "&"), AliyunStringToSign(method, params)));
}

std::string Tc3Date(int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[16];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &tm);
  return buffer;
}

namespace {

std::vector<std::pair<std::string, std::string>> CanonicalHeaders(const Tc3Request& request) {
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& [name, value] : request.signed_headers) {
    headers.emplace_back(absl::AsciiStrToLower(absl::StripAsciiWhitespace(name)),
                         absl::AsciiStrToLower(absl::StripAsciiWhitespace(value)));
  }
  std::sort(headers.begin(), headers.end());
  return headers;
}

}  // namespace

std::string Tc3SignedHeaderNames(const Tc3Request& request) {
  return absl::StrJoin(CanonicalHeaders(request), ";",
                       [](std::string* out, const auto& p) { out->append(p.first); });
}

std::string Tc3CanonicalRequest(const Tc3Request& request) {
  std::string headers;
  for (const auto& [name, value] : CanonicalHeaders(request)) {
    absl::StrAppend(&headers, name, ":", value, "\n");
  }
  return absl::StrCat(request.method, "\n", request.canonical_uri, "\n", request.canonical_query,
                      "\n", headers, "\n", Tc3SignedHeaderNames(request), "\n",
                      Sha256Hex(request.payload));
}

std::string Tc3StringToSign(int64_t unix_seconds, absl::string_view service,
                            absl::string_view canonical_request) {
  return absl::StrCat("TC3-HMAC-SHA256\n", unix_seconds, "\n", Tc3Date(unix_seconds), "/", service,
                      "/tc3_request\n", Sha256Hex(canonical_request));
}

std::string Tc3Signature(absl::string_view secret_key, int64_t unix_seconds,
                         absl::string_view service, absl::string_view string_to_sign) {
  const std::string secret_date =
      HmacSha256(absl::StrCat("TC3", secret_key), Tc3Date(unix_seconds));
  const std::string secret_service = HmacSha256(secret_date, service);
  const std::string secret_signing = HmacSha256(secret_service, "tc3_request");
  return HexLower(HmacSha256(secret_signing, string_to_sign));
}

std::string Tc3Authorization(absl::string_view secret_id, absl::string_view secret_key,
                             int64_t unix_seconds, absl::string_view service,
                             const Tc3Request& request) {
  const std::string string_to_sign =
      Tc3StringToSign(unix_seconds, service, Tc3CanonicalRequest(request));
  return absl::StrCat(
      "TC3-HMAC-SHA256 Credential=", secret_id, "/", Tc3Date(unix_seconds), "/", service,
      "/tc3_request, SignedHeaders=", Tc3SignedHeaderNames(request),
      ", Signature=", Tc3Signature(secret_key, unix_seconds, service, string_to_sign));
}

}  // namespace qq::notification
