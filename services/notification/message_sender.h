// The sender worker: takes due messages off the queue (leased, FOR UPDATE SKIP LOCKED, so
// several processes can send), hands each to its channel outside any transaction and
// records the outcome: sent with the provider's id, retried later with backoff (throttled,
// timeout, provider down), or failed with the provider's reason. A crash between the
// provider's answer and the record leaves the lease to expire and the message is offered
// again; providers get our message id to drop such a repeat.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "services/common/wakeable_loop.h"
#include "services/notification/channels/channel.h"

namespace qq {
class Metrics;
}

namespace qq::notification {

class NotificationStore;
struct ClaimedMessage;

// The channel adapter that delivers a tenant's messages on a channel (SMS, WECHAT,
// IN_APP); nullptr when it cannot be had now (the message waits and is tried again).
using ChannelRouter =
    std::function<std::shared_ptr<Channel>(const std::string& tenant, const std::string& channel)>;

// Delay before attempt `attempt` + 1 after a retryable outcome: 10 s, 30 s, 90 s, …
// capped at 30 minutes; the provider's hint when it asks for longer.
absl::Duration RetryDelay(int attempt, absl::Duration hint);

class MessageSender {
 public:
  struct Options {
    int batch = 200;
    absl::Duration lease = absl::Seconds(60);
    int max_attempts = 8;
    std::chrono::milliseconds poll{250};
    // Messages of a batch handed to providers at the same time (each waits on its
    // provider's answer, not on the others').
    int parallel = 4;
  };
  MessageSender(NotificationStore& store, ChannelRouter router, Options options);
  ~MessageSender();

  void Start();
  void Stop();
  // A message was queued: look at once.
  void Wake();
  // One pass: sends what is due, returns how many were handed to a channel.
  int SendDue();

 private:
  void SendOne(const ClaimedMessage& m);

  NotificationStore& store_;
  ChannelRouter router_;
  Options options_;
  WakeableLoop loop_;
};

}  // namespace qq::notification
