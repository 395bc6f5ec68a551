// Slows down password guessing: after `max_failures` wrong passwords for one account
// within `window`, further logins to it are refused until the window passes. Counts
// live in Redis so every customer-svc instance sees them.
#pragma once

#include <chrono>
#include <string>

#include "absl/status/status.h"

namespace qq {
class RedisClient;
}

namespace qq::customer {

class LoginThrottle {
 public:
  LoginThrottle(RedisClient& redis, int max_failures, std::chrono::seconds window)
      : redis_(redis), max_failures_(max_failures), window_(window) {}

  // RESOURCE_EXHAUSTED while the account is locked. When Redis is unreachable the
  // login proceeds (logged): an outage of the limiter must not lock everyone out.
  absl::Status CheckAllowed(const std::string& tenant, const std::string& username);
  void RecordFailure(const std::string& tenant, const std::string& username);
  void Reset(const std::string& tenant, const std::string& username);

 private:
  RedisClient& redis_;
  int max_failures_;
  std::chrono::seconds window_;
};

}  // namespace qq::customer
