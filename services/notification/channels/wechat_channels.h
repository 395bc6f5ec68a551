// WeChat delivery: the access-token cache every WeChat API call needs, the mini-program
// subscribe message (一次性订阅消息) and the official-account template message.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "services/notification/channels/channel.h"
#include "services/notification/channels/http_client.h"

namespace qq::notification {

struct WechatAppOptions {
  std::string api_base = "https://api.weixin.qq.com";
  std::string app_id;
  std::string app_secret;  // a secret: never logged
  // Bounds a whole Send: token fetch (or the wait for another caller's fetch) and the
  // call or two to the message API.
  std::chrono::milliseconds timeout{5000};
};

// Access tokens by app id, in memory (per process), fetched from
// GET {api_base}/cgi-bin/token?grant_type=client_credential&appid=…&secret=….
// A token is used until min(5 min, 10 % of expires_in) before it expires; then the next
// caller fetches a new one while the others keep using the old one. Concurrent callers
// that have no usable token wait for one fetch (single flight). Thread-safe.
class WechatAccessTokenCache {
 public:
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  // `clock` (for expiry only; waits use real time) defaults to the steady clock.
  explicit WechatAccessTokenCache(HttpClient http = HttpClient(), Clock clock = nullptr);

  // A usable token for `app`, fetching one if needed, within `deadline`.
  // UNAVAILABLE: network failure, timeout, 5xx, WeChat busy (-1), or no fetch finished in
  // time. RESOURCE_EXHAUSTED: token quota reached (45009). PERMISSION_DENIED: WeChat
  // refused the app id or secret (40013, 40125, 40001, IP not whitelisted 40164 …).
  absl::StatusOr<std::string> Get(const WechatAppOptions& app,
                                  std::chrono::steady_clock::time_point deadline);

  // Forgets `token` for `app_id` after WeChat called it invalid or expired; a no-op when
  // another caller has already replaced it.
  void Invalidate(const std::string& app_id, const std::string& token);

 private:
  struct Entry {
    std::string token;
    std::chrono::steady_clock::time_point refresh_at;
    std::chrono::steady_clock::time_point expires_at;
    bool fetching = false;
    uint64_t generation = 0;  // completed fetches
    absl::Status last_error;
  };

  absl::StatusOr<std::pair<std::string, std::chrono::seconds>> Fetch(
      const WechatAppOptions& app, std::chrono::milliseconds timeout) const;

  HttpClient http_;
  Clock clock_;
  std::mutex mu_;
  std::condition_variable fetched_;
  std::map<std::string, Entry> entries_;  // by app id; nodes stay put
};

// POST {api_base}/cgi-bin/message/subscribe/send. `recipient` is the user's openid in the
// mini-program, `template_code` the template_id, params become data {key: {value}},
// extra["page"] the page opened from the card, extra["miniprogram_state"] (developer,
// trial, formal) overrides the configured state. Tracking which subscriptions a user has
// accepted is the caller's business; an unaccepted or used-up one answers 43101 → kFailed.
class WechatSubscribeChannel final : public Channel {
 public:
  // `tokens` must outlive the channel.
  WechatSubscribeChannel(WechatAppOptions app, WechatAccessTokenCache& tokens,
                         std::string miniprogram_state = "formal", HttpClient http = HttpClient());

  std::string name() const override { return "wechat-mp-subscribe"; }
  bool needs_template_code() const override { return true; }
  // errcode 0 → kSent (msgid). 43101 not subscribed, 40003 invalid openid, 40037 invalid
  // template, 47003 bad data, 41030 bad page, … → kFailed. 45009 quota, -1 busy, 5xx,
  // transport → kRetry. An invalid or expired token (40001, 42001, 40014) is refetched and
  // the message sent once more.
  SendResult Send(const OutgoingMessage& message) override;

 private:
  WechatAppOptions app_;
  WechatAccessTokenCache& tokens_;
  std::string miniprogram_state_;
  HttpClient http_;
};

// POST {api_base}/cgi-bin/message/template/send for an official account. `recipient` is
// the openid in the account, extra["url"] the link, extra["miniprogram_appid"] and
// extra["miniprogram_pagepath"] a mini-program page instead; our message id goes in
// client_msg_id, WeChat's duplicate guard.
class WechatTemplateChannel final : public Channel {
 public:
  // `tokens` must outlive the channel.
  WechatTemplateChannel(WechatAppOptions app, WechatAccessTokenCache& tokens,
                        HttpClient http = HttpClient());

  std::string name() const override { return "wechat-oa-template"; }
  bool needs_template_code() const override { return true; }
  // As WechatSubscribeChannel::Send; 43004 (user does not follow the account) → kFailed.
  SendResult Send(const OutgoingMessage& message) override;

 private:
  WechatAppOptions app_;
  WechatAccessTokenCache& tokens_;
  HttpClient http_;
};

}  // namespace qq::notification
