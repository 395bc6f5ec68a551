// The development provider of every channel: sends nothing, records what it would send
// in dev_sms_sent, one row per message id however often it is asked (a real provider's
// idempotent OutId / SessionContext). Tests and the demo read it as the witness.
#pragma once

#include <string>

#include "services/notification/channels/channel.h"

namespace qq::notification {

class NotificationStore;

class DevChannel final : public Channel {
 public:
  // `channel` is SMS, WECHAT or IN_APP; the name is "dev-sms", "dev-wechat", "dev-in-app".
  DevChannel(NotificationStore& store, std::string channel);
  std::string name() const override { return name_; }
  SendResult Send(const OutgoingMessage& message) override;

 private:
  NotificationStore& store_;
  std::string channel_;
  std::string name_;
};

}  // namespace qq::notification
