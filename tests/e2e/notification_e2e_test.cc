// Messages to customers through the gateway against the real stack: templates as tenant
// data (validated, previewed with SMS parts), steps of work and delivery orders turned
// into messages by their meaning, opt-outs, quiet hours and the delivery survey.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>

#include <boost/json/serialize.hpp>
#include <pqxx/pqxx>

#include "tests/support/eventually.h"
#include "tests/support/gateway_test.h"
#include "tests/support/http_client.h"
#include "tests/support/stack.h"

namespace qq::testing {
namespace {

using namespace std::chrono_literals;

std::string Settings(bool quiet, const std::string& start = "21:00",
                     const std::string& end = "08:00") {
  return std::string(R"({"quietHours":{"enabled":)") + (quiet ? "true" : "false") +
         R"(,"start":")" + start + R"(","end":")" + end +
         R"("},"urgentCategories":["outage"],"dailyCaps":[{"channel":"SMS","maxPerDay":3},)"
         R"({"channel":"WECHAT","maxPerDay":5}],"smsSignature":"清泉","timeZone":"Asia/Shanghai"})";
}

// Tests in this binary expect messages to go out at once whatever the hour the suite runs,
// so quiet hours are off for the demo tenants while it runs (the quiet-hours test turns
// them on for itself and off again).
class QuietHoursOff : public ::testing::Environment {
 public:
  void SetUp() override {
    if (GatewayUrl().empty()) return;
    HttpClient http(GatewayUrl());
    for (const char* tenant : {"utility-demo", "station-demo"}) {
      const std::string manager = LoginAs(http, tenant, "manager");
      HttpResponse saved = http.Send("PUT", "/v1/notification-settings", Settings(false),
                                     {{"Authorization", "Bearer " + manager}});
      ASSERT_EQ(saved.status, 200) << saved.body;
    }
  }
};
::testing::Environment* const quiet_hours_off =
    ::testing::AddGlobalTestEnvironment(new QuietHoursOff);

class NotificationTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    if (IsSkipped()) return;
    manager_ = LoginAs(*http_, "utility-demo", "manager");
    worker_ = LoginAs(*http_, "utility-demo", "worker");
  }

  HttpResponse Put(const std::string& target, const std::string& body, const std::string& token) {
    return http_->Send("PUT", target, body, {{"Authorization", "Bearer " + token}});
  }

  std::string Customer(const std::string& phone) {
    HttpResponse c = http_->Post(
        "/v1/customers",
        R"({"name":"李四🙂","phones":[")" + phone +
            R"("],"addresses":[{"text":"城东区 解放路 9 号","location":{"lat":31.25,"lng":121.55}}]})",
        agent_);
    EXPECT_EQ(c.status, 200) << c.body;
    return Str(c.Json(), "id");
  }

  // A repair for the customer, accepted and resolved by the demo worker; returns its id.
  std::string ResolvedRepair(const std::string& customer_id, const std::string& result) {
    HttpResponse wo = http_->Post("/v1/work-orders",
                                  R"({"type":"REPAIR","channel":"PHONE","customerId":")" +
                                      customer_id + R"(","description":"水表漏水"})",
                                  agent_);
    EXPECT_EQ(wo.status, 200) << wo.body;
    const std::string id = Str(wo.Json(), "id");
    EXPECT_TRUE(Eventually(
        [&] {
          return Str(http_->Get("/v1/work-orders/" + id, agent_).Json(), "state") == "DISPATCHED";
        },
        5s));
    EXPECT_EQ(http_->Post("/v1/work-orders/" + id + ":accept", "{}", worker_).status, 200);
    HttpResponse photo = http_->Send("POST", "/v1/attachments?fileName=fixed.png", TinyPng(),
                                     {{"Authorization", "Bearer " + worker_}});
    EXPECT_EQ(photo.status, 200) << photo.body;
    HttpResponse resolved = http_->Post(
        "/v1/work-orders/" + id + ":resolve",
        R"({"result":")" + result + R"(","attachmentIds":[")" + Str(photo.Json(), "id") + R"("]})",
        worker_);
    EXPECT_EQ(resolved.status, 200) << resolved.body;
    return id;
  }

  // The messages of a work order once `count` exist (within 5 s), by template event.
  std::map<std::string, boost::json::value> MessagesOf(const std::string& query, size_t count) {
    std::map<std::string, boost::json::value> by_template;
    Eventually(
        [&] {
          by_template.clear();
          HttpResponse got = http_->Get("/v1/notifications?" + query, agent_);
          if (got.status != 200) return false;
          const auto json = got.Json();
          if (!json.as_object().contains("messages")) return false;
          for (const auto& m : json.as_object().at("messages").as_array()) {
            by_template[Str(m, "template")] = m;
          }
          return by_template.size() >= count;
        },
        5s);
    return by_template;
  }

  std::string manager_, worker_;
};

TEST_F(NotificationTest, EveryEventHasDefaultsAndUnknownVariablesAreRefusedNamingThem) {
  HttpResponse list = http_->Get("/v1/notification-templates", manager_);
  ASSERT_EQ(list.status, 200) << list.body;
  std::set<std::string> events;
  const boost::json::value listed = list.Json();
  for (const auto& e : listed.as_object().at("events").as_array()) {
    events.insert(Str(e, "event"));
    EXPECT_FALSE(e.as_object().at("templates").as_array().empty()) << Str(e, "event");
  }
  for (const char* e : {"work_order_accepted", "worker_on_the_way", "work_order_resolved",
                        "work_order_survey", "delivery_assigned", "courier_on_the_way",
                        "delivery_delivered", "ticket_balance_low", "care", "birthday"}) {
    EXPECT_TRUE(events.count(e)) << e;
  }
  EXPECT_EQ(Str(list.Json(), "smsSignature"), "【清泉】");

  HttpResponse bad =
      Put("/v1/notification-templates/work_order_resolved/SMS",
          R"({"body":"{customer_name}您好，预计{eta}到达","enabled":true})", manager_);
  ASSERT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(Str(ErrorOf(bad), "field"), "body") << bad.body;
  EXPECT_NE(bad.body.find("{eta}"), std::string::npos) << bad.body;

  HttpResponse no_channel = Put("/v1/notification-templates/work_order_escalated/SMS",
                                R"({"body":"x","enabled":true})", manager_);
  EXPECT_EQ(no_channel.status, 400) << no_channel.body;
  EXPECT_EQ(Str(ErrorOf(no_channel), "field"), "channel") << no_channel.body;
  HttpResponse no_event =
      Put("/v1/notification-templates/nope/SMS", R"({"body":"x","enabled":true})", manager_);
  EXPECT_EQ(no_event.status, 404) << no_event.body;
  // Agents read templates; only managers change them.
  EXPECT_EQ(Put("/v1/notification-templates/work_order_resolved/SMS",
                R"({"body":"{order_number}","enabled":true})", agent_)
                .status,
            403);
}

TEST_F(NotificationTest, PreviewCountsCharactersAndSmsParts) {
  // 【清泉】 is 4 characters: 66 more make one part, 67 two.
  std::string body66, body67;
  for (int i = 0; i < 66; ++i) body66 += "水";
  body67 = body66 + "💧";
  HttpResponse one = http_->Post(
      "/v1/notification-templates:preview",
      R"({"event":"work_order_resolved","channel":"SMS","body":")" + body66 + R"("})", agent_);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(Num(one.Json(), "characters"), 70);
  EXPECT_EQ(Num(one.Json(), "smsSegments"), 1);
  HttpResponse two = http_->Post(
      "/v1/notification-templates:preview",
      R"({"event":"work_order_resolved","channel":"SMS","body":")" + body67 + R"("})", agent_);
  EXPECT_EQ(Num(two.Json(), "characters"), 71);
  EXPECT_EQ(Num(two.Json(), "smsSegments"), 2);

  // Samples fill what the request does not give; a real customer's name replaces the sample.
  const std::string customer = Customer(UniquePhone());
  HttpResponse real = http_->Post("/v1/notification-templates:preview",
                                  R"({"event":"worker_on_the_way","channel":"SMS","customerId":")" +
                                      customer + R"(","values":{"eta":"15:30"}})",
                                  agent_);
  ASSERT_EQ(real.status, 200) << real.body;
  EXPECT_NE(Str(real.Json(), "text").find("【清泉】李四🙂您好"), std::string::npos)
      << real.body;
  EXPECT_NE(Str(real.Json(), "text").find("预计15:30到达"), std::string::npos) << real.body;

  HttpResponse unknown_value = http_->Post(
      "/v1/notification-templates:preview",
      R"({"event":"work_order_resolved","channel":"SMS","values":{"tickets_left":"2"}})", agent_);
  EXPECT_EQ(unknown_value.status, 400);
  EXPECT_EQ(Str(ErrorOf(unknown_value), "field"), "values.tickets_left") << unknown_value.body;
}

TEST_F(NotificationTest, WorkOrderStepsBecomeMessagesWithTheTenantsTemplate) {
  HttpResponse saved =
      Put("/v1/notification-templates/work_order_resolved/SMS",
          R"({"body":"{customer_name}：工单{order_number}已修好（{result}）","enabled":true})",
          manager_);
  ASSERT_EQ(saved.status, 200) << saved.body;
  EXPECT_FALSE(saved.Json().as_object().at("isDefault").as_bool());

  const std::string phone = UniquePhone();
  const std::string id = ResolvedRepair(Customer(phone), "更换DN100阀门后恢复供水");
  auto messages = MessagesOf("workOrderId=" + id, 3);
  ASSERT_TRUE(messages.count("work_order_accepted")) << messages.size();
  ASSERT_TRUE(messages.count("work_order_resolved"));
  ASSERT_TRUE(messages.count("work_order_survey"));
  const auto& resolved = messages["work_order_resolved"];
  EXPECT_NE(Str(resolved, "body").find("【清泉】李四🙂：工单WO-"), std::string::npos)
      << boost::json::serialize(resolved);
  EXPECT_NE(Str(resolved, "body").find("（更换DN100阀门后恢复供水）"), std::string::npos);
  EXPECT_EQ(Str(resolved, "recipient"), phone.substr(0, 3) + "****" + phone.substr(7));
  EXPECT_TRUE(Eventually(
      [&] {
        auto again = MessagesOf("workOrderId=" + id, 3);
        return Str(again["work_order_resolved"], "status") == "SENT" &&
               Str(again["work_order_accepted"], "status") == "SENT";
      },
      5s));
  EXPECT_EQ(Str(MessagesOf("workOrderId=" + id, 3)["work_order_resolved"], "provider"), "dev-sms");

  HttpResponse reset =
      http_->Post("/v1/notification-templates/work_order_resolved/SMS:reset", "{}", manager_);
  ASSERT_EQ(reset.status, 200) << reset.body;
  EXPECT_TRUE(reset.Json().as_object().at("isDefault").as_bool());
}

TEST_F(NotificationTest, OptedOutCustomerGetsNothingAndTheReasonIsRecorded) {
  const std::string customer = Customer(UniquePhone());
  HttpResponse bad = Put("/v1/customers/" + customer + "/notification-preferences",
                         R"({"channels":[{"channel":"IN_APP","optedOut":true}]})", agent_);
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Str(ErrorOf(bad), "field"), "channels[0].channel") << bad.body;
  HttpResponse out = Put("/v1/customers/" + customer + "/notification-preferences",
                         R"({"channels":[{"channel":"SMS","optedOut":true}]})", agent_);
  ASSERT_EQ(out.status, 200) << out.body;
  HttpResponse got = http_->Get("/v1/customers/" + customer + "/notification-preferences", agent_);
  ASSERT_EQ(got.status, 200);
  EXPECT_NE(got.body.find(R"("channel":"SMS","optedOut":true)"), std::string::npos) << got.body;

  const std::string id = ResolvedRepair(customer, "已修复");
  auto messages = MessagesOf("workOrderId=" + id, 3);
  ASSERT_TRUE(messages.count("work_order_resolved"));
  for (const auto& [name, m] : messages) {
    EXPECT_EQ(Str(m, "status"), "SUPPRESSED") << name;
    EXPECT_EQ(Str(m, "reason"), "opted out of SMS") << name;
  }
  EXPECT_EQ(http_
                ->Get("/v1/customers/00000000-0000-0000-0000-000000000000/notification-preferences",
                      agent_)
                .status,
            404);
}

TEST_F(NotificationTest, QuietHoursHoldMessagesUntilTheMorningInTenantTime) {
  HttpResponse bad = Put("/v1/notification-settings", Settings(true, "25:00", "08:00"), manager_);
  ASSERT_EQ(bad.status, 400);
  EXPECT_EQ(Str(ErrorOf(bad), "field"), "quietHours.start") << bad.body;

  // A quiet time from an hour ago to two hours ahead, Beijing time.
  std::time_t now = std::time(nullptr) + 8 * 3600;
  std::tm bj;
  gmtime_r(&now, &bj);
  auto hhmm = [](int h, int m) {
    char buf[6];
    std::snprintf(buf, sizeof buf, "%02d:%02d", (h + 24) % 24, m);
    return std::string(buf);
  };
  const std::string start = hhmm(bj.tm_hour - 1, 0), end = hhmm(bj.tm_hour + 2, 0);
  ASSERT_EQ(Put("/v1/notification-settings", Settings(true, start, end), manager_).status, 200);
  const std::string id = ResolvedRepair(Customer(UniquePhone()), "夜间修复");
  auto messages = MessagesOf("workOrderId=" + id, 3);
  ASSERT_EQ(Put("/v1/notification-settings", Settings(false), manager_).status, 200);
  ASSERT_TRUE(messages.count("work_order_resolved"));
  const auto& held = messages["work_order_resolved"];
  EXPECT_EQ(Str(held, "status"), "QUEUED") << boost::json::serialize(held);
  // Held until the end of the quiet time: HH:00 Beijing = (HH-8):00 UTC.
  EXPECT_NE(Str(held, "sendAfter").find(hhmm(bj.tm_hour + 2 - 8, 0) + ":00Z"), std::string::npos)
      << Str(held, "sendAfter");
}

TEST_F(NotificationTest, DeliveredOrderSendsTheSurveyToTheCustomersPhone) {
  const std::string station_agent = LoginAs(*http_, "station-demo", "agent");
  const std::string dispatcher = LoginAs(*http_, "station-demo", "dispatcher");
  const std::string courier = LoginAs(*http_, "station-demo", "courier");
  const std::string phone = UniquePhone();
  HttpResponse c = http_->Post(
      "/v1/customers",
      R"({"name":"王阿姨","phones":[")" + phone +
          R"("],"addresses":[{"text":"城东区 幸福小区 3 栋 502","location":{"lat":31.24,"lng":121.56}}]})",
      station_agent);
  ASSERT_EQ(c.status, 200) << c.body;
  HttpResponse order =
      http_->Post("/v1/delivery-orders",
                  R"({"channel":"PHONE","customerId":")" + Str(c.Json(), "id") +
                      R"(","items":[{"product":"18.9L","quantity":2}],"payment":"CASH"})",
                  station_agent);
  ASSERT_EQ(order.status, 200) << order.body;
  const std::string id = Str(order.Json(), "id");
  auto step = [&](const std::string& body, const std::string& token) {
    return http_->Post("/v1/delivery-orders/" + id + ":transition", body, token).status;
  };
  // To the demo courier, whether or not dispatch already put it on someone's route.
  ASSERT_EQ(
      step(R"({"transition":"assign","courierId":")" + UserIdOf(courier) + R"("})", dispatcher),
      200);
  ASSERT_EQ(step(R"({"transition":"start"})", courier), 200);
  ASSERT_EQ(step(R"({"transition":"deliver"})", courier), 200);

  std::map<std::string, boost::json::value> messages;
  ASSERT_TRUE(Eventually(
      [&] {
        messages.clear();
        HttpResponse got = http_->Get("/v1/notifications?deliveryOrderId=" + id, station_agent);
        const boost::json::value json = got.Json();
        if (got.status != 200 || !json.as_object().contains("messages")) return false;
        for (const auto& m : json.as_object().at("messages").as_array()) {
          messages[Str(m, "template")] = m;
        }
        return messages.count("delivery_survey") && messages.count("courier_on_the_way");
      },
      5s))
      << messages.size();
  EXPECT_EQ(Str(messages["delivery_survey"], "recipient"),
            phone.substr(0, 3) + "****" + phone.substr(7));
  EXPECT_NE(Str(messages["delivery_survey"], "body").find("王阿姨"), std::string::npos);
  EXPECT_NE(Str(messages["courier_on_the_way"], "body").find("正在为您送水"), std::string::npos);
}

// A tenant's own SMS provider: the notification service signs its requests as Aliyun does
// and the fake Aliyun API (qq-fake-providers, started by deploy/dev) checks them; the
// secret is write-only and sealed at rest. The demo tenant goes back to the development
// provider at the end.
TEST_F(NotificationTest, AliyunAccountSendsApprovedTemplatesAndKeepsItsSecretSealed) {
  const std::string admin = LoginAs(*http_, "utility-demo", "admin");
  const std::string secret = "fake-aliyun-secret";
  auto set_sms = [&](const std::string& body) {
    return Put("/v1/notification-providers/SMS", body, admin);
  };
  EXPECT_EQ(set_sms(R"({"provider":"DEVELOPMENT"})").status, 200);
  EXPECT_EQ(Put("/v1/notification-providers/SMS", R"({"provider":"DEVELOPMENT"})", manager_).status,
            403);
  HttpResponse no_secret =
      set_sms(R"({"provider":"ALIYUN_SMS","keyId":"LTAIfakeAccessKeyId","signName":"清泉水务"})");
  EXPECT_EQ(no_secret.status, 400);
  EXPECT_EQ(Str(ErrorOf(no_secret), "field"), "secret") << no_secret.body;
  HttpResponse wrong_kind =
      set_sms(R"({"provider":"WECHAT_MINI_PROGRAM","keyId":"wx1","secret":"s"})");
  EXPECT_EQ(Str(ErrorOf(wrong_kind), "field"), "provider") << wrong_kind.body;

  HttpResponse saved =
      set_sms(R"({"provider":"ALIYUN_SMS","keyId":"LTAIfakeAccessKeyId","secret":")" + secret +
              R"(","signName":"清泉水务"})");
  ASSERT_EQ(saved.status, 200) << saved.body;
  EXPECT_TRUE(saved.Json().as_object().at("secretSet").as_bool());
  EXPECT_EQ(saved.body.find(secret), std::string::npos) << "the secret must never come back";
  HttpResponse listed = http_->Get("/v1/notification-providers", admin);
  ASSERT_EQ(listed.status, 200);
  EXPECT_NE(listed.body.find(R"("provider":"ALIYUN_SMS")"), std::string::npos) << listed.body;
  EXPECT_EQ(listed.body.find(secret), std::string::npos);
  {
    pqxx::connection db(ServiceDatabaseDsn("qq_notification"));
    pqxx::work txn(db);
    pqxx::result row = txn.exec(
        "SELECT secret_sealed, secret_key_id FROM provider_accounts "
        "WHERE tenant_id = 'utility-demo' AND channel = 'SMS'");
    ASSERT_EQ(row.size(), 1u);
    const std::string sealed = row[0][0].as<std::string>();
    EXPECT_FALSE(sealed.empty());
    EXPECT_EQ(sealed.find(secret), std::string::npos);
    EXPECT_FALSE(row[0][1].as<std::string>().empty());
  }

  // The approved template's code goes with the resolved message; "accepted" has none.
  ASSERT_EQ(
      Put("/v1/notification-templates/work_order_resolved/SMS",
          R"({"body":"您的工单{order_number}已处理完成：{result}","providerTemplateCode":"SMS_100001","enabled":true})",
          manager_)
          .status,
      200);
  const std::string phone = UniquePhone();
  const std::string id = ResolvedRepair(Customer(phone), "更换DN100阀门后恢复供水🎉");
  std::map<std::string, boost::json::value> messages;
  const bool settled = Eventually(
      [&] {
        messages = MessagesOf("workOrderId=" + id, 3);
        return Str(messages["work_order_resolved"], "status") == "SENT" &&
               Str(messages["work_order_accepted"], "status") == "FAILED";
      },
      10s);

  // Back to the development provider and the default template before asserting further.
  EXPECT_EQ(set_sms(R"({"provider":"DEVELOPMENT"})").status, 200);
  EXPECT_EQ(http_->Post("/v1/notification-templates/work_order_resolved/SMS:reset", "{}", manager_)
                .status,
            200);
  ASSERT_TRUE(settled) << boost::json::serialize(messages["work_order_resolved"]) << "\n"
                       << boost::json::serialize(messages["work_order_accepted"]);
  const auto& resolved = messages["work_order_resolved"];
  EXPECT_EQ(Str(resolved, "provider"), "aliyun-sms");
  EXPECT_FALSE(Str(resolved, "providerMessageId").empty());
  EXPECT_NE(Str(messages["work_order_accepted"], "reason").find("no provider template code"),
            std::string::npos);

  // What the fake Aliyun API accepted: our number, template code, signature, the values by
  // name (Chinese and emoji intact) and our message id as OutId.
  const std::string fakes = EnvOr("QQ_TEST_FAKE_PROVIDERS_URL");
  ASSERT_FALSE(fakes.empty()) << "QQ_TEST_FAKE_PROVIDERS_URL is not set";
  HttpClient fake(fakes);
  HttpResponse accepted = fake.Get("/_fake/messages");
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  bool found = false;
  const boost::json::value accepted_json = accepted.Json();
  ASSERT_TRUE(accepted_json.is_array()) << accepted.body;
  for (const auto& m : accepted_json.as_array()) {
    if (Str(m, "recipient") != phone) continue;
    found = true;
    EXPECT_EQ(Str(m, "provider"), "aliyun-sms");
    EXPECT_EQ(Str(m, "template_code"), "SMS_100001");
    EXPECT_EQ(Str(m, "sign_name"), "清泉水务");
    EXPECT_EQ(Str(m, "reference"), Str(resolved, "id"));
    EXPECT_NE(boost::json::serialize(m).find("更换DN100阀门后恢复供水🎉"), std::string::npos)
        << boost::json::serialize(m);
  }
  EXPECT_TRUE(found) << accepted.body;
}

}  // namespace
}  // namespace qq::testing
