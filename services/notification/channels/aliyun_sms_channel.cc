#include "services/notification/channels/aliyun_sms_channel.h"

#include <openssl/rand.h>

#include <boost/json.hpp>

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/notification/channels/send_results.h"

namespace qq::notification {
namespace {

namespace json = boost::json;

std::string NewNonce() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    // Never reached on Linux; a clock-based nonce still differs between calls.
    return absl::StrCat(absl::ToUnixNanos(absl::Now()));
  }
  return HexLower(absl::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
}

std::string StringField(const json::object& object, const char* key) {
  const json::value* v = object.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

bool IsRetryableCode(const std::string& code) {
  return code == "isv.BUSINESS_LIMIT_CONTROL" || absl::StartsWith(code, "Throttling") ||
         absl::StartsWith(code, "isp.") || code == "ServiceUnavailable" ||
         absl::StartsWith(code, "InternalError") || code == "SignatureNonceUsed";
}

// isv.BUSINESS_LIMIT_CONTROL says which window is full: per minute, hour or day.
std::chrono::seconds RetryAfterFor(const std::string& code, const std::string& message) {
  if (code != "isv.BUSINESS_LIMIT_CONTROL") return std::chrono::seconds(0);
  if (absl::StrContains(message, "天级")) return std::chrono::hours(24);
  if (absl::StrContains(message, "小时级")) return std::chrono::hours(1);
  return std::chrono::seconds(60);
}

}  // namespace

AliyunSmsChannel::AliyunSmsChannel(AliyunSmsOptions options, HttpClient http, WallClock now)
    : options_(std::move(options)), http_(std::move(http)), now_(std::move(now)) {
  if (!now_) now_ = [] { return std::chrono::system_clock::now(); };
}

AliyunParams AliyunSmsChannel::SignedParams(const OutgoingMessage& message,
                                            std::chrono::system_clock::time_point now,
                                            const std::string& nonce) const {
  std::string phone = message.recipient;
  if (absl::StartsWith(phone, "+")) phone.erase(0, 1);  // Aliyun wants "86139…" without "+"
  AliyunParams params = {
      {"AccessKeyId", options_.access_key_id},
      {"Action", "SendSms"},
      {"Format", "JSON"},
      {"PhoneNumbers", phone},
      {"RegionId", options_.region_id},
      {"SignName", options_.sign_name},
      {"SignatureMethod", "HMAC-SHA1"},
      {"SignatureNonce", nonce},
      {"SignatureVersion", "1.0"},
      {"TemplateCode", message.template_code},
      {"Timestamp",
       absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromChrono(now), absl::UTCTimeZone())},
      {"Version", "2017-05-25"},
  };
  if (!message.params.empty()) {
    json::object template_params;
    for (const auto& [key, value] : message.params) template_params[key] = value;
    params.emplace_back("TemplateParam", json::serialize(template_params));
  }
  if (!message.message_id.empty()) params.emplace_back("OutId", message.message_id);
  params.emplace_back("Signature", AliyunRpcSignature("POST", params, options_.access_key_secret));
  return params;
}

SendResult AliyunSmsChannel::Send(const OutgoingMessage& message) {
  const AliyunParams params = SignedParams(message, now_(), NewNonce());
  const std::string body = absl::StrJoin(params, "&", [](std::string* out, const auto& p) {
    absl::StrAppend(out, AliyunPercentEncode(p.first), "=", AliyunPercentEncode(p.second));
  });
  const HttpResponse response =
      http_.Post(options_.endpoint,
                 {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                  {"Accept", "application/json"}},
                 body, options_.timeout);
  SendResult result = Interpret(response);
  if (result.outcome != SendResult::Outcome::kSent) LogUnsent(name(), message.message_id, result);
  return result;
}

SendResult AliyunSmsChannel::Interpret(const HttpResponse& response) {
  if (response.transport_failed()) return RetryTransport(response);
  boost::system::error_code ec;
  const json::value parsed = json::parse(response.body, ec);
  if (ec || !parsed.is_object() || StringField(parsed.get_object(), "Code").empty()) {
    if (response.status >= 500 || response.status == 429) return RetryTransport(response);
    return Failed(absl::StrCat("unexpected answer: HTTP ", response.status));
  }
  const json::object& object = parsed.get_object();
  const std::string code = StringField(object, "Code");
  std::string text = StringField(object, "Message");
  // SignatureDoesNotMatch quotes the whole string to sign, phone number included: keep
  // that out of the reason, which gets logged and stored.
  if (const size_t cut = text.find(" server string to sign is"); cut != std::string::npos) {
    text.resize(cut);
  }
  if (code == "OK") return Sent(StringField(object, "BizId"));
  std::string reason = absl::StrCat(code, ": ", text);
  if (IsRetryableCode(code) || response.status >= 500) {
    return Retry(std::move(reason), RetryAfterFor(code, text));
  }
  return Failed(std::move(reason));
}

}  // namespace qq::notification
