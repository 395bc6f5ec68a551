#include "services/common/client.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "services/common/call_guard.h"

namespace qq {

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address) {
  grpc::ChannelArguments args;
  // Fail fast on a dead neighbour instead of queueing behind reconnect back-off.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
}

void PrepareOutgoingCall(grpc::ClientContext& ctx, const CallContext& call,
                         std::chrono::milliseconds timeout) {
  ctx.set_deadline(std::chrono::system_clock::now() + timeout);
  if (!call.authorization.empty()) ctx.AddMetadata(kAuthorizationHeader, call.authorization);
  if (!call.request_id.empty()) ctx.AddMetadata(kRequestIdHeader, call.request_id);
}

void PrepareServiceCall(grpc::ClientContext& ctx, const std::string& bearer_token,
                        std::chrono::milliseconds timeout) {
  ctx.set_deadline(std::chrono::system_clock::now() + timeout);
  ctx.AddMetadata(kAuthorizationHeader, "Bearer " + bearer_token);
}

}  // namespace qq
