// Fake Aliyun SMS, Tencent Cloud SMS and WeChat APIs on one local HTTP port, for tests of
// the channels (in-process) and of the whole service (the qq-fake-providers binary).
// Requests are checked the way the real APIs check them: the Aliyun RPC signature and the
// TC3 signature are recomputed from the request as received with the configured secrets
// (timestamps and nonces checked too); WeChat checks appid + secret for tokens and token
// validity for sends. Answers have the real APIs' shapes and codes.
//
// Endpoints (base_url() = "http://127.0.0.1:<port>"):
//   POST /  (form)                       Aliyun SendSms (2017-05-25); GET with a query too
//   POST /  with X-TC-Action: SendSms    Tencent SendSms (2021-01-11)
//   GET  /cgi-bin/token                  WeChat access token
//   POST /cgi-bin/message/subscribe/send WeChat mini-program subscribe message
//   POST /cgi-bin/message/template/send  WeChat official-account template message
//   GET  /_fake/messages                 accepted messages as a JSON array
//   POST /_fake/reset                    forget messages and counters
//   POST /_fake/expire_tokens?appid=…    make the app's tokens answer 42001
//
// Magic inputs:
//   SMS (both providers), by phone number:
//     13900000429  throttled: Aliyun isv.BUSINESS_LIMIT_CONTROL,
//                  Tencent LimitExceeded.PhoneNumberThirtySecondLimit
//     13900000000  invalid number: isv.MOBILE_NUMBER_ILLEGAL /
//                  InvalidParameterValue.IncorrectPhoneNumber
//     13900000500  server error: Aliyun HTTP 503 ServiceUnavailable, Tencent HTTP 502
//     13900000408  hang: the answer comes after `hang_for` (past any client timeout)
//   SMS template code "SMS_INVALID": isv.SMS_TEMPLATE_ILLEGAL /
//     FailedOperation.TemplateIncorrectOrUnapproved
//   SMS sign name "INVALID_SIGN": isv.SMS_SIGNATURE_ILLEGAL /
//     FailedOperation.SignatureIncorrectOrUnapproved
//   WeChat, by touser (openid): "openid-unsubscribed" 43101, "openid-invalid" 40003,
//     "openid-busy" -1, "openid-quota" 45009, "openid-hang" hang;
//     template_id "TEMPLATE_INVALID" 40037.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"

namespace qq::notification::testing {

inline constexpr char kPhoneThrottled[] = "13900000429";
inline constexpr char kPhoneInvalid[] = "13900000000";
inline constexpr char kPhoneServerError[] = "13900000500";
inline constexpr char kPhoneHang[] = "13900000408";
inline constexpr char kTemplateInvalid[] = "SMS_INVALID";
inline constexpr char kSignNameInvalid[] = "INVALID_SIGN";
inline constexpr char kOpenidUnsubscribed[] = "openid-unsubscribed";
inline constexpr char kOpenidInvalid[] = "openid-invalid";
inline constexpr char kOpenidBusy[] = "openid-busy";
inline constexpr char kOpenidQuota[] = "openid-quota";
inline constexpr char kOpenidHang[] = "openid-hang";
inline constexpr char kWechatTemplateInvalid[] = "TEMPLATE_INVALID";

struct FakeProvidersOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0 picks a free one
  int io_threads = 4;
  std::string aliyun_access_key_id = "LTAIfakeAccessKeyId";
  std::string aliyun_access_key_secret = "fake-aliyun-secret";
  std::string tencent_secret_id = "AKIDfakeSecretId";
  std::string tencent_secret_key = "fake-tencent-secret";
  std::string tencent_sdk_app_id = "1400000001";
  std::map<std::string, std::string> wechat_apps = {{"wxfakeminiprogram", "fake-mp-secret"},
                                                    {"wxfakeofficial", "fake-oa-secret"}};
  std::chrono::seconds token_lifetime{7200};
  std::chrono::milliseconds hang_for{10000};
};

// One accepted message, as the provider understood it.
struct FakeMessage {
  std::string provider;  // "aliyun-sms", "tencent-sms", "wechat-mp-subscribe", "wechat-oa-template"
  std::string recipient;  // PhoneNumbers / PhoneNumberSet[0] / touser
  std::string template_code;
  std::string sign_name;
  std::string reference;  // OutId / SessionContext / client_msg_id
  std::string app_id;     // SmsSdkAppId, or the WeChat app whose token was used
  std::string page;       // WeChat page / url
  std::string provider_message_id;
  // Aliyun: TemplateParam's members; Tencent: {"1", v1}, {"2", v2} …; WeChat: data's keys.
  std::vector<std::pair<std::string, std::string>> params;
};

class FakeProviders {
 public:
  explicit FakeProviders(FakeProvidersOptions options = {});
  ~FakeProviders();
  FakeProviders(const FakeProviders&) = delete;
  FakeProviders& operator=(const FakeProviders&) = delete;

  // Binds and starts serving. UNAVAILABLE when the address cannot be bound.
  absl::Status Start();
  // Stops serving; answers still waiting (hang mode) are dropped.
  void Stop();

  int port() const;
  std::string base_url() const;  // "http://127.0.0.1:<port>"

  std::vector<FakeMessage> Messages() const;
  int TokenFetches(const std::string& app_id) const;  // successful ones
  // Makes every token issued so far for `app_id` answer 42001 (expired) / 40001 (invalid).
  void ExpireTokens(const std::string& app_id);
  void RevokeTokens(const std::string& app_id);
  // Delays token answers, so that concurrent fetches would overlap.
  void SetTokenDelay(std::chrono::milliseconds delay);
  void Reset();  // forgets messages, counters and tokens

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace qq::notification::testing
