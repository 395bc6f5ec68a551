// Consumes Redis Streams with a consumer group and handles each event exactly once in
// effect: the handler runs in a transaction of this service's database that also
// records the event id in qq_processed_events, so a redelivered event is skipped.
// Entries left pending by a crashed consumer are reclaimed (XAUTOCLAIM); an event
// whose handler fails 5 times goes to the dead-letter stream "<stream>:dead".
#pragma once

#include <pqxx/pqxx>

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace qq {

class PgPool;
class RedisClient;
class Metrics;

struct StreamEvent {
  std::string stream;
  std::string entry_id;  // Redis stream entry id
  std::string event_id;  // outbox id, unique per event
  std::string tenant;
  std::string type;
  std::string aggregate_id;
  std::string payload;
};

class EventConsumer {
 public:
  // Handles one event inside `txn`; a non-OK status rolls back and leaves the event
  // pending for a retry.
  using Handler = std::function<absl::Status(pqxx::work& txn, const StreamEvent& event)>;

  struct Options {
    std::string group;     // usually the consuming service's name
    std::string consumer;  // unique per process
    std::vector<std::string> streams;
    // The event types the handler acts on; others are acknowledged without a
    // transaction (no processed-event row, no commit to wait for). Empty: every type.
    std::vector<std::string> types;
    std::chrono::milliseconds block{1000};
    std::chrono::milliseconds reclaim_idle{30000};
    int max_deliveries = 5;
    // Called after a handler's transaction committed (not for skipped duplicates), e.g.
    // to wake the outbox relay for the events the handler wrote.
    std::function<void(const StreamEvent&)> after_commit;
  };

  // The consumer opens its own Redis connection to `redis_address` (host:port),
  // because its blocking reads would hold up any other user of a shared one.
  EventConsumer(PgPool& pool, const std::string& redis_address, Metrics* metrics, Options options,
                Handler handler);
  ~EventConsumer();

  // Creates the groups (from the start of each stream) and starts the reading thread.
  // A Redis that is down now is retried by the thread: the service starts regardless.
  void Start();
  void Stop();

  // One read-and-handle pass (used by the thread and by tests). Returns events handled.
  absl::StatusOr<int> PollOnce(std::chrono::milliseconds block);

 private:
  void Run();
  void CreateGroups();
  absl::Status HandleEntry(const StreamEvent& event);
  // Handles a read of one stream in one transaction (each event alone if that fails);
  // returns the events acknowledged.
  int HandleBatch(const std::string& stream, const std::vector<StreamEvent>& batch);
  bool Wanted(const StreamEvent& event) const;
  absl::Status ReclaimStale();

  PgPool& pool_;
  std::unique_ptr<RedisClient> redis_;
  Metrics* metrics_;
  Options options_;
  Handler handler_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  std::chrono::steady_clock::time_point last_reclaim_{};
};

}  // namespace qq
