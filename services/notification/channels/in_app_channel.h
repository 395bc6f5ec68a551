// In-app delivery: a staff reminder lands as a to-do in the order service (TodoService.
// CreateTodo), where staff already see their to-dos, instead of going out to a phone.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "absl/status/statusor.h"
#include "services/common/auth.h"
#include "services/notification/channels/channel.h"

namespace grpc {
class Channel;
}

namespace qq::notification {

// Sends a message as a REMINDER to-do about an order:
//   recipient            "role:<staff role>" (e.g. "role:manager") or "user:<user id>"
//   extra["order_id"]    the work order or delivery order it is about (required)
//   extra["order_kind"]  "WORK_ORDER" (default) or "DELIVERY"
//   body                 the to-do's title (cut to 200 characters)
// The message id is the call's Idempotency-Key, so a retried send adds one to-do. Calls
// carry a service token minted here for the message's tenant (role "service"), kept per
// tenant until a minute before it expires. Thread-safe.
class InAppChannel final : public Channel {
 public:
  // `order_address` is the order service's gRPC address; `timeout` bounds each Send.
  InAppChannel(const std::string& order_address, TokenIssuer issuer,
               std::chrono::milliseconds timeout);
  ~InAppChannel() override;

  std::string name() const override { return "in-app"; }
  // kSent with the to-do's id as provider_message_id. kRetry while the order service is
  // away, slow, throttling or busy with the same key (UNAVAILABLE, DEADLINE_EXCEEDED,
  // RESOURCE_EXHAUSTED, ABORTED); kFailed for the rest ("NOT_FOUND: no such order"), and
  // for a message without a recipient or order it understands.
  SendResult Send(const OutgoingMessage& message) override;

 private:
  struct CachedToken {
    std::string token;
    std::chrono::steady_clock::time_point renew_at;
  };

  absl::StatusOr<std::string> TokenFor(const std::string& tenant);
  void ForgetToken(const std::string& tenant);

  std::shared_ptr<grpc::Channel> order_;
  TokenIssuer issuer_;
  std::chrono::milliseconds timeout_;
  std::mutex mu_;
  std::map<std::string, CachedToken> tokens_;  // by tenant, guarded by mu_
};

}  // namespace qq::notification
