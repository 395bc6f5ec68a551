#include "services/common/testing/scratch_database.h"

#include <pqxx/pqxx>

#include <cstdlib>

namespace qq::testing {

std::string PgAdminDsn() {
  const char* dsn = std::getenv("QQ_TEST_PG_ADMIN_DSN");
  return dsn != nullptr ? dsn : "";
}

std::string DsnWithDatabase(const std::string& dsn, const std::string& database) {
  size_t scheme = dsn.find("://");
  if (scheme == std::string::npos) return dsn + " dbname=" + database;
  size_t query = dsn.find('?', scheme + 3);
  size_t path = dsn.find('/', scheme + 3);
  if (path == std::string::npos || (query != std::string::npos && path > query)) path = query;
  std::string rest = query == std::string::npos ? "" : dsn.substr(query);
  return dsn.substr(0, path == std::string::npos ? dsn.size() : path) + "/" + database + rest;
}

absl::StatusOr<ScratchDatabase> ScratchDatabase::Create(
    const std::string& name, const std::vector<std::string>& extensions) {
  const std::string admin = PgAdminDsn();
  if (admin.empty()) return absl::FailedPreconditionError("QQ_TEST_PG_ADMIN_DSN is not set");
  try {
    {
      pqxx::connection conn(admin);
      pqxx::nontransaction txn(conn);
      txn.exec("DROP DATABASE IF EXISTS " + txn.quote_name(name) + " WITH (FORCE)");
      txn.exec("CREATE DATABASE " + txn.quote_name(name));
    }
    std::string dsn = DsnWithDatabase(admin, name);
    pqxx::connection conn(dsn);
    pqxx::nontransaction txn(conn);
    for (const std::string& ext : extensions) {
      txn.exec("CREATE EXTENSION IF NOT EXISTS " + txn.quote_name(ext));
    }
    return ScratchDatabase(admin, name, dsn);
  } catch (const std::exception& e) {
    return absl::UnavailableError(std::string("scratch database: ") + e.what());
  }
}

ScratchDatabase::ScratchDatabase(ScratchDatabase&& other) noexcept
    : admin_dsn_(std::move(other.admin_dsn_)),
      name_(std::move(other.name_)),
      dsn_(std::move(other.dsn_)) {
  other.name_.clear();
}

ScratchDatabase::~ScratchDatabase() {
  if (name_.empty()) return;
  try {
    pqxx::connection conn(admin_dsn_);
    pqxx::nontransaction txn(conn);
    txn.exec("DROP DATABASE IF EXISTS " + txn.quote_name(name_) + " WITH (FORCE)");
  } catch (const std::exception&) {
    // A leftover scratch database is harmless: the next run drops it by name.
  }
}

absl::StatusOr<MigratedDatabase> CreateMigratedDatabase(const std::string& name,
                                                        const std::vector<std::string>& extensions,
                                                        const std::string& service,
                                                        const std::vector<Migration>& migrations,
                                                        int pool_size) {
  auto db = ScratchDatabase::Create(name, extensions);
  if (!db.ok()) return db.status();
  MigratedDatabase out;
  out.database = std::make_unique<ScratchDatabase>(std::move(*db));
  absl::Status migrated = ApplyServiceMigrations(out.database->dsn(), service, migrations);
  if (!migrated.ok()) return migrated;
  auto pool = PgPool::Connect(out.database->dsn(), pool_size);
  if (!pool.ok()) return pool.status();
  out.pool = std::move(*pool);
  return out;
}

}  // namespace qq::testing
