// Flags shared by the services and the gateway. Every flag can also be set through the
// environment as QQ_<FLAG_NAME_IN_UPPER_CASE>; a flag given on the command line wins.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/status/statusor.h"

ABSL_DECLARE_FLAG(std::string, listen);
ABSL_DECLARE_FLAG(std::string, admin_listen);
ABSL_DECLARE_FLAG(std::string, pg_dsn);
ABSL_DECLARE_FLAG(int32_t, pg_pool_size);
ABSL_DECLARE_FLAG(std::string, redis_addr);
ABSL_DECLARE_FLAG(std::string, jwt_keys);
ABSL_DECLARE_FLAG(bool, load_demo_data);
ABSL_DECLARE_FLAG(std::string, log_level);
ABSL_DECLARE_FLAG(std::string, customer_addr);
ABSL_DECLARE_FLAG(std::string, order_addr);
ABSL_DECLARE_FLAG(std::string, dispatch_addr);
ABSL_DECLARE_FLAG(std::string, notification_addr);
ABSL_DECLARE_FLAG(std::string, analytics_addr);

namespace qq {

// Applies QQ_* environment variables to matching flags, then parses argv over them.
// Exits with a message naming the variable when a value does not parse. Returns the
// positional arguments (argv[0] first), for tools with subcommands.
std::vector<char*> InitFlags(int argc, char** argv, const char* usage);

struct HostPort {
  std::string host;
  int port = 0;
};

// "host:port" -> host and port. INVALID_ARGUMENT naming `flag` when malformed.
absl::StatusOr<HostPort> ParseHostPort(const std::string& flag, const std::string& value);

}  // namespace qq
