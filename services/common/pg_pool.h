// A fixed-size pool of libpqxx connections. Stores run every query inside
// Transact(); libpqxx exceptions never cross it: they come back as absl::Status
// (unique violation -> ALREADY_EXISTS, serialization failure -> ABORTED after retries,
// lost connection -> UNAVAILABLE; the connection is replaced on next use).
#pragma once

#include <pqxx/pqxx>

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace qq {

class Metrics;

// A named, prepared SQL statement. The name is also the query's metrics label.
struct NamedQuery {
  const char* name;
  const char* sql;
};

// A parameter that may be SQL NULL: libpqxx 6 sends a null `const char*` as NULL.
struct NullableParam {
  std::optional<std::string> text;
  const char* get() const { return text ? text->c_str() : nullptr; }
};
NullableParam NullIfEmpty(const std::string& value);
NullableParam NullableNumber(const std::optional<double>& value);
// A text[] literal ('{"a","b"}') for a parameter cast with ::text[] in SQL.
std::string PgTextArray(const std::vector<std::string>& values);
// The elements of a text[] column, parsed by libpqxx (commas and braces in values are data).
std::vector<std::string> TextArrayOf(const pqxx::field& field);

// Runs `fn`, statements of a transaction the caller holds (e.g. one item of a batch between
// a SAVEPOINT and its release), and returns what libpqxx throws as a status, so the caller
// can roll back to the savepoint and go on with the next item. A lost connection is
// rethrown: the whole transaction is gone then.
absl::Status RunGuardedSql(const std::function<absl::Status()>& fn);

class PgPool {
 public:
  // Opens one connection to check the DSN; more open on demand up to `size`.
  // UNAVAILABLE when the database cannot be reached.
  static absl::StatusOr<std::unique_ptr<PgPool>> Connect(std::string dsn, int size,
                                                         Metrics* metrics = nullptr);
  ~PgPool();

  // Statements every connection prepares. Call before the first Transact() that uses them.
  void Prepare(const std::vector<NamedQuery>& queries);

  // Runs `fn` in a transaction on a pooled connection and commits when it returns OK;
  // rolls back otherwise. Serialization failures and deadlocks are retried up to 3 times.
  absl::Status Transact(const std::function<absl::Status(pqxx::work&)>& fn);

  // Same, read-only intent (no retry difference; documents the caller's intent).
  absl::Status Read(const std::function<absl::Status(pqxx::work&)>& fn) { return Transact(fn); }

  // Runs `fn` without BEGIN and COMMIT, each statement its own snapshot: for a read that
  // is one statement, two round trips fewer than Read().
  absl::Status ReadStatement(const std::function<absl::Status(pqxx::nontransaction&)>& fn);

  const std::string& dsn() const { return dsn_; }

 private:
  PgPool(std::string dsn, int size, Metrics* metrics);
  struct Slot {
    std::unique_ptr<pqxx::connection> connection;
    size_t prepared_count = 0;
  };
  template <typename Txn>
  absl::Status Run(const std::function<absl::Status(Txn&)>& fn);
  absl::StatusOr<std::unique_ptr<Slot>> Acquire();
  void Release(std::unique_ptr<Slot> slot);
  absl::Status EnsureReady(Slot& slot);
  void ReportGauges();

  std::string dsn_;
  int size_;
  Metrics* metrics_;
  std::mutex mu_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Slot>> idle_;
  int open_ = 0;
  std::vector<NamedQuery> queries_;
};

}  // namespace qq
