#include "services/common/service_main.h"

#include <unistd.h>

#include <cstdlib>
#include <thread>

#include "services/common/log.h"

namespace qq {

void ExitIfError(const absl::Status& status, const char* what) {
  if (status.ok()) return;
  LogError("start-up failed", {{"step", what}, {"error", status.ToString()}});
  std::exit(1);
}

absl::Status MigrateWhenReachable(const std::string& dsn, const std::string& service,
                                  const std::vector<Migration>& migrations,
                                  std::chrono::seconds patience) {
  auto deadline = std::chrono::steady_clock::now() + patience;
  while (true) {
    absl::Status status = ApplyServiceMigrations(dsn, service, migrations);
    if (status.code() != absl::StatusCode::kUnavailable ||
        std::chrono::steady_clock::now() > deadline) {
      return status;
    }
    LogWarn("database not reachable yet; retrying", {{"error", std::string(status.message())}});
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

std::string ConsumerName(const std::string& service) {
  char host[256] = {0};
  gethostname(host, sizeof host - 1);
  return service + "-" + host + "-" + std::to_string(getpid());
}

}  // namespace qq
