// The notification service's in-app channel against the running order service
// (QQ_TEST_ORDER_ADDR, service tokens signed with QQ_TEST_JWT_KEYS): a reminder for a real
// work order lands on the manager's to-do list (GET /v1/todos through the gateway), a
// resent message adds no second to-do, and what cannot be delivered fails or is retried.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/auth.h"
#include "services/common/testing/require_stack.h"
#include "services/notification/channels/in_app_channel.h"
#include "tests/support/gateway_test.h"
#include "tests/support/http_client.h"
#include "tests/support/stack.h"

namespace qq::testing {
namespace {

using notification::InAppChannel;
using notification::OutgoingMessage;
using notification::SendResult;

class InAppChannelTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    if (IsSkipped()) return;
    if (EnvOr("QQ_TEST_ORDER_ADDR").empty()) {
      QQ_SKIP_WITHOUT_STACK("QQ_TEST_ORDER_ADDR");
    }
    auto keys = ParseJwtKeys(EnvOr("QQ_TEST_JWT_KEYS"));
    ASSERT_TRUE(keys.ok()) << keys.status();
    issuer_ = std::make_unique<TokenIssuer>(keys->front());
    channel_ = std::make_unique<InAppChannel>(EnvOr("QQ_TEST_ORDER_ADDR"), *issuer_,
                                              std::chrono::seconds(5));
    manager_ = LoginAs(*http_, "utility-demo", "manager");
  }

  std::string NewWorkOrder() {
    HttpResponse customer = http_->Post(
        "/v1/customers",
        R"({"name":"站内提醒","phones":[")" + UniquePhone() +
            R"("],"addresses":[{"text":"城西区 人民路 12 号","location":{"lat":31.23,"lng":121.47}}]})",
        agent_);
    EXPECT_EQ(customer.status, 200) << customer.body;
    HttpResponse created =
        http_->Post("/v1/work-orders",
                    R"({"type":"REPAIR","channel":"PHONE","customerId":")" +
                        Str(customer.Json(), "id") + R"(","description":"停水报修两小时未受理"})",
                    agent_);
    EXPECT_EQ(created.status, 200) << created.body;
    return Str(created.Json(), "id");
  }

  OutgoingMessage Reminder(const std::string& order_id, const std::string& what) {
    OutgoingMessage m;
    m.message_id = absl::StrCat("e2e-in-app-", getpid(), "-", what, "-",
                                ::testing::UnitTest::GetInstance()->current_test_info()->name());
    m.tenant = "utility-demo";
    m.recipient = "role:manager";
    m.body = "工单两小时未处理, 已升级: " + what;
    m.extra = {{"order_id", order_id}, {"order_kind", "WORK_ORDER"}};
    return m;
  }

  // The manager's to-dos with `id`.
  std::vector<boost::json::value> ManagerTodos(const std::string& id) {
    std::vector<boost::json::value> found;
    for (const auto& todo : AllTodos(*http_, manager_)) {
      if (Str(todo, "id") == id) found.push_back(todo);
    }
    return found;
  }

  std::unique_ptr<TokenIssuer> issuer_;
  std::unique_ptr<InAppChannel> channel_;
  std::string manager_;
};

TEST_F(InAppChannelTest, AReminderLandsOnceOnTheManagersList) {
  EXPECT_EQ(channel_->name(), "in-app");
  const std::string order = NewWorkOrder();
  const OutgoingMessage message = Reminder(order, "escalate");

  SendResult sent = channel_->Send(message);
  ASSERT_EQ(sent.outcome, SendResult::Outcome::kSent) << sent.reason;
  ASSERT_FALSE(sent.provider_message_id.empty());
  auto todos = ManagerTodos(sent.provider_message_id);
  ASSERT_EQ(todos.size(), 1u);
  EXPECT_EQ(Str(todos[0], "kind"), "REMINDER");
  EXPECT_EQ(Str(todos[0], "title"), message.body);
  EXPECT_EQ(Str(todos[0], "orderId"), order);
  EXPECT_EQ(Str(todos[0], "customerName"), "站内提醒");

  // The sender retries a message whose outcome it did not learn: still one to-do.
  SendResult again = channel_->Send(message);
  ASSERT_EQ(again.outcome, SendResult::Outcome::kSent) << again.reason;
  EXPECT_EQ(again.provider_message_id, sent.provider_message_id);
  EXPECT_EQ(ManagerTodos(sent.provider_message_id).size(), 1u);
}

TEST_F(InAppChannelTest, WhatCannotBeDeliveredFails) {
  const std::string order = NewWorkOrder();

  OutgoingMessage unknown = Reminder("6f1c1c2e-0000-4000-8000-000000000000", "unknown");
  SendResult missing = channel_->Send(unknown);
  EXPECT_EQ(missing.outcome, SendResult::Outcome::kFailed);
  EXPECT_TRUE(absl::StartsWith(missing.reason, "NOT_FOUND: ")) << missing.reason;

  OutgoingMessage not_an_id = Reminder("WO-20250101-0001", "number");
  EXPECT_EQ(channel_->Send(not_an_id).outcome, SendResult::Outcome::kFailed);

  OutgoingMessage no_order = Reminder(order, "no-order");
  no_order.extra.erase("order_id");
  EXPECT_EQ(channel_->Send(no_order).outcome, SendResult::Outcome::kFailed);

  OutgoingMessage phone = Reminder(order, "phone");
  phone.recipient = "13912345678";
  EXPECT_EQ(channel_->Send(phone).outcome, SendResult::Outcome::kFailed);

  OutgoingMessage no_such_role = Reminder(order, "role");
  no_such_role.recipient = "role:admin";
  SendResult refused = channel_->Send(no_such_role);
  EXPECT_EQ(refused.outcome, SendResult::Outcome::kFailed);
  EXPECT_TRUE(absl::StartsWith(refused.reason, "INVALID_ARGUMENT: ")) << refused.reason;
}

TEST_F(InAppChannelTest, AnOrderServiceThatIsAwayIsRetried) {
  InAppChannel away("127.0.0.1:1", *issuer_, std::chrono::milliseconds(500));
  SendResult result = away.Send(Reminder(NewWorkOrder(), "away"));
  EXPECT_EQ(result.outcome, SendResult::Outcome::kRetry) << result.reason;
}

}  // namespace
}  // namespace qq::testing
