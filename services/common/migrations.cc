#include "services/common/migrations.h"

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "services/common/log.h"
#include "services/common/sha256.h"

namespace qq {
namespace {

// Any constant works; all instances of a service serialise their migrations on it.
constexpr long long kMigrationLockKey = 0x71717161;

}  // namespace

absl::Status ApplyMigrations(const std::string& dsn, const std::string& component,
                             const std::vector<Migration>& migrations) {
  for (size_t i = 1; i < migrations.size(); ++i) {
    if (migrations[i].version <= migrations[i - 1].version) {
      return absl::FailedPreconditionError(absl::StrCat("migration versions of ", component,
                                                        " must increase: ", migrations[i - 1].name,
                                                        " then ", migrations[i].name));
    }
  }
  try {
    pqxx::connection conn(dsn);
    // One transaction object at a time per connection: each step gets its own scope.
    {
      pqxx::nontransaction session(conn);
      // Session-level lock: released by the unlock below or when the connection closes.
      session.exec_params("SELECT pg_advisory_lock($1)", kMigrationLockKey);
      session.exec(
          "CREATE TABLE IF NOT EXISTS qq_schema_migrations ("
          " component text NOT NULL, version int NOT NULL, name text NOT NULL,"
          " checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(),"
          " PRIMARY KEY (component, version))");
    }
    absl::Status status;
    for (const Migration& m : migrations) {
      std::string checksum = Sha256Hex(m.sql);
      pqxx::work txn(conn);
      pqxx::result applied = txn.exec_params(
          "SELECT checksum FROM qq_schema_migrations WHERE component = $1 AND version = $2",
          component, m.version);
      if (!applied.empty()) {
        if (applied[0][0].as<std::string>() != checksum) {
          status = absl::FailedPreconditionError(
              absl::StrCat("migration ", component, "/", m.name,
                           " was changed after it had been applied; add a new migration instead"));
          break;
        }
        continue;
      }
      txn.exec(m.sql);
      txn.exec_params(
          "INSERT INTO qq_schema_migrations (component, version, name, checksum) "
          "VALUES ($1, $2, $3, $4)",
          component, m.version, m.name, checksum);
      txn.commit();
      LogInfo("migration applied", {{"component", component}, {"name", m.name}});
    }
    {
      pqxx::nontransaction unlock(conn);
      unlock.exec_params("SELECT pg_advisory_unlock($1)", kMigrationLockKey);
    }
    return status;
  } catch (const pqxx::broken_connection& e) {
    return absl::UnavailableError(absl::StrCat("database unreachable: ", e.what()));
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("migration of ", component, " failed: ", e.what()));
  }
}

absl::Status ApplyServiceMigrations(const std::string& dsn, const std::string& service,
                                    const std::vector<Migration>& service_migrations) {
  absl::Status status = ApplyMigrations(dsn, "common", common_migrations());
  if (!status.ok()) return status;
  return ApplyMigrations(dsn, service, service_migrations);
}

}  // namespace qq
