// Wakes the live-tracking calls (RouteService.WatchTracking) of this process when what
// they show may have changed. One thread holds a PostgreSQL connection that LISTENs on
// channel qq_routes, where delivery_stops' triggers announce every committed change of a
// stop ("o <tenant> <order>") and of a route ("c <tenant> <courier>"); four times a second
// the same connection reads the last report time of the couriers being watched, since
// position reports are too frequent to notify (a watcher is woken for a new position at
// most once a second). A watcher is also woken when it has not
// been for `heartbeat`, and every watcher after the connection was lost and regained.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace qq::dispatch {

class TrackingHub {
 public:
  using Wake = std::function<void()>;

  TrackingHub(std::string dsn, std::chrono::milliseconds heartbeat = std::chrono::seconds(10));
  ~TrackingHub();
  TrackingHub(const TrackingHub&) = delete;
  TrackingHub& operator=(const TrackingHub&) = delete;

  void Start();
  void Stop();

  // Registers a watcher of a delivery order. `wake` runs on the hub's thread with the
  // hub's lock held: it must only hand work on (never call back into the hub).
  uint64_t Watch(const std::string& tenant, const std::string& order_id, Wake wake);
  // The order is now on this courier's route (empty: on none): follow their route and
  // position as well. `seen_report` is the courier's last report time the watcher has
  // shown (µs since the epoch; 0: none): a later one wakes it.
  void Follow(uint64_t watcher, const std::string& courier_id, long long seen_report);
  // After this returns, `wake` of the watcher is not running and never runs again.
  void Unwatch(uint64_t watcher);

  size_t watchers() const;

 private:
  struct Watcher {
    std::string tenant;
    std::string order_key;
    std::string courier_key;  // empty: no courier
    long long seen_report = 0;
    Wake wake;
    std::chrono::steady_clock::time_point last_woken;
    std::chrono::steady_clock::time_point last_moved;  // woken for a new position
  };

  void Run();
  void OnNotification(const std::string& key);
  void WakeLocked(Watcher& watcher, std::chrono::steady_clock::time_point now);
  void WakeAll();
  void WakeQuiet();
  // Reads the watched couriers' last report times; wakes the watchers of those that moved.
  void PollPositions(void* connection);
  void AddKeyLocked(const std::string& key, uint64_t watcher);
  void RemoveKeyLocked(const std::string& key, uint64_t watcher);

  const std::string dsn_;
  const std::chrono::milliseconds heartbeat_;
  mutable std::mutex mu_;
  uint64_t next_id_ = 1;
  std::map<uint64_t, Watcher> watchers_;
  std::map<std::string, std::set<uint64_t>> by_key_;

  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace qq::dispatch
