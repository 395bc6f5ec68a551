#include "services/notification/provider_directory.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/log.h"
#include "services/notification/channels/aliyun_sms_channel.h"
#include "services/notification/channels/tencent_sms_channel.h"
#include "services/notification/dev_channel.h"
#include "services/notification/notification_store.h"

namespace qq::notification {

ProviderDirectory::ProviderDirectory(NotificationStore& store, const AtRestCipher& cipher,
                                     ProviderEndpoints endpoints, std::shared_ptr<Channel> in_app,
                                     absl::Duration ttl)
    : store_(store),
      cipher_(cipher),
      endpoints_(std::move(endpoints)),
      ttl_(ttl),
      in_app_(std::move(in_app)) {
  for (const char* channel : {"SMS", "WECHAT", "IN_APP"}) {
    dev_[channel] = std::make_shared<DevChannel>(store_, channel);
  }
}

absl::StatusOr<std::shared_ptr<Channel>> ProviderDirectory::Build(
    const std::string& tenant, const std::string& channel, const ProviderAccountRow* account) {
  if (account == nullptr || account->provider == "DEVELOPMENT") {
    auto dev = dev_.find(channel);
    if (dev == dev_.end()) return absl::InvalidArgumentError("no such channel: " + channel);
    return dev->second;
  }
  std::string secret;
  if (!account->secret_sealed.empty()) {
    auto opened = cipher_.Open(account->secret_key_id, tenant, account->secret_sealed);
    if (!opened.ok()) return opened.status();
    secret = *std::move(opened);
  }
  if (account->provider == "ALIYUN_SMS") {
    AliyunSmsOptions o;
    o.endpoint = endpoints_.aliyun_sms;
    o.access_key_id = account->key_id;
    o.access_key_secret = secret;
    o.sign_name = account->sign_name;
    if (!account->region.empty()) o.region_id = account->region;
    o.timeout = endpoints_.timeout;
    return std::shared_ptr<Channel>(std::make_shared<AliyunSmsChannel>(o));
  }
  if (account->provider == "TENCENT_SMS") {
    TencentSmsOptions o;
    o.endpoint = endpoints_.tencent_sms;
    o.secret_id = account->key_id;
    o.secret_key = secret;
    o.sdk_app_id = account->sdk_app_id;
    o.sign_name = account->sign_name;
    if (!account->region.empty()) o.region = account->region;
    o.timeout = endpoints_.timeout;
    return std::shared_ptr<Channel>(std::make_shared<TencentSmsChannel>(o));
  }
  WechatAppOptions app;
  app.api_base = endpoints_.wechat_api;
  app.app_id = account->key_id;
  app.app_secret = secret;
  app.timeout = endpoints_.timeout;
  if (account->provider == "WECHAT_MINI_PROGRAM") {
    return std::shared_ptr<Channel>(std::make_shared<WechatSubscribeChannel>(app, tokens_));
  }
  if (account->provider == "WECHAT_OFFICIAL_ACCOUNT") {
    return std::shared_ptr<Channel>(std::make_shared<WechatTemplateChannel>(app, tokens_));
  }
  return absl::InvalidArgumentError("unknown provider " + account->provider);
}

std::shared_ptr<Channel> ProviderDirectory::For(const std::string& tenant,
                                                const std::string& channel) {
  const auto key = std::make_pair(tenant, channel);
  const absl::Time now = absl::Now();
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = entries_.find(key);
    if (it != entries_.end() && now - it->second.loaded < ttl_) return it->second.channel;
  }
  std::shared_ptr<Channel> built;
  if (channel == "IN_APP") {
    built = in_app_ != nullptr ? in_app_ : dev_.at("IN_APP");
  } else {
    auto account = store_.GetProviderAccount(tenant, channel);
    if (!account.ok()) return nullptr;
    auto made = Build(tenant, channel, account->has_value() ? &**account : nullptr);
    if (!made.ok()) {
      LogError("provider account unusable; messages wait",
               {{"tenant", tenant}, {"channel", channel}, {"error", made.status().ToString()}});
      return nullptr;
    }
    built = *std::move(made);
  }
  std::lock_guard<std::mutex> lock(mu_);
  entries_[key] = Entry{built, now};
  return built;
}

void ProviderDirectory::Forget(const std::string& tenant) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = entries_.begin(); it != entries_.end();) {
    it = it->first.first == tenant ? entries_.erase(it) : std::next(it);
  }
}

}  // namespace qq::notification
