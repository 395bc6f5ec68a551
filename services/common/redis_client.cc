#include "services/common/redis_client.h"

#include <hiredis/hiredis.h>

#include "absl/strings/str_cat.h"
#include "services/common/config.h"

namespace qq {
namespace {

timeval ToTimeval(std::chrono::milliseconds ms) {
  timeval tv;
  tv.tv_sec = static_cast<long>(ms.count() / 1000);
  tv.tv_usec = static_cast<long>((ms.count() % 1000) * 1000);
  return tv;
}

RedisReply CopyReply(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::kError;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(CopyReply(r->element[i]));
      break;
    default:
      out.type = RedisReply::Type::kNil;
  }
  return out;
}

}  // namespace

RedisClient::RedisClient(std::string address, std::chrono::milliseconds timeout)
    : timeout_(timeout) {
  auto hp = ParseHostPort("redis_addr", address);
  if (hp.ok()) {
    host_ = hp->host;
    port_ = hp->port;
  } else {
    host_ = address;  // the connect attempt reports it
  }
}

RedisClient::~RedisClient() {
  std::lock_guard lock(mu_);
  DisconnectLocked();
}

void RedisClient::DisconnectLocked() {
  if (context_ != nullptr) redisFree(context_);
  context_ = nullptr;
}

absl::Status RedisClient::ConnectLocked() {
  if (context_ != nullptr) return absl::OkStatus();
  timeval tv = ToTimeval(timeout_);
  context_ = redisConnectWithTimeout(host_.c_str(), port_, tv);
  if (context_ == nullptr || context_->err) {
    std::string why = context_ ? context_->errstr : "out of memory";
    DisconnectLocked();
    return absl::UnavailableError(absl::StrCat("redis ", host_, ":", port_, ": ", why));
  }
  redisSetTimeout(context_, tv);
  return absl::OkStatus();
}

absl::Status StatusOfRedisError(absl::string_view error) {
  // Redis answers these while it cannot serve for now: loading its data after a restart,
  // running a long script, a replica without its primary, a disk that refuses writes.
  static constexpr absl::string_view kNotNow[] = {"LOADING",     "BUSY",      "MASTERDOWN",
                                                  "TRYAGAIN",    "READONLY",  "MISCONF",
                                                  "CLUSTERDOWN", "NOREPLICAS"};
  const absl::string_view prefix = error.substr(0, error.find(' '));
  for (absl::string_view code : kNotNow) {
    if (prefix == code) return absl::UnavailableError(absl::StrCat("redis: ", error));
  }
  return absl::InternalError(absl::StrCat("redis: ", error));
}

absl::StatusOr<RedisReply> RedisClient::Command(const std::vector<std::string>& argv,
                                                std::chrono::milliseconds timeout_override) {
  std::vector<const char*> args;
  std::vector<size_t> lens;
  args.reserve(argv.size());
  lens.reserve(argv.size());
  for (const std::string& a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  std::lock_guard lock(mu_);
  absl::Status last;
  for (int attempt = 0; attempt < 2; ++attempt) {
    absl::Status connected = ConnectLocked();
    if (!connected.ok()) {
      last = connected;
      continue;
    }
    if (timeout_override.count() > 0) redisSetTimeout(context_, ToTimeval(timeout_override));
    auto* reply = static_cast<redisReply*>(
        redisCommandArgv(context_, static_cast<int>(args.size()), args.data(), lens.data()));
    if (timeout_override.count() > 0 && reply != nullptr) {
      redisSetTimeout(context_, ToTimeval(timeout_));
    }
    if (reply == nullptr) {
      last = absl::UnavailableError(absl::StrCat("redis: ", context_->errstr));
      DisconnectLocked();
      continue;
    }
    RedisReply out = CopyReply(reply);
    freeReplyObject(reply);
    if (out.type == RedisReply::Type::kError) return StatusOfRedisError(out.str);
    return out;
  }
  return last;
}

}  // namespace qq
