// Bad input through the gateway: every kind gets a clear 4xx with a JSON error naming
// the field where there is one, and nothing is created or crashes.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>

#include "tests/support/gateway_test.h"
#include "tests/support/http_client.h"
#include "tests/support/stack.h"

namespace qq::testing {
namespace {

class BadInputTest : public GatewayTest {
 protected:
  // Asserts a JSON error {"error":{"code":..., "message":..., "field"?}}.
  static void ExpectError(const HttpResponse& res, int status, const std::string& code,
                          const std::string& field = "") {
    EXPECT_EQ(res.status, status) << res.body;
    EXPECT_NE(res.headers.count("content-type") ? res.headers.at("content-type").find("json")
                                                : std::string::npos,
              std::string::npos)
        << res.body;
    auto json = res.Json();
    ASSERT_TRUE(json.is_object() && json.as_object().contains("error")) << res.body;
    const auto& error = json.as_object().at("error");
    EXPECT_EQ(Str(error, "code"), code) << res.body;
    EXPECT_FALSE(Str(error, "message").empty()) << res.body;
    if (!field.empty()) {
      EXPECT_EQ(Str(error, "field"), field) << res.body;
    }
  }

  std::string CreateCustomer(const std::string& token, const std::string& name) {
    HttpResponse res =
        http_->Post("/v1/customers",
                    R"({"name":")" + name + R"(","phones":[")" + UniquePhone() + R"("]})", token);
    EXPECT_EQ(res.status, 200) << res.body;
    return Str(res.Json(), "id");
  }
};

TEST_F(BadInputTest, MalformedJsonIs400) {
  ExpectError(http_->Post("/v1/customers", R"({"name":"张三",)", agent_), 400, "INVALID_ARGUMENT");
}

TEST_F(BadInputTest, UnknownFieldIs400NamingIt) {
  ExpectError(http_->Post("/v1/customers", R"({"name":"张三","shoeSize":42})", agent_), 400,
              "INVALID_ARGUMENT", "shoeSize");
}

TEST_F(BadInputTest, WrongTypeIs400NamingTheField) {
  ExpectError(http_->Post("/v1/customers", R"({"name":5})", agent_), 400, "INVALID_ARGUMENT",
              "name");
  ExpectError(http_->Post("/v1/work-orders", R"({"type":"EARTHQUAKE"})", agent_), 400,
              "INVALID_ARGUMENT", "type");
}

TEST_F(BadInputTest, MissingRequiredFieldsAre400NamingThem) {
  ExpectError(http_->Post("/v1/customers", R"({"phones":["13912345678"]})", agent_), 400,
              "INVALID_ARGUMENT", "name");
  ExpectError(http_->Post("/v1/customers", R"({"name":"李四","phones":["12345"]})", agent_), 400,
              "INVALID_ARGUMENT", "phones[0]");
  ExpectError(http_->Post("/v1/work-orders", R"({"channel":"PHONE"})", agent_), 400,
              "INVALID_ARGUMENT", "type");
  ExpectError(http_->Post("/v1/auth/login", R"({"tenant":"utility-demo"})"), 400,
              "INVALID_ARGUMENT", "username");
}

TEST_F(BadInputTest, UnknownIdsAre404) {
  ExpectError(http_->Get("/v1/customers/7d4f0a52-1c1e-4a5b-9c9e-000000000000", agent_), 404,
              "NOT_FOUND");
  ExpectError(http_->Get("/v1/customers/not-a-uuid", agent_), 404, "NOT_FOUND");
  ExpectError(http_->Get("/v1/work-orders/7d4f0a52-1c1e-4a5b-9c9e-000000000000", agent_), 404,
              "NOT_FOUND");
  ExpectError(
      http_->Post(
          "/v1/work-orders",
          R"({"type":"REPAIR","channel":"PHONE","customerId":"7d4f0a52-1c1e-4a5b-9c9e-000000000000"})",
          agent_),
      404, "NOT_FOUND", "customerId");
  ExpectError(http_->Get("/v1/no-such-thing", agent_), 404, "NOT_FOUND");
}

TEST_F(BadInputTest, MissingOrBadTokenIs401) {
  ExpectError(http_->Get("/v1/customers"), 401, "UNAUTHENTICATED");
  ExpectError(http_->Get("/v1/customers", "not.a.token"), 401, "UNAUTHENTICATED");
  std::string tampered = agent_;
  tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'A' ? 'B' : 'A';
  ExpectError(http_->Get("/v1/customers", tampered), 401, "UNAUTHENTICATED");
}

TEST_F(BadInputTest, WrongCredentialsAre401AndRepeatedFailuresAreThrottled) {
  ExpectError(http_->Post("/v1/auth/login",
                          R"({"tenant":"utility-demo","username":"agent","password":"wrong"})"),
              401, "UNAUTHENTICATED");
  // A name of its own so the lock never hits accounts other tests use.
  const std::string user = "nobody" + std::to_string(getpid());
  const std::string body =
      R"({"tenant":"utility-demo","username":")" + user + R"(","password":"guess"})";
  for (int i = 0; i < 5; ++i)
    ExpectError(http_->Post("/v1/auth/login", body), 401, "UNAUTHENTICATED");
  ExpectError(http_->Post("/v1/auth/login", body), 429, "RESOURCE_EXHAUSTED");
}

TEST_F(BadInputTest, WrongRoleIs403) {
  const std::string worker = LoginAs(*http_, "utility-demo", "worker");
  ExpectError(http_->Post("/v1/customers", R"({"name":"王五"})", worker), 403, "PERMISSION_DENIED");
}

TEST_F(BadInputTest, AnotherTenantsIdIs404NotForbidden) {
  const std::string customer_id = CreateCustomer(agent_, "赵六");
  ASSERT_FALSE(customer_id.empty());
  const std::string station_agent = LoginAs(*http_, "station-demo", "agent");
  ExpectError(http_->Get("/v1/customers/" + customer_id, station_agent), 404, "NOT_FOUND");
  EXPECT_EQ(http_->Get("/v1/customers/" + customer_id, agent_).status, 200);
}

TEST_F(BadInputTest, BodyOverTheLimitIs413) {
  std::string huge = R"({"name":")" + std::string(2 * 1024 * 1024, 'x') + R"("})";
  ExpectError(http_->Post("/v1/customers", huge, agent_), 413, "RESOURCE_EXHAUSTED");
}

TEST_F(BadInputTest, IllegalStepNamesTheStates) {
  const std::string customer_id = CreateCustomer(agent_, "钱七");
  // Desk work: the agents' queue, no routing, so it stays where it is until an agent acts.
  HttpResponse wo = http_->Post(
      "/v1/work-orders",
      R"({"type":"COMPLAINT","channel":"WEB","customerId":")" + customer_id + R"("})", agent_);
  ASSERT_EQ(wo.status, 200) << wo.body;
  const std::string& worker = agent_;  // who takes desk work
  HttpResponse res = http_->Post("/v1/work-orders/" + Str(wo.Json(), "id") + ":resolve",
                                 R"({"result":"done"})", worker);
  ExpectError(res, 400, "FAILED_PRECONDITION", "transition");
  EXPECT_NE(res.body.find("is not allowed from state"), std::string::npos) << res.body;
  EXPECT_NE(res.body.find("allowed: "), std::string::npos) << res.body;
  HttpResponse unknown = http_->Post("/v1/work-orders/" + Str(wo.Json(), "id") + ":transition",
                                     R"({"transition":"teleport"})", worker);
  ExpectError(unknown, 400, "FAILED_PRECONDITION", "transition");
  ASSERT_EQ(http_->Post("/v1/work-orders/" + Str(wo.Json(), "id") + ":accept", "{}", worker).status,
            200);
  ExpectError(http_->Post("/v1/work-orders/" + Str(wo.Json(), "id") + ":resolve", R"({})", worker),
              400, "INVALID_ARGUMENT", "result");
}

TEST_F(BadInputTest, PagesFollowTheirTokensAndForgedTokensAre400) {
  for (int i = 0; i < 3; ++i)
    ASSERT_FALSE(CreateCustomer(agent_, "翻页" + std::to_string(i)).empty());
  std::vector<std::string> seen;
  std::string token;
  for (int page = 0; page < 2; ++page) {
    HttpResponse res = http_->Get("/v1/customers?pageSize=2&pageToken=" + token, agent_);
    ASSERT_EQ(res.status, 200) << res.body;
    auto json = res.Json();
    for (const auto& c : json.as_object().at("customers").as_array()) seen.push_back(Str(c, "id"));
    token = Str(json, "nextPageToken");
    ASSERT_FALSE(token.empty()) << "more customers exist than two pages hold";
  }
  ASSERT_EQ(seen.size(), 4u);
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end()) << "a customer on two pages";
  ExpectError(http_->Get("/v1/customers?pageToken=forged", agent_), 400, "INVALID_ARGUMENT",
              "pageToken");
  ExpectError(http_->Get("/v1/customers?pageSize=1000", agent_), 400, "INVALID_ARGUMENT",
              "pageSize");
}

TEST_F(BadInputTest, HealthEndpointsAndKeepAlive) {
  HttpClient http(GatewayUrl());
  EXPECT_EQ(http.Get("/healthz").status, 200);
  EXPECT_EQ(http.Get("/readyz").status, 200);
  HttpResponse openapi = http.Get("/openapi.json");
  EXPECT_EQ(openapi.status, 200);
  EXPECT_NE(openapi.body.find("/v1/work-orders/{id}:accept"), std::string::npos);
  EXPECT_EQ(http.connections_opened(), 1);
  HttpResponse with_id = http.Send("GET", "/healthz", "", {{"X-Request-Id", "trace-abc.123"}});
  EXPECT_EQ(with_id.headers["x-request-id"], "trace-abc.123");
  EXPECT_FALSE(http.Get("/healthz").headers["x-request-id"].empty());
}

}  // namespace
}  // namespace qq::testing
