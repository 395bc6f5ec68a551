#include "services/common/event_consumer.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/log.h"
#include "services/common/metrics.h"
#include "services/common/pg_pool.h"
#include "services/common/redis_client.h"
#include "services/common/status.h"

namespace qq {
namespace {

constexpr char kReadCount[] = "100";

// Stream entry fields -> StreamEvent; the field names are those OutboxRelay writes.
StreamEvent ParseEntry(const std::string& stream, const RedisReply& entry) {
  StreamEvent event;
  event.stream = stream;
  if (entry.elements.size() < 2) return event;
  event.entry_id = entry.elements[0].str;
  const auto& fields = entry.elements[1].elements;
  for (size_t i = 0; i + 1 < fields.size(); i += 2) {
    const std::string& key = fields[i].str;
    const std::string& value = fields[i + 1].str;
    if (key == "event_id")
      event.event_id = value;
    else if (key == "tenant")
      event.tenant = value;
    else if (key == "type")
      event.type = value;
    else if (key == "aggregate_id")
      event.aggregate_id = value;
    else if (key == "payload")
      event.payload = value;
  }
  return event;
}

}  // namespace

EventConsumer::EventConsumer(PgPool& pool, const std::string& redis_address, Metrics* metrics,
                             Options options, Handler handler)
    : pool_(pool),
      redis_(std::make_unique<RedisClient>(redis_address, std::chrono::milliseconds(2000))),
      metrics_(metrics),
      options_(std::move(options)),
      handler_(std::move(handler)) {}

EventConsumer::~EventConsumer() { Stop(); }

void EventConsumer::CreateGroups() {
  for (const std::string& stream : options_.streams) {
    // "0": a group created after events were written still sees them all.
    auto created = redis_->Command({"XGROUP", "CREATE", stream, options_.group, "0", "MKSTREAM"});
    if (!created.ok() && !absl::StrContains(created.status().message(), "BUSYGROUP")) {
      LogWarn("cannot create consumer group yet",
              {{"stream", stream}, {"error", std::string(created.status().message())}});
    }
  }
}

void EventConsumer::Start() {
  CreateGroups();
  stopping_ = false;
  thread_ = std::thread([this] { Run(); });
}

void EventConsumer::Stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void EventConsumer::Run() {
  while (!stopping_) {
    auto handled = PollOnce(options_.block);
    if (!handled.ok()) {
      const auto& message = handled.status().message();
      if (absl::StrContains(message, "NOGROUP")) {
        // Redis lost the group (or was down at start): recreate it from the start;
        // processed events are skipped by id.
        CreateGroups();
      } else {
        LogWarn("event consumer pass failed",
                {{"group", options_.group}, {"error", std::string(message)}});
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
      }
    }
  }
}

absl::StatusOr<int> EventConsumer::PollOnce(std::chrono::milliseconds block) {
  auto now = std::chrono::steady_clock::now();
  if (now - last_reclaim_ > options_.reclaim_idle / 2) {
    last_reclaim_ = now;
    absl::Status reclaimed = ReclaimStale();
    if (!reclaimed.ok()) return reclaimed;
  }
  std::vector<std::string> argv = {
      "XREADGROUP", "GROUP",    options_.group, options_.consumer,
      "COUNT",      kReadCount, "BLOCK",        std::to_string(block.count()),
      "STREAMS"};
  for (const auto& s : options_.streams) argv.push_back(s);
  for (size_t i = 0; i < options_.streams.size(); ++i) argv.push_back(">");
  auto reply = redis_->Command(argv, block + std::chrono::milliseconds(2000));
  if (!reply.ok()) return reply.status();
  int handled = 0;
  if (reply->is_nil()) return handled;
  for (const RedisReply& per_stream : reply->elements) {
    if (per_stream.elements.size() < 2) continue;
    const std::string& stream = per_stream.elements[0].str;
    std::vector<StreamEvent> batch;
    for (const RedisReply& entry : per_stream.elements[1].elements) {
      batch.push_back(ParseEntry(stream, entry));
    }
    handled += HandleBatch(stream, batch);
  }
  return handled;
}

bool EventConsumer::Wanted(const StreamEvent& event) const {
  return !event.event_id.empty() &&
         (options_.types.empty() || std::find(options_.types.begin(), options_.types.end(),
                                              event.type) != options_.types.end());
}

int EventConsumer::HandleBatch(const std::string& stream, const std::vector<StreamEvent>& batch) {
  // The whole read in one transaction: one commit (and one fsync) for up to 100 events.
  // If a handler fails, the batch rolls back, that event stays pending for a later
  // delivery (one handler run per delivery, as the dead-letter count assumes) and the
  // others are handled each on its own, so one bad event holds back only itself.
  std::vector<const StreamEvent*> wanted, done;
  const StreamEvent* failed = nullptr;
  for (const StreamEvent& event : batch) {
    if (event.event_id.empty()) {
      LogWarn("stream entry without event id dropped", {{"entry", event.entry_id}});
    }
    if (Wanted(event)) wanted.push_back(&event);
  }
  absl::Status together = absl::OkStatus();
  if (!wanted.empty()) {
    together = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
      done.clear();
      failed = nullptr;
      for (const StreamEvent* event : wanted) {
        pqxx::result inserted = txn.exec_params(
            "INSERT INTO qq_processed_events (consumer_group, event_id) VALUES ($1, $2) "
            "ON CONFLICT DO NOTHING",
            options_.group, event->event_id);
        if (inserted.affected_rows() == 0) continue;  // seen before
        ScopedLogContext log_context("event:" + event->event_id, event->tenant);
        if (absl::Status handled = handler_(txn, *event); !handled.ok()) {
          failed = event;
          return handled;
        }
        done.push_back(event);
      }
      return absl::OkStatus();
    });
  }
  if (!together.ok()) {
    int handled = 0;
    for (const StreamEvent& event : batch) {
      absl::Status status = &event == failed ? together : HandleEntry(event);
      if (status.ok()) {
        ++handled;
      } else {
        LogWarn("event handler failed; will retry", {{"group", options_.group},
                                                     {"type", event.type},
                                                     {"event_id", event.event_id},
                                                     {"error", std::string(status.message())}});
      }
    }
    return handled;
  }
  if (options_.after_commit) {
    for (const StreamEvent* event : done) options_.after_commit(*event);
  }
  std::vector<std::string> ack = {"XACK", stream, options_.group};
  for (const StreamEvent& event : batch) ack.push_back(event.entry_id);
  auto acked = redis_->Command(ack);
  if (!acked.ok()) {
    // Left pending: reclaimed later and skipped as processed.
    LogWarn("event acknowledgement failed",
            {{"group", options_.group}, {"error", std::string(acked.status().message())}});
  }
  return static_cast<int>(batch.size());
}

absl::Status EventConsumer::HandleEntry(const StreamEvent& event) {
  absl::Status status;
  const bool wanted = Wanted(event);
  if (event.event_id.empty()) {
    status = absl::OkStatus();  // not ours (malformed entry): acknowledge and drop
    LogWarn("stream entry without event id dropped", {{"entry", event.entry_id}});
  } else if (!wanted) {
    status = absl::OkStatus();  // a type this service does not act on
  } else {
    bool handled = false;
    status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
      handled = false;
      pqxx::result inserted = txn.exec_params(
          "INSERT INTO qq_processed_events (consumer_group, event_id) VALUES ($1, $2) "
          "ON CONFLICT DO NOTHING",
          options_.group, event.event_id);
      if (inserted.affected_rows() == 0) return absl::OkStatus();  // seen before
      ScopedLogContext log_context("event:" + event.event_id, event.tenant);
      QQ_RETURN_IF_ERROR(handler_(txn, event));
      handled = true;
      return absl::OkStatus();
    });
    if (status.ok() && handled && options_.after_commit) options_.after_commit(event);
  }
  if (!status.ok()) return status;
  auto acked = redis_->Command({"XACK", event.stream, options_.group, event.entry_id});
  return acked.ok() ? absl::OkStatus() : acked.status();
}

absl::Status EventConsumer::ReclaimStale() {
  const std::string min_idle = std::to_string(options_.reclaim_idle.count());
  for (const std::string& stream : options_.streams) {
    // Entries delivered too often go to the dead-letter stream instead of looping.
    auto pending =
        redis_->Command({"XPENDING", stream, options_.group, "IDLE", min_idle, "-", "+", "100"});
    if (!pending.ok()) return pending.status();
    for (const RedisReply& p : pending->elements) {
      if (p.elements.size() < 4 || p.elements[3].integer < options_.max_deliveries) continue;
      const std::string& id = p.elements[0].str;
      auto range = redis_->Command({"XRANGE", stream, id, id});
      StreamEvent event;
      if (range.ok() && !range->elements.empty()) {
        event = ParseEntry(stream, range->elements[0]);
        std::vector<std::string> argv = {"XADD", stream + ":dead", "*",           "entry_id",
                                         id,     "group",          options_.group};
        for (const RedisReply& f : range->elements[0].elements[1].elements) argv.push_back(f.str);
        // Not acknowledged unless kept: a dead letter must never be lost on the way.
        if (!redis_->Command(argv).ok()) continue;
      }
      (void)redis_->Command({"XACK", stream, options_.group, id});
      LogError("event dead-lettered; list and replay with qq-dead-letters",
               {{"group", options_.group},
                {"stream", stream},
                {"entry", id},
                {"type", event.type},
                {"event_id", event.event_id},
                {"tenant", event.tenant}});
      if (metrics_ != nullptr) {
        metrics_->Increment("qq_events_dead_lettered_total",
                            "Events a consumer group gave up on (moved to <stream>:dead).",
                            {{"stream", stream}, {"group", options_.group}});
      }
    }
    auto claimed = redis_->Command(
        {"XAUTOCLAIM", stream, options_.group, options_.consumer, min_idle, "0-0", "COUNT", "100"});
    if (!claimed.ok()) return claimed.status();
    if (claimed->elements.size() >= 2) {
      for (const RedisReply& entry : claimed->elements[1].elements) {
        if (entry.elements.size() < 2) continue;  // deleted meanwhile
        (void)HandleEntry(ParseEntry(stream, entry));
      }
    }
    if (metrics_ != nullptr) {
      auto groups = redis_->Command({"XINFO", "GROUPS", stream});
      if (groups.ok()) {
        for (const RedisReply& g : groups->elements) {
          bool ours = false;
          for (size_t i = 0; i + 1 < g.elements.size(); i += 2) {
            if (g.elements[i].str == "name") ours = g.elements[i + 1].str == options_.group;
            if (ours && g.elements[i].str == "lag" &&
                g.elements[i + 1].type == RedisReply::Type::kInteger) {
              metrics_->SetGauge("qq_stream_lag", "Stream entries not yet read by the group.",
                                 {{"stream", stream}, {"group", options_.group}},
                                 static_cast<double>(g.elements[i + 1].integer));
            }
          }
        }
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace qq
