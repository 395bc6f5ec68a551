#include "services/notification/channels/in_app_channel.h"

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "qingquan/order/v1/order.grpc.pb.h"
#include "services/common/client.h"
#include "services/common/grpc_status.h"
#include "services/common/metadata.h"
#include "services/common/text/utf8_text.h"
#include "services/notification/channels/send_results.h"

namespace qq::notification {
namespace {

namespace order_v1 = qingquan::order::v1;

// What CreateTodo takes as a title.
constexpr size_t kMaxTitleChars = 200;
constexpr std::chrono::seconds kTokenTtl{300};
// A token is replaced this long before it expires, so none expires on the way.
constexpr std::chrono::seconds kTokenMargin{60};

std::string ExtraOr(const OutgoingMessage& message, const std::string& key) {
  auto it = message.extra.find(key);
  return it == message.extra.end() ? "" : it->second;
}

// Worth another try later: the order service is away, slow, throttling, or still busy
// with the first attempt under the same Idempotency-Key.
bool IsTransient(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE || code == grpc::StatusCode::DEADLINE_EXCEEDED ||
         code == grpc::StatusCode::RESOURCE_EXHAUSTED || code == grpc::StatusCode::ABORTED;
}

}  // namespace

InAppChannel::InAppChannel(const std::string& order_address, TokenIssuer issuer,
                           std::chrono::milliseconds timeout)
    : order_(MakeChannel(order_address)), issuer_(std::move(issuer)), timeout_(timeout) {}

InAppChannel::~InAppChannel() = default;

absl::StatusOr<std::string> InAppChannel::TokenFor(const std::string& tenant) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  auto it = tokens_.find(tenant);
  if (it != tokens_.end() && now < it->second.renew_at) return it->second.token;
  Identity identity{
      tenant, "service:notification", "notification-svc", {std::string(roles::kService)}};
  absl::StatusOr<std::string> token = issuer_.Issue(identity, kTokenTtl);
  if (!token.ok()) return token.status();
  tokens_[tenant] = CachedToken{*token, now + kTokenTtl - kTokenMargin};
  return *token;
}

void InAppChannel::ForgetToken(const std::string& tenant) {
  std::lock_guard lock(mu_);
  tokens_.erase(tenant);
}

SendResult InAppChannel::Send(const OutgoingMessage& message) {
  order_v1::CreateTodoRequest request;
  if (absl::StartsWith(message.recipient, "role:")) {
    request.set_assignee_role(message.recipient.substr(5));
  } else if (absl::StartsWith(message.recipient, "user:")) {
    request.set_assignee_id(message.recipient.substr(5));
  } else {
    return Failed("recipient: must be role:<staff role> or user:<user id>");
  }
  request.set_order_id(ExtraOr(message, "order_id"));
  if (request.order_id().empty()) return Failed("extra.order_id: the order is required");
  request.set_order_kind(ExtraOr(message, "order_kind"));
  request.set_title(text::TruncateChars(text::TrimSpaces(message.body), kMaxTitleChars));
  if (message.message_id.empty()) return Failed("message_id: required as the Idempotency-Key");

  absl::StatusOr<std::string> token = TokenFor(message.tenant);
  if (!token.ok()) return Retry(absl::StrCat("service token: ", token.status().message()));

  grpc::ClientContext ctx;
  PrepareServiceCall(ctx, *token, timeout_);
  ctx.AddMetadata(kIdempotencyKeyHeader, message.message_id);
  order_v1::Todo todo;
  grpc::Status status = order_v1::TodoService::NewStub(order_)->CreateTodo(&ctx, request, &todo);
  if (status.ok()) return Sent(todo.id());
  // A refused token (keys rotated, clocks apart) is not kept for the next message.
  if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED) ForgetToken(message.tenant);
  const absl::Status error = FromGrpcStatus(status);
  std::string reason =
      absl::StrCat(absl::StatusCodeToString(error.code()), ": ", status.error_message());
  if (IsTransient(status.error_code())) return Retry(std::move(reason));
  return Failed(std::move(reason));
}

}  // namespace qq::notification
