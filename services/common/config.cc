#include "services/common/config.h"

#include <cstdio>
#include <cstdlib>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "services/common/status.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:0", "Address the server listens on (host:port).");
ABSL_FLAG(std::string, admin_listen, "",
          "Address of the Prometheus /metrics endpoint; empty: off.");
ABSL_FLAG(std::string, pg_dsn, "", "PostgreSQL connection string of this service's database.");
ABSL_FLAG(int32_t, pg_pool_size, 8, "PostgreSQL connections kept by this service.");
ABSL_FLAG(std::string, redis_addr, "127.0.0.1:6379", "Redis host:port.");
ABSL_FLAG(std::string, jwt_keys, "", "Access-token keys, 'kid:secret,...'; the first one signs.");
ABSL_FLAG(bool, load_demo_data, false, "Create the demo tenants' data at start-up if missing.");
ABSL_FLAG(std::string, log_level, "info", "debug, info, warn or error.");
ABSL_FLAG(std::string, customer_addr, "127.0.0.1:50051", "customer-svc gRPC host:port.");
ABSL_FLAG(std::string, order_addr, "127.0.0.1:50052", "order-svc gRPC host:port.");
ABSL_FLAG(std::string, dispatch_addr, "127.0.0.1:50053", "dispatch-svc gRPC host:port.");
ABSL_FLAG(std::string, notification_addr, "127.0.0.1:50054", "notification-svc gRPC host:port.");
ABSL_FLAG(std::string, analytics_addr, "127.0.0.1:50055", "analytics-svc gRPC host:port.");

namespace qq {

std::vector<char*> InitFlags(int argc, char** argv, const char* usage) {
  absl::SetProgramUsageMessage(usage);
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    std::string env_name = "QQ_" + absl::AsciiStrToUpper(name);
    const char* value = std::getenv(env_name.c_str());
    if (value == nullptr) continue;
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      std::fprintf(stderr, "invalid %s=%s: %s\n", env_name.c_str(), value, error.c_str());
      std::exit(2);
    }
  }
  return absl::ParseCommandLine(argc, argv);
}

absl::StatusOr<HostPort> ParseHostPort(const std::string& flag, const std::string& value) {
  size_t colon = value.rfind(':');
  HostPort hp;
  if (colon == std::string::npos || !absl::SimpleAtoi(value.substr(colon + 1), &hp.port) ||
      hp.port < 0 || hp.port > 65535) {
    return InvalidField(flag, "expected host:port, got '" + value + "'");
  }
  hp.host = value.substr(0, colon);
  if (hp.host.empty()) hp.host = "127.0.0.1";
  return hp;
}

}  // namespace qq
