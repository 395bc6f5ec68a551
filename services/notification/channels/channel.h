// A delivery channel: one provider API (an SMS gateway, a WeChat message API) behind one
// blocking call. The sender worker queues messages in the database and calls Send
// outside any transaction, retrying kRetry outcomes with backoff.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace qq::notification {

struct OutgoingMessage {
  std::string message_id;  // our uuid; providers that take an idempotency/session id get it
  std::string tenant;
  std::string recipient;      // mainland mobile "13912345678", or a WeChat openid
  std::string template_code;  // Aliyun TemplateCode, Tencent TemplateId, WeChat template_id
  std::vector<std::pair<std::string, std::string>> params;  // ordered named values
  std::string body;                          // rendered text (the dev provider records it)
  std::map<std::string, std::string> extra;  // "page" (mini-program), "url" (OA template) …
};

struct SendResult {
  // kRetry: throttled, timeout, 5xx, network. kFailed: permanent (invalid number or
  // template, bad credentials, user not subscribed).
  enum class Outcome { kSent, kRetry, kFailed };
  Outcome outcome = Outcome::kFailed;
  std::string provider_message_id;  // Aliyun BizId, Tencent SerialNo, WeChat msgid
  std::string reason;  // provider code and message for people: "isv.MOBILE_NUMBER_ILLEGAL: …"
  std::chrono::seconds retry_after{0};  // a hint; 0 leaves it to the caller's backoff
};

class Channel {
 public:
  virtual ~Channel() = default;
  // "aliyun-sms", "tencent-sms", "wechat-mp-subscribe", "wechat-oa-template".
  virtual std::string name() const = 0;
  // Blocking, bounded by the channel's configured timeout; never throws.
  virtual SendResult Send(const OutgoingMessage& message) = 0;
  // True for providers that send only templates approved with them (the message's
  // template_code): a message without one cannot go out on this channel.
  virtual bool needs_template_code() const { return false; }
};

}  // namespace qq::notification
