// Small helpers for the services' main(): exiting on start-up errors with a log line,
// waiting for the database, naming this process's stream consumer.
#pragma once

#include <chrono>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/common/migrations.h"

namespace qq {

// Logs `what` with the status and exits with code 1 when the status is not OK.
void ExitIfError(const absl::Status& status, const char* what);

template <typename T>
T ExitIfError(absl::StatusOr<T> value, const char* what) {
  ExitIfError(value.status(), what);
  return std::move(*value);
}

// Applies common + service migrations, retrying while the database is unreachable
// (it may still be starting) for up to `patience`.
absl::Status MigrateWhenReachable(const std::string& dsn, const std::string& service,
                                  const std::vector<Migration>& migrations,
                                  std::chrono::seconds patience);

// "<service>-<hostname>-<pid>": unique per process, so a restarted process's leftover
// pending entries are reclaimed from its predecessor's name.
std::string ConsumerName(const std::string& service);

}  // namespace qq
