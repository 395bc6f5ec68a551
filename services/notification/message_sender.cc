#include "services/notification/message_sender.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/log.h"
#include "services/notification/notification_store.h"

namespace qq::notification {

absl::Duration RetryDelay(int attempt, absl::Duration hint) {
  absl::Duration delay = absl::Seconds(10);
  for (int i = 1; i < attempt && delay < absl::Minutes(30); ++i) delay *= 3;
  delay = std::min(delay, absl::Minutes(30));
  return std::max(delay, hint);
}

MessageSender::MessageSender(NotificationStore& store, ChannelRouter router, Options options)
    : store_(store), router_(std::move(router)), options_(options) {}

MessageSender::~MessageSender() { Stop(); }

void MessageSender::Start() {
  loop_.Start(options_.poll, [this] {
    // Drain: a full batch means more may be due.
    while (SendDue() >= options_.batch) {
    }
  });
}

void MessageSender::Stop() { loop_.Stop(); }

void MessageSender::Wake() { loop_.Wake(); }

int MessageSender::SendDue() {
  auto claimed = store_.Claim(options_.batch, options_.lease);
  if (!claimed.ok()) {
    LogWarn("message sender: claim failed", {{"error", claimed.status().ToString()}});
    return 0;
  }
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < claimed->size(); i = next++) SendOne((*claimed)[i]);
  };
  std::vector<std::thread> helpers;
  const int extra = std::min<int>(options_.parallel, static_cast<int>(claimed->size())) - 1;
  for (int i = 0; i < extra; ++i) helpers.emplace_back(work);
  work();
  for (auto& t : helpers) t.join();
  return static_cast<int>(claimed->size());
}

void MessageSender::SendOne(const ClaimedMessage& m) {
  std::shared_ptr<Channel> channel = router_(m.tenant, m.channel);
  absl::Status recorded;
  if (channel == nullptr) {
    recorded =
        store_.Reschedule(m.id, "", absl::Now() + RetryDelay(m.attempts, absl::ZeroDuration()),
                          absl::StrCat("the tenant's ", m.channel, " provider cannot be used now"));
  } else if (channel->needs_template_code() && m.provider_template.empty()) {
    recorded =
        store_.MarkFailed(m.id, channel->name(),
                          absl::StrCat(channel->name(), " sends only approved templates: the ",
                                       m.channel, " template has no provider template code"));
  } else {
    OutgoingMessage out{.message_id = m.id,
                        .tenant = m.tenant,
                        .recipient = m.recipient,
                        .template_code = m.provider_template,
                        .params = m.params,
                        .body = m.body};
    // The order a staff to-do is about.
    if (!m.work_order_id.empty()) {
      out.extra["order_id"] = m.work_order_id;
      out.extra["order_kind"] = "WORK_ORDER";
    } else if (!m.delivery_order_id.empty()) {
      out.extra["order_id"] = m.delivery_order_id;
      out.extra["order_kind"] = "DELIVERY";
    }
    SendResult result = channel->Send(out);
    switch (result.outcome) {
      case SendResult::Outcome::kSent:
        recorded = store_.MarkSent(m.id, channel->name(), result.provider_message_id);
        break;
      case SendResult::Outcome::kRetry:
        if (m.attempts >= options_.max_attempts) {
          recorded = store_.MarkFailed(
              m.id, channel->name(),
              absl::StrCat("gave up after ", m.attempts, " attempts: ", result.reason));
        } else {
          recorded = store_.Reschedule(
              m.id, channel->name(),
              absl::Now() + RetryDelay(m.attempts, absl::FromChrono(result.retry_after)),
              result.reason);
        }
        break;
      case SendResult::Outcome::kFailed:
        recorded = store_.MarkFailed(m.id, channel->name(), result.reason);
        break;
    }
  }
  if (!recorded.ok()) {
    // The lease runs out and the message is offered again; the provider drops the repeat.
    LogWarn("message sender: outcome not recorded",
            {{"message", m.id}, {"error", recorded.ToString()}});
  }
}

}  // namespace qq::notification
