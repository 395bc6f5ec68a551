// Building SendResults, shared by the channels (internal to this folder).
#pragma once

#include <chrono>
#include <string>

#include "services/notification/channels/channel.h"
#include "services/notification/channels/http_client.h"

namespace qq::notification {

SendResult Sent(std::string provider_message_id);
SendResult Retry(std::string reason, std::chrono::seconds after = std::chrono::seconds(0));
SendResult Failed(std::string reason);

// A response that never came (timeout, refused, reset, TLS) or a 5xx/429 without a body
// we understand: worth another try.
SendResult RetryTransport(const HttpResponse& response);

// One log line per unsuccessful send: channel name, our message id, outcome and the
// provider's reason. Never the recipient, the request or any credential.
void LogUnsent(const std::string& channel, const std::string& message_id, const SendResult& result);

}  // namespace qq::notification
