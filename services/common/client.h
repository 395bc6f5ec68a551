// Outgoing gRPC calls to neighbour services: channels, and a ClientContext with a
// deadline (never an unbounded wait on a neighbour) and the caller's identity forwarded.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <chrono>
#include <memory>
#include <string>

namespace qq {

struct CallContext;

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address);

// Deadline `timeout` from now, plus the caller's Authorization and request id.
void PrepareOutgoingCall(grpc::ClientContext& ctx, const CallContext& call,
                         std::chrono::milliseconds timeout);

// For calls a service makes on its own behalf (e.g. from an event handler), with a
// token it minted for the event's tenant.
void PrepareServiceCall(grpc::ClientContext& ctx, const std::string& bearer_token,
                        std::chrono::milliseconds timeout);

}  // namespace qq
