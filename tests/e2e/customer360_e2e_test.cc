// Customer 360 through the gateway and over gRPC against the running stack: the archive
// with tags and custom fields, search by phone digits and pinyin, the prepaid ledger,
// communication records, billing ingest with a service account, and the 360 view.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "qingquan/customer/v1/customer.grpc.pb.h"
#include "tests/support/gateway_test.h"
#include "tests/support/http_client.h"
#include "tests/support/stack.h"

namespace qq::testing {
namespace {

namespace v1 = qingquan::customer::v1;

boost::json::value ErrorOf(const HttpResponse& res) {
  boost::json::value body = res.Json();
  return body.is_object() && body.as_object().contains("error") ? body.as_object().at("error")
                                                                : boost::json::value();
}

class Customer360Test : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    if (IsSkipped()) return;
    station_agent_ = LoginAs(*http_, "station-demo", "agent");
  }

  std::string Unique(const char* what) {
    return std::string(what) + "-" + std::to_string(getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }

  HttpResponse PostWithKey(const std::string& target, const std::string& body,
                           const std::string& token, const std::string& key) {
    return http_->Send("POST", target, body,
                       {{"Authorization", "Bearer " + token}, {"Idempotency-Key", key}});
  }

  std::string station_agent_;
};

TEST_F(Customer360Test, ArchiveSearchAndViewWorkTogether) {
  const std::string phone = UniquePhone();
  // A station customer with dictionary tags, a custom field by its label, and an address
  // inside 城东区 so its service area is resolved by the dispatch service.
  HttpResponse created = http_->Post(
      "/v1/customers",
      R"({"name":"单丽","phones":[")" + phone +
          R"("],"tags":["高层无电梯","下午3点后送"],"customFields":{"dispenser":"立式"},)"
          R"("addresses":[{"text":"城东区 张杨路 500 弄 3 号 402 室","location":{"lat":31.235,"lng":121.525},"customFields":{"floor":4}}]})",
      station_agent_);
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string id = Str(created.Json(), "id");
  const boost::json::value created_json = created.Json();
  const auto& customer = created_json.as_object();
  EXPECT_EQ(customer.at("customFields").as_object().at("dispenser").as_string(), "standing");
  const auto& address = customer.at("addresses").as_array().at(0).as_object();
  EXPECT_EQ(Str(address, "areaName"), "城东区") << created.body;

  // The same phone again: 409 naming the existing customer.
  HttpResponse duplicate = http_->Post(
      "/v1/customers", R"({"name":"别人","phones":[")" + phone + R"("]})", station_agent_);
  ASSERT_EQ(duplicate.status, 409) << duplicate.body;
  EXPECT_NE(Str(ErrorOf(duplicate), "message").find(id), std::string::npos);
  EXPECT_EQ(Str(ErrorOf(duplicate), "field"), "phones[0]");

  // The last four digits, and pinyin in either reading of 单, find the customer.
  for (const std::string& q : {phone.substr(phone.size() - 4), phone.substr(phone.size() - 7),
                               std::string("shanli"), std::string("dl"), std::string("单丽")}) {
    HttpResponse found = http_->Get("/v1/customers:search?q=" + q + "&pageSize=50", station_agent_);
    ASSERT_EQ(found.status, 200) << q << ": " << found.body;
    bool hit = false;
    const boost::json::value found_json = found.Json();
    if (found_json.as_object().contains("hits")) {
      for (const auto& h : found_json.as_object().at("hits").as_array()) {
        hit |= Str(h.as_object().at("customer").as_object(), "id") == id;
      }
    }
    EXPECT_TRUE(hit) << q << " did not find the customer: " << found.body;
  }

  // Tickets: a purchase, a retry of it, then a deduction beyond the balance is refused.
  const std::string purchase =
      R"({"kind":"PURCHASE","asset":{"kind":"TICKET","product":"18.9L"},"quantityDelta":10,"amountFenDelta":18000,"reason":"套餐"})";
  HttpResponse bought = PostWithKey("/v1/customers/" + id + "/ledger/entries", purchase,
                                    station_agent_, Unique("buy"));
  HttpResponse again = PostWithKey("/v1/customers/" + id + "/ledger/entries", purchase,
                                   station_agent_, Unique("buy"));
  ASSERT_EQ(bought.status, 200) << bought.body;
  EXPECT_EQ(Str(bought.Json(), "id"), Str(again.Json(), "id"));
  HttpResponse overdraw = PostWithKey(
      "/v1/customers/" + id + "/ledger/entries",
      R"({"kind":"ADJUSTMENT","asset":{"kind":"TICKET","product":"18.9L"},"quantityDelta":-11,"reason":"盘点"})",
      station_agent_, Unique("overdraw"));
  ASSERT_EQ(overdraw.status, 400) << overdraw.body;
  EXPECT_EQ(Str(ErrorOf(overdraw), "code"), "FAILED_PRECONDITION");
  EXPECT_NE(Str(ErrorOf(overdraw), "message").find("is 10"), std::string::npos) << overdraw.body;
  HttpResponse no_key =
      http_->Post("/v1/customers/" + id + "/ledger/entries", purchase, station_agent_);
  EXPECT_EQ(no_key.status, 400) << no_key.body;

  // A call is recorded; the 360 view shows it all.
  ASSERT_EQ(http_
                ->Post("/v1/customers/" + id + "/communications",
                       R"({"kind":"CALL_IN","summary":"问下午能否送两桶","durationSeconds":95})",
                       station_agent_)
                .status,
            200);
  HttpResponse view = http_->Get("/v1/customers/" + id + "/view", station_agent_);
  ASSERT_EQ(view.status, 200) << view.body;
  const boost::json::value view_json = view.Json();
  const auto& v = view_json.as_object();
  EXPECT_EQ(Str(v.at("customer").as_object(), "name"), "单丽");
  EXPECT_EQ(v.at("balances").as_array().at(0).as_object().at("quantity").as_string(), "10");
  EXPECT_EQ(Str(v.at("recentCommunications").as_array().at(0).as_object(), "summary"),
            "问下午能否送两桶");
  EXPECT_TRUE(v.at("missingParts").as_array().empty()) << view.body;
}

TEST_F(Customer360Test, BadInputNamesTheField) {
  auto expect_field = [&](const std::string& body, const std::string& field) {
    HttpResponse res = http_->Post("/v1/customers", body, station_agent_);
    EXPECT_EQ(res.status, 400) << body << " -> " << res.body;
    EXPECT_EQ(Str(ErrorOf(res), "field"), field) << res.body;
  };
  expect_field(R"({"name":"甲","tags":["不存在的标签"]})", "tags[0]");
  expect_field(R"({"name":"甲","customFields":{"dispenser":"火箭"}})", "customFields.dispenser");
  expect_field(R"({"name":"甲","customFields":{"nope":1}})", "customFields.nope");
  expect_field(R"({"name":"甲","phones":["1234"]})", "phones[0]");
  expect_field(R"({"name":"甲","idNumber":"110105194912310021"})", "idNumber");
  expect_field(R"({"name":"甲","birthday":"1990-02-30"})", "birthday");
  HttpResponse search = http_->Get("/v1/customers:search?q=12", station_agent_);
  EXPECT_EQ(search.status, 400) << search.body;
}

TEST_F(Customer360Test, BillingSystemStreamsPaymentsIdempotently) {
  auto channel =
      grpc::CreateChannel(EnvOr("QQ_TEST_CUSTOMER_ADDR"), grpc::InsecureChannelCredentials());
  auto auth = v1::AuthService::NewStub(channel);
  grpc::ClientContext login_ctx;
  v1::ServiceAccountLoginRequest login;
  login.set_tenant("utility-demo");
  login.set_client_id("billing-demo");
  login.set_client_secret("demo-billing-secret");
  v1::LoginResponse token;
  ASSERT_TRUE(auth->ServiceAccountLogin(&login_ctx, login, &token).ok());

  auto utility = v1::UtilityService::NewStub(channel);
  auto send = [&](const std::string& bearer, int64_t amount) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + bearer);
    v1::IngestPaymentsResponse response;
    auto writer = utility->IngestPayments(&ctx, &response);
    const std::string batch = Unique("pay");
    for (int i = 0; i < 3; ++i) {
      v1::PaymentRecord record;
      record.set_record_id(batch + "-" + std::to_string(i));
      record.set_account_number(i == 2 ? "no-such-account" : "3100012345");
      record.set_amount_fen(amount);
      record.mutable_paid_time()->set_seconds(1790000000 + i);
      record.set_period("2026-10");
      record.set_method("微信");
      writer->Write(record);
    }
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    return std::make_pair(status, response);
  };
  auto [first_status, first] = send(token.access_token(), 4560);
  ASSERT_TRUE(first_status.ok()) << first_status.error_message();
  EXPECT_EQ(first.accepted(), 2);
  EXPECT_EQ(first.rejected(), 1);
  EXPECT_EQ(first.results(2).field(), "accountNumber");
  auto [resend_status, resend] = send(token.access_token(), 4560);
  ASSERT_TRUE(resend_status.ok());
  EXPECT_EQ(resend.accepted(), 0);
  EXPECT_EQ(resend.duplicates(), 2);
  auto [changed_status, changed] = send(token.access_token(), 9999);
  ASSERT_TRUE(changed_status.ok());
  EXPECT_EQ(changed.conflicts(), 2);

  // A staff token is not a billing credential.
  std::string agent_token = LoginAs(*http_, "utility-demo", "agent");
  auto [refused, nothing] = send(agent_token, 1);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

}  // namespace
}  // namespace qq::testing
