// Retries never double anything: a create repeated with the same Idempotency-Key
// returns the first result; the same key with another body is refused with 422.
#include <gtest/gtest.h>
#include <unistd.h>

#include "tests/support/gateway_test.h"
#include "tests/support/http_client.h"
#include "tests/support/stack.h"

namespace qq::testing {
namespace {

class IdempotencyTest : public GatewayTest {
 protected:
  HttpResponse PostWithKey(const std::string& target, const std::string& body,
                           const std::string& key) {
    std::map<std::string, std::string> headers = {{"Authorization", "Bearer " + agent_}};
    if (!key.empty()) headers["Idempotency-Key"] = key;
    return http_->Send("POST", target, body, headers);
  }

  std::string Key(const char* what) {
    return std::string(what) + "-" + std::to_string(getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }
};

TEST_F(IdempotencyTest, RetriedCreateReturnsTheFirstCustomer) {
  const std::string body = R"({"name":"孙八","phones":[")" + UniquePhone() + R"("]})";
  HttpResponse first = PostWithKey("/v1/customers", body, Key("c"));
  HttpResponse retry = PostWithKey("/v1/customers", body, Key("c"));
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_EQ(retry.status, 200) << retry.body;
  EXPECT_EQ(Str(first.Json(), "id"), Str(retry.Json(), "id"));

  const std::string no_phone = R"({"name":"孙八"})";
  HttpResponse other = PostWithKey("/v1/customers", no_phone, "");
  HttpResponse another = PostWithKey("/v1/customers", no_phone, "");
  EXPECT_NE(Str(other.Json(), "id"), Str(another.Json(), "id")) << "no key, no deduplication";
}

TEST_F(IdempotencyTest, SameKeyWithAnotherBodyIs422) {
  ASSERT_EQ(PostWithKey("/v1/customers", R"({"name":"周九"})", Key("d")).status, 200);
  HttpResponse changed = PostWithKey("/v1/customers", R"({"name":"吴十"})", Key("d"));
  EXPECT_EQ(changed.status, 422) << changed.body;
  EXPECT_EQ(Str(changed.Json().as_object().at("error"), "field"), "Idempotency-Key");
  EXPECT_EQ(Str(changed.Json().as_object().at("error"), "code"), "IDEMPOTENCY_KEY_REUSED");
}

TEST_F(IdempotencyTest, RetriedWorkOrderIsCreatedAndPublishedOnce) {
  HttpResponse customer = PostWithKey(
      "/v1/customers", R"({"name":"郑十一","phones":[")" + UniquePhone() + R"("]})", "");
  const std::string customer_id = Str(customer.Json(), "id");
  const std::string body =
      R"({"type":"ENQUIRY","channel":"WECHAT_MINI_PROGRAM","customerId":")" + customer_id + R"("})";
  HttpResponse first = PostWithKey("/v1/work-orders", body, Key("w"));
  HttpResponse retry = PostWithKey("/v1/work-orders", body, Key("w"));
  ASSERT_EQ(first.status, 200) << first.body;
  ASSERT_EQ(retry.status, 200) << retry.body;
  EXPECT_EQ(Str(first.Json(), "id"), Str(retry.Json(), "id"));
  EXPECT_EQ(Str(first.Json(), "number"), Str(retry.Json(), "number"));
  HttpResponse list = http_->Get("/v1/work-orders?customerId=" + customer_id, agent_);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(list.Json().as_object().at("workOrders").as_array().size(), 1u) << list.body;
}

}  // namespace
}  // namespace qq::testing
