// Dead letters: events a consumer group failed to handle max_deliveries times, kept by
// EventConsumer in "<stream>:dead" with the original fields plus the source entry id and
// the group. An operator lists them, fixes the cause, and replays one: it is added to its
// source stream again, where groups that already handled the event skip it by event id.
// Used by the qq-dead-letters tool (`./deploy/dev dead-letters`).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace qq {

class RedisClient;

struct DeadLetter {
  std::string dead_stream;  // e.g. "qq:events:order:dead"
  std::string id;           // the entry id in dead_stream
  std::string stream;       // where it came from, e.g. "qq:events:order"
  std::string group;        // the consumer group that gave up on it
  std::string entry_id;     // its id in `stream`
  std::string event_id;
  std::string tenant;
  std::string type;
  std::string aggregate_id;
};

// Every dead letter in the dead-letter streams whose names start with `stream_prefix`
// (e.g. "qq:events:"), oldest first per stream, at most `limit` in all.
absl::StatusOr<std::vector<DeadLetter>> ListDeadLetters(RedisClient& redis,
                                                        const std::string& stream_prefix,
                                                        int limit = 1000);

// Adds the dead letter `id` of `dead_stream` to its source stream again (all its original
// fields) and removes it from the dead-letter stream. NOT_FOUND when there is no such
// entry (replayed already, or a typo).
absl::Status ReplayDeadLetter(RedisClient& redis, const std::string& dead_stream,
                              const std::string& id);

}  // namespace qq
