// Forward-only schema migrations: numbered .sql files compiled into the binary
// (cmake/EmbedSql.cmake), applied once each, in order, under an advisory lock, and
// recorded with a SHA-256 checksum in qq_schema_migrations.
#pragma once

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace qq {

struct Migration {
  int version;
  std::string name;
  std::string sql;
};

// Applies the migrations of `component` ("common" or a service name) that are not yet
// recorded. FAILED_PRECONDITION when an applied migration's file has changed since
// (the service must not start), or when versions are not unique and increasing.
absl::Status ApplyMigrations(const std::string& dsn, const std::string& component,
                             const std::vector<Migration>& migrations);

// The outbox, processed-events and idempotency tables every service has.
std::vector<Migration> common_migrations();

// Common then the service's own migrations.
absl::Status ApplyServiceMigrations(const std::string& dsn, const std::string& service,
                                    const std::vector<Migration>& service_migrations);

}  // namespace qq
