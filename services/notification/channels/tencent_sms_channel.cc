#include "services/notification/channels/tencent_sms_channel.h"

#include <boost/json.hpp>

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/notification/channels/request_signing.h"
#include "services/notification/channels/send_results.h"

namespace qq::notification {
namespace {

namespace json = boost::json;

constexpr char kContentType[] = "application/json; charset=utf-8";

// "https://sms.tencentcloudapi.com/" → "sms.tencentcloudapi.com"; a port stays, as curl
// sends it in Host.
std::string HostOf(const std::string& url) {
  size_t start = url.find("://");
  start = start == std::string::npos ? 0 : start + 3;
  const size_t end = url.find_first_of("/?#", start);
  return url.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

std::string StringField(const json::object& object, const char* key) {
  const json::value* v = object.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

bool IsRetryableCode(const std::string& code) {
  return absl::StartsWith(code, "LimitExceeded") ||
         absl::StartsWith(code, "RequestLimitExceeded") || absl::StartsWith(code, "InternalError");
}

std::chrono::seconds RetryAfterFor(const std::string& code) {
  if (code == "LimitExceeded.PhoneNumberThirtySecondLimit") return std::chrono::seconds(30);
  if (code == "LimitExceeded.PhoneNumberOneHourLimit") return std::chrono::hours(1);
  if (code == "LimitExceeded.PhoneNumberDailyLimit") return std::chrono::hours(24);
  if (absl::StartsWith(code, "RequestLimitExceeded")) return std::chrono::seconds(1);
  return std::chrono::seconds(0);
}

SendResult FromCode(const std::string& code, const std::string& message) {
  std::string reason = absl::StrCat(code, ": ", message);
  if (IsRetryableCode(code)) return Retry(std::move(reason), RetryAfterFor(code));
  return Failed(std::move(reason));
}

}  // namespace

TencentSmsChannel::TencentSmsChannel(TencentSmsOptions options, HttpClient http, WallClock now)
    : options_(std::move(options)),
      http_(std::move(http)),
      now_(std::move(now)),
      host_(HostOf(options_.endpoint)) {
  if (!now_) now_ = [] { return std::chrono::system_clock::now(); };
}

TencentSmsRequest TencentSmsChannel::BuildRequest(const OutgoingMessage& message,
                                                  int64_t unix_seconds) const {
  const std::string phone =
      absl::StartsWith(message.recipient, "+") ? message.recipient : "+86" + message.recipient;
  json::array values;
  for (const auto& param : message.params) values.emplace_back(param.second);
  json::object payload;
  payload["PhoneNumberSet"] = json::array{json::string(phone)};
  payload["SmsSdkAppId"] = options_.sdk_app_id;
  payload["SignName"] = options_.sign_name;
  payload["TemplateId"] = message.template_code;
  payload["TemplateParamSet"] = std::move(values);
  payload["SessionContext"] = message.message_id;

  TencentSmsRequest request;
  request.body = json::serialize(payload);
  Tc3Request signed_part;
  signed_part.signed_headers = {{"content-type", kContentType}, {"host", host_}};
  signed_part.payload = request.body;
  request.headers = {
      {"Content-Type", kContentType},
      {"Host", host_},
      {"X-TC-Action", "SendSms"},
      {"X-TC-Version", "2021-01-11"},
      {"X-TC-Timestamp", absl::StrCat(unix_seconds)},
      {"X-TC-Region", options_.region},
      {"Authorization",
       Tc3Authorization(options_.secret_id, options_.secret_key, unix_seconds, "sms", signed_part)},
  };
  return request;
}

SendResult TencentSmsChannel::Send(const OutgoingMessage& message) {
  const int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(now_().time_since_epoch()).count();
  const TencentSmsRequest request = BuildRequest(message, now);
  SendResult result =
      Interpret(http_.Post(options_.endpoint, request.headers, request.body, options_.timeout));
  if (result.outcome != SendResult::Outcome::kSent) LogUnsent(name(), message.message_id, result);
  return result;
}

SendResult TencentSmsChannel::Interpret(const HttpResponse& response) {
  if (response.transport_failed() || response.status >= 500 || response.status == 429) {
    return RetryTransport(response);
  }
  boost::system::error_code ec;
  const json::value parsed = json::parse(response.body, ec);
  const json::value* inner = nullptr;
  if (!ec && parsed.is_object()) inner = parsed.get_object().if_contains("Response");
  if (response.status != 200 || inner == nullptr || !inner->is_object()) {
    return Failed(absl::StrCat("unexpected answer: HTTP ", response.status));
  }
  const json::object& body = inner->get_object();
  if (const json::value* error = body.if_contains("Error");
      error != nullptr && error->is_object()) {
    return FromCode(StringField(error->get_object(), "Code"),
                    StringField(error->get_object(), "Message"));
  }
  const json::value* set = body.if_contains("SendStatusSet");
  if (set == nullptr || !set->is_array() || set->get_array().empty() ||
      !set->get_array()[0].is_object()) {
    return Failed("unexpected answer: no SendStatusSet");
  }
  const json::object& status = set->get_array()[0].get_object();
  const std::string code = StringField(status, "Code");
  if (code == "Ok") return Sent(StringField(status, "SerialNo"));
  return FromCode(code, StringField(status, "Message"));
}

}  // namespace qq::notification
