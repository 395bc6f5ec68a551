#include "services/notification/channels/wechat_channels.h"

#include <boost/json.hpp>

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/notification/channels/request_signing.h"
#include "services/notification/channels/send_results.h"

namespace qq::notification {
namespace {

namespace json = boost::json;
using SteadyClock = std::chrono::steady_clock;

constexpr char kJson[] = "application/json; charset=utf-8";

std::string StringField(const json::object& object, const char* key) {
  const json::value* v = object.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

// errcode and msgid are numbers; accept numeric strings too.
bool IntField(const json::object& object, const char* key, int64_t* out) {
  const json::value* v = object.if_contains(key);
  if (v == nullptr) return false;
  if (v->is_int64())
    *out = v->get_int64();
  else if (v->is_uint64())
    *out = static_cast<int64_t>(v->get_uint64());
  else if (v->is_string())
    *out = std::atoll(v->get_string().c_str());
  else
    return false;
  return true;
}

std::string MsgIdOf(const json::object& object) {
  const json::value* v = object.if_contains("msgid");
  if (v == nullptr) return "";
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return absl::StrCat(v->get_int64());
  if (v->is_uint64()) return absl::StrCat(v->get_uint64());
  return "";
}

bool IsTokenRejected(int64_t errcode) {
  return errcode == 40001 || errcode == 42001 || errcode == 40014;
}

std::chrono::milliseconds Remaining(SteadyClock::time_point deadline) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
}

SendResult FromErrcode(int64_t errcode, const std::string& errmsg, const std::string& msgid) {
  if (errcode == 0) return Sent(msgid);
  if (errcode == 43101) {
    return Failed(absl::StrCat(
        "43101: the user has not accepted this subscription message (or has used it up): ",
        errmsg));
  }
  std::string reason = absl::StrCat(errcode, ": ", errmsg);
  if (errcode == -1) return Retry(absl::StrCat("-1 (WeChat busy): ", errmsg));
  if (errcode == 45009) return Retry(std::move(reason), std::chrono::hours(1));  // daily quota
  if (errcode == 45011) return Retry(std::move(reason), std::chrono::seconds(60));
  return Failed(std::move(reason));
}

SendResult FromTokenStatus(const absl::Status& status) {
  std::string reason = absl::StrCat("access token: ", status.message());
  if (absl::IsPermissionDenied(status)) return Failed(std::move(reason));
  if (absl::IsResourceExhausted(status)) return Retry(std::move(reason), std::chrono::hours(1));
  return Retry(std::move(reason));
}

// Posts `body` to `path` with the app's token, fetching a new token and posting once more
// when WeChat calls the token invalid or expired.
SendResult PostWithToken(const WechatAppOptions& app, WechatAccessTokenCache& tokens,
                         const HttpClient& http, const std::string& path, const std::string& body) {
  const SteadyClock::time_point deadline = SteadyClock::now() + app.timeout;
  for (int attempt = 0;; ++attempt) {
    absl::StatusOr<std::string> token = tokens.Get(app, deadline);
    if (!token.ok()) return FromTokenStatus(token.status());
    const std::chrono::milliseconds remaining = Remaining(deadline);
    if (remaining.count() <= 0) return Retry("timeout: no time left after the token fetch");
    const HttpResponse response =
        http.Post(absl::StrCat(app.api_base, path, "?access_token=", AliyunPercentEncode(*token)),
                  {{"Content-Type", kJson}}, body, remaining);
    if (response.transport_failed() || response.status >= 500 || response.status == 429) {
      return RetryTransport(response);
    }
    boost::system::error_code ec;
    const json::value parsed = json::parse(response.body, ec);
    int64_t errcode = 0;
    if (ec || !parsed.is_object() || !IntField(parsed.get_object(), "errcode", &errcode)) {
      return Failed(absl::StrCat("unexpected answer: HTTP ", response.status));
    }
    const json::object& object = parsed.get_object();
    if (IsTokenRejected(errcode)) {
      tokens.Invalidate(app.app_id, *token);
      if (attempt == 0) continue;
      return Retry(absl::StrCat(errcode, ": ", StringField(object, "errmsg")));
    }
    return FromErrcode(errcode, StringField(object, "errmsg"), MsgIdOf(object));
  }
}

json::object DataOf(const OutgoingMessage& message) {
  json::object data;
  for (const auto& [key, value] : message.params) data[key] = json::object{{"value", value}};
  return data;
}

const std::string* ExtraOf(const OutgoingMessage& message, const char* key) {
  auto it = message.extra.find(key);
  return it == message.extra.end() || it->second.empty() ? nullptr : &it->second;
}

}  // namespace

WechatAccessTokenCache::WechatAccessTokenCache(HttpClient http, Clock clock)
    : http_(std::move(http)), clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return SteadyClock::now(); };
}

absl::StatusOr<std::string> WechatAccessTokenCache::Get(const WechatAppOptions& app,
                                                        SteadyClock::time_point deadline) {
  std::unique_lock lock(mu_);
  Entry& entry = entries_[app.app_id];
  while (true) {
    const auto now = clock_();
    if (!entry.token.empty() && now < entry.refresh_at) return entry.token;
    if (!entry.fetching) break;
    // Someone is fetching: an old token that still works beats waiting for the new one.
    if (!entry.token.empty() && now < entry.expires_at) return entry.token;
    const uint64_t generation = entry.generation;
    if (!fetched_.wait_until(lock, deadline, [&] { return entry.generation != generation; })) {
      return absl::UnavailableError("timed out waiting for another caller's token fetch");
    }
    if (!entry.token.empty() && clock_() < entry.expires_at) return entry.token;
    if (!entry.last_error.ok()) return entry.last_error;
  }

  entry.fetching = true;
  lock.unlock();
  const std::chrono::milliseconds remaining = Remaining(deadline);
  absl::StatusOr<std::pair<std::string, std::chrono::seconds>> fetched =
      remaining.count() > 0 ? Fetch(app, remaining)
                            : absl::UnavailableError("no time left to fetch a token");
  lock.lock();
  entry.fetching = false;
  ++entry.generation;
  fetched_.notify_all();
  if (!fetched.ok()) {
    entry.last_error = fetched.status();
    if (!entry.token.empty() && clock_() < entry.expires_at) return entry.token;
    return fetched.status();
  }
  const std::chrono::seconds lifetime = fetched->second;
  const std::chrono::seconds margin = std::min<std::chrono::seconds>(
      std::chrono::minutes(5), std::chrono::seconds(lifetime.count() / 10));
  entry.token = std::move(fetched->first);
  entry.last_error = absl::OkStatus();
  entry.expires_at = clock_() + lifetime;
  entry.refresh_at = entry.expires_at - margin;
  return entry.token;
}

void WechatAccessTokenCache::Invalidate(const std::string& app_id, const std::string& token) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(app_id);
  if (it != entries_.end() && it->second.token == token) it->second.token.clear();
}

absl::StatusOr<std::pair<std::string, std::chrono::seconds>> WechatAccessTokenCache::Fetch(
    const WechatAppOptions& app, std::chrono::milliseconds timeout) const {
  const HttpResponse response =
      http_.Get(absl::StrCat(app.api_base, "/cgi-bin/token?grant_type=client_credential&appid=",
                             AliyunPercentEncode(app.app_id),
                             "&secret=", AliyunPercentEncode(app.app_secret)),
                {}, timeout);
  if (response.transport_failed()) return absl::UnavailableError(response.error);
  if (response.status >= 500 || response.status == 429) {
    return absl::UnavailableError(absl::StrCat("HTTP ", response.status));
  }
  boost::system::error_code ec;
  const json::value parsed = json::parse(response.body, ec);
  if (ec || !parsed.is_object()) {
    return absl::UnavailableError(absl::StrCat("unexpected answer: HTTP ", response.status));
  }
  const json::object& object = parsed.get_object();
  const std::string token = StringField(object, "access_token");
  int64_t expires_in = 0;
  if (!token.empty() && IntField(object, "expires_in", &expires_in) && expires_in > 0) {
    return std::make_pair(token, std::chrono::seconds(expires_in));
  }
  int64_t errcode = 0;
  IntField(object, "errcode", &errcode);
  const std::string reason = absl::StrCat(errcode, ": ", StringField(object, "errmsg"));
  if (errcode == -1) return absl::UnavailableError(reason);
  if (errcode == 45009) return absl::ResourceExhaustedError(reason);
  return absl::PermissionDeniedError(reason);
}

WechatSubscribeChannel::WechatSubscribeChannel(WechatAppOptions app, WechatAccessTokenCache& tokens,
                                               std::string miniprogram_state, HttpClient http)
    : app_(std::move(app)),
      tokens_(tokens),
      miniprogram_state_(std::move(miniprogram_state)),
      http_(std::move(http)) {}

SendResult WechatSubscribeChannel::Send(const OutgoingMessage& message) {
  json::object body;
  body["touser"] = message.recipient;
  body["template_id"] = message.template_code;
  if (const std::string* page = ExtraOf(message, "page")) body["page"] = *page;
  body["data"] = DataOf(message);
  const std::string* state = ExtraOf(message, "miniprogram_state");
  body["miniprogram_state"] = state != nullptr ? *state : miniprogram_state_;
  body["lang"] = "zh_CN";
  SendResult result =
      PostWithToken(app_, tokens_, http_, "/cgi-bin/message/subscribe/send", json::serialize(body));
  if (result.outcome != SendResult::Outcome::kSent) LogUnsent(name(), message.message_id, result);
  return result;
}

WechatTemplateChannel::WechatTemplateChannel(WechatAppOptions app, WechatAccessTokenCache& tokens,
                                             HttpClient http)
    : app_(std::move(app)), tokens_(tokens), http_(std::move(http)) {}

SendResult WechatTemplateChannel::Send(const OutgoingMessage& message) {
  json::object body;
  body["touser"] = message.recipient;
  body["template_id"] = message.template_code;
  if (const std::string* url = ExtraOf(message, "url")) body["url"] = *url;
  const std::string* mp_app = ExtraOf(message, "miniprogram_appid");
  if (mp_app != nullptr) {
    json::object miniprogram{{"appid", *mp_app}};
    if (const std::string* path = ExtraOf(message, "miniprogram_pagepath")) {
      miniprogram["pagepath"] = *path;
    }
    body["miniprogram"] = std::move(miniprogram);
  }
  body["data"] = DataOf(message);
  if (!message.message_id.empty()) body["client_msg_id"] = message.message_id;
  SendResult result =
      PostWithToken(app_, tokens_, http_, "/cgi-bin/message/template/send", json::serialize(body));
  if (result.outcome != SendResult::Outcome::kSent) LogUnsent(name(), message.message_id, result);
  return result;
}

}  // namespace qq::notification
