#include "services/notification/channels/send_results.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/log.h"

namespace qq::notification {

SendResult Sent(std::string provider_message_id) {
  SendResult result;
  result.outcome = SendResult::Outcome::kSent;
  result.provider_message_id = std::move(provider_message_id);
  return result;
}

SendResult Retry(std::string reason, std::chrono::seconds after) {
  SendResult result;
  result.outcome = SendResult::Outcome::kRetry;
  result.reason = std::move(reason);
  result.retry_after = after;
  return result;
}

SendResult Failed(std::string reason) {
  SendResult result;
  result.outcome = SendResult::Outcome::kFailed;
  result.reason = std::move(reason);
  return result;
}

SendResult RetryTransport(const HttpResponse& response) {
  if (response.transport_failed()) {
    return Retry(absl::StrCat(response.timed_out ? "timeout: " : "transport: ", response.error));
  }
  return Retry(absl::StrCat("HTTP ", response.status));
}

void LogUnsent(const std::string& channel, const std::string& message_id,
               const SendResult& result) {
  const bool retry = result.outcome == SendResult::Outcome::kRetry;
  LogWarn(retry ? "notification not sent, will retry" : "notification failed",
          {{"channel", channel}, {"message_id", message_id}, {"reason", result.reason}});
}

}  // namespace qq::notification
