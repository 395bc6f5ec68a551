// Delivery orders with the ticket saga, workflows as data and photos, through the
// gateway's REST API against the stack `./deploy/dev test` runs.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <iterator>
#include <regex>
#include <set>
#include <thread>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "tests/support/eventually.h"
#include "tests/support/gateway_test.h"
#include "tests/support/http_client.h"
#include "tests/support/stack.h"

namespace qq::testing {
namespace {

using namespace std::chrono_literals;

class OrdersTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    if (IsSkipped()) return;
    station_agent_ = LoginAs(*http_, "station-demo", "agent");
    dispatcher_ = LoginAs(*http_, "station-demo", "dispatcher");
    courier_ = LoginAs(*http_, "station-demo", "courier");
    station_manager_ = LoginAs(*http_, "station-demo", "manager");
  }

  std::string Unique(const char* what) {
    return std::string(what) + "-" + std::to_string(getpid()) + "-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }

  HttpResponse Send(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& token, std::map<std::string, std::string> headers = {}) {
    headers["Authorization"] = "Bearer " + token;
    return http_->Send(method, target, body, headers);
  }

  // A station customer on the third floor without a lift, holding `tickets` 18.9L tickets.
  std::string StationCustomer(int tickets) {
    HttpResponse created = http_->Post(
        "/v1/customers",
        R"({"name":"王阿姨","phones":[")" + UniquePhone() +
            R"("],"tags":["高层无电梯","下午3点后送"],"addresses":[{"text":"城东区 幸福小区 3 栋 502","location":{"lat":31.24,"lng":121.56},"deliveryNotes":"敲门两下"}]})",
        station_agent_);
    EXPECT_EQ(created.status, 200) << created.body;
    const std::string id = Str(created.Json(), "id");
    if (tickets > 0) {
      HttpResponse bought = Send(
          "POST", "/v1/customers/" + id + "/ledger/entries",
          R"({"kind":"PURCHASE","asset":{"kind":"TICKET","product":"18.9L"},"quantityDelta":)" +
              std::to_string(tickets) + R"(,"amountFenDelta":1800,"reason":"水票"})",
          station_agent_, {{"Idempotency-Key", Unique("buy") + id}});
      EXPECT_EQ(bought.status, 200) << bought.body;
    }
    return id;
  }

  int64_t Tickets(const std::string& customer_id) {
    HttpResponse got = http_->Get("/v1/customers/" + customer_id + "/ledger", station_agent_);
    EXPECT_EQ(got.status, 200) << got.body;
    const auto json = got.Json();
    if (!json.is_object() || !json.as_object().contains("balances")) return 0;
    for (const auto& b : json.as_object().at("balances").as_array()) {
      const auto& asset = b.as_object().at("asset");
      if (Str(asset, "kind") == "TICKET" && Str(asset, "product") == "18.9L") {
        return static_cast<int64_t>(Num(b, "quantity"));
      }
    }
    return 0;
  }

  HttpResponse Transition(const std::string& id, const std::string& body,
                          const std::string& token) {
    return http_->Post("/v1/delivery-orders/" + id + ":transition", body, token);
  }

  std::string TicketStatus(const std::string& id) {
    return Str(http_->Get("/v1/delivery-orders/" + id, station_agent_).Json(), "ticketStatus");
  }

  std::string station_agent_, dispatcher_, courier_, station_manager_;
};

TEST_F(OrdersTest, DeliveredTicketOrderDeductsOnceAndRevokingRefunds) {
  const std::string customer = StationCustomer(3);
  ASSERT_EQ(Tickets(customer), 3);
  const std::string body =
      R"({"channel":"PHONE","customerId":")" + customer +
      R"(","items":[{"product":"18.9L","quantity":2}],"payment":"TICKETS","notes":"放门口"})";
  HttpResponse created = Send("POST", "/v1/delivery-orders", body, station_agent_,
                              {{"Idempotency-Key", Unique("do")}});
  ASSERT_EQ(created.status, 200) << created.body;
  HttpResponse retried = Send("POST", "/v1/delivery-orders", body, station_agent_,
                              {{"Idempotency-Key", Unique("do")}});
  const auto order = created.Json();
  const std::string id = Str(order, "id");
  EXPECT_EQ(Str(retried.Json(), "id"), id) << "a retry must not create a second order";
  EXPECT_TRUE(std::regex_match(Str(order, "number"), std::regex(R"(DO-\d{8}-\d{4,})")));
  EXPECT_EQ(Str(order, "state"), "PENDING");
  EXPECT_EQ(Str(order, "ticketStatus"), "PENDING");
  EXPECT_EQ(Str(order, "deliveryNotes"), "敲门两下");
  EXPECT_EQ(boost::json::serialize(order.as_object().at("customerTags")),
            R"(["高层无电梯","下午3点后送"])");

  // Delivering before anyone took it is not a step of the workflow.
  HttpResponse too_soon = Transition(id, R"({"transition":"deliver"})", courier_);
  ASSERT_EQ(too_soon.status, 400) << too_soon.body;
  EXPECT_EQ(Str(ErrorOf(too_soon), "code"), "FAILED_PRECONDITION");
  EXPECT_NE(Str(ErrorOf(too_soon), "detail").find("from state PENDING; allowed: assign, cancel"),
            std::string::npos)
      << too_soon.body;

  const std::string courier_id = UserIdOf(courier_);
  ASSERT_FALSE(courier_id.empty());
  HttpResponse no_courier = Transition(id, R"({"transition":"assign"})", dispatcher_);
  EXPECT_EQ(Str(ErrorOf(no_courier), "field"), "courierId") << no_courier.body;
  HttpResponse assigned =
      Transition(id, R"({"transition":"assign","courierId":")" + courier_id + R"("})", dispatcher_);
  ASSERT_EQ(assigned.status, 200) << assigned.body;
  EXPECT_EQ(Str(assigned.Json(), "state"), "ASSIGNED");
  EXPECT_EQ(Str(assigned.Json(), "courierId"), courier_id);
  ASSERT_EQ(Transition(id, R"({"transition":"start"})", courier_).status, 200);
  HttpResponse delivered = Transition(id, R"({"transition":"deliver"})", courier_);
  ASSERT_EQ(delivered.status, 200) << delivered.body;
  EXPECT_EQ(Str(delivered.Json(), "state"), "DELIVERED");

  ASSERT_TRUE(Eventually([&] { return TicketStatus(id) == "DEDUCTED"; }, 10s)) << TicketStatus(id);
  EXPECT_EQ(Tickets(customer), 1);

  // An agent may not undo a completed delivery; the manager may, and the tickets return.
  HttpResponse by_agent =
      Transition(id, R"({"transition":"revoke","comment":"送错地址"})", station_agent_);
  EXPECT_EQ(by_agent.status, 403) << by_agent.body;
  HttpResponse revoked =
      Transition(id, R"({"transition":"revoke","comment":"送错地址"})", station_manager_);
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_EQ(Str(revoked.Json(), "state"), "CANCELLED");
  ASSERT_TRUE(Eventually([&] { return TicketStatus(id) == "REFUNDED"; }, 10s)) << TicketStatus(id);
  EXPECT_EQ(Tickets(customer), 3);

  // The timeline has every step, the saga's included.
  HttpResponse got = http_->Get("/v1/delivery-orders/" + id, station_agent_);
  std::vector<std::string> steps;
  const auto got_json = got.Json();
  for (const auto& e : got_json.as_object().at("timeline").as_array()) {
    // Dispatch's note that no courier was on duty comes only if it beat the assignment.
    if (Str(e, "transition") == "unplaced") continue;
    steps.push_back(Str(e, "transition").empty() ? Str(e, "comment").substr(0, 9)
                                                 : Str(e, "transition"));
  }
  EXPECT_EQ(steps.size(), 7u) << got.body;  // created, assign, start, deliver, deducted,
                                            // revoke, refunded
  // The 360 view lists the order.
  HttpResponse view = http_->Get("/v1/customers/" + customer + "/view", station_agent_);
  ASSERT_EQ(view.status, 200) << view.body;
  EXPECT_NE(view.body.find(Str(order, "number")), std::string::npos) << view.body;
}

TEST_F(OrdersTest, TooFewTicketsFlagsTheOrderForCashInsteadOfLosingIt) {
  const std::string customer = StationCustomer(1);
  HttpResponse created =
      http_->Post("/v1/delivery-orders",
                  R"({"channel":"WECHAT_MINI_PROGRAM","customerId":")" + customer +
                      R"(","items":[{"product":"18.9L","quantity":2}],"payment":"TICKETS"})",
                  station_agent_);
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string id = Str(created.Json(), "id");
  ASSERT_EQ(Transition(id, R"({"transition":"assign","courierId":")" + UserIdOf(courier_) + R"("})",
                       dispatcher_)
                .status,
            200);
  ASSERT_EQ(Transition(id, R"({"transition":"deliver"})", courier_).status, 200);
  ASSERT_TRUE(Eventually([&] { return TicketStatus(id) == "INSUFFICIENT"; }, 10s))
      << TicketStatus(id);
  HttpResponse got = http_->Get("/v1/delivery-orders/" + id, station_agent_);
  EXPECT_EQ(Str(got.Json(), "state"), "DELIVERED");
  EXPECT_TRUE(got.Json().as_object().at("collectCash").as_bool()) << got.body;
  EXPECT_EQ(Tickets(customer), 1);  // nothing taken
}

TEST_F(OrdersTest, BadDeliveryOrdersAreRefusedWithTheField) {
  const std::string customer = StationCustomer(0);
  auto field_of = [&](const std::string& body) {
    HttpResponse r = http_->Post("/v1/delivery-orders", body, station_agent_);
    EXPECT_EQ(r.status / 100, 4) << r.body;
    return Str(ErrorOf(r), "field");
  };
  const std::string who = R"("channel":"PHONE","customerId":")" + customer + R"(",)";
  EXPECT_EQ(field_of("{" + who + R"("items":[],"payment":"CASH"})"), "items");
  EXPECT_EQ(field_of("{" + who + R"("items":[{"product":"18.9L","quantity":0}],"payment":"CASH"})"),
            "items[0].quantity");
  EXPECT_EQ(field_of("{" + who + R"("items":[{"product":"18.9L","quantity":1}]})"), "payment");
  EXPECT_EQ(
      field_of(
          "{" + who +
          R"("items":[{"product":"18.9L","quantity":1}],"payment":"CASH","window":{"endTime":"2020-01-01T00:00:00Z"}})"),
      "window.endTime");
  // Another tenant's customer does not exist here.
  const std::string utility_customer =
      Str(http_
              ->Post("/v1/customers", R"({"name":"李四","phones":[")" + UniquePhone() + R"("]})",
                     agent_)
              .Json(),
          "id");
  HttpResponse foreign =
      http_->Post("/v1/delivery-orders",
                  R"({"channel":"PHONE","customerId":")" + utility_customer +
                      R"(","items":[{"product":"18.9L","quantity":1}],"payment":"CASH"})",
                  station_agent_);
  EXPECT_EQ(foreign.status, 404) << foreign.body;
}

TEST_F(OrdersTest, ATenantsWorkflowChangeLeavesOrdersInFlightOnTheirVersion) {
  // FOLLOW_UP in station-demo: only this test touches it.
  HttpResponse current = http_->Get("/v1/workflows/FOLLOW_UP", station_manager_);
  ASSERT_EQ(current.status, 200) << current.body;
  auto workflow = current.Json();
  const int64_t version_before = workflow.as_object().at("version").to_number<int64_t>();

  const std::string customer = StationCustomer(0);
  auto create = [&] {
    HttpResponse r =
        http_->Post("/v1/work-orders",
                    R"({"type":"FOLLOW_UP","channel":"PHONE","customerId":")" + customer + R"("})",
                    station_agent_);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.Json();
  };
  const auto before = create();
  const std::string before_id = Str(before, "id");

  // The manager adds a review by a manager between handling and resolved.
  auto& wf = workflow.as_object();
  wf["states"].as_array().push_back(
      boost::json::parse(R"({"name":"PENDING_REVIEW","label":"待主管审核"})"));
  for (auto& t : wf["transitions"].as_array()) {
    if (Str(t, "name") == "resolve") t.as_object()["to"] = "PENDING_REVIEW";
  }
  wf["transitions"].as_array().push_back(boost::json::parse(
      R"({"name":"approve","from":["PENDING_REVIEW"],"to":"RESOLVED","roles":["manager"],"resolves":true})"));
  for (auto& t : wf["transitions"].as_array()) {
    if (Str(t, "name") == "resolve") t.as_object()["resolves"] = false;
  }
  HttpResponse by_agent =
      Send("PUT", "/v1/workflows/FOLLOW_UP", boost::json::serialize(workflow), station_agent_);
  EXPECT_EQ(by_agent.status, 403) << by_agent.body;
  HttpResponse saved =
      Send("PUT", "/v1/workflows/FOLLOW_UP", boost::json::serialize(workflow), station_manager_);
  ASSERT_EQ(saved.status, 200) << saved.body;
  EXPECT_EQ(saved.Json().as_object().at("version").to_number<int64_t>(), version_before + 1);

  // A broken definition is refused with the field path.
  auto broken = workflow;
  broken.as_object()["initialState"] = "NOWHERE";
  HttpResponse refused =
      Send("PUT", "/v1/workflows/FOLLOW_UP", boost::json::serialize(broken), station_manager_);
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(Str(ErrorOf(refused), "field"), "initialState");

  const auto after = create();
  EXPECT_EQ(after.as_object().at("workflowVersion").to_number<int64_t>(), version_before + 1);
  auto resolve = [&](const std::string& id) {
    EXPECT_EQ(http_->Post("/v1/work-orders/" + id + ":accept", "{}", station_agent_).status, 200);
    HttpResponse r = http_->Post("/v1/work-orders/" + id + ":resolve", R"({"result":"客户满意"})",
                                 station_agent_);
    EXPECT_EQ(r.status, 200) << r.body;
    return Str(r.Json(), "state");
  };
  EXPECT_EQ(resolve(before_id), "RESOLVED");  // started on the old version
  EXPECT_EQ(resolve(Str(after, "id")), "PENDING_REVIEW");
  HttpResponse approved = http_->Post("/v1/work-orders/" + Str(after, "id") + ":transition",
                                      R"({"transition":"approve"})", station_manager_);
  ASSERT_EQ(approved.status, 200) << approved.body;
  EXPECT_EQ(Str(approved.Json(), "state"), "RESOLVED");
  EXPECT_TRUE(approved.Json().as_object().contains("resolveTime"));

  // Other tenants keep the default.
  HttpResponse utility = http_->Get("/v1/workflows/FOLLOW_UP", agent_);
  EXPECT_EQ(utility.Json().as_object().at("version").to_number<int64_t>(), 0);
}

TEST_F(OrdersTest, PhotosAreCheckedByContentAndServedOnlyToTheirTenant) {
  HttpResponse uploaded = Send("POST", "/v1/attachments?fileName=leak.png", TinyPng(), agent_,
                               {{"Content-Type", "image/png"}});
  ASSERT_EQ(uploaded.status, 200) << uploaded.body;
  const std::string id = Str(uploaded.Json(), "id");
  EXPECT_EQ(Str(uploaded.Json(), "contentType"), "image/png");
  EXPECT_EQ(Str(uploaded.Json(), "fileName"), "leak.png");

  HttpResponse back = http_->Get("/v1/attachments/" + id, agent_);
  ASSERT_EQ(back.status, 200);
  EXPECT_EQ(back.body, TinyPng());
  EXPECT_EQ(back.headers["content-type"], "image/png");
  EXPECT_EQ(http_->Get("/v1/attachments/" + id, station_agent_).status, 404);

  // An executable named .jpg is still an executable.
  std::ifstream elf("/bin/true", std::ios::binary);
  std::string program((std::istreambuf_iterator<char>(elf)), std::istreambuf_iterator<char>());
  ASSERT_GT(program.size(), 1000u);
  HttpResponse refused = Send("POST", "/v1/attachments?fileName=photo.jpg", program, agent_,
                              {{"Content-Type", "image/jpeg"}});
  EXPECT_EQ(refused.status, 415) << refused.body;
  EXPECT_NE(Str(ErrorOf(refused), "detail").find("not a JPEG, PNG, WebP or HEIC"),
            std::string::npos)
      << refused.body;
  EXPECT_EQ(Send("POST", "/v1/attachments", "", agent_, {{"Content-Type", "image/png"}}).status,
            400);

  // A repair is resolved with a photo, which the timeline links.
  const std::string worker = LoginAs(*http_, "utility-demo", "worker");
  const std::string customer =
      Str(http_
              ->Post("/v1/customers", R"({"name":"赵六","phones":[")" + UniquePhone() + R"("]})",
                     agent_)
              .Json(),
          "id");
  const std::string wo = Str(http_
                                 ->Post("/v1/work-orders",
                                        R"({"type":"REPAIR","channel":"PHONE","customerId":")" +
                                            customer + R"(","description":"水表漏水"})",
                                        agent_)
                                 .Json(),
                             "id");
  ASSERT_FALSE(wo.empty());
  // Dispatch gives it to the default team (the customer has no located address).
  ASSERT_TRUE(Eventually(
      [&] {
        return Str(http_->Get("/v1/work-orders/" + wo, agent_).Json(), "state") == "DISPATCHED";
      },
      5s));
  ASSERT_EQ(http_->Post("/v1/work-orders/" + wo + ":accept", "{}", worker).status, 200);
  HttpResponse without =
      http_->Post("/v1/work-orders/" + wo + ":resolve", R"({"result":"已更换水表接头"})", worker);
  EXPECT_EQ(without.status, 400) << without.body;
  EXPECT_EQ(Str(ErrorOf(without), "field"), "attachmentIds");
  HttpResponse with =
      http_->Post("/v1/work-orders/" + wo + ":resolve",
                  R"({"result":"已更换水表接头","attachmentIds":[")" + id + R"("]})", worker);
  ASSERT_EQ(with.status, 200) << with.body;
  EXPECT_EQ(Str(with.Json(), "state"), "RESOLVED");
  const auto with_json = with.Json();
  const auto& timeline = with_json.as_object().at("timeline").as_array();
  EXPECT_EQ(boost::json::serialize(timeline.back().as_object().at("attachmentIds")),
            "[\"" + id + "\"]");
  // A made-up attachment id is refused.
  HttpResponse reopened = http_->Post(
      "/v1/work-orders/" + wo + ":transition",
      R"({"transition":"reopen","comment":"又漏了","attachmentIds":["00000000-0000-4000-8000-000000000000"]})",
      agent_);
  EXPECT_EQ(reopened.status, 400) << reopened.body;
  EXPECT_EQ(Str(ErrorOf(reopened), "field"), "attachmentIds[0]");
  HttpResponse reopened_ok = http_->Post("/v1/work-orders/" + wo + ":transition",
                                         R"({"transition":"reopen","comment":"又漏了"})", agent_);
  ASSERT_EQ(reopened_ok.status, 200) << reopened_ok.body;
  EXPECT_EQ(Str(reopened_ok.Json(), "state"), "DISPATCHED");
  EXPECT_EQ(reopened_ok.Json().as_object().at("reopenCount").to_number<int64_t>(), 1);
}

TEST_F(OrdersTest, DeadlinesPoolToDosAndFeedbackThroughTheGateway) {
  // SLA settings: everyone may read them, only a manager may change them, and a bad
  // value names its field.
  HttpResponse settings = http_->Get("/v1/sla-settings", agent_);
  ASSERT_EQ(settings.status, 200) << settings.body;
  auto body = settings.Json();
  EXPECT_FALSE(body.as_object().at("targets").as_array().empty());
  const std::string manager = LoginAs(*http_, "utility-demo", "manager");
  EXPECT_EQ(Send("PUT", "/v1/sla-settings", boost::json::serialize(body), agent_).status, 403);
  auto bad = body;
  bad.as_object()["warningShare"] = 1.5;
  HttpResponse refused = Send("PUT", "/v1/sla-settings", boost::json::serialize(bad), manager);
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_EQ(Str(ErrorOf(refused), "field"), "warningShare");
  HttpResponse saved = Send("PUT", "/v1/sla-settings", boost::json::serialize(body), manager);
  ASSERT_EQ(saved.status, 200) << saved.body;
  EXPECT_EQ(Str(saved.Json(), "updatedBy"), UserIdOf(manager));

  // An urgent repair carries its deadlines and waits in the pool until someone takes it.
  const std::string customer =
      Str(http_
              ->Post("/v1/customers", R"({"name":"孙八","phones":[")" + UniquePhone() + R"("]})",
                     agent_)
              .Json(),
          "id");
  HttpResponse created = http_->Post("/v1/work-orders",
                                     R"({"type":"REPAIR","channel":"PHONE","urgency":"URGENT",)"
                                     R"("customerId":")" +
                                         customer + R"(","description":"消防栓漏水"})",
                                     agent_);
  ASSERT_EQ(created.status, 200) << created.body;
  const auto wo = created.Json();
  const std::string id = Str(wo, "id");
  EXPECT_FALSE(Str(wo, "responseDueTime").empty()) << created.body;
  EXPECT_FALSE(Str(wo, "resolveDueTime").empty()) << created.body;
  const std::string dispatcher = LoginAs(*http_, "utility-demo", "dispatcher");
  auto in_pool = [&] {
    HttpResponse pool = http_->Get("/v1/work-orders:pool?type=REPAIR&pageSize=100", dispatcher);
    EXPECT_EQ(pool.status, 200) << pool.body;
    return pool.body.find(id) != std::string::npos;
  };
  EXPECT_TRUE(in_pool());
  EXPECT_EQ(http_->Get("/v1/work-orders:pool", LoginAs(*http_, "utility-demo", "worker")).status,
            403);

  // The leader assigns it: it leaves the pool and tops the worker's to-dos.
  const std::string leader = LoginAs(*http_, "utility-demo", "leader");
  const std::string worker = LoginAs(*http_, "utility-demo", "worker");
  HttpResponse assigned =
      http_->Post("/v1/work-orders/" + id + ":transition",
                  R"({"transition":"assign","assigneeId":")" + UserIdOf(worker) + R"("})", leader);
  ASSERT_EQ(assigned.status, 200) << assigned.body;
  EXPECT_FALSE(in_pool());
  HttpResponse todos = http_->Get("/v1/todos?pageSize=100", worker);
  ASSERT_EQ(todos.status, 200) << todos.body;
  EXPECT_NE(todos.body.find(id), std::string::npos) << todos.body;
  // The worker's 360 view of the customer has every part, delivery orders included.
  HttpResponse view = http_->Get("/v1/customers/" + customer + "/view", worker);
  ASSERT_EQ(view.status, 200) << view.body;
  EXPECT_NE(view.body.find(R"("missingParts":[])"), std::string::npos) << view.body;

  // A complaint resolved at the desk: the customer's score is recorded once, and the
  // follow-up to-do it created for the agents goes away.
  const std::string complaint =
      Str(http_
              ->Post("/v1/work-orders",
                     R"({"type":"COMPLAINT","channel":"PHONE","customerId":")" + customer +
                         R"(","description":"水压太低"})",
                     agent_)
              .Json(),
          "id");
  auto feedback = [&](const std::string& order, int score) {
    return http_->Post("/v1/feedback",
                       R"({"orderId":")" + order + R"(","score":)" + std::to_string(score) +
                           R"(,"comment":"师傅很耐心"})",
                       agent_);
  };
  HttpResponse too_early = feedback(complaint, 5);
  EXPECT_EQ(too_early.status, 400) << too_early.body;
  EXPECT_EQ(Str(ErrorOf(too_early), "code"), "FAILED_PRECONDITION");
  ASSERT_EQ(http_->Post("/v1/work-orders/" + complaint + ":accept", "{}", agent_).status, 200);
  ASSERT_EQ(http_
                ->Post("/v1/work-orders/" + complaint + ":resolve", R"({"result":"已调整加压泵"})",
                       agent_)
                .status,
            200);
  // Every page of the agent's to-dos: desk work waiting for agents fills the first ones.
  auto agent_todos = [&] {
    std::string all;
    for (const auto& todo : AllTodos(*http_, agent_)) all += boost::json::serialize(todo);
    return all;
  };
  EXPECT_NE(agent_todos().find(complaint), std::string::npos);
  EXPECT_EQ(Str(ErrorOf(feedback(complaint, 9)), "field"), "score");
  HttpResponse scored = feedback(complaint, 5);
  ASSERT_EQ(scored.status, 200) << scored.body;
  EXPECT_EQ(scored.Json().as_object().at("score").to_number<int64_t>(), 5);
  EXPECT_EQ(feedback(complaint, 4).status, 409);
  EXPECT_EQ(agent_todos().find(complaint), std::string::npos);
}

TEST_F(OrdersTest, AStandingOrderCreatesEachDeliveryDayOnceAndCanPauseResumeAndEnd) {
  const std::string customer = StationCustomer(0);
  // Every day, created a day ahead: today's and tomorrow's orders are due at once.
  HttpResponse created = Send(
      "POST", "/v1/standing-orders",
      R"({"channel":"PHONE","customerId":")" + customer +
          R"(","items":[{"product":" 18.9L ","quantity":1},{"product":"18.9L","quantity":1}],)"
          R"("payment":"CASH","notes":"每天一桶","recurrence":{"frequency":"DAILY"},"leadDays":1})",
      station_agent_, {{"Idempotency-Key", Unique("standing")}});
  ASSERT_EQ(created.status, 200) << created.body;
  const auto standing = created.Json();
  const std::string id = Str(standing, "id");
  EXPECT_EQ(Str(standing, "state"), "ACTIVE");
  const std::string today = Str(standing.as_object().at("recurrence"), "startDate");
  EXPECT_EQ(today.size(), 10u) << created.body;
  // Repeated products were added up, as for a one-off order.
  ASSERT_EQ(standing.as_object().at("items").as_array().size(), 1u) << created.body;
  // A retry with the same key is the same standing order.
  HttpResponse again = Send(
      "POST", "/v1/standing-orders",
      R"({"channel":"PHONE","customerId":")" + customer +
          R"(","items":[{"product":" 18.9L ","quantity":1},{"product":"18.9L","quantity":1}],)"
          R"("payment":"CASH","notes":"每天一桶","recurrence":{"frequency":"DAILY"},"leadDays":1})",
      station_agent_, {{"Idempotency-Key", Unique("standing")}});
  EXPECT_EQ(Str(again.Json(), "id"), id) << again.body;

  auto occurrences = [&] {
    HttpResponse list =
        http_->Get("/v1/delivery-orders?pageSize=100&standingOrderId=" + id, station_agent_);
    EXPECT_EQ(list.status, 200) << list.body;
    const auto json = list.Json();
    if (!json.as_object().contains("deliveryOrders")) return boost::json::array();
    return json.as_object().at("deliveryOrders").as_array();
  };
  ASSERT_TRUE(Eventually([&] { return occurrences().size() == 2; }, 10s)) << occurrences().size();
  std::set<std::string> days;
  for (const auto& order : occurrences()) {
    days.insert(Str(order, "occurrenceDate"));
    EXPECT_EQ(Str(order, "standingOrderId"), id);
    // PENDING, or ASSIGNED where a courier on duty took it already.
    EXPECT_NE(Str(order, "state"), "DELIVERED");
    EXPECT_EQ(Str(order, "notes"), "每天一桶");
    EXPECT_FALSE(Str(order.as_object().at("window"), "startTime").empty());
    // The customer's tags go onto every occurrence, for the courier.
    EXPECT_NE(boost::json::serialize(order).find("高层无电梯"), std::string::npos);
    EXPECT_EQ(Num(order.as_object().at("items").as_array()[0], "quantity"), 2);
  }
  ASSERT_EQ(days.size(), 2u);
  EXPECT_EQ(*days.begin(), today);
  const std::string tomorrow = *days.rbegin();
  EXPECT_GT(tomorrow, today);

  HttpResponse got = http_->Get("/v1/standing-orders/" + id, station_agent_);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(Num(got.Json(), "createdCount"), 2);
  EXPECT_EQ(Str(got.Json(), "lastDeliveryDate"), tomorrow);
  EXPECT_GT(Str(got.Json(), "nextDeliveryDate"), tomorrow);
  EXPECT_EQ(Str(got.Json(), "lastError"), "");

  auto change = [&](const std::string& action) {
    return http_->Post("/v1/standing-orders/" + id + ":changeState",
                       R"({"action":")" + action + R"(","reason":"出差一周"})", station_agent_);
  };
  HttpResponse paused = change("PAUSE");
  ASSERT_EQ(paused.status, 200) << paused.body;
  EXPECT_EQ(Str(paused.Json(), "state"), "PAUSED");
  EXPECT_NE(Str(paused.Json(), "stateReason").find("出差一周"), std::string::npos);
  EXPECT_EQ(change("PAUSE").status, 400);
  // Resuming never makes a day that already has its order again.
  HttpResponse resumed = change("RESUME");
  ASSERT_EQ(resumed.status, 200) << resumed.body;
  EXPECT_EQ(Str(resumed.Json(), "state"), "ACTIVE");
  EXPECT_GT(Str(resumed.Json(), "nextDeliveryDate"), tomorrow);

  // Later occurrences get three barrels; the orders already made keep two.
  HttpResponse updated = Send("PATCH", "/v1/standing-orders/" + id + "?updateMask=items",
                              R"({"items":[{"product":"18.9L","quantity":3}]})", station_agent_);
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(Num(updated.Json().as_object().at("items").as_array()[0], "quantity"), 3);
  HttpResponse bad_mask = Send("PATCH", "/v1/standing-orders/" + id + "?updateMask=customerId",
                               R"({"customerId":")" + customer + R"("})", station_agent_);
  EXPECT_EQ(bad_mask.status, 400) << bad_mask.body;
  EXPECT_EQ(Str(ErrorOf(bad_mask), "field"), "updateMask");

  HttpResponse ended = change("END");
  ASSERT_EQ(ended.status, 200) << ended.body;
  EXPECT_EQ(Str(ended.Json(), "state"), "ENDED");
  EXPECT_EQ(change("RESUME").status, 400);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(occurrences().size(), 2u);
  for (const auto& order : occurrences()) {
    EXPECT_EQ(Num(order.as_object().at("items").as_array()[0], "quantity"), 2);
  }
  HttpResponse listed =
      http_->Get("/v1/standing-orders?state=ENDED&customerId=" + customer, station_agent_);
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_NE(listed.body.find(id), std::string::npos) << listed.body;
}

TEST_F(OrdersTest, BadStandingOrdersAreRefusedWithTheField) {
  const std::string customer = StationCustomer(0);
  auto field_of = [&](const std::string& rest) {
    HttpResponse r = http_->Post("/v1/standing-orders",
                                 R"({"channel":"PHONE","customerId":")" + customer +
                                     R"(","items":[{"product":"18.9L","quantity":1}],)" + rest,
                                 station_agent_);
    EXPECT_EQ(r.status, 400) << r.body;
    return Str(ErrorOf(r), "field");
  };
  EXPECT_EQ(field_of(R"("payment":"CASH","recurrence":{}})"), "recurrence.frequency");
  EXPECT_EQ(field_of(R"("payment":"CASH","recurrence":{"frequency":"WEEKLY","weekdays":[8]}})"),
            "recurrence.weekdays[0]");
  EXPECT_EQ(field_of(R"("payment":"CASH","recurrence":{"frequency":"MONTHLY"}})"),
            "recurrence.monthDays");
  EXPECT_EQ(
      field_of(
          R"("payment":"CASH","recurrence":{"frequency":"DAILY"},"windowStartLocal":"15:00","windowEndLocal":"09:00"})"),
      "windowEndLocal");
  EXPECT_EQ(field_of(R"("payment":"CASH","recurrence":{"frequency":"DAILY"},"leadDays":9})"),
            "leadDays");
  EXPECT_EQ(
      field_of(R"("payment":"CASH","recurrence":{"frequency":"DAILY","endDate":"2020-01-01"}})"),
      "recurrence.endDate");
  EXPECT_EQ(field_of(R"("recurrence":{"frequency":"DAILY"}})"), "payment");
  HttpResponse unknown = http_->Post(
      "/v1/standing-orders",
      R"({"channel":"PHONE","customerId":"6f1c7a9e-4f1b-4c55-9d7e-2d7f0c1b8a11","items":[{"product":"18.9L","quantity":1}],"payment":"CASH","recurrence":{"frequency":"DAILY"}})",
      station_agent_);
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(http_->Get("/v1/standing-orders/not-an-id", station_agent_).status, 404);
  EXPECT_EQ(http_->Post("/v1/standing-orders", "{}", courier_).status, 403);
}

TEST_F(OrdersTest, CustomFieldsOnOrdersAreCheckedStoredAndFiltered) {
  // The utility's admin adds two work-order fields; no migration, no restart.
  const std::string admin = LoginAs(*http_, "utility-demo", "admin");
  const std::string suffix = std::to_string(getpid());
  const std::string reading = "reading_" + suffix, parts = "parts_" + suffix;
  HttpResponse defined =
      http_->Post("/v1/field-definitions",
                  R"({"entity":"WORK_ORDER","key":")" + reading + R"(","label":"水表读数)" +
                      suffix + R"(","type":"NUMBER","min":0,"decimals":1,"active":true})",
                  admin);
  ASSERT_EQ(defined.status, 200) << defined.body;
  defined =
      http_->Post("/v1/field-definitions",
                  R"({"entity":"WORK_ORDER","key":")" + parts + R"(","label":"更换部件)" + suffix +
                      R"(","type":"MULTI_SELECT","options":[{"value":"valve","label":"阀门"},)"
                      R"({"value":"meter","label":"水表"}],"active":true})",
                  admin);
  ASSERT_EQ(defined.status, 200) << defined.body;

  const std::string customer =
      Str(http_
              ->Post("/v1/customers", R"({"name":"周九","phones":[")" + UniquePhone() + R"("]})",
                     agent_)
              .Json(),
          "id");
  auto create = [&](const std::string& fields) {
    return http_->Post("/v1/work-orders",
                       R"({"type":"REPAIR","channel":"PHONE","customerId":")" + customer +
                           R"(","description":"水表不走","customFields":)" + fields + "}",
                       agent_);
  };
  HttpResponse bad = create(R"({")" + reading + R"(":-3})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(Str(ErrorOf(bad), "field"), "customFields." + reading);
  HttpResponse unknown = create(R"({"no_such_field":1})");
  EXPECT_EQ(unknown.status, 400) << unknown.body;
  EXPECT_EQ(Str(ErrorOf(unknown), "field"), "customFields.no_such_field");

  EXPECT_EQ(Str(ErrorOf(create(R"({")" + reading + R"(":1234.56})")), "field"),
            "customFields." + reading);  // one decimal at most
  HttpResponse made = create(R"({")" + reading + R"(":1234.5})");
  ASSERT_EQ(made.status, 200) << made.body;
  const std::string id = Str(made.Json(), "id");
  const auto made_json = made.Json();
  const auto& stored = made_json.as_object().at("customFields");
  EXPECT_DOUBLE_EQ(stored.as_object().at(reading).to_number<double>(), 1234.5);

  // The worker fills in the parts at the resolve; the reading stays.
  const std::string worker = LoginAs(*http_, "utility-demo", "worker");
  const std::string leader = LoginAs(*http_, "utility-demo", "leader");
  ASSERT_EQ(
      http_
          ->Post("/v1/work-orders/" + id + ":transition",
                 R"({"transition":"assign","assigneeId":")" + UserIdOf(worker) + R"("})", leader)
          .status,
      200);
  HttpResponse wrong_option = http_->Post(
      "/v1/work-orders/" + id + ":transition",
      R"({"transition":"accept","customFields":{")" + parts + R"(":["pipe"]}})", worker);
  EXPECT_EQ(wrong_option.status, 400) << wrong_option.body;
  EXPECT_EQ(Str(ErrorOf(wrong_option), "field"), "customFields." + parts);
  HttpResponse accepted = http_->Post(
      "/v1/work-orders/" + id + ":transition",
      R"({"transition":"accept","customFields":{")" + parts + R"(":["水表","阀门"]}})", worker);
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  const auto accepted_json = accepted.Json();
  const auto& after = accepted_json.as_object().at("customFields").as_object();
  EXPECT_EQ(boost::json::serialize(after.at(parts)), R"(["valve","meter"])");
  EXPECT_DOUBLE_EQ(after.at(reading).to_number<double>(), 1234.5);

  // Lists filter by a custom field (a multi-select matches orders holding the option).
  auto listed = [&](const std::string& filter) {
    HttpResponse r = http_->Get("/v1/work-orders?pageSize=100&customField=" + filter, agent_);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.body.find(id) != std::string::npos;
  };
  EXPECT_TRUE(listed(reading + "=1234.5"));
  EXPECT_FALSE(listed(reading + "=1"));
  EXPECT_TRUE(listed(parts + "=meter"));
  HttpResponse bad_filter = http_->Get("/v1/work-orders?customField=nope", agent_);
  EXPECT_EQ(bad_filter.status, 400) << bad_filter.body;
  EXPECT_EQ(Str(ErrorOf(bad_filter), "field"), "customField");

  // Delivery orders take the station's ORDER fields the same way.
  const std::string station_admin = LoginAs(*http_, "station-demo", "admin");
  const std::string floor = "floor_" + suffix;
  ASSERT_EQ(http_
                ->Post("/v1/field-definitions",
                       R"({"entity":"ORDER","key":")" + floor + R"(","label":"楼层)" + suffix +
                           R"(","type":"NUMBER","min":1,"max":60,"decimals":0,"active":true})",
                       station_admin)
                .status,
            200);
  const std::string station_customer = StationCustomer(0);
  auto delivery = [&](int value) {
    return http_->Post("/v1/delivery-orders",
                       R"({"channel":"PHONE","customerId":")" + station_customer +
                           R"(","items":[{"product":"18.9L","quantity":1}],"payment":"CASH",)"
                           R"("customFields":{")" +
                           floor + R"(":)" + std::to_string(value) + "}}",
                       station_agent_);
  };
  EXPECT_EQ(Str(ErrorOf(delivery(99)), "field"), "customFields." + floor);
  HttpResponse delivered = delivery(5);
  ASSERT_EQ(delivered.status, 200) << delivered.body;
  EXPECT_EQ(Num(delivered.Json().as_object().at("customFields"), floor.c_str()), 5);
  HttpResponse by_floor =
      http_->Get("/v1/delivery-orders?pageSize=100&customField=" + floor + "=5", station_agent_);
  ASSERT_EQ(by_floor.status, 200) << by_floor.body;
  EXPECT_NE(by_floor.body.find(Str(delivered.Json(), "id")), std::string::npos);
}

}  // namespace
}  // namespace qq::testing
