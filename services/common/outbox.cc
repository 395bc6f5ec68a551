#include "services/common/outbox.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/common/log.h"
#include "services/common/metrics.h"
#include "services/common/pg_pool.h"
#include "services/common/redis_client.h"

namespace qq {
namespace {

// Bounds each stream; consumers are expected to keep up far below this.
constexpr char kStreamMaxLen[] = "1000000";

}  // namespace

std::string EventStreamName(const std::string& service) { return "qq:events:" + service; }

std::string AppendToOutbox(pqxx::work& txn, const OutgoingEvent& event) {
  pqxx::result r = txn.exec_params(
      "INSERT INTO qq_outbox (stream, tenant_id, event_type, aggregate_id, payload) "
      "VALUES ($1, $2, $3, $4, decode($5, 'hex')) RETURNING event_id",
      event.stream, event.tenant, event.type, event.aggregate_id,
      absl::BytesToHexString(event.payload));
  return r[0][0].as<std::string>();
}

OutboxRelay::OutboxRelay(PgPool& pool, RedisClient& redis, Metrics* metrics, Options options)
    : pool_(pool), redis_(redis), metrics_(metrics), options_(options) {}

OutboxRelay::~OutboxRelay() { Stop(); }

void OutboxRelay::Start() {
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void OutboxRelay::Stop() {
  stopping_ = true;
  Wake();
  if (thread_.joinable()) thread_.join();
}

void OutboxRelay::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  wake_.notify_one();
}

absl::StatusOr<int> OutboxRelay::RelayOnce() {
  int relayed = 0;
  absl::Status status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    // SKIP LOCKED lets several relays (replicas) share the table without blocking.
    pqxx::result rows = txn.exec_params(
        "SELECT seq, event_id, stream, tenant_id, event_type, aggregate_id, "
        "encode(payload, 'hex') FROM qq_outbox WHERE relayed_at IS NULL "
        "ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED",
        options_.batch_size);
    std::vector<std::string> sent;
    for (const auto& row : rows) {
      std::string payload = absl::HexStringToBytes(row[6].as<std::string>());
      auto added = redis_.Command({"XADD", row[2].as<std::string>(), "MAXLEN", "~", kStreamMaxLen,
                                   "*", "event_id", row[1].as<std::string>(), "tenant",
                                   row[3].as<std::string>(), "type", row[4].as<std::string>(),
                                   "aggregate_id", row[5].as<std::string>(), "payload", payload});
      // Rolling back re-sends the ones already added; consumers drop duplicates by id.
      if (!added.ok()) return added.status();
      sent.push_back(row[0].as<std::string>());
    }
    // One statement for the whole batch.
    if (!sent.empty()) {
      txn.exec_params("UPDATE qq_outbox SET relayed_at = now() WHERE seq = ANY($1::bigint[])",
                      PgTextArray(sent));
    }
    relayed = static_cast<int>(sent.size());
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return relayed;
}

absl::StatusOr<int> OutboxRelay::Replay(std::chrono::system_clock::time_point since) {
  int count = 0;
  long long since_epoch =
      std::chrono::duration_cast<std::chrono::seconds>(since.time_since_epoch()).count();
  absl::Status status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    pqxx::result r = txn.exec_params(
        "UPDATE qq_outbox SET relayed_at = NULL WHERE relayed_at >= to_timestamp($1)", since_epoch);
    count = static_cast<int>(r.affected_rows());
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  Wake();
  return count;
}

void OutboxRelay::Run() {
  auto last_cleanup = std::chrono::steady_clock::now();
  auto last_gauge = std::chrono::steady_clock::time_point{};
  while (!stopping_) {
    auto relayed = RelayOnce();
    if (!relayed.ok()) {
      LogWarn("outbox relay pass failed", {{"error", std::string(relayed.status().message())}});
    }
    if (metrics_ != nullptr &&
        std::chrono::steady_clock::now() - last_gauge > std::chrono::seconds(5)) {
      last_gauge = std::chrono::steady_clock::now();
      (void)pool_.Read([&](pqxx::work& txn) {
        pqxx::result r = txn.exec("SELECT count(*) FROM qq_outbox WHERE relayed_at IS NULL");
        metrics_->SetGauge("qq_outbox_unrelayed", "Outbox events not yet on a stream.", {},
                           r[0][0].as<double>());
        return absl::OkStatus();
      });
    }
    if (std::chrono::steady_clock::now() - last_cleanup > std::chrono::minutes(10)) {
      last_cleanup = std::chrono::steady_clock::now();
      long long keep_seconds =
          std::chrono::duration_cast<std::chrono::seconds>(options_.retention).count();
      (void)pool_.Transact([&](pqxx::work& txn) {
        txn.exec_params(
            "DELETE FROM qq_outbox WHERE relayed_at < now() - make_interval(secs => $1)",
            keep_seconds);
        return absl::OkStatus();
      });
    }
    // A full batch means more are waiting: go again at once.
    if (relayed.ok() && *relayed == options_.batch_size) continue;
    std::unique_lock lock(mu_);
    wake_.wait_for(lock, options_.poll_interval, [&] { return woken_ || stopping_.load(); });
    woken_ = false;
  }
}

}  // namespace qq
