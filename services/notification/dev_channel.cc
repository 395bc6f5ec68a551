#include "services/notification/dev_channel.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "services/notification/notification_store.h"

namespace qq::notification {

DevChannel::DevChannel(NotificationStore& store, std::string channel)
    : store_(store),
      channel_(std::move(channel)),
      name_(absl::StrCat("dev-",
                         absl::StrReplaceAll(absl::AsciiStrToLower(channel_), {{"_", "-"}}))) {}

SendResult DevChannel::Send(const OutgoingMessage& message) {
  SendResult result;
  absl::Status recorded =
      store_.RecordDevDelivery(message.message_id, channel_, message.recipient, message.body);
  if (!recorded.ok()) {
    result.outcome = SendResult::Outcome::kRetry;
    result.reason = std::string(recorded.message());
    return result;
  }
  result.outcome = SendResult::Outcome::kSent;
  result.provider_message_id = absl::StrCat("dev-", message.message_id);
  return result;
}

}  // namespace qq::notification
