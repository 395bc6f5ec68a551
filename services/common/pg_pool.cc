#include "services/common/pg_pool.h"

#include <chrono>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/log.h"
#include "services/common/metrics.h"

namespace qq {
namespace {

constexpr int kMaxAttempts = 3;
constexpr auto kAcquireTimeout = std::chrono::seconds(5);

// Maps what libpqxx throws to the most specific status. Clients never see SQL text:
// the detail goes to the log, the status carries a plain message.
absl::Status StatusFromSqlError(const pqxx::sql_error& e) {
  const std::string state = e.sqlstate();
  LogWarn("database error", {{"sqlstate", state}, {"error", e.what()}});
  if (state == "23505") return absl::AlreadyExistsError("already exists");
  if (state == "23503" || state == "23514" || state == "23502") {
    return absl::FailedPreconditionError("the change conflicts with data it depends on");
  }
  if (state == "40001" || state == "40P01") return absl::AbortedError("concurrent change; retry");
  // SQLSTATE class 22 (data exceptions such as a malformed uuid): a value we let through.
  if (state.rfind("22", 0) == 0)
    return absl::InvalidArgumentError("a value is malformed or out of range");
  if (state == "57014") return absl::DeadlineExceededError("database statement timed out");
  return absl::InternalError("database error");
}

}  // namespace

absl::Status RunGuardedSql(const std::function<absl::Status()>& fn) {
  try {
    return fn();
  } catch (const pqxx::broken_connection&) {
    throw;
  } catch (const pqxx::in_doubt_error&) {
    throw;
  } catch (const pqxx::sql_error& e) {
    return StatusFromSqlError(e);
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("database call failed: ", e.what()));
  }
}

NullableParam NullIfEmpty(const std::string& value) {
  return value.empty() ? NullableParam{} : NullableParam{value};
}

NullableParam NullableNumber(const std::optional<double>& value) {
  // %.17g keeps every bit of a double (StrCat would round to 6 digits).
  return value ? NullableParam{absl::StrFormat("%.17g", *value)} : NullableParam{};
}

std::vector<std::string> TextArrayOf(const pqxx::field& field) {
  std::vector<std::string> items;
  pqxx::array_parser parser = field.as_array();
  for (auto step = parser.get_next(); step.first != pqxx::array_parser::done;
       step = parser.get_next()) {
    if (step.first == pqxx::array_parser::string_value) items.push_back(std::move(step.second));
  }
  return items;
}

std::string PgTextArray(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back('"');
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

absl::StatusOr<std::unique_ptr<PgPool>> PgPool::Connect(std::string dsn, int size,
                                                        Metrics* metrics) {
  if (size < 1) size = 1;
  std::unique_ptr<PgPool> pool(new PgPool(std::move(dsn), size, metrics));
  auto slot = pool->Acquire();
  if (!slot.ok()) return slot.status();
  pool->Release(std::move(*slot));
  return pool;
}

PgPool::PgPool(std::string dsn, int size, Metrics* metrics)
    : dsn_(std::move(dsn)), size_(size), metrics_(metrics) {}

PgPool::~PgPool() = default;

void PgPool::Prepare(const std::vector<NamedQuery>& queries) {
  std::lock_guard lock(mu_);
  queries_.insert(queries_.end(), queries.begin(), queries.end());
}

absl::StatusOr<std::unique_ptr<PgPool::Slot>> PgPool::Acquire() {
  std::unique_ptr<Slot> slot;
  {
    std::unique_lock lock(mu_);
    bool ready =
        available_.wait_for(lock, kAcquireTimeout, [&] { return !idle_.empty() || open_ < size_; });
    if (!ready) return absl::ResourceExhaustedError("database connection pool exhausted");
    if (!idle_.empty()) {
      slot = std::move(idle_.back());
      idle_.pop_back();
    } else {
      ++open_;
      slot = std::make_unique<Slot>();
    }
  }
  absl::Status ready = EnsureReady(*slot);
  if (!ready.ok()) {
    std::lock_guard lock(mu_);
    --open_;
    available_.notify_one();
    return ready;
  }
  ReportGauges();
  return slot;
}

void PgPool::Release(std::unique_ptr<Slot> slot) {
  {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(slot));
  }
  available_.notify_one();
  ReportGauges();
}

absl::Status PgPool::EnsureReady(Slot& slot) {
  try {
    if (!slot.connection || !slot.connection->is_open()) {
      slot.connection = std::make_unique<pqxx::connection>(dsn_);
      slot.prepared_count = 0;
    }
    std::vector<NamedQuery> missing;
    {
      std::lock_guard lock(mu_);
      missing.assign(queries_.begin() + slot.prepared_count, queries_.end());
    }
    for (const NamedQuery& q : missing) slot.connection->prepare(q.name, q.sql);
    slot.prepared_count += missing.size();
  } catch (const pqxx::broken_connection& e) {
    slot.connection.reset();
    return absl::UnavailableError(absl::StrCat("database unreachable: ", e.what()));
  } catch (const std::exception& e) {
    slot.connection.reset();
    return absl::InternalError(absl::StrCat("database connection setup failed: ", e.what()));
  }
  return absl::OkStatus();
}

template <typename Txn>
absl::Status PgPool::Run(const std::function<absl::Status(Txn&)>& fn) {
  absl::Status status;
  for (int attempt = 1; attempt <= kMaxAttempts; ++attempt) {
    auto slot = Acquire();
    if (!slot.ok()) return slot.status();
    try {
      Txn txn(*(*slot)->connection);
      status = fn(txn);
      if (status.ok()) txn.commit();
    } catch (const pqxx::broken_connection& e) {
      (*slot)->connection.reset();
      status = absl::UnavailableError(absl::StrCat("database connection lost: ", e.what()));
    } catch (const pqxx::in_doubt_error& e) {
      (*slot)->connection.reset();
      status = absl::UnavailableError(absl::StrCat("commit outcome unknown: ", e.what()));
    } catch (const pqxx::sql_error& e) {
      status = StatusFromSqlError(e);
    } catch (const pqxx::usage_error& e) {
      status = absl::InternalError(absl::StrCat("database usage error: ", e.what()));
    } catch (const pqxx::conversion_error& e) {
      status = absl::InternalError(absl::StrCat("database conversion error: ", e.what()));
    } catch (const std::exception& e) {  // e.g. pqxx::argument_error: a bug, not a crash
      status = absl::InternalError(absl::StrCat("database call failed: ", e.what()));
    }
    Release(std::move(*slot));
    if (status.code() != absl::StatusCode::kAborted || attempt == kMaxAttempts) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5 * attempt));
  }
  return status;
}

absl::Status PgPool::Transact(const std::function<absl::Status(pqxx::work&)>& fn) {
  return Run(fn);
}

absl::Status PgPool::ReadStatement(const std::function<absl::Status(pqxx::nontransaction&)>& fn) {
  return Run(fn);
}

void PgPool::ReportGauges() {
  if (metrics_ == nullptr) return;
  int open, idle;
  {
    std::lock_guard lock(mu_);
    open = open_;
    idle = static_cast<int>(idle_.size());
  }
  metrics_->SetGauge("qq_pg_pool_connections", "PostgreSQL connections by state.",
                     {{"state", "open"}}, open);
  metrics_->SetGauge("qq_pg_pool_connections", "PostgreSQL connections by state.",
                     {{"state", "in_use"}}, open - idle);
}

}  // namespace qq
