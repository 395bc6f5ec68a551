// The platform's end-to-end repair flow, through the gateway's REST API only, against
// the stack `./deploy/dev test` runs (real PostgreSQL, Redis, all five services):
// agent creates a customer and a repair → dispatch routes it to 城东区维修组 → the
// worker accepts and resolves → the customer gets an SMS → the KPIs count it.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <regex>
#include <thread>

#include <boost/json/serialize.hpp>

#include "tests/support/gateway_test.h"
#include "tests/support/http_client.h"
#include "tests/support/stack.h"

namespace qq::testing {
namespace {

using namespace std::chrono_literals;

// Polls `probe` until it returns true or `limit` passes; returns the time it took.
std::optional<std::chrono::milliseconds> WaitFor(const std::function<bool()>& probe,
                                                 std::chrono::milliseconds limit) {
  auto start = std::chrono::steady_clock::now();
  while (true) {
    if (probe()) {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
          std::chrono::steady_clock::now() - start);
    }
    if (std::chrono::steady_clock::now() - start > limit) return std::nullopt;
    std::this_thread::sleep_for(50ms);
  }
}

using RepairFlowTest = GatewayTest;

TEST_F(RepairFlowTest, RepairGoesFromHotlineToTeamToWorkerToSmsAndKpis) {
  const std::string& agent = agent_;
  const std::string worker = LoginAs(*http_, "utility-demo", "worker");
  const std::string manager = LoginAs(*http_, "utility-demo", "manager");

  HttpResponse kpis_before = http_->Get("/v1/analytics/kpis", manager);
  ASSERT_EQ(kpis_before.status, 200) << kpis_before.body;
  const int64_t repairs_before =
      kpis_before.Json().as_object().at("repairsResolved").to_number<int64_t>();

  // The agent takes the call: a new customer with an address in 城东区.
  const std::string phone = UniquePhone();
  HttpResponse customer = http_->Post(
      "/v1/customers",
      R"({"name":"张三","phones":[")" + phone +
          R"("],"addresses":[{"text":"城东区 解放路 1 号","location":{"lat":31.25,"lng":121.55}}]})",
      agent);
  ASSERT_EQ(customer.status, 200) << customer.body;
  const std::string customer_id = Str(customer.Json(), "id");
  ASSERT_FALSE(customer_id.empty()) << customer.body;

  HttpResponse created = http_->Post("/v1/work-orders",
                                     R"({"type":"REPAIR","channel":"PHONE","customerId":")" +
                                         customer_id + R"(","description":"水管爆裂"})",
                                     agent);
  ASSERT_EQ(created.status, 200) << created.body;
  const auto created_json = created.Json();
  const std::string work_order_id = Str(created_json, "id");
  ASSERT_FALSE(work_order_id.empty());
  EXPECT_TRUE(std::regex_match(Str(created_json, "number"), std::regex(R"(WO-\d{8}-\d{4,})")))
      << Str(created_json, "number");
  EXPECT_EQ(Str(created_json, "state"), "CREATED");
  EXPECT_EQ(Str(created_json, "customerName"), "张三");
  EXPECT_EQ(Str(created_json, "addressText"), "城东区 解放路 1 号");  // the first address

  // Dispatch routes it to the team of the address's area within 2 s.
  boost::json::value routed;
  auto took = WaitFor(
      [&] {
        HttpResponse got = http_->Get("/v1/work-orders/" + work_order_id, agent);
        routed = got.Json();
        return got.status == 200 && Str(routed, "teamName") == "城东区维修组";
      },
      2000ms);
  ASSERT_TRUE(took.has_value()) << "not routed within 2 s: " << boost::json::serialize(routed);
  EXPECT_EQ(Str(routed, "state"), "DISPATCHED");
  EXPECT_EQ(Str(routed, "areaName"), "城东区");
  std::cout << "routed to 城东区维修组 in " << took->count() << " ms\n";

  // The worker accepts and resolves it.
  HttpResponse accepted = http_->Post("/v1/work-orders/" + work_order_id + ":accept", "{}", worker);
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  EXPECT_EQ(Str(accepted.Json(), "state"), "ACCEPTED");
  // A repair is resolved with a photo of the fix.
  HttpResponse photo = http_->Send("POST", "/v1/attachments?fileName=fixed.png", TinyPng(),
                                   {{"Authorization", "Bearer " + worker}});
  ASSERT_EQ(photo.status, 200) << photo.body;
  HttpResponse resolved = http_->Post("/v1/work-orders/" + work_order_id + ":resolve",
                                      R"({"result":"已更换破裂水管，恢复供水","attachmentIds":[")" +
                                          Str(photo.Json(), "id") + R"("]})",
                                      worker);
  ASSERT_EQ(resolved.status, 200) << resolved.body;
  const auto resolved_json = resolved.Json();
  EXPECT_EQ(Str(resolved_json, "state"), "RESOLVED");
  EXPECT_EQ(Str(resolved_json, "result"), "已更换破裂水管，恢复供水");
  std::vector<std::string> steps;
  for (const auto& entry : resolved_json.as_object().at("timeline").as_array()) {
    steps.push_back(Str(entry, "toState"));
  }
  EXPECT_EQ(steps, (std::vector<std::string>{"CREATED", "DISPATCHED", "ACCEPTED", "RESOLVED"}));

  // The notification service sent an SMS to the customer (the development provider
  // records it).
  boost::json::value messages;
  ASSERT_TRUE(WaitFor(
      [&] {
        HttpResponse got = http_->Get("/v1/notifications?workOrderId=" + work_order_id, agent);
        messages = got.Json();
        if (got.status != 200 || !messages.is_object() ||
            !messages.as_object().contains("messages")) {
          return false;
        }
        // The resolution SMS handed to the provider, and the survey queued after it.
        bool resolved_sent = false, survey_queued = false;
        for (const auto& m : messages.as_object().at("messages").as_array()) {
          resolved_sent |=
              Str(m, "template") == "work_order_resolved" && Str(m, "status") == "SENT";
          survey_queued |= Str(m, "template") == "work_order_survey";
        }
        return resolved_sent && survey_queued;
      },
      5000ms))
      << boost::json::serialize(messages);
  // The resolution SMS (a satisfaction survey follows it).
  boost::json::value sms;
  for (const auto& m : messages.as_object().at("messages").as_array()) {
    if (Str(m, "body").find("已处理完成") != std::string::npos) sms = m;
  }
  ASSERT_TRUE(sms.is_object()) << boost::json::serialize(messages);
  bool survey_sent = false;
  for (const auto& m : messages.as_object().at("messages").as_array()) {
    survey_sent |= Str(m, "body").find("评分") != std::string::npos;
  }
  EXPECT_TRUE(survey_sent) << boost::json::serialize(messages);
  EXPECT_EQ(Str(sms, "channel"), "SMS");
  EXPECT_EQ(Str(sms, "recipient"), phone.substr(0, 3) + "****" + phone.substr(7));
  EXPECT_EQ(Str(sms, "status"), "SENT");
  EXPECT_NE(Str(sms, "body").find(Str(created_json, "number")), std::string::npos);
  EXPECT_NE(Str(sms, "body").find("已更换破裂水管"), std::string::npos);

  // The KPIs count one more resolved repair, with its handling time.
  boost::json::value kpis;
  ASSERT_TRUE(WaitFor(
      [&] {
        HttpResponse got = http_->Get("/v1/analytics/kpis", manager);
        kpis = got.Json();
        return got.status == 200 &&
               kpis.as_object().at("repairsResolved").to_number<int64_t>() == repairs_before + 1;
      },
      5000ms))
      << boost::json::serialize(kpis);
  EXPECT_GT(kpis.as_object().at("averageRepairHandlingSeconds").to_number<double>(), 0.0);
}

TEST_F(RepairFlowTest, KpisAreScopedToTheCallersTenant) {
  const std::string station_manager = LoginAs(*http_, "station-demo", "manager");
  HttpResponse kpis = http_->Get("/v1/analytics/kpis", station_manager);
  ASSERT_EQ(kpis.status, 200) << kpis.body;
  // Repairs are only ever created in utility-demo by these tests.
  EXPECT_EQ(kpis.Json().as_object().at("repairsResolved").to_number<int64_t>(), 0);
}

}  // namespace
}  // namespace qq::testing
