// Transactional outbox: a change and the events it causes commit together in the
// service's own database; OutboxRelay copies committed events to Redis Streams. Rows
// stay for a retention window after relaying so a lost Redis write can be replayed.
#pragma once

#include <pqxx/pqxx>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace qq {

class PgPool;
class RedisClient;
class Metrics;

// The stream a service publishes to: "qq:events:<service>".
std::string EventStreamName(const std::string& service);

struct OutgoingEvent {
  std::string stream;  // EventStreamName(...)
  std::string tenant;
  std::string type;  // e.g. "workorder.created"
  std::string aggregate_id;
  std::string payload;  // serialized protobuf message of the event type
};

// Inserts the event into this service's outbox inside `txn`. Returns the event id.
std::string AppendToOutbox(pqxx::work& txn, const OutgoingEvent& event);

class OutboxRelay {
 public:
  struct Options {
    std::chrono::milliseconds poll_interval{100};
    std::chrono::hours retention{72};
    int batch_size = 200;
  };
  OutboxRelay(PgPool& pool, RedisClient& redis, Metrics* metrics, Options options);
  ~OutboxRelay();

  void Start();
  void Stop();
  // Relays now instead of at the next poll (called after a commit that wrote events).
  void Wake();

  // One pass: relays up to batch_size unrelayed events; returns how many.
  absl::StatusOr<int> RelayOnce();

  // Marks relayed events since `since` unrelayed so the next passes send them again
  // (consumers drop the duplicates by event id). For recovery after Redis lost data.
  absl::StatusOr<int> Replay(std::chrono::system_clock::time_point since);

 private:
  void Run();

  PgPool& pool_;
  RedisClient& redis_;
  Metrics* metrics_;
  Options options_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool woken_ = false;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace qq
