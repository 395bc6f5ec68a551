// Aliyun (Alibaba Cloud) Short Message Service: the SendSms operation of API version
// 2017-05-25, signed with the RPC-style signature V1 (HMAC-SHA1, see request_signing.h)
// and sent as a POST form to the endpoint.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "services/notification/channels/channel.h"
#include "services/notification/channels/http_client.h"
#include "services/notification/channels/request_signing.h"

namespace qq::notification {

struct AliyunSmsOptions {
  std::string endpoint = "https://dysmsapi.aliyuncs.com/";
  std::string access_key_id;
  std::string access_key_secret;  // a secret: never logged
  std::string sign_name;          // the approved SMS signature (签名), e.g. "清泉水务"
  std::string region_id = "cn-hangzhou";
  std::chrono::milliseconds timeout{5000};
};

class AliyunSmsChannel final : public Channel {
 public:
  using WallClock = std::function<std::chrono::system_clock::time_point()>;

  // `now` defaults to the system clock.
  explicit AliyunSmsChannel(AliyunSmsOptions options, HttpClient http = HttpClient(),
                            WallClock now = nullptr);

  std::string name() const override { return "aliyun-sms"; }
  bool needs_template_code() const override { return true; }

  // Outcomes: Code "OK" → kSent with the BizId. isv.BUSINESS_LIMIT_CONTROL, Throttling*,
  // isp.*, ServiceUnavailable, InternalError, SignatureNonceUsed, HTTP 5xx/429 and transport
  // failures → kRetry. Anything else (isv.MOBILE_NUMBER_ILLEGAL, isv.SMS_TEMPLATE_ILLEGAL,
  // isv.SMS_SIGNATURE_ILLEGAL, InvalidAccessKeyId.NotFound, SignatureDoesNotMatch …) →
  // kFailed with "Code: Message".
  SendResult Send(const OutgoingMessage& message) override;

  // The complete, signed form of a SendSms call (the request's body).
  AliyunParams SignedParams(const OutgoingMessage& message,
                            std::chrono::system_clock::time_point now,
                            const std::string& nonce) const;

  // What an answer means (see Send).
  static SendResult Interpret(const HttpResponse& response);

 private:
  AliyunSmsOptions options_;
  HttpClient http_;
  WallClock now_;
};

}  // namespace qq::notification
