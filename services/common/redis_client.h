// A small synchronous Redis client on hiredis: one connection, serialised by a mutex,
// reconnected on the next command after any I/O error.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

struct redisContext;

namespace qq {

// A reply tree copied out of hiredis so callers never see its types.
struct RedisReply {
  enum class Type { kNil, kString, kInteger, kArray, kStatus, kError };
  Type type = Type::kNil;
  std::string str;  // kString, kStatus, kError
  long long integer = 0;
  std::vector<RedisReply> elements;

  bool is_nil() const { return type == Type::kNil; }
};

// An error reply as a status: UNAVAILABLE for the replies that mean "not now" (LOADING after
// a restart, BUSY, MASTERDOWN, TRYAGAIN, READONLY, MISCONF, CLUSTERDOWN, NOREPLICAS), so
// callers fall back or answer 503; INTERNAL for the rest (a bug: wrong type, bad script).
absl::Status StatusOfRedisError(absl::string_view error);

class RedisClient {
 public:
  // `address` is host:port. Nothing connects until the first command.
  RedisClient(std::string address, std::chrono::milliseconds timeout);
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Sends one command. UNAVAILABLE on connection problems (retried once after a
  // reconnect), INTERNAL carrying Redis' message when Redis answers with an error.
  // `timeout_override` > 0 raises the read timeout for this call (blocking reads).
  absl::StatusOr<RedisReply> Command(const std::vector<std::string>& argv,
                                     std::chrono::milliseconds timeout_override = {});

 private:
  absl::Status ConnectLocked();
  void DisconnectLocked();

  std::string host_;
  int port_ = 0;
  std::chrono::milliseconds timeout_;
  std::mutex mu_;
  redisContext* context_ = nullptr;
};

}  // namespace qq
