#include "services/common/dead_letters.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/redis_client.h"
#include "services/common/status.h"

namespace qq {
namespace {

constexpr char kDeadSuffix[] = ":dead";

// The fields EventConsumer adds to an entry when it dead-letters it; the rest are the
// original entry's, replayed as they were.
bool IsDeadLetterField(const std::string& key) { return key == "entry_id" || key == "group"; }

DeadLetter ParseDeadLetter(const std::string& dead_stream, const RedisReply& entry) {
  DeadLetter d;
  d.dead_stream = dead_stream;
  d.stream = dead_stream.substr(0, dead_stream.size() - (sizeof(kDeadSuffix) - 1));
  if (entry.elements.size() < 2) return d;
  d.id = entry.elements[0].str;
  const auto& fields = entry.elements[1].elements;
  for (size_t i = 0; i + 1 < fields.size(); i += 2) {
    const std::string& key = fields[i].str;
    const std::string& value = fields[i + 1].str;
    if (key == "entry_id") d.entry_id = value;
    if (key == "group") d.group = value;
    if (key == "event_id") d.event_id = value;
    if (key == "tenant") d.tenant = value;
    if (key == "type") d.type = value;
    if (key == "aggregate_id") d.aggregate_id = value;
  }
  return d;
}

}  // namespace

absl::StatusOr<std::vector<DeadLetter>> ListDeadLetters(RedisClient& redis,
                                                        const std::string& stream_prefix,
                                                        int limit) {
  std::vector<std::string> dead_streams;
  std::string cursor = "0";
  do {
    QQ_ASSIGN_OR_RETURN(RedisReply page,
                        redis.Command({"SCAN", cursor, "MATCH", stream_prefix + "*" + kDeadSuffix,
                                       "COUNT", "1000", "TYPE", "stream"}));
    if (page.elements.size() < 2) break;
    cursor = page.elements[0].str;
    for (const RedisReply& key : page.elements[1].elements) dead_streams.push_back(key.str);
  } while (cursor != "0");
  std::sort(dead_streams.begin(), dead_streams.end());
  std::vector<DeadLetter> letters;
  for (const std::string& dead_stream : dead_streams) {
    if (static_cast<int>(letters.size()) >= limit) break;
    QQ_ASSIGN_OR_RETURN(RedisReply entries,
                        redis.Command({"XRANGE", dead_stream, "-", "+", "COUNT",
                                       std::to_string(limit - letters.size())}));
    for (const RedisReply& entry : entries.elements) {
      letters.push_back(ParseDeadLetter(dead_stream, entry));
    }
  }
  return letters;
}

absl::Status ReplayDeadLetter(RedisClient& redis, const std::string& dead_stream,
                              const std::string& id) {
  if (!absl::EndsWith(dead_stream, kDeadSuffix)) {
    return InvalidField("stream",
                        absl::StrCat("is not a dead-letter stream (\"…", kDeadSuffix, "\")"));
  }
  QQ_ASSIGN_OR_RETURN(RedisReply found, redis.Command({"XRANGE", dead_stream, id, id}));
  if (found.elements.empty() || found.elements[0].elements.size() < 2) {
    return WithField(absl::NotFoundError(absl::StrCat("no dead letter ", id, " in ", dead_stream)),
                     "id");
  }
  const DeadLetter letter = ParseDeadLetter(dead_stream, found.elements[0]);
  std::vector<std::string> argv = {"XADD", letter.stream, "*"};
  const auto& fields = found.elements[0].elements[1].elements;
  for (size_t i = 0; i + 1 < fields.size(); i += 2) {
    if (IsDeadLetterField(fields[i].str)) continue;
    argv.push_back(fields[i].str);
    argv.push_back(fields[i + 1].str);
  }
  QQ_RETURN_IF_ERROR(redis.Command(argv).status());
  return redis.Command({"XDEL", dead_stream, id}).status();
}

}  // namespace qq
