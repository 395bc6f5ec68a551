#include "services/dispatch/tracking_hub.h"

#include <pqxx/pqxx>

#include <vector>

#include "absl/strings/str_cat.h"
#include "services/common/log.h"
#include "services/common/pg_pool.h"

namespace qq::dispatch {
namespace {

constexpr char kChannel[] = "qq_routes";
constexpr auto kListenSlice = std::chrono::milliseconds(100);
constexpr auto kPositionPoll = std::chrono::milliseconds(250);
constexpr auto kMinMoveInterval = std::chrono::seconds(1);
constexpr auto kReconnectPause = std::chrono::seconds(1);

class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& conn, std::function<void(const std::string&)> on_payload)
      : pqxx::notification_receiver(conn, kChannel), on_payload_(std::move(on_payload)) {}
  void operator()(const std::string& payload, int) override { on_payload_(payload); }

 private:
  std::function<void(const std::string&)> on_payload_;
};

std::string CourierKey(const std::string& tenant, const std::string& courier_id) {
  return absl::StrCat("c ", tenant, " ", courier_id);
}

}  // namespace

TrackingHub::TrackingHub(std::string dsn, std::chrono::milliseconds heartbeat)
    : dsn_(std::move(dsn)), heartbeat_(heartbeat) {}

TrackingHub::~TrackingHub() { Stop(); }

void TrackingHub::Start() {
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void TrackingHub::Stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

uint64_t TrackingHub::Watch(const std::string& tenant, const std::string& order_id, Wake wake) {
  std::lock_guard lock(mu_);
  const uint64_t id = next_id_++;
  Watcher& watcher = watchers_[id];
  watcher.tenant = tenant;
  watcher.order_key = absl::StrCat("o ", tenant, " ", order_id);
  watcher.wake = std::move(wake);
  watcher.last_woken = std::chrono::steady_clock::now();
  AddKeyLocked(watcher.order_key, id);
  return id;
}

void TrackingHub::Follow(uint64_t id, const std::string& courier_id, long long seen_report) {
  std::lock_guard lock(mu_);
  auto it = watchers_.find(id);
  if (it == watchers_.end()) return;
  Watcher& watcher = it->second;
  watcher.seen_report = seen_report;
  std::string key = courier_id.empty() ? "" : CourierKey(watcher.tenant, courier_id);
  if (key == watcher.courier_key) return;
  if (!watcher.courier_key.empty()) RemoveKeyLocked(watcher.courier_key, id);
  watcher.courier_key = std::move(key);
  if (!watcher.courier_key.empty()) AddKeyLocked(watcher.courier_key, id);
}

void TrackingHub::Unwatch(uint64_t id) {
  std::lock_guard lock(mu_);
  auto it = watchers_.find(id);
  if (it == watchers_.end()) return;
  RemoveKeyLocked(it->second.order_key, id);
  if (!it->second.courier_key.empty()) RemoveKeyLocked(it->second.courier_key, id);
  watchers_.erase(it);
}

size_t TrackingHub::watchers() const {
  std::lock_guard lock(mu_);
  return watchers_.size();
}

void TrackingHub::AddKeyLocked(const std::string& key, uint64_t id) { by_key_[key].insert(id); }

void TrackingHub::RemoveKeyLocked(const std::string& key, uint64_t id) {
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return;
  it->second.erase(id);
  if (it->second.empty()) by_key_.erase(it);
}

void TrackingHub::WakeLocked(Watcher& watcher, std::chrono::steady_clock::time_point now) {
  watcher.last_woken = now;
  watcher.wake();
}

void TrackingHub::OnNotification(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = by_key_.find(key);
  if (it == by_key_.end()) return;
  const auto now = std::chrono::steady_clock::now();
  for (uint64_t id : it->second) WakeLocked(watchers_.at(id), now);
}

void TrackingHub::WakeAll() {
  std::lock_guard lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  for (auto& [id, watcher] : watchers_) WakeLocked(watcher, now);
}

void TrackingHub::WakeQuiet() {
  std::lock_guard lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  for (auto& [id, watcher] : watchers_) {
    if (now - watcher.last_woken >= heartbeat_) WakeLocked(watcher, now);
  }
}

void TrackingHub::PollPositions(void* connection) {
  std::vector<std::string> tenants;
  std::vector<std::string> couriers;
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, watchers] : by_key_) {
      if (key[0] != 'c') continue;
      // "c <tenant> <courier>": the tenant holds no spaces, the courier id is the rest.
      const size_t space = key.find(' ', 2);
      tenants.push_back(key.substr(2, space - 2));
      couriers.push_back(key.substr(space + 1));
    }
  }
  if (tenants.empty()) return;
  pqxx::nontransaction txn(*static_cast<pqxx::connection*>(connection));
  pqxx::result rows = txn.exec_params(
      "SELECT s.tenant_id, s.user_id, "
      "  coalesce((extract(epoch FROM s.last_position_at) * 1000000)::bigint, 0) "
      "FROM unnest($1::text[], $2::text[]) AS w(tenant_id, user_id) "
      "JOIN staff s ON s.tenant_id = w.tenant_id AND s.user_id = w.user_id",
      PgTextArray(tenants), PgTextArray(couriers));
  std::lock_guard lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  for (const auto& row : rows) {
    auto watching = by_key_.find(CourierKey(row[0].as<std::string>(), row[1].as<std::string>()));
    if (watching == by_key_.end()) continue;  // no longer watched
    const long long reported = row[2].as<long long>();
    for (uint64_t id : watching->second) {
      Watcher& watcher = watchers_.at(id);
      if (watcher.seen_report == reported) continue;
      // A map needs no more than a position a second, however often the phone reports;
      // a report arriving sooner is picked up by a later poll.
      if (now - watcher.last_moved < kMinMoveInterval) continue;
      watcher.seen_report = reported;  // woken once for it; its read reports what it saw
      watcher.last_moved = now;
      WakeLocked(watcher, now);
    }
  }
}

void TrackingHub::Run() {
  bool lost = false;
  while (!stopping_) {
    try {
      pqxx::connection conn(dsn_);
      Receiver receiver(conn, [this](const std::string& key) { OnNotification(key); });
      if (lost) {
        LogInfo("tracking listener connected again; refreshing every watcher");
        WakeAll();  // changes made while nobody listened
        lost = false;
      }
      auto last_poll = std::chrono::steady_clock::now();
      while (!stopping_) {
        conn.await_notification(0, std::chrono::microseconds(kListenSlice).count());
        const auto now = std::chrono::steady_clock::now();
        if (now - last_poll < kPositionPoll) continue;
        last_poll = now;
        PollPositions(&conn);
        WakeQuiet();
      }
    } catch (const std::exception& e) {
      if (stopping_) break;
      if (!lost) LogWarn("tracking listener lost its connection", {{"error", e.what()}});
      lost = true;
      for (auto waited = std::chrono::milliseconds(0); waited < kReconnectPause && !stopping_;
           waited += kListenSlice) {
        std::this_thread::sleep_for(kListenSlice);
      }
    }
  }
}

}  // namespace qq::dispatch
