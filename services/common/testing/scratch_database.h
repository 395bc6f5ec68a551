// Test support (test code only): a throwaway PostgreSQL database created through
// QQ_TEST_PG_ADMIN_DSN (a superuser DSN such as postgresql://postgres@127.0.0.1:5432/
// postgres, exported by ./deploy/dev test) and dropped again.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/migrations.h"
#include "services/common/pg_pool.h"

namespace qq::testing {

// QQ_TEST_PG_ADMIN_DSN, or "" when unset (pg tests then skip).
std::string PgAdminDsn();

// `dsn` with its database replaced by `database`; URI or keyword=value form.
std::string DsnWithDatabase(const std::string& dsn, const std::string& database);

class ScratchDatabase {
 public:
  // Creates database `name` (dropping a leftover of the same name) with `extensions`.
  static absl::StatusOr<ScratchDatabase> Create(const std::string& name,
                                                const std::vector<std::string>& extensions);
  ScratchDatabase(ScratchDatabase&& other) noexcept;
  ScratchDatabase& operator=(ScratchDatabase&&) = delete;
  ~ScratchDatabase();  // drops the database

  const std::string& dsn() const { return dsn_; }

 private:
  ScratchDatabase(std::string admin_dsn, std::string name, std::string dsn)
      : admin_dsn_(std::move(admin_dsn)), name_(std::move(name)), dsn_(std::move(dsn)) {}
  std::string admin_dsn_;
  std::string name_;
  std::string dsn_;
};

// A scratch database with a service's migrations applied, and a pool on it. The pool is
// declared last so it closes before the database is dropped.
struct MigratedDatabase {
  std::unique_ptr<ScratchDatabase> database;
  std::unique_ptr<PgPool> pool;
};

absl::StatusOr<MigratedDatabase> CreateMigratedDatabase(const std::string& name,
                                                        const std::vector<std::string>& extensions,
                                                        const std::string& service,
                                                        const std::vector<Migration>& migrations,
                                                        int pool_size = 4);

}  // namespace qq::testing
