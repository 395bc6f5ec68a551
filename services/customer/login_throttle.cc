#include "services/customer/login_throttle.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/log.h"
#include "services/common/redis_client.h"

namespace qq::customer {
namespace {

std::string FailureKey(const std::string& tenant, const std::string& username) {
  return absl::StrCat("qq:login-failures:", tenant, ":", username);
}

}  // namespace

absl::Status LoginThrottle::CheckAllowed(const std::string& tenant, const std::string& username) {
  auto count = redis_.Command({"GET", FailureKey(tenant, username)});
  if (!count.ok()) {
    LogWarn("login throttle unavailable", {{"error", std::string(count.status().message())}});
    return absl::OkStatus();
  }
  long long failures = 0;
  if (!count->is_nil() && !absl::SimpleAtoi(count->str, &failures)) failures = 0;
  if (failures < max_failures_) return absl::OkStatus();
  auto ttl = redis_.Command({"TTL", FailureKey(tenant, username)});
  long long seconds = ttl.ok() && ttl->integer > 0 ? ttl->integer : window_.count();
  return absl::ResourceExhaustedError(absl::StrCat(
      "too many failed logins for this account; try again in ", (seconds + 59) / 60, " minutes"));
}

void LoginThrottle::RecordFailure(const std::string& tenant, const std::string& username) {
  const std::string key = FailureKey(tenant, username);
  // The window starts at the first failure and is not extended by later ones; creating
  // the key with its expiry first means no crash can leave a counter that never expires.
  (void)redis_.Command({"SET", key, "0", "EX", std::to_string(window_.count()), "NX"});
  (void)redis_.Command({"INCR", key});
}

void LoginThrottle::Reset(const std::string& tenant, const std::string& username) {
  (void)redis_.Command({"DEL", FailureKey(tenant, username)});
}

}  // namespace qq::customer
