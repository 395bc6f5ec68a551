#include "services/common/call_guard.h"

#include "absl/strings/str_cat.h"
#include "services/common/grpc_status.h"
#include "services/common/metrics.h"
#include "services/common/status.h"

namespace qq {
namespace {

std::string MetadataValue(grpc::CallbackServerContext* ctx, absl::string_view key) {
  const auto& md = ctx->client_metadata();
  auto it = md.find(grpc::string_ref(key.data(), key.size()));
  if (it == md.end()) return "";
  return std::string(it->second.data(), it->second.size());
}

}  // namespace

absl::Status RequireRole(const CallContext& call, std::initializer_list<absl::string_view> roles) {
  if (call.identity.HasRole(roles::kAdmin) || call.identity.HasAnyRole(roles)) {
    return absl::OkStatus();
  }
  std::string wanted;
  for (absl::string_view r : roles) absl::StrAppend(&wanted, wanted.empty() ? "" : ", ", r);
  return absl::PermissionDeniedError(absl::StrCat("this action needs one of the roles: ", wanted));
}

absl::Status CallGuard::UncaughtException(const char* what) {
  LogError("handler threw", {{"exception", what}});
  return absl::InternalError("internal error");
}

std::string CallGuard::RequestIdOf(grpc::CallbackServerContext* ctx) {
  return MetadataValue(ctx, kRequestIdHeader);
}

absl::StatusOr<CallContext> CallGuard::Authenticate(grpc::CallbackServerContext* ctx) const {
  CallContext call;
  call.request_id = RequestIdOf(ctx);
  call.authorization = MetadataValue(ctx, kAuthorizationHeader);
  call.idempotency_key = MetadataValue(ctx, kIdempotencyKeyHeader);
  QQ_ASSIGN_OR_RETURN(call.identity, verifier_.VerifyAuthorizationHeader(call.authorization));
  return call;
}

void CallGuard::RecordOutcome(absl::string_view method, const absl::Status& status,
                              std::chrono::steady_clock::time_point start) {
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_.ObserveRequest(method, CodeName(status.code()), seconds);
  if (!status.ok() && HttpStatusFor(status.code()) >= 500) {
    LogError("rpc failed", {{"method", std::string(method)},
                            {"code", CodeName(status.code())},
                            {"error", std::string(status.message())}});
  }
}

grpc::ServerUnaryReactor* CallGuard::Finish(grpc::CallbackServerContext* ctx,
                                            absl::string_view method, const absl::Status& status,
                                            std::chrono::steady_clock::time_point start) {
  RecordOutcome(method, status, start);
  auto* reactor = ctx->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

}  // namespace qq
