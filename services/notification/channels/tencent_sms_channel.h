// Tencent Cloud SMS: the SendSms action of API version 2021-01-11, a JSON POST signed
// with TC3-HMAC-SHA256 (see request_signing.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "services/notification/channels/channel.h"
#include "services/notification/channels/http_client.h"

namespace qq::notification {

struct TencentSmsOptions {
  std::string endpoint = "https://sms.tencentcloudapi.com";
  std::string secret_id;
  std::string secret_key;  // a secret: never logged
  std::string sdk_app_id;  // SmsSdkAppId, "1400…"
  std::string sign_name;
  std::string region = "ap-guangzhou";
  std::chrono::milliseconds timeout{5000};
};

struct TencentSmsRequest {
  HttpHeaders headers;  // Content-Type, Host, X-TC-*, Authorization
  std::string body;     // the JSON payload
};

class TencentSmsChannel final : public Channel {
 public:
  using WallClock = std::function<std::chrono::system_clock::time_point()>;

  // `now` (the X-TC-Timestamp) defaults to the system clock.
  explicit TencentSmsChannel(TencentSmsOptions options, HttpClient http = HttpClient(),
                             WallClock now = nullptr);

  std::string name() const override { return "tencent-sms"; }
  bool needs_template_code() const override { return true; }

  // Outcomes: Response.SendStatusSet[0].Code "Ok" → kSent with the SerialNo.
  // LimitExceeded.*, RequestLimitExceeded*, InternalError.*, HTTP 5xx/429 and transport
  // failures → kRetry. Anything else (InvalidParameterValue.IncorrectPhoneNumber,
  // FailedOperation.TemplateIncorrectOrUnapproved, AuthFailure.* …), whether in
  // Response.Error or in the number's status → kFailed with "Code: Message".
  SendResult Send(const OutgoingMessage& message) override;

  // The signed request Send posts at `unix_seconds`.
  TencentSmsRequest BuildRequest(const OutgoingMessage& message, int64_t unix_seconds) const;

  // What an answer means (see Send).
  static SendResult Interpret(const HttpResponse& response);

 private:
  TencentSmsOptions options_;
  HttpClient http_;
  WallClock now_;
  std::string host_;  // of the endpoint, as sent in Host and signed
};

}  // namespace qq::notification
