// The customer service's events on the running stack: a customer created and a ledger
// entry posted through the gateway reach the Redis stream qq:events:customer (outbox →
// relay) within two seconds, with payloads that say what happened; only a service may
// mark an entry as caused by a rule.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "qingquan/common/v1/events.pb.h"
#include "services/common/redis_client.h"
#include "tests/support/gateway_test.h"
#include "tests/support/http_client.h"
#include "tests/support/stack.h"

namespace qq::testing {
namespace {

namespace events = qingquan::common::v1;

struct StreamEntry {
  std::string type;
  std::string aggregate_id;
  std::string payload;
};

class CustomerEventsTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    if (IsSkipped()) return;
    station_agent_ = LoginAs(*http_, "station-demo", "agent");
    redis_ = std::make_unique<RedisClient>(EnvOr("QQ_TEST_REDIS_ADDR", "127.0.0.1:6379"),
                                           std::chrono::milliseconds(1000));
  }

  std::string Unique(const char* what) {
    return std::string(what) + "-" + std::to_string(getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }

  // The newest entry of qq:events:customer with `type` about `aggregate_id` and whose
  // payload satisfies `matches`, waiting up to `within` for it.
  template <typename Payload, typename Match>
  std::optional<Payload> WaitForEvent(const std::string& type, const std::string& aggregate_id,
                                      Match matches, std::chrono::milliseconds within) {
    const auto deadline = std::chrono::steady_clock::now() + within;
    do {
      // The newest entries first: the stream is shared by every test of the run.
      auto reply = redis_->Command({"XREVRANGE", "qq:events:customer", "+", "-", "COUNT", "500"});
      if (reply.ok()) {
        for (const RedisReply& entry : reply->elements) {
          if (entry.elements.size() < 2) continue;
          StreamEntry e;
          const auto& fields = entry.elements[1].elements;
          for (size_t i = 0; i + 1 < fields.size(); i += 2) {
            if (fields[i].str == "type") e.type = fields[i + 1].str;
            if (fields[i].str == "aggregate_id") e.aggregate_id = fields[i + 1].str;
            if (fields[i].str == "payload") e.payload = fields[i + 1].str;
          }
          if (e.type != type || e.aggregate_id != aggregate_id) continue;
          Payload payload;
          if (payload.ParseFromString(e.payload) && matches(payload)) return payload;
        }
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (std::chrono::steady_clock::now() < deadline);
    return std::nullopt;
  }

  std::string station_agent_;
  std::unique_ptr<RedisClient> redis_;
};

TEST_F(CustomerEventsTest, CreateAndLedgerPostReachTheStream) {
  const std::string phone = UniquePhone();
  const auto started = std::chrono::steady_clock::now();
  HttpResponse created = http_->Post(
      "/v1/customers",
      R"({"name":"事件测试","phones":[")" + phone + R"("],"tags":["VIP"],"channel":"PHONE"})",
      station_agent_);
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string id = Str(created.Json(), "id");

  auto customer = WaitForEvent<events::CustomerChanged>(
      "customer.created", id, [](const events::CustomerChanged&) { return true; },
      std::chrono::milliseconds(2000));
  ASSERT_TRUE(customer.has_value()) << "no customer.created for " << id << " within 2 s";
  EXPECT_EQ(customer->name(), "事件测试");
  ASSERT_EQ(customer->phones_size(), 1);
  EXPECT_EQ(customer->phones(0), phone);
  EXPECT_EQ(customer->status(), "ACTIVE");
  EXPECT_EQ(customer->channel(), "PHONE");
  EXPECT_GT(customer->version(), 0);
  const auto create_seen = std::chrono::steady_clock::now() - started;

  HttpResponse bought = http_->Send(
      "POST", "/v1/customers/" + id + "/ledger/entries",
      R"({"kind":"PURCHASE","asset":{"kind":"TICKET","product":"18.9L"},"quantityDelta":5,"amountFenDelta":9000,"reason":"套餐"})",
      {{"Authorization", "Bearer " + station_agent_}, {"Idempotency-Key", Unique("buy")}});
  ASSERT_EQ(bought.status, 200) << bought.body;
  const std::string entry_id = Str(bought.Json(), "id");
  auto posted = WaitForEvent<events::LedgerPosted>(
      "ledger.posted", id, [&](const events::LedgerPosted& e) { return e.entry_id() == entry_id; },
      std::chrono::milliseconds(2000));
  ASSERT_TRUE(posted.has_value()) << "no ledger.posted for " << entry_id << " within 2 s";
  EXPECT_EQ(posted->kind(), "PURCHASE");
  EXPECT_EQ(posted->asset_kind(), "TICKET");
  EXPECT_EQ(posted->product(), "18.9L");
  EXPECT_EQ(posted->quantity_after(), 5);
  EXPECT_EQ(posted->amount_fen_after(), 9000);
  EXPECT_EQ(posted->caused_by_rule(), "");
  // The entry moved the customer's last activity: the projection learns it too.
  auto updated = WaitForEvent<events::CustomerChanged>(
      "customer.updated", id,
      [&](const events::CustomerChanged& c) { return c.version() > customer->version(); },
      std::chrono::milliseconds(2000));
  EXPECT_TRUE(updated.has_value());
  std::printf("customer.created seen on the stream after %lld ms\n",
              static_cast<long long>(
                  std::chrono::duration_cast<std::chrono::milliseconds>(create_seen).count()));

  // Staff cannot mark an entry as a rule's own.
  HttpResponse marked = http_->Send(
      "POST", "/v1/customers/" + id + "/ledger/entries",
      R"({"kind":"ADJUSTMENT","asset":{"kind":"COUPON","product":"SPRING10"},"quantityDelta":1,"reason":"生日券","causedByRule":"rule-1"})",
      {{"Authorization", "Bearer " + station_agent_}, {"Idempotency-Key", Unique("rule")}});
  ASSERT_EQ(marked.status, 400) << marked.body;
  EXPECT_EQ(Str(ErrorOf(marked), "code"), "INVALID_ARGUMENT");
  EXPECT_EQ(Str(ErrorOf(marked), "field"), "entry.causedByRule") << marked.body;
}

}  // namespace
}  // namespace qq::testing
