// The single entry of every RPC handler: authenticates the caller from the forwarded
// access token (health checks never reach here), sets the log context, runs the
// handler, maps its absl::Status to gRPC once, and records metrics. A handler that
// throws gets INTERNAL instead of taking the process down.
#pragma once

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <chrono>
#include <initializer_list>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/common/auth.h"
#include "services/common/grpc_status.h"
#include "services/common/log.h"
#include "services/common/metadata.h"
#include "services/common/worker_pool.h"

namespace qq {

class Metrics;

struct CallContext {
  Identity identity;
  std::string request_id;
  // "Bearer <token>", forwarded on calls this call makes to other services.
  std::string authorization;
  // The client's Idempotency-Key, if any (see idempotency.h).
  std::string idempotency_key;
};

// PERMISSION_DENIED unless the caller holds one of `roles` (admin always passes).
absl::Status RequireRole(const CallContext& call, std::initializer_list<absl::string_view> roles);

class CallGuard {
 public:
  CallGuard(const TokenVerifier& verifier, Metrics& metrics)
      : verifier_(verifier), metrics_(metrics) {}

  // `handler(const CallContext&)` returns absl::Status and fills the response.
  template <typename Handler>
  grpc::ServerUnaryReactor* Unary(grpc::CallbackServerContext* ctx, absl::string_view method,
                                  Handler&& handler) {
    auto start = std::chrono::steady_clock::now();
    absl::Status status = Run(ctx, handler);
    return Finish(ctx, method, status, start);
  }

  // Handlers run Offloaded() go to this pool instead of the gRPC callback thread.
  void OffloadTo(WorkerPool* workers) { workers_ = workers; }

  // Same as Unary, with the handler run on the OffloadTo() pool (inline without one). The
  // handler is copied there and runs after the method returned, so it must capture by
  // value: `[this, request, response]` (they stay valid until the call finishes), never
  // `[&]`.
  template <typename Handler>
  grpc::ServerUnaryReactor* Offloaded(grpc::CallbackServerContext* ctx, absl::string_view method,
                                      Handler handler) {
    if (workers_ == nullptr) return Unary(ctx, method, std::move(handler));
    auto start = std::chrono::steady_clock::now();
    auto* reactor = ctx->DefaultReactor();
    workers_->Submit([this, ctx, reactor, method = std::string(method),
                      handler = std::move(handler), start]() mutable {
      absl::Status status = Run(ctx, handler);
      RecordOutcome(method, status, start);
      reactor->Finish(ToGrpcStatus(status));
    });
    return reactor;
  }

  // Client-streaming handlers (their reactor outlives the method call): authenticate
  // with this when the call starts, and on finishing report the outcome with
  // RecordOutcome and finish the reactor with ToGrpcStatus (grpc_status.h).
  absl::StatusOr<CallContext> AuthenticateStream(grpc::CallbackServerContext* ctx) const {
    return Authenticate(ctx);
  }
  void RecordOutcome(absl::string_view method, const absl::Status& status,
                     std::chrono::steady_clock::time_point start);

  // Runs `fn` (returning a Status or StatusOr); an exception escaping it is logged and
  // becomes INTERNAL. Unary handlers run through it; streaming reactors call it directly.
  template <typename Fn>
  static auto RunGuarded(Fn&& fn) -> decltype(fn()) {
    try {
      return fn();
    } catch (const std::exception& e) {
      return UncaughtException(e.what());
    }
  }

  // For the few RPCs callable without a token (login).
  template <typename Handler>
  grpc::ServerUnaryReactor* PublicUnary(grpc::CallbackServerContext* ctx, absl::string_view method,
                                        Handler&& handler) {
    auto start = std::chrono::steady_clock::now();
    std::string request_id = RequestIdOf(ctx);
    ScopedLogContext log_context(request_id, "");
    absl::Status status = RunGuarded([&] { return handler(request_id); });
    return Finish(ctx, method, status, start);
  }

 private:
  // Authenticates the call, then runs `handler` with the caller's log context.
  template <typename Handler>
  absl::Status Run(grpc::CallbackServerContext* ctx, Handler& handler) {
    absl::StatusOr<CallContext> call = Authenticate(ctx);
    if (!call.ok()) return call.status();
    ScopedLogContext log_context(call->request_id, call->identity.tenant);
    return RunGuarded([&] { return handler(*call); });
  }

  static absl::Status UncaughtException(const char* what);
  static std::string RequestIdOf(grpc::CallbackServerContext* ctx);
  absl::StatusOr<CallContext> Authenticate(grpc::CallbackServerContext* ctx) const;
  grpc::ServerUnaryReactor* Finish(grpc::CallbackServerContext* ctx, absl::string_view method,
                                   const absl::Status& status,
                                   std::chrono::steady_clock::time_point start);

  const TokenVerifier& verifier_;
  Metrics& metrics_;
  WorkerPool* workers_ = nullptr;
};

}  // namespace qq
