// qq-dead-letters: lists the events consumers gave up on, and replays one after the cause
// is fixed. `./deploy/dev dead-letters` runs it against the `up` stack's Redis.
//
//   qq-dead-letters [--redis_addr host:port] list
//   qq-dead-letters [--redis_addr host:port] replay <dead-stream> <id>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "services/common/config.h"
#include "services/common/dead_letters.h"
#include "services/common/redis_client.h"

int main(int argc, char** argv) {
  std::vector<char*> args = qq::InitFlags(
      argc, argv, "qq-dead-letters [--redis_addr host:port] list | replay <dead-stream> <id>");
  qq::RedisClient redis(absl::GetFlag(FLAGS_redis_addr), std::chrono::milliseconds(2000));
  const std::string command = args.size() > 1 ? args[1] : "";
  if (command == "list" && args.size() == 2) {
    auto letters = qq::ListDeadLetters(redis, "qq:events:");
    if (!letters.ok()) {
      std::fprintf(stderr, "qq-dead-letters: %s\n", letters.status().ToString().c_str());
      return 1;
    }
    for (const auto& d : *letters) {
      std::printf("%s %s\tgroup=%s type=%s tenant=%s event=%s aggregate=%s\n",
                  d.dead_stream.c_str(), d.id.c_str(), d.group.c_str(), d.type.c_str(),
                  d.tenant.c_str(), d.event_id.c_str(), d.aggregate_id.c_str());
    }
    std::printf("%zu dead letter(s)\n", letters->size());
    return 0;
  }
  if (command == "replay" && args.size() == 4) {
    absl::Status replayed = qq::ReplayDeadLetter(redis, args[2], args[3]);
    if (!replayed.ok()) {
      std::fprintf(stderr, "qq-dead-letters: %s\n", replayed.ToString().c_str());
      return 1;
    }
    std::printf("replayed %s %s\n", args[2], args[3]);
    return 0;
  }
  std::fprintf(stderr, "usage: qq-dead-letters list | replay <dead-stream> <id>\n");
  return 2;
}
