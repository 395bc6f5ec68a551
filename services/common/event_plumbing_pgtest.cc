// The common plumbing against a real PostgreSQL and Redis (QQ_TEST_PG_ADMIN_DSN,
// QQ_TEST_REDIS_ADDR): migrations run once and refuse edited history; events written
// in a transaction reach a consumer exactly once in effect, never when rolled back;
// failing events are retried and finally dead-lettered.
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include "qingquan/common/v1/common.pb.h"
#include "services/common/dead_letters.h"
#include "services/common/event_consumer.h"
#include "services/common/idempotency.h"
#include "services/common/migrations.h"
#include "services/common/outbox.h"
#include "services/common/pg_pool.h"
#include "services/common/redis_client.h"
#include "services/common/status.h"
#include "services/common/testing/require_stack.h"
#include "services/common/testing/scratch_database.h"

namespace qq {
namespace {

using namespace std::chrono_literals;

std::string RedisAddr() {
  const char* addr = std::getenv("QQ_TEST_REDIS_ADDR");
  return addr != nullptr ? addr : "";
}

class PlumbingPgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (testing::PgAdminDsn().empty() || RedisAddr().empty()) {
      QQ_SKIP_WITHOUT_STACK("QQ_TEST_PG_ADMIN_DSN / QQ_TEST_REDIS_ADDR");
    }
    auto db = testing::ScratchDatabase::Create(
        "qq_common_test_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name(),
        {"pgcrypto"});
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::make_unique<testing::ScratchDatabase>(std::move(*db));
    // Streams of their own per test, so runs never see each other's entries.
    stream_ = "qq:test:" + std::to_string(getpid()) + ":" +
              ::testing::UnitTest::GetInstance()->current_test_info()->name();
    redis_ = std::make_unique<RedisClient>(RedisAddr(), 1000ms);
  }
  void TearDown() override {
    if (redis_) {
      (void)redis_->Command({"DEL", stream_, stream_ + ":dead"});
    }
  }

  std::unique_ptr<PgPool> MigratedPool() {
    EXPECT_TRUE(ApplyMigrations(db_->dsn(), "common", common_migrations()).ok());
    auto pool = PgPool::Connect(db_->dsn(), 4);
    EXPECT_TRUE(pool.ok()) << pool.status();
    return std::move(*pool);
  }

  void Append(PgPool& pool, const std::string& payload, bool commit = true,
              const std::string& tenant = "tenant-a") {
    absl::Status status = pool.Transact([&](pqxx::work& txn) {
      AppendToOutbox(txn, {stream_, tenant, "thing.happened", "agg-1", payload});
      return commit ? absl::OkStatus() : absl::AbortedError("roll back on purpose");
    });
    EXPECT_EQ(status.ok(), commit);
  }

  std::unique_ptr<testing::ScratchDatabase> db_;
  std::unique_ptr<RedisClient> redis_;
  std::string stream_;
};

TEST_F(PlumbingPgTest, MigrationsApplyOnceAndRefuseEditedHistory) {
  std::vector<Migration> v1 = {{1, "0001_a.sql", "CREATE TABLE a (x int);"},
                               {2, "0002_b.sql", "CREATE TABLE b (y int);"}};
  ASSERT_TRUE(ApplyMigrations(db_->dsn(), "svc", v1).ok());
  // Applying again is a no-op (a second CREATE TABLE would fail).
  ASSERT_TRUE(ApplyMigrations(db_->dsn(), "svc", v1).ok());
  auto v2 = v1;
  v2.push_back({3, "0003_c.sql", "INSERT INTO a VALUES (42);"});
  ASSERT_TRUE(ApplyMigrations(db_->dsn(), "svc", v2).ok());

  auto edited = v2;
  edited[1].sql = "CREATE TABLE b (y bigint);";
  absl::Status refused = ApplyMigrations(db_->dsn(), "svc", edited);
  EXPECT_EQ(refused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.message().find("0002_b.sql"), absl::string_view::npos) << refused;

  std::vector<Migration> unordered = {{2, "0002_b.sql", "x"}, {1, "0001_a.sql", "y"}};
  EXPECT_EQ(ApplyMigrations(db_->dsn(), "other", unordered).code(),
            absl::StatusCode::kFailedPrecondition);

  // A failing migration leaves nothing half-applied.
  std::vector<Migration> broken = {{1, "0001_bad.sql", "CREATE TABLE c (z int); SELEC 1;"}};
  EXPECT_FALSE(ApplyMigrations(db_->dsn(), "broken", broken).ok());
  auto pool = PgPool::Connect(db_->dsn(), 1);
  ASSERT_TRUE(pool.ok());
  ASSERT_TRUE((*pool)
                  ->Read([](pqxx::work& txn) {
                    EXPECT_TRUE(txn.exec("SELECT to_regclass('c') IS NULL")[0][0].as<bool>());
                    return absl::OkStatus();
                  })
                  .ok());
}

TEST_F(PlumbingPgTest, CommittedEventsReachTheConsumerOnceRolledBackNever) {
  auto pool = MigratedPool();
  Append(*pool, "one");
  Append(*pool, "never", /*commit=*/false);
  Append(*pool, "two");

  OutboxRelay relay(*pool, *redis_, nullptr, {});
  auto relayed = relay.RelayOnce();
  ASSERT_TRUE(relayed.ok()) << relayed.status();
  EXPECT_EQ(*relayed, 2);
  EXPECT_EQ(*relay.RelayOnce(), 0);  // nothing twice

  std::vector<std::string> seen;
  EventConsumer consumer(*pool, RedisAddr(), nullptr,
                         {.group = "g", .consumer = "c1", .streams = {stream_}},
                         [&](pqxx::work&, const StreamEvent& e) {
                           EXPECT_EQ(e.tenant, "tenant-a");
                           EXPECT_EQ(e.type, "thing.happened");
                           seen.push_back(e.payload);
                           return absl::OkStatus();
                         });
  ASSERT_TRUE(redis_->Command({"XGROUP", "CREATE", stream_, "g", "0", "MKSTREAM"}).ok());
  auto handled = consumer.PollOnce(100ms);
  ASSERT_TRUE(handled.ok()) << handled.status();
  EXPECT_EQ(seen, (std::vector<std::string>{"one", "two"}));

  // Redis lost data, or the relay crashed before marking: replaying sends them again,
  // and the consumer drops them by event id.
  auto replayed = relay.Replay(std::chrono::system_clock::now() - 1h);
  ASSERT_TRUE(replayed.ok());
  EXPECT_EQ(*replayed, 2);
  EXPECT_EQ(*relay.RelayOnce(), 2);
  ASSERT_TRUE(consumer.PollOnce(100ms).ok());
  EXPECT_EQ(seen.size(), 2u);
  auto pending = redis_->Command({"XPENDING", stream_, "g"});
  ASSERT_TRUE(pending.ok());
  EXPECT_EQ(pending->elements[0].integer, 0) << "duplicates are acknowledged too";
}

TEST_F(PlumbingPgTest, FailingEventIsRetriedThenDeadLettered) {
  auto pool = MigratedPool();
  Append(*pool, "poison");
  OutboxRelay relay(*pool, *redis_, nullptr, {});
  ASSERT_EQ(*relay.RelayOnce(), 1);
  ASSERT_TRUE(redis_->Command({"XGROUP", "CREATE", stream_, "g", "0", "MKSTREAM"}).ok());

  std::atomic<int> attempts{0};
  std::atomic<int> after_commits{0};
  EventConsumer consumer(*pool, RedisAddr(), nullptr,
                         {.group = "g",
                          .consumer = "c1",
                          .streams = {stream_},
                          .reclaim_idle = 20ms,
                          .max_deliveries = 3,
                          .after_commit = [&](const StreamEvent&) { after_commits++; }},
                         [&](pqxx::work& txn, const StreamEvent&) {
                           attempts++;
                           // Its writes must roll back with the failure.
                           txn.exec("INSERT INTO qq_processed_events VALUES ('x', 'y')");
                           return absl::InternalError("cannot handle this one");
                         });
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(consumer.PollOnce(10ms).ok());
    std::this_thread::sleep_for(15ms);
  }
  EXPECT_GE(attempts.load(), 2);
  EXPECT_LE(attempts.load(), 3);
  EXPECT_EQ(after_commits.load(), 0);
  auto dead = redis_->Command({"XLEN", stream_ + ":dead"});
  ASSERT_TRUE(dead.ok());
  EXPECT_EQ(dead->integer, 1);
  auto pending = redis_->Command({"XPENDING", stream_, "g"});
  EXPECT_EQ(pending->elements[0].integer, 0);
  ASSERT_TRUE(pool->Read([](pqxx::work& txn) {
                    EXPECT_EQ(txn.exec("SELECT count(*) FROM qq_processed_events")[0][0].as<int>(),
                              0);
                    return absl::OkStatus();
                  })
                  .ok());
}

// A dead letter is listed with what it was, and once the cause is fixed a replay brings
// it back to its stream, where the group handles it once.
TEST_F(PlumbingPgTest, ADeadLetterIsListedAndReplayedOnceFixed) {
  auto pool = MigratedPool();
  Append(*pool, "needs a fix");
  // Another tenant's event behind the poisoned one is handled meanwhile, not held up.
  Append(*pool, "other tenant's work", /*commit=*/true, "tenant-b");
  OutboxRelay relay(*pool, *redis_, nullptr, {});
  ASSERT_EQ(*relay.RelayOnce(), 2);
  ASSERT_TRUE(redis_->Command({"XGROUP", "CREATE", stream_, "g", "0", "MKSTREAM"}).ok());

  std::atomic<bool> fixed{false};
  std::vector<std::string> handled;
  EventConsumer consumer(*pool, RedisAddr(), nullptr,
                         {.group = "g",
                          .consumer = "c1",
                          .streams = {stream_},
                          .reclaim_idle = 20ms,
                          .max_deliveries = 2},
                         [&](pqxx::work&, const StreamEvent& e) {
                           if (!fixed && e.tenant == "tenant-a") {
                             return absl::InternalError("a bug in the handler");
                           }
                           handled.push_back(e.payload);
                           return absl::OkStatus();
                         });
  const std::string prefix = "qq:test:" + std::to_string(getpid()) + ":";
  std::vector<DeadLetter> letters;
  for (int i = 0; i < 40 && letters.empty(); ++i) {
    ASSERT_TRUE(consumer.PollOnce(10ms).ok());
    std::this_thread::sleep_for(15ms);
    auto listed = ListDeadLetters(*redis_, prefix);
    ASSERT_TRUE(listed.ok()) << listed.status();
    for (const auto& d : *listed) {
      if (d.stream == stream_) letters.push_back(d);
    }
  }
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0].dead_stream, stream_ + ":dead");
  EXPECT_EQ(letters[0].group, "g");
  EXPECT_EQ(letters[0].type, "thing.happened");
  EXPECT_EQ(letters[0].tenant, "tenant-a");
  EXPECT_FALSE(letters[0].event_id.empty());
  EXPECT_EQ(handled, (std::vector<std::string>{"other tenant's work"}));

  EXPECT_EQ(ReplayDeadLetter(*redis_, stream_ + ":dead", "1-1").code(),
            absl::StatusCode::kNotFound);
  fixed = true;
  ASSERT_TRUE(ReplayDeadLetter(*redis_, letters[0].dead_stream, letters[0].id).ok());
  ASSERT_TRUE(consumer.PollOnce(100ms).ok());
  EXPECT_EQ(handled, (std::vector<std::string>{"other tenant's work", "needs a fix"}));
  auto dead = redis_->Command({"XLEN", stream_ + ":dead"});
  ASSERT_TRUE(dead.ok());
  EXPECT_EQ(dead->integer, 0);
  // A second replay of the same letter finds nothing; a re-sent event is not handled twice.
  EXPECT_EQ(ReplayDeadLetter(*redis_, letters[0].dead_stream, letters[0].id).code(),
            absl::StatusCode::kNotFound);
}

TEST_F(PlumbingPgTest, PoolMapsDatabaseErrorsToStatus) {
  auto pool = MigratedPool();
  ASSERT_TRUE(pool->Transact([](pqxx::work& txn) {
                    txn.exec("CREATE TABLE u (k int PRIMARY KEY)");
                    txn.exec("INSERT INTO u VALUES (1)");
                    return absl::OkStatus();
                  })
                  .ok());
  absl::Status dup = pool->Transact([](pqxx::work& txn) {
    txn.exec("INSERT INTO u VALUES (1)");
    return absl::OkStatus();
  });
  EXPECT_EQ(dup.code(), absl::StatusCode::kAlreadyExists);
  absl::Status bad_uuid = pool->Transact([](pqxx::work& txn) {
    txn.exec("SELECT 'nope'::uuid");
    return absl::OkStatus();
  });
  EXPECT_EQ(bad_uuid.code(), absl::StatusCode::kInvalidArgument);
  // The pool is still usable after errors.
  EXPECT_TRUE(pool->Read([](pqxx::work& txn) {
                    txn.exec("SELECT 1");
                    return absl::OkStatus();
                  })
                  .ok());
}

TEST_F(PlumbingPgTest, ConcurrentRetriesWithOneIdempotencyKeyCreateOnce) {
  auto pool = MigratedPool();
  ASSERT_TRUE(pool->Transact([](pqxx::work& txn) {
                    txn.exec("CREATE TABLE things (id serial PRIMARY KEY, name text)");
                    return absl::OkStatus();
                  })
                  .ok());
  qingquan::common::v1::ErrorDetail request;  // any message will do as a request
  request.set_field("same body");
  IdempotencyScope scope{"tenant-a", "user-1", "CreateThing", "key-1", "hash-of-same-body"};

  // Eight attempts at once; each creates a thing unless the key says it exists. The first
  // holds the key for a while: the others get 409 (ABORTED) while it runs, or its answer
  // once it committed, never a second thing.
  std::atomic<int> created{0};
  std::atomic<int> in_progress{0};
  std::vector<std::string> answers(8);
  auto attempt = [&](int i) {
    return pool->Transact([&, i](pqxx::work& txn) -> absl::Status {
      qingquan::common::v1::ErrorDetail first;
      auto replayed = ClaimIdempotencyKey(txn, scope, first);
      if (!replayed.ok()) return replayed.status();
      if (*replayed) {
        answers[i] = first.SerializeAsString();
        return absl::OkStatus();
      }
      std::this_thread::sleep_for(60ms);  // keep the first one running a while
      pqxx::row row = txn.exec("INSERT INTO things (name) VALUES ('x') RETURNING id")[0];
      qingquan::common::v1::ErrorDetail response;
      response.set_reason("thing " + row[0].as<std::string>());
      RecordIdempotentResponse(txn, scope, response);
      answers[i] = response.SerializeAsString();
      created++;
      return absl::OkStatus();
    });
  };
  std::vector<std::thread> attempts;
  for (int i = 0; i < 8; ++i) {
    attempts.emplace_back([&, i] {
      absl::Status status = attempt(i);
      if (status.code() == absl::StatusCode::kAborted) {
        EXPECT_EQ(HttpStatusFor(status), 409);
        EXPECT_EQ(FieldOf(status), "Idempotency-Key");
        in_progress++;
      } else {
        EXPECT_TRUE(status.ok()) << status;
      }
    });
  }
  for (auto& t : attempts) t.join();
  EXPECT_EQ(created.load(), 1);
  EXPECT_GE(in_progress.load(), 1);  // the others arrived within the first one's 60 ms
  std::string first_answer;
  for (const auto& a : answers) {
    if (a.empty()) continue;
    if (first_answer.empty()) first_answer = a;
    EXPECT_EQ(a, first_answer);
  }
  // A retry after the first committed gets its answer.
  answers[0].clear();
  ASSERT_TRUE(attempt(0).ok());
  EXPECT_EQ(answers[0], first_answer);
  EXPECT_EQ(created.load(), 1);
  ASSERT_TRUE(pool->Read([](pqxx::work& txn) {
                    EXPECT_EQ(txn.exec("SELECT count(*) FROM things")[0][0].as<int>(), 1);
                    return absl::OkStatus();
                  })
                  .ok());

  IdempotencyScope other_body = scope;
  other_body.request_hash = "hash-of-another-body";
  absl::Status reused = pool->Transact([&](pqxx::work& txn) -> absl::Status {
    qingquan::common::v1::ErrorDetail ignored;
    return ClaimIdempotencyKey(txn, other_body, ignored).status();
  });
  EXPECT_EQ(reused.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(HttpStatusFor(reused), 422);
  EXPECT_EQ(FieldOf(reused), "Idempotency-Key");
}

}  // namespace
}  // namespace qq
