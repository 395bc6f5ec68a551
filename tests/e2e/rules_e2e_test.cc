// The rule engine through the gateway against the real stack: rules made from the seed
// templates fire on real events (a ledger entry leaving few tickets) and on demand for a
// schedule (birthdays), send their message and issue their coupon once, log what they saw,
// dry-run without sending, pause, and refuse rules that do not fit the fact schema.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <functional>
#include <thread>

#include <unistd.h>

#include <boost/json/serialize.hpp>

#include "tests/support/eventually.h"
#include "tests/support/gateway_test.h"
#include "tests/support/http_client.h"
#include "tests/support/stack.h"

namespace qq::testing {
namespace {

using namespace std::chrono_literals;

// Runs at the end of a scope, also when an assertion returned early.
struct Finally {
  std::function<void()> fn;
  ~Finally() { fn(); }
};

class RulesTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    if (IsSkipped()) return;
    station_agent_ = LoginAs(*http_, "station-demo", "agent");
    station_manager_ = LoginAs(*http_, "station-demo", "manager");
    // Each test starts with no active rule: one left by an interrupted run would fire too.
    for (const char* tenant : {"station-demo", "utility-demo"}) {
      const std::string manager = LoginAs(*http_, tenant, "manager");
      const boost::json::value rules = http_->Get("/v1/rules", manager).Json();
      for (const auto& rule : rules.as_object().at("rules").as_array()) {
        if (!rule.as_object().at("paused").as_bool()) {
          http_->Post("/v1/rules/" + Str(rule, "id") + ":pause", "{}", manager);
        }
      }
    }
  }

  HttpResponse Send(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& token, std::map<std::string, std::string> headers = {}) {
    headers["Authorization"] = "Bearer " + token;
    return http_->Send(method, target, body, headers);
  }

  std::string NewCustomer(const std::string& name, const std::string& extra = "") {
    HttpResponse c = http_->Post(
        "/v1/customers",
        R"({"name":")" + name + R"(","phones":[")" + UniquePhone() +
            R"("],"addresses":[{"text":"城东区 幸福小区 3 栋 502","location":{"lat":31.24,"lng":121.56}}])" +
            extra + "}",
        station_agent_);
    EXPECT_EQ(c.status, 200) << c.body;
    return Str(c.Json(), "id");
  }

  HttpResponse Ledger(const std::string& customer, const std::string& entry) {
    static int n = 0;
    return Send(
        "POST", "/v1/customers/" + customer + "/ledger/entries", entry, station_agent_,
        {{"Idempotency-Key", "rules-e2e-" + std::to_string(getpid()) + "-" + std::to_string(++n)}});
  }

  // The customer's balance of an asset ("TICKET"/"COUPON") and product.
  int64_t Balance(const std::string& customer, const std::string& kind,
                  const std::string& product) {
    HttpResponse got = http_->Get("/v1/customers/" + customer + "/ledger", station_agent_);
    const auto json = got.Json();
    if (!json.is_object() || !json.as_object().contains("balances")) return 0;
    for (const auto& b : json.as_object().at("balances").as_array()) {
      const auto& asset = b.as_object().at("asset");
      if (Str(asset, "kind") == kind && Str(asset, "product") == product) {
        return static_cast<int64_t>(Num(b, "quantity"));
      }
    }
    return 0;
  }

  boost::json::value Firings(const std::string& query) {
    HttpResponse got = http_->Get("/v1/rule-firings?" + query, station_agent_);
    EXPECT_EQ(got.status, 200) << got.body;
    return got.Json();
  }

  std::string CreateRule(const std::string& body) {
    HttpResponse created = http_->Post("/v1/rules", body, station_manager_);
    EXPECT_EQ(created.status, 200) << created.body;
    return Str(created.Json(), "id");
  }

  void Pause(const std::string& id) {
    if (id.empty()) return;
    EXPECT_EQ(http_->Post("/v1/rules/" + id + ":pause", "{}", station_manager_).status, 200);
  }

  std::string station_agent_, station_manager_;
};

TEST_F(RulesTest, RulesThatDoNotFitTheSchemaAreRefusedNamingTheField) {
  HttpResponse catalog = http_->Get("/v1/rule-catalog", station_agent_);
  ASSERT_EQ(catalog.status, 200) << catalog.body;
  for (const char* id : {"ticket_low", "idle_30_days", "birthday", "work_order_unhandled"}) {
    EXPECT_NE(catalog.body.find(std::string("\"") + id + "\""), std::string::npos) << id;
  }
  EXPECT_NE(catalog.body.find("customer.ticket_balance"), std::string::npos);

  auto refused = [&](const std::string& body, const std::string& field) {
    HttpResponse r = http_->Post("/v1/rules", body, station_manager_);
    EXPECT_EQ(r.status, 400) << body << "\n" << r.body;
    EXPECT_EQ(Str(ErrorOf(r), "field"), field) << r.body;
  };
  refused(
      R"({"definition":{"trigger":{"event":"ledger.posted"},"subject":"customer","condition":{"all":[{"field":"customer.shoe_size","op":"eq","value":42}]},"actions":[{"type":"add_tag","tag":"x"}],"cooldown_hours":1}})",
      "definition.condition.all[0].field");
  refused(
      R"({"definition":{"trigger":{"event":"ledger.posted"},"subject":"customer","condition":{"all":[{"field":"customer.ticket_balance","key":"18.9L","op":"lte","value":"两张"}]},"actions":[{"type":"add_tag","tag":"x"}],"cooldown_hours":1}})",
      "definition.condition.all[0].value");
  refused(
      R"({"definition":{"trigger":{"schedule":"每天九点"},"subject":"customer","actions":[{"type":"add_tag","tag":"x"}],"cooldown_hours":1}})",
      "definition.trigger.schedule");
  refused(
      R"({"definition":{"trigger":{"event":"ledger.posted"},"subject":"customer","actions":[{"type":"send","template":"no_such_template","channel":"SMS"}],"cooldown_hours":1}})",
      "definition.actions[0].template");
  refused(
      R"({"definition":{"trigger":{"event":"ledger.posted"},"subject":"work_order","actions":[{"type":"add_tag","tag":"x"}],"cooldown_hours":1}})",
      "definition.trigger.event");
  refused(R"({"templateId":"ticket_low","params":{"threshold":-1}})", "params.threshold");
  refused(R"({"templateId":"ticket_low","params":{"sql":"DROP TABLE"}})", "params.sql");
  HttpResponse unknown = http_->Post("/v1/rules", R"({"templateId":"nope"})", station_manager_);
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(http_->Post("/v1/rules", R"({"templateId":"ticket_low"})", station_agent_).status, 403);
}

TEST_F(RulesTest, LowTicketBalanceSendsTheReminderAndOneCouponOnceAndLogsWhy) {
  const std::string rule = CreateRule(
      R"({"templateId":"ticket_low","params":{"threshold":2,"product":"18.9L","coupon":"续费95折🎫","amount_fen":500}})");
  Finally pause{[&] { Pause(rule); }};
  ASSERT_FALSE(rule.empty());

  const std::string customer = NewCustomer("赵六");
  ASSERT_EQ(
      Ledger(
          customer,
          R"({"kind":"PURCHASE","asset":{"kind":"TICKET","product":"18.9L"},"quantityDelta":5,"amountFenDelta":9000,"reason":"买水票"})")
          .status,
      200);
  // 5 left: nothing fires.
  std::this_thread::sleep_for(1s);
  EXPECT_TRUE(Firings("customerId=" + customer).as_object().at("firings").as_array().empty());

  // 4 used (an adjustment): 1 left, at or below 2 → the rule fires once.
  HttpResponse used = Ledger(
      customer,
      R"({"kind":"ADJUSTMENT","asset":{"kind":"TICKET","product":"18.9L"},"quantityDelta":-4,"reason":"补录送水"})");
  ASSERT_EQ(used.status, 200) << used.body;
  ASSERT_TRUE(Eventually([&] { return Balance(customer, "COUPON", "续费95折🎫") == 1; }, 10s))
      << "the coupon was not issued";

  boost::json::value firings = Firings("customerId=" + customer);
  const auto& list = firings.as_object().at("firings").as_array();
  ASSERT_EQ(list.size(), 1u) << boost::json::serialize(firings);
  const auto& firing = list[0];
  EXPECT_EQ(Str(firing, "ruleId"), rule);
  EXPECT_EQ(Str(firing, "trigger"), "ledger.posted");
  // What it saw and why it matched.
  const std::string facts = boost::json::serialize(firing.as_object().at("facts"));
  EXPECT_NE(facts.find(R"("18.9L":1)"), std::string::npos) << facts;
  const std::string evaluation = boost::json::serialize(firing.as_object().at("evaluation"));
  EXPECT_NE(evaluation.find(R"("matched":true)"), std::string::npos) << evaluation;
  EXPECT_NE(evaluation.find("customer.ticket_balance"), std::string::npos) << evaluation;

  // The reminder, with the balance and the coupon in it.
  boost::json::value sms;
  ASSERT_TRUE(Eventually(
      [&] {
        HttpResponse got = http_->Get("/v1/notifications?customerId=" + customer, station_agent_);
        const auto json = got.Json();
        for (const auto& m : json.as_object().at("messages").as_array()) {
          if (Str(m, "template") == "ticket_balance_low" && Str(m, "status") == "SENT") sms = m;
        }
        return sms.is_object();
      },
      10s));
  EXPECT_NE(Str(sms, "body").find("仅剩1张"), std::string::npos) << Str(sms, "body");
  EXPECT_NE(Str(sms, "body").find("续费95折"), std::string::npos) << Str(sms, "body");
  EXPECT_EQ(Str(sms, "ruleId"), rule);

  // Every action done; the coupon's own ledger entry (caused by the rule) and another
  // deduction within the cool-down fire nothing more.
  ASSERT_TRUE(Eventually(
      [&] {
        const auto again = Firings("ruleId=" + rule + "&customerId=" + customer);
        const auto& actions =
            again.as_object().at("firings").as_array()[0].as_object().at("actions").as_array();
        for (const auto& a : actions) {
          if (Str(a, "status") != "DONE") return false;
        }
        return actions.size() == 2;
      },
      10s))
      << boost::json::serialize(Firings("customerId=" + customer));
  ASSERT_EQ(
      Ledger(
          customer,
          R"({"kind":"ADJUSTMENT","asset":{"kind":"TICKET","product":"18.9L"},"quantityDelta":-1,"reason":"补录送水"})")
          .status,
      200);
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(Firings("customerId=" + customer).as_object().at("firings").as_array().size(), 1u);
  EXPECT_EQ(Balance(customer, "COUPON", "续费95折🎫"), 1);
}

TEST_F(RulesTest, BirthdayRuleDryRunsWithoutSendingThenRunsOnDemandOnce) {
  // Today in Beijing time.
  std::time_t now = std::time(nullptr) + 8 * 3600;
  std::tm bj;
  gmtime_r(&now, &bj);
  char birthday[11];
  std::snprintf(birthday, sizeof birthday, "1990-%02d-%02d", bj.tm_mon + 1, bj.tm_mday);
  const std::string customer =
      NewCustomer("生日客户🎂", std::string(R"(,"birthday":")") + birthday + "\"");

  HttpResponse dry = http_->Post(
      "/v1/rules:dryRun",
      R"({"rule":{"templateId":"birthday","params":{"coupon":"生日券","amount_fen":800}},"sampleSize":100})",
      station_manager_);
  ASSERT_EQ(dry.status, 200) << dry.body;
  EXPECT_GE(Num(dry.Json(), "matched"), 1);
  EXPECT_GE(Num(dry.Json(), "evaluated"), Num(dry.Json(), "matched"));
  EXPECT_NE(dry.body.find(customer), std::string::npos) << "the sample names the customer";
  // A dry run sends nothing and records nothing.
  EXPECT_TRUE(Firings("customerId=" + customer).as_object().at("firings").as_array().empty());

  const std::string rule =
      CreateRule(R"({"templateId":"birthday","params":{"coupon":"生日券","amount_fen":800}})");
  Finally pause{[&] { Pause(rule); }};
  HttpResponse saved = http_->Get("/v1/rules/" + rule, station_agent_);
  ASSERT_EQ(saved.status, 200);
  EXPECT_FALSE(Str(saved.Json(), "nextFireTime").empty()) << saved.body;  // daily 09:00

  HttpResponse run = http_->Post("/v1/rules/" + rule + ":run", "{}", station_manager_);
  ASSERT_EQ(run.status, 200) << run.body;
  EXPECT_GE(Num(run.Json(), "fired"), 1);
  // Pressed again: the same customers are cooling down (a year), nothing fires twice.
  HttpResponse again = http_->Post("/v1/rules/" + rule + ":run", "{}", station_manager_);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Num(again.Json(), "fired"), 0);

  ASSERT_TRUE(Eventually([&] { return Balance(customer, "COUPON", "生日券") == 1; }, 10s));
  EXPECT_TRUE(Eventually(
      [&] {
        HttpResponse got = http_->Get("/v1/notifications?customerId=" + customer, station_agent_);
        return got.body.find("生日快乐") != std::string::npos;
      },
      10s));
  const auto firings = Firings("customerId=" + customer);
  ASSERT_EQ(firings.as_object().at("firings").as_array().size(), 1u);
  EXPECT_EQ(Str(firings.as_object().at("firings").as_array()[0], "trigger"), "schedule");
}

TEST_F(RulesTest, APausedRuleDoesNotFire) {
  const std::string rule =
      CreateRule(R"({"templateId":"ticket_low","params":{"threshold":1000,"product":"18.9L"}})");
  Finally pause{[&] { Pause(rule); }};
  Pause(rule);
  HttpResponse got = http_->Get("/v1/rules/" + rule, station_agent_);
  EXPECT_TRUE(got.Json().as_object().at("paused").as_bool());
  const std::string customer = NewCustomer("暂停测试");
  ASSERT_EQ(
      Ledger(
          customer,
          R"({"kind":"PURCHASE","asset":{"kind":"TICKET","product":"18.9L"},"quantityDelta":1,"amountFenDelta":1800,"reason":"买水票"})")
          .status,
      200);
  std::this_thread::sleep_for(1500ms);
  EXPECT_TRUE(Firings("ruleId=" + rule).as_object().at("firings").as_array().empty());

  // A change is a new version.
  HttpResponse changed =
      Send("PUT", "/v1/rules/" + rule,
           R"({"name":"水票提醒（三张）","templateId":"ticket_low","params":{"threshold":3}})",
           station_manager_);
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(Num(changed.Json(), "version"), 2);
  EXPECT_EQ(Str(changed.Json(), "name"), "水票提醒（三张）");
}

// A work-order rule's escalation lands as a to-do for the role in the order service (the
// in-app channel), once.
TEST_F(RulesTest, WorkOrderRuleEscalatesToTheManagersToDos) {
  const std::string manager = LoginAs(*http_, "utility-demo", "manager");
  HttpResponse created = http_->Post(
      "/v1/rules",
      R"({"name":"投诉立即告知经理","definition":{"trigger":{"event":"workorder.created"},"subject":"work_order","condition":{"all":[{"field":"work_order.type","op":"eq","value":"COMPLAINT"},{"field":"work_order.channel","op":"eq","value":"WEB"}]},"actions":[{"type":"escalate","role":"manager"}],"cooldown_hours":1}})",
      manager);
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string rule = Str(created.Json(), "id");
  Finally pause{
      [&] { EXPECT_EQ(http_->Post("/v1/rules/" + rule + ":pause", "{}", manager).status, 200); }};
  HttpResponse customer = http_->Post(
      "/v1/customers", R"({"name":"投诉客户","phones":[")" + UniquePhone() + R"("]})", agent_);
  ASSERT_EQ(customer.status, 200) << customer.body;
  HttpResponse complaint = http_->Post("/v1/work-orders",
                                       R"({"type":"COMPLAINT","channel":"WEB","customerId":")" +
                                           Str(customer.Json(), "id") +
                                           R"(","description":"水费账单有误，多收了¥58.5"})",
                                       agent_);
  ASSERT_EQ(complaint.status, 200) << complaint.body;
  const std::string number = Str(complaint.Json(), "number");
  int reminders = 0;
  ASSERT_TRUE(Eventually(
      [&] {
        reminders = 0;
        for (const auto& todo : AllTodos(*http_, manager)) {
          if (Str(todo, "kind") == "REMINDER" && Str(todo, "number") == number) ++reminders;
        }
        return reminders > 0;
      },
      10s))
      << "no reminder for " << number;
  std::this_thread::sleep_for(500ms);
  reminders = 0;
  for (const auto& todo : AllTodos(*http_, manager)) {
    if (Str(todo, "kind") == "REMINDER" && Str(todo, "number") == number) ++reminders;
  }
  EXPECT_EQ(reminders, 1);
  HttpResponse sent =
      http_->Get("/v1/notifications?workOrderId=" + Str(complaint.Json(), "id"), agent_);
  EXPECT_NE(sent.body.find(R"("provider":"in-app")"), std::string::npos) << sent.body;
}

// Work-order facts include where dispatch routed the order (its own event stream).
TEST_F(RulesTest, DryRunSeesWhereDispatchRoutedAWorkOrder) {
  const std::string manager = LoginAs(*http_, "utility-demo", "manager");
  HttpResponse customer = http_->Post(
      "/v1/customers",
      R"({"name":"片区测试","phones":[")" + UniquePhone() +
          R"("],"addresses":[{"text":"城东区 解放路 3 号","location":{"lat":31.25,"lng":121.55}}]})",
      agent_);
  ASSERT_EQ(customer.status, 200) << customer.body;
  HttpResponse repair =
      http_->Post("/v1/work-orders",
                  R"({"type":"REPAIR","channel":"PHONE","customerId":")" +
                      Str(customer.Json(), "id") + R"(","description":"水表漏水"})",
                  agent_);
  ASSERT_EQ(repair.status, 200) << repair.body;
  const std::string id = Str(repair.Json(), "id");
  const std::string number = Str(repair.Json(), "number");
  // A ticket product only this customer holds singles out its orders among the many open
  // repairs other tests leave in the same area.
  const std::string product = "区测" + std::to_string(getpid());
  ASSERT_EQ(Send("POST", "/v1/customers/" + Str(customer.Json(), "id") + "/ledger/entries",
                 R"({"kind":"PURCHASE","asset":{"kind":"TICKET","product":")" + product +
                     R"("},"quantityDelta":1,"amountFenDelta":100,"reason":"测试"})",
                 agent_, {{"Idempotency-Key", "rules-area-" + std::to_string(getpid())}})
                .status,
            200);
  std::string area_name;
  ASSERT_TRUE(Eventually(
      [&] {
        area_name = Str(http_->Get("/v1/work-orders/" + id, agent_).Json(), "areaName");
        return !area_name.empty();
      },
      5s));
  std::string area;
  const boost::json::value areas = http_->Get("/v1/areas", manager).Json();
  for (const auto& a : areas.as_object().at("areas").as_array()) {
    if (Str(a, "name") == area_name) area = Str(a, "id");
  }
  ASSERT_FALSE(area.empty()) << area_name;
  const std::string rule =
      R"({"rule":{"definition":{"trigger":{"schedule":"every 10 minutes"},"subject":"work_order","condition":{"all":[{"field":"work_order.area_id","op":"eq","value":")" +
      area +
      R"("},{"field":"work_order.type","op":"eq","value":"REPAIR"},{"field":"customer.ticket_balance","key":")" +
      product +
      R"(","op":"gte","value":1}]},"actions":[{"type":"escalate","role":"leader"}],"cooldown_hours":1}},"sampleSize":100})";
  std::string body;
  EXPECT_TRUE(Eventually(
      [&] {
        HttpResponse dry = http_->Post("/v1/rules:dryRun", rule, manager);
        body = dry.body;
        return dry.status == 200 && body.find(number) != std::string::npos;
      },
      5s))
      << body;
}

}  // namespace
}  // namespace qq::testing
