// Which channel adapter delivers a tenant's messages: the tenant's provider account (Aliyun
// or Tencent SMS, a WeChat app) with its secret opened from the at-rest seal, or the
// development provider when the tenant set none. Adapters are built once and kept for
// `ttl` (a changed account reaches other replicas within it; this process forgets at
// once). Provider endpoints are the service's configuration, never a tenant's, so a tenant
// cannot point our requests elsewhere.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "absl/time/time.h"
#include "services/common/at_rest_cipher.h"
#include "services/notification/channels/channel.h"
#include "services/notification/channels/wechat_channels.h"

namespace qq::notification {

class NotificationStore;
struct ProviderAccountRow;

struct ProviderEndpoints {
  std::string aliyun_sms = "https://dysmsapi.aliyuncs.com/";
  std::string tencent_sms = "https://sms.tencentcloudapi.com";
  std::string wechat_api = "https://api.weixin.qq.com";
  std::chrono::milliseconds timeout{5000};
};

class ProviderDirectory {
 public:
  // `in_app` delivers staff to-dos (the order service's CreateTodo); nullptr: the
  // development provider records them instead.
  ProviderDirectory(NotificationStore& store, const AtRestCipher& cipher,
                    ProviderEndpoints endpoints, std::shared_ptr<Channel> in_app = nullptr,
                    absl::Duration ttl = absl::Seconds(30));

  // The adapter for the tenant's messages on `channel` (SMS, WECHAT, IN_APP); nullptr
  // when the tenant's account cannot be used now (its secret does not open, the database
  // does not answer): the caller retries later.
  std::shared_ptr<Channel> For(const std::string& tenant, const std::string& channel);

  // The tenant changed an account: build its adapters afresh on next use.
  void Forget(const std::string& tenant);

  // The adapter an account describes (the development provider for DEVELOPMENT or no
  // account); INVALID_ARGUMENT / DATA_LOSS when it cannot be built.
  absl::StatusOr<std::shared_ptr<Channel>> Build(const std::string& tenant,
                                                 const std::string& channel,
                                                 const ProviderAccountRow* account);

 private:
  struct Entry {
    std::shared_ptr<Channel> channel;
    absl::Time loaded;
  };

  NotificationStore& store_;
  const AtRestCipher& cipher_;
  ProviderEndpoints endpoints_;
  absl::Duration ttl_;
  WechatAccessTokenCache tokens_;
  std::map<std::string, std::shared_ptr<Channel>> dev_;  // by channel
  std::shared_ptr<Channel> in_app_;
  std::mutex mu_;
  std::map<std::pair<std::string, std::string>, Entry> entries_;  // (tenant, channel)
};

}  // namespace qq::notification
