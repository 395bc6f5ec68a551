// What people really type, through the gateway: Chinese mixed with ASCII, digits, emoji,
// full-width forms and combining marks, at and past every limit of the order service's
// free-text fields, and then the whole repair flow with such text in place (routing, the
// leader's to-do, resolve with a photo, the SMS, the follow-up). Also the order-side rules
// issue 13 found broken: desk work stays with the agents, assignees must be the tenant's
// staff, to-dos close with their order, "collect cash" follows the order's state, and a
// cancelled order cannot be rated.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <boost/json/serialize.hpp>

#include "tests/support/eventually.h"
#include "tests/support/gateway_test.h"
#include "tests/support/http_client.h"
#include "tests/support/stack.h"

namespace qq::testing {
namespace {

using namespace std::chrono_literals;

// 30 characters, 80 bytes: the 60th byte of three of them falls inside a character.
constexpr char kRepairText[] = "更换DN100阀门后恢复供水，已通知用户并清理现场，明日回访";

// `n` characters (code points) cycling through CJK, ASCII, a full-width digit, emoji and a
// combining accent, the mix an input method and a phone keyboard produce.
std::string MixedText(size_t n) {
  static const std::vector<std::string> kPieces = {"更", "换", "D",        "N",  "1", "０", "💧",
                                                   "阀", "e",  "\xCC\x81", "，", "🚰", "门"};
  std::string out;
  for (size_t i = 0; i < n; ++i) out += kPieces[i % kPieces.size()];
  return out;
}

std::string Quoted(const std::string& text) {
  return boost::json::serialize(boost::json::value(text));
}

class RealTextTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    worker_ = LoginAs(*http_, "utility-demo", "worker");
    leader_ = LoginAs(*http_, "utility-demo", "leader");
    manager_ = LoginAs(*http_, "utility-demo", "manager");
    dispatcher_ = LoginAs(*http_, "utility-demo", "dispatcher");
    station_ = LoginAs(*http_, "station-demo", "agent");
    station_dispatcher_ = LoginAs(*http_, "station-demo", "dispatcher");
    courier_ = LoginAs(*http_, "station-demo", "courier");
  }

  // A station customer at `address` in 城东区 (`extra` JSON members appended, e.g.
  // deliveryPreferences).
  std::string StationCustomer(const std::string& name, const std::string& address,
                              const std::string& extra = "") {
    HttpResponse created =
        http_->Post("/v1/customers",
                    R"({"name":)" + Quoted(name) + R"(,"phones":[")" + UniquePhone() +
                        R"("],"addresses":[{"text":)" + Quoted(address) +
                        R"(,"location":{"lat":31.24,"lng":121.56}}])" + extra + "}",
                    station_);
    EXPECT_EQ(created.status, 200) << created.body;
    return Str(created.Json(), "id");
  }

  // A station delivery order of `items` (JSON array) for `customer`.
  HttpResponse Delivery(const std::string& customer, const std::string& items,
                        const std::string& payment, const std::string& extra = "") {
    return http_->Post("/v1/delivery-orders",
                       R"({"channel":"PHONE","customerId":")" + customer + R"(","items":)" + items +
                           R"(,"payment":")" + payment + "\"" + extra + "}",
                       station_);
  }

  HttpResponse DeliveryStep(const std::string& id, const std::string& body,
                            const std::string& token) {
    return http_->Post("/v1/delivery-orders/" + id + ":transition", body, token);
  }

  HttpResponse Send(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& token, std::map<std::string, std::string> headers = {}) {
    headers["Authorization"] = "Bearer " + token;
    return http_->Send(method, target, body, headers);
  }

  // A customer in 城东区 (routed to 城东区维修组).
  std::string Customer() {
    HttpResponse created = http_->Post(
        "/v1/customers",
        R"({"name":"李四","phones":[")" + UniquePhone() +
            R"("],"addresses":[{"text":"城东区 解放路 8 号","location":{"lat":31.25,"lng":121.55}}]})",
        agent_);
    EXPECT_EQ(created.status, 200) << created.body;
    return Str(created.Json(), "id");
  }

  HttpResponse CreateWorkOrder(const std::string& type, const std::string& customer,
                               const std::string& description) {
    return http_->Post("/v1/work-orders",
                       R"({"type":")" + type + R"(","channel":"PHONE","customerId":")" + customer +
                           R"(","description":)" + Quoted(description) + "}",
                       agent_);
  }

  HttpResponse Step(const std::string& id, const std::string& body, const std::string& token) {
    return http_->Post("/v1/work-orders/" + id + ":transition", body, token);
  }

  // True once dispatch has routed the work order to a team (within 5 s).
  bool Routed(const std::string& id) {
    return Eventually(
        [&] {
          return !Str(http_->Get("/v1/work-orders/" + id, agent_).Json(), "teamName").empty();
        },
        5s);
  }

  // All of the person's to-dos as JSON text, to search for a number or a title.
  std::string TodosOf(const std::string& token) {
    std::string all;
    for (const auto& todo : AllTodos(*http_, token)) all += boost::json::serialize(todo);
    return all;
  }

  // Expects a 400 naming `field` and the limit in characters.
  static void ExpectTooLong(const HttpResponse& r, const std::string& field, size_t limit) {
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(Str(ErrorOf(r), "field"), field) << r.body;
    EXPECT_EQ(Str(ErrorOf(r), "code"), "TEXT_TOO_LONG") << r.body;
    EXPECT_NE(Str(ErrorOf(r), "detail").find("at most " + std::to_string(limit) + " characters"),
              std::string::npos)
        << r.body;
  }

  std::string worker_, leader_, manager_, dispatcher_;
  std::string station_, station_dispatcher_, courier_;  // station-demo's agent, dispatcher, courier
};

TEST_F(RealTextTest, ChineseTextGoesThroughTheWholeRepairFlow) {
  const std::string customer = Customer();
  // 63 characters: the leader's to-do title quotes it cut inside.
  const std::string description = std::string(kRepairText) + kRepairText + "💧";
  HttpResponse created = CreateWorkOrder("REPAIR", customer, description);
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string id = Str(created.Json(), "id");
  const std::string number = Str(created.Json(), "number");
  EXPECT_EQ(Str(created.Json(), "description"), description);
  EXPECT_EQ(Str(created.Json(), "routing"), "FIELD_TEAM");

  // Routed to the team, and the leader's 待指派 to-do quotes the text cut by characters.
  ASSERT_TRUE(Eventually(
      [&] {
        return Str(http_->Get("/v1/work-orders/" + id, agent_).Json(), "teamName") ==
               "城东区维修组";
      },
      5s));
  ASSERT_TRUE(Eventually([&] { return TodosOf(leader_).find(number) != std::string::npos; }, 5s))
      << TodosOf(leader_);
  EXPECT_NE(TodosOf(leader_).find("待指派: " + number + " 更换DN100阀门后"), std::string::npos);

  // The worker accepts and resolves with a photo whose name tried to climb out.
  ASSERT_EQ(http_->Post("/v1/work-orders/" + id + ":accept", "{}", worker_).status, 200);
  HttpResponse photo = Send(
      "POST", "/v1/attachments?fileName=..%2F..%2F%E7%8E%B0%E5%9C%BA%0D%0A%E7%85%A7%E7%89%87.png",
      TinyPng(), worker_, {{"Content-Type", "image/png"}});
  ASSERT_EQ(photo.status, 200) << photo.body;
  EXPECT_EQ(Str(photo.Json(), "fileName"), "现场照片.png");
  const std::string result = std::string(kRepairText) + "，" + kRepairText + "🚰";
  HttpResponse resolved = http_->Post("/v1/work-orders/" + id + ":resolve",
                                      R"({"result":)" + Quoted(result) + R"(,"attachmentIds":[")" +
                                          Str(photo.Json(), "id") + "\"]}",
                                      worker_);
  ASSERT_EQ(resolved.status, 200) << resolved.body;
  EXPECT_EQ(Str(resolved.Json(), "result"), result);
  EXPECT_EQ(Str(resolved.Json(), "state"), "RESOLVED");

  // The customer's SMS quotes the result, and the agents get the follow-up call.
  ASSERT_TRUE(Eventually(
      [&] {
        HttpResponse sms = http_->Get("/v1/notifications?workOrderId=" + id, agent_);
        return sms.status == 200 && sms.body.find("更换DN100阀门后") != std::string::npos;
      },
      5s));
  EXPECT_NE(TodosOf(agent_).find("回访: " + number + " 更换DN100阀门后"), std::string::npos);
}

TEST_F(RealTextTest, OrderTextLimitsCountCharacters) {
  const std::string customer = Customer();
  // description: 4000 characters (about 9000 bytes) read back as sent; one more is refused.
  HttpResponse at_limit = CreateWorkOrder("REPAIR", customer, MixedText(4000));
  ASSERT_EQ(at_limit.status, 200) << at_limit.body.substr(0, 300);
  EXPECT_EQ(Str(at_limit.Json(), "description"), MixedText(4000));
  EXPECT_EQ(CreateWorkOrder("REPAIR", customer, MixedText(3999)).status, 200);
  EXPECT_EQ(CreateWorkOrder("REPAIR", customer, MixedText(1)).status, 200);
  ExpectTooLong(CreateWorkOrder("REPAIR", customer, MixedText(4001)), "description", 4000);

  // result and comment of a step, once dispatch has routed it to the team.
  const std::string id = Str(at_limit.Json(), "id");
  ASSERT_TRUE(Routed(id));
  ASSERT_EQ(http_->Post("/v1/work-orders/" + id + ":accept", "{}", worker_).status, 200);
  ExpectTooLong(http_->Post("/v1/work-orders/" + id + ":resolve",
                            R"({"result":)" + Quoted(MixedText(4001)) + "}", worker_),
                "result", 4000);
  ExpectTooLong(
      Step(id, R"({"transition":"wait_customer","comment":)" + Quoted(MixedText(4001)) + "}",
           worker_),
      "comment", 4000);
  HttpResponse resolved =
      http_->Post("/v1/work-orders/" + id + ":resolve",
                  R"({"result":)" + Quoted(MixedText(4000)) + R"(,"attachmentIds":[")" +
                      Str(Send("POST", "/v1/attachments?fileName=a.png", TinyPng(), worker_,
                               {{"Content-Type", "image/png"}})
                              .Json(),
                          "id") +
                      "\"]}",
                  worker_);
  ASSERT_EQ(resolved.status, 200) << resolved.body.substr(0, 300);
  EXPECT_EQ(Str(resolved.Json(), "result"), MixedText(4000));

  // Feedback comments: 2000 characters.
  auto feedback = [&](const std::string& comment) {
    return http_->Post("/v1/feedback",
                       R"({"orderId":")" + id + R"(","score":5,"comment":)" + Quoted(comment) + "}",
                       agent_);
  };
  ExpectTooLong(feedback(MixedText(2001)), "comment", 2000);
  const std::string key = "feedback-" + id;
  const std::string rating =
      R"({"orderId":")" + id + R"(","score":5,"comment":)" + Quoted(MixedText(2000)) + "}";
  HttpResponse rated = Send("POST", "/v1/feedback", rating, agent_, {{"Idempotency-Key", key}});
  ASSERT_EQ(rated.status, 200) << rated.body.substr(0, 300);
  EXPECT_EQ(Str(rated.Json(), "comment"), MixedText(2000));
  // A retry with the key gets the first answer; without it, the second rating is refused.
  HttpResponse retried = Send("POST", "/v1/feedback", rating, agent_, {{"Idempotency-Key", key}});
  ASSERT_EQ(retried.status, 200) << retried.body.substr(0, 300);
  EXPECT_EQ(Str(retried.Json(), "id"), Str(rated.Json(), "id"));
  EXPECT_EQ(feedback("再评一次").status, 409);
}

TEST_F(RealTextTest, DeliveryNotesAndProductNamesCountCharacters) {
  const std::string customer = StationCustomer("王阿姨", "城东区 幸福小区 3 栋 502");
  auto order = [&](const std::string& product, const std::string& notes) {
    return Delivery(customer, R"([{"product":)" + Quoted(product) + R"(,"quantity":1}])", "CASH",
                    R"(,"notes":)" + Quoted(notes));
  };
  // The product name the issue quotes (16 characters, 38 bytes) and 1000 characters of notes.
  HttpResponse ok = order("农夫山泉·19L桶装水（含押金）", MixedText(1000));
  ASSERT_EQ(ok.status, 200) << ok.body.substr(0, 300);
  EXPECT_EQ(Str(ok.Json(), "notes"), MixedText(1000));
  ExpectTooLong(order("18.9L", MixedText(1001)), "notes", 1000);
  std::string forty;
  for (int i = 0; i < 40; ++i) forty += "桶";
  EXPECT_EQ(order(forty, "").status, 200);
  ExpectTooLong(order(forty + "桶", ""), "items[0].product", 40);
  // Full-width "１８．９Ｌ" is the product 18.9L.
  HttpResponse folded = order("１８．９Ｌ", "");
  ASSERT_EQ(folded.status, 200) << folded.body;
  EXPECT_NE(folded.body.find(R"("product":"18.9L")"), std::string::npos) << folded.body;
}

TEST_F(RealTextTest, DeskWorkStaysWithTheAgents) {
  const std::string customer = Customer();
  HttpResponse created = CreateWorkOrder("COMPLAINT", customer, "师傅态度不好，投诉DN100管道维修");
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string id = Str(created.Json(), "id");
  const std::string number = Str(created.Json(), "number");
  EXPECT_EQ(Str(created.Json(), "routing"), "SERVICE_DESK");
  // In the agents' queue at once; never routed to the area's repair team.
  EXPECT_NE(TodosOf(agent_).find("待受理: " + number), std::string::npos);
  std::this_thread::sleep_for(1500ms);
  HttpResponse later = http_->Get("/v1/work-orders/" + id, agent_);
  EXPECT_EQ(Str(later.Json(), "teamName"), "") << later.body;
  EXPECT_EQ(Str(later.Json(), "state"), "CREATED") << later.body;
  EXPECT_EQ(TodosOf(leader_).find(number), std::string::npos);

  // A worker cannot take it; an agent can, and the queue's to-do is done then.
  EXPECT_EQ(http_->Post("/v1/work-orders/" + id + ":accept", "{}", worker_).status, 403);
  ASSERT_EQ(http_->Post("/v1/work-orders/" + id + ":accept", "{}", agent_).status, 200);
  EXPECT_EQ(TodosOf(agent_).find("待受理: " + number), std::string::npos);

  // Repairs still go to the field team.
  HttpResponse workflows = http_->Get("/v1/workflows", agent_);
  EXPECT_NE(workflows.body.find(R"("kind":"COMPLAINT")"), std::string::npos);
  EXPECT_NE(workflows.body.find(R"("routing":"SERVICE_DESK")"), std::string::npos);
  EXPECT_NE(workflows.body.find(R"("routing":"FIELD_TEAM")"), std::string::npos);
}

TEST_F(RealTextTest, AssigneesMustBeTheTenantsStaffWhoCanTakeTheOrder) {
  const std::string customer = Customer();
  const std::string id = Str(CreateWorkOrder("REPAIR", customer, "水表漏水").Json(), "id");
  const std::string station_worker = UserIdOf(courier_);  // another tenant's person
  for (const std::string& nobody :
       {std::string("worker-typo"), std::string("00000000-0000-4000-8000-000000000000"),
        station_worker, UserIdOf(agent_) /* no worker role */}) {
    HttpResponse refused =
        Step(id, R"({"transition":"assign","assigneeId":")" + nobody + R"("})", dispatcher_);
    EXPECT_EQ(refused.status, 400) << nobody << ": " << refused.body;
    EXPECT_EQ(Str(ErrorOf(refused), "field"), "assigneeId") << refused.body;
  }
  HttpResponse assigned = Step(
      id, R"({"transition":"assign","assigneeId":")" + UserIdOf(worker_) + R"("})", dispatcher_);
  ASSERT_EQ(assigned.status, 200) << assigned.body;
  EXPECT_EQ(Str(assigned.Json(), "assigneeId"), UserIdOf(worker_));
  EXPECT_EQ(http_->Post("/v1/work-orders/" + id + ":accept", "{}", worker_).status, 200);

  // Couriers the same way.
  HttpResponse delivery = Delivery(StationCustomer("赵先生", "城东区 1 号"),
                                   R"([{"product":"18.9L","quantity":1}])", "CASH");
  ASSERT_EQ(delivery.status, 200) << delivery.body;
  HttpResponse bad_courier = DeliveryStep(
      Str(delivery.Json(), "id"),
      R"({"transition":"assign","courierId":")" + UserIdOf(worker_) + R"("})", station_dispatcher_);
  EXPECT_EQ(bad_courier.status, 400) << bad_courier.body;
  EXPECT_EQ(Str(ErrorOf(bad_courier), "field"), "courierId");
}

TEST_F(RealTextTest, ToDosCloseWithTheirOrder) {
  const std::string customer = Customer();
  const std::string id = Str(CreateWorkOrder("REPAIR", customer, "消火栓漏水").Json(), "id");
  const std::string number = Str(http_->Get("/v1/work-orders/" + id, agent_).Json(), "number");
  ASSERT_TRUE(Routed(id));
  ASSERT_EQ(http_->Post("/v1/work-orders/" + id + ":accept", "{}", worker_).status, 200);
  const std::string photo = Str(Send("POST", "/v1/attachments?fileName=f.png", TinyPng(), worker_,
                                     {{"Content-Type", "image/png"}})
                                    .Json(),
                                "id");
  ASSERT_EQ(http_
                ->Post("/v1/work-orders/" + id + ":resolve",
                       R"({"result":"已更换阀门","attachmentIds":[")" + photo + "\"]}", worker_)
                .status,
            200);
  ASSERT_NE(TodosOf(agent_).find("回访: " + number), std::string::npos);
  // The fix failed: the follow-up for it no longer applies.
  ASSERT_EQ(Step(id, R"({"transition":"reopen","comment":"还在漏"})", agent_).status, 200);
  EXPECT_EQ(TodosOf(agent_).find("回访: " + number), std::string::npos);

  // A cancelled order leaves nothing to do for anyone.
  const std::string other = Str(CreateWorkOrder("REPAIR", customer, "路面渗水").Json(), "id");
  const std::string other_number =
      Str(http_->Get("/v1/work-orders/" + other, agent_).Json(), "number");
  ASSERT_TRUE(
      Eventually([&] { return TodosOf(leader_).find(other_number) != std::string::npos; }, 5s));
  ASSERT_EQ(Step(other, R"({"transition":"cancel","comment":"用户撤单"})", agent_).status, 200);
  EXPECT_EQ(TodosOf(leader_).find(other_number), std::string::npos);
  // And it cannot be rated.
  HttpResponse rated =
      http_->Post("/v1/feedback", R"({"orderId":")" + other + R"(","score":5})", agent_);
  EXPECT_EQ(rated.status, 400) << rated.body;
  EXPECT_NE(Str(ErrorOf(rated), "detail").find("cancelled"), std::string::npos) << rated.body;
}

TEST_F(RealTextTest, ARevokedOrderNoLongerAsksForCash) {
  const std::string manager = LoginAs(*http_, "station-demo", "manager");
  HttpResponse created = Delivery(StationCustomer("钱女士", "城东区 2 号"),
                                  R"([{"product":"18.9L","quantity":2}])", "TICKETS");
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string id = Str(created.Json(), "id");
  auto step = [&](const std::string& body, const std::string& token) {
    return DeliveryStep(id, body, token);
  };
  ASSERT_EQ(step(R"({"transition":"assign","courierId":")" + UserIdOf(courier_) + R"("})",
                 station_dispatcher_)
                .status,
            200);
  ASSERT_EQ(step(R"({"transition":"deliver"})", courier_).status, 200);
  auto collect_cash = [&] {
    const auto json = http_->Get("/v1/delivery-orders/" + id, station_).Json();
    return json.as_object().contains("collectCash") && json.as_object().at("collectCash").as_bool();
  };
  ASSERT_TRUE(Eventually(collect_cash, 10s));  // no tickets: the courier collects cash
  HttpResponse revoked = step(R"({"transition":"revoke","comment":"送错地址"})", manager);
  ASSERT_EQ(revoked.status, 200) << revoked.body;
  EXPECT_FALSE(collect_cash());
}

TEST_F(RealTextTest, AnotherTenantsWorkOrderIsNotFoundInNotifications) {
  const std::string& station = station_;
  HttpResponse customer = http_->Post(
      "/v1/customers", R"({"name":"孙先生","phones":[")" + UniquePhone() + R"("]})", station);
  HttpResponse theirs = http_->Post("/v1/work-orders",
                                    R"({"type":"ENQUIRY","channel":"PHONE","customerId":")" +
                                        Str(customer.Json(), "id") + R"(","description":"咨询"})",
                                    station);
  ASSERT_EQ(theirs.status, 200) << theirs.body;
  HttpResponse listed =
      http_->Get("/v1/notifications?workOrderId=" + Str(theirs.Json(), "id"), agent_);
  EXPECT_EQ(listed.status, 404) << listed.body;
  EXPECT_EQ(Str(ErrorOf(listed), "field"), "workOrderId");
  EXPECT_EQ(http_->Get("/v1/notifications?workOrderId=garbage", agent_).status, 404);
  EXPECT_EQ(http_->Get("/v1/notifications?workOrderId=" + Str(theirs.Json(), "id"), station).status,
            200);
}

TEST_F(RealTextTest, TheHotlineFindsOrdersByNumberAndByPhone) {
  const std::string phone = UniquePhone();
  HttpResponse customer = http_->Post(
      "/v1/customers",
      R"({"name":"周先生","phones":[")" + phone +
          R"("],"addresses":[{"text":"城东区 9 号","location":{"lat":31.25,"lng":121.55}}]})",
      agent_);
  ASSERT_EQ(customer.status, 200) << customer.body;
  const std::string customer_id = Str(customer.Json(), "id");
  HttpResponse first = CreateWorkOrder("REPAIR", customer_id, "水压低");
  HttpResponse second = CreateWorkOrder("ENQUIRY", customer_id, "咨询水费");
  ASSERT_EQ(first.status, 200);
  ASSERT_EQ(second.status, 200);
  const std::string number = Str(first.Json(), "number");

  // The number as read off an SMS, typed with a Chinese input method.
  std::string typed;
  for (char c : number) {
    if (c >= '0' && c <= '9') {
      typed += std::string("%EF%BC%9") + c;  // U+FF10.. full-width digits, percent-encoded
    } else {
      typed += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  HttpResponse by_number = http_->Get("/v1/work-orders?number=" + typed, agent_);
  ASSERT_EQ(by_number.status, 200) << by_number.body;
  const boost::json::value by_number_json = by_number.Json();
  const auto& found = by_number_json.as_object().at("workOrders").as_array();
  ASSERT_EQ(found.size(), 1u) << by_number.body;
  EXPECT_EQ(Str(found[0], "id"), Str(first.Json(), "id"));

  // Every order of the caller, by the phone they call from.
  HttpResponse by_phone = http_->Get("/v1/work-orders?phone=" + phone, agent_);
  ASSERT_EQ(by_phone.status, 200) << by_phone.body;
  EXPECT_EQ(by_phone.Json().as_object().at("workOrders").as_array().size(), 2u) << by_phone.body;
  // A phone nobody has finds nothing; another tenant's number finds nothing either.
  HttpResponse nobody = http_->Get("/v1/work-orders?phone=" + UniquePhone(), agent_);
  ASSERT_EQ(nobody.status, 200) << nobody.body;
  EXPECT_EQ(nobody.body.find("\"id\""), std::string::npos) << nobody.body;
  HttpResponse theirs = http_->Get("/v1/work-orders?number=" + number, station_);
  ASSERT_EQ(theirs.status, 200) << theirs.body;
  EXPECT_EQ(theirs.body.find("\"id\""), std::string::npos) << theirs.body;
}

// A caller corrects what they said: the order changes, the timeline says what and who,
// by name, and the SLA deadlines follow a new urgency.
TEST_F(RealTextTest, OrdersAreEditedOnTheTimelineByName) {
  const std::string customer = Customer();
  HttpResponse created = CreateWorkOrder("REPAIR", customer, "水管漏水");
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string id = Str(created.Json(), "id");
  const std::string resolve_due = Str(created.Json(), "resolveDueTime");
  // The creator is named on the timeline, not only by id.
  EXPECT_NE(created.body.find(R"("actorName":"客服小刘")"), std::string::npos) << created.body;

  HttpResponse edited = Send("PATCH", "/v1/work-orders/" + id + "?updateMask=description,urgency",
                             R"({"description":"水管爆裂，更换DN100阀门💧","urgency":"CRITICAL"})",
                             agent_, {{"Content-Type", "application/json"}});
  ASSERT_EQ(edited.status, 200) << edited.body;
  const auto json = edited.Json();
  EXPECT_EQ(Str(json, "description"), "水管爆裂，更换DN100阀门💧");
  EXPECT_EQ(Str(json, "urgency"), "CRITICAL");
  EXPECT_NE(Str(json, "resolveDueTime"), resolve_due) << "deadlines follow the urgency";
  const auto& timeline = json.as_object().at("timeline").as_array();
  const auto& last = timeline.back();
  EXPECT_NE(Str(last, "comment").find("紧急程度: 普通 → 特急"), std::string::npos) << edited.body;
  EXPECT_NE(Str(last, "comment").find("「水管漏水」→「水管爆裂"), std::string::npos) << edited.body;
  EXPECT_EQ(Str(last, "actorName"), "客服小刘");

  // Bad edits: a field that cannot change, no mask, text too long.
  EXPECT_EQ(Send("PATCH", "/v1/work-orders/" + id + "?updateMask=type", R"({"type":"COMPLAINT"})",
                 agent_, {{"Content-Type", "application/json"}})
                .status,
            400);
  EXPECT_EQ(Send("PATCH", "/v1/work-orders/" + id, R"({"description":"x"})", agent_,
                 {{"Content-Type", "application/json"}})
                .status,
            400);
  ExpectTooLong(Send("PATCH", "/v1/work-orders/" + id + "?updateMask=description",
                     R"({"description":)" + Quoted(MixedText(4001)) + "}", agent_,
                     {{"Content-Type", "application/json"}}),
                "description", 4000);

  // The worker who takes it is named on the order and on its timeline.
  ASSERT_TRUE(Routed(id));
  ASSERT_EQ(http_->Post("/v1/work-orders/" + id + ":accept", "{}", worker_).status, 200);
  HttpResponse taken = http_->Get("/v1/work-orders/" + id, agent_);
  EXPECT_EQ(Str(taken.Json(), "assigneeName"), "王师傅") << taken.body;
  EXPECT_EQ(Str(taken.Json().as_object().at("timeline").as_array().back(), "actorName"), "王师傅");
  // The dispatch service's own step is labelled, not shown as "system:dispatch".
  EXPECT_NE(taken.body.find(R"("actorName":"系统派单")"), std::string::npos) << taken.body;

  // A cancelled order cannot be edited any more.
  ASSERT_EQ(Step(id, R"({"transition":"cancel","comment":"用户撤单"})", agent_).status, 200);
  HttpResponse late =
      Send("PATCH", "/v1/work-orders/" + id + "?updateMask=urgency", R"({"urgency":"NORMAL"})",
           agent_, {{"Content-Type", "application/json"}});
  EXPECT_EQ(late.status, 400) << late.body;
}

TEST_F(RealTextTest, DeliveryOrdersAreEditedUntilTheCourierSetsOut) {
  const std::string& station = station_;
  HttpResponse created = Delivery(StationCustomer("吴女士", "城东区 5 号"),
                                  R"([{"product":"18.9L","quantity":2}])", "CASH");
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string id = Str(created.Json(), "id");
  HttpResponse edited =
      Send("PATCH", "/v1/delivery-orders/" + id + "?updateMask=items,notes",
           R"({"items":[{"product":"18.9L","quantity":3}],"notes":"放门口，打电话💧"})", station,
           {{"Content-Type", "application/json"}});
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_NE(edited.body.find(R"("quantity":3)"), std::string::npos) << edited.body;
  EXPECT_EQ(Str(edited.Json(), "notes"), "放门口，打电话💧");
  const boost::json::value edited_json = edited.Json();
  const auto& last = edited_json.as_object().at("timeline").as_array().back();
  EXPECT_NE(Str(last, "comment").find("商品: 18.9L×2 → 18.9L×3"), std::string::npos) << edited.body;
  EXPECT_FALSE(Str(last, "actorName").empty());

  HttpResponse assigned =
      DeliveryStep(id, R"({"transition":"assign","courierId":")" + UserIdOf(courier_) + R"("})",
                   station_dispatcher_);
  ASSERT_EQ(assigned.status, 200) << assigned.body;
  EXPECT_EQ(Str(assigned.Json(), "courierName"), "李师傅") << assigned.body;
  // Still editable once assigned, no longer once the courier has set out. A new window
  // reaches the courier's route (dispatch takes order.updated and places the stop again).
  EXPECT_EQ(
      Send(
          "PATCH", "/v1/delivery-orders/" + id + "?updateMask=notes,window",
          R"({"notes":"改","window":{"startTime":"2099-01-01T07:00:00Z","endTime":"2099-01-01T10:00:00Z"}})",
          station, {{"Content-Type", "application/json"}})
          .status,
      200);
  const std::string number = Str(created.Json(), "number");
  EXPECT_TRUE(Eventually(
      [&] {
        const boost::json::value route = http_->Get("/v1/routes/me", courier_).Json();
        if (!route.is_object() || !route.as_object().contains("stops")) return false;
        for (const auto& stop : route.as_object().at("stops").as_array()) {
          if (Str(stop, "number") == number) {
            return Str(stop, "windowEnd") == "2099-01-01T10:00:00Z" && Str(stop, "notes") == "改";
          }
        }
        return false;
      },
      5s))
      << http_->Get("/v1/routes/me", courier_).body;
  ASSERT_EQ(DeliveryStep(id, R"({"transition":"start"})", courier_).status, 200);
  HttpResponse late = Send("PATCH", "/v1/delivery-orders/" + id + "?updateMask=notes",
                           R"({"notes":"再改"})", station, {{"Content-Type", "application/json"}});
  EXPECT_EQ(late.status, 400) << late.body;
}

// The station seed's customer who wants water after 15:00 on weekdays got it at noon: the
// wish is data now, and an order without a window gets it (and so binds the route).
TEST_F(RealTextTest, StandingWishesSetTheWindowOfANewOrder) {
  const std::string customer = StationCustomer(
      "郑阿姨", "城东区 幸福小区 6 栋",
      R"(,"deliveryPreferences":{"windowStartLocal":"15:00","weekdays":[1,2,3,4,5],)"
      R"("noLift":true,"needsCart":true,"floor":6})");
  HttpResponse created = Delivery(customer, R"([{"product":"18.9L","quantity":2}])", "CASH");
  ASSERT_EQ(created.status, 200) << created.body;
  const auto json = created.Json();
  ASSERT_TRUE(json.as_object().contains("window")) << created.body;
  // 15:00 in Beijing is 07:00 UTC, on a weekday.
  const std::string start = Str(json.as_object().at("window"), "startTime");
  EXPECT_NE(start.find("T07:00:00"), std::string::npos) << created.body;
  // The courier sees the wishes with the stop.
  EXPECT_NE(created.body.find("需带小推车"), std::string::npos) << created.body;
  // A window the caller gives wins.
  HttpResponse asked = Delivery(customer, R"([{"product":"18.9L","quantity":1}])", "CASH",
                                R"(,"window":{"endTime":"2099-01-01T04:00:00Z"})");
  ASSERT_EQ(asked.status, 200) << asked.body;
  EXPECT_EQ(Str(asked.Json().as_object().at("window"), "endTime"), "2099-01-01T04:00:00Z");
}

// Errors are worded for the people who read them: Chinese unless the request prefers
// English, with a stable code, the field, and the service's own words as the detail.
TEST_F(RealTextTest, ErrorsSpeakChineseUnlessEnglishIsAsked) {
  const std::string customer = Customer();
  const std::string body = R"({"type":"REPAIR","channel":"PHONE","customerId":")" + customer +
                           R"(","description":)" + Quoted(MixedText(4001)) + "}";
  HttpResponse zh = Send("POST", "/v1/work-orders", body, agent_);
  ASSERT_EQ(zh.status, 400) << zh.body;
  EXPECT_EQ(Str(ErrorOf(zh), "code"), "TEXT_TOO_LONG");
  EXPECT_EQ(Str(ErrorOf(zh), "message"), "描述最多 4000 个字符，现在有 4001 个") << zh.body;
  EXPECT_EQ(Str(ErrorOf(zh), "field"), "description");
  HttpResponse en = Send("POST", "/v1/work-orders", body, agent_,
                         {{"Accept-Language", "en-US,en;q=0.9,zh;q=0.5"}});
  ASSERT_EQ(en.status, 400) << en.body;
  EXPECT_EQ(Str(ErrorOf(en), "message"),
            "description: at most 4000 characters (this one has 4001)");
  // Not found, in Chinese, names what was not found.
  HttpResponse missing = http_->Get("/v1/work-orders/00000000-0000-4000-8000-000000000000", agent_);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(Str(ErrorOf(missing), "message"), "找不到要查看的记录") << missing.body;
}

// Every create honours Idempotency-Key, dispatch's too: a retried team is the first one,
// and the same key for another team is refused with 422.
TEST_F(RealTextTest, ARetriedTeamIsTheFirstOne) {
  const std::string name =
      "抢修二组-" + std::to_string(getpid()) + "-" +
      std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  const std::string body =
      R"({"name":)" + Quoted(name) + R"(,"leaderId":")" + UserIdOf(leader_) + R"("})";
  // Keys are printable ASCII; the name is not.
  const std::map<std::string, std::string> key = {
      {"Idempotency-Key", "team-" + std::to_string(std::hash<std::string>{}(name))}};
  HttpResponse first = Send("POST", "/v1/teams", body, dispatcher_, key);
  ASSERT_EQ(first.status, 200) << first.body;
  HttpResponse retried = Send("POST", "/v1/teams", body, dispatcher_, key);
  ASSERT_EQ(retried.status, 200) << retried.body;
  EXPECT_EQ(Str(retried.Json(), "id"), Str(first.Json(), "id"));
  EXPECT_EQ(Str(retried.Json(), "name"), name);
  HttpResponse other =
      Send("POST", "/v1/teams", R"({"name":)" + Quoted(name + "b") + "}", dispatcher_, key);
  EXPECT_EQ(other.status, 422) << other.body;
  EXPECT_EQ(Str(ErrorOf(other), "code"), "IDEMPOTENCY_KEY_REUSED");
  // Without a key, a second team of the same name is a conflict, as before.
  EXPECT_EQ(Send("POST", "/v1/teams", body, dispatcher_).status, 409);
}

// A photo upload retried on a bad signal is the same photo, not a second one.
TEST_F(RealTextTest, ARetriedUploadIsTheFirstPhoto) {
  const std::string key =
      "photo-" + std::to_string(getpid()) + "-" +
      std::to_string(std::chrono::system_clock::now().time_since_epoch().count());
  std::map<std::string, std::string> headers = {{"Content-Type", "image/png"},
                                                {"Idempotency-Key", key}};
  HttpResponse first =
      Send("POST", "/v1/attachments?fileName=%E7%8E%B0%E5%9C%BA.png", TinyPng(), worker_, headers);
  ASSERT_EQ(first.status, 200) << first.body;
  HttpResponse retried =
      Send("POST", "/v1/attachments?fileName=%E7%8E%B0%E5%9C%BA.png", TinyPng(), worker_, headers);
  ASSERT_EQ(retried.status, 200) << retried.body;
  EXPECT_EQ(Str(retried.Json(), "id"), Str(first.Json(), "id"));
  EXPECT_EQ(Str(retried.Json(), "fileName"), "现场.png");
  // Another photo under the same key is refused.
  HttpResponse other =
      Send("POST", "/v1/attachments?fileName=other.png", TinyPng(), worker_, headers);
  EXPECT_EQ(other.status, 422) << other.body;
  EXPECT_EQ(http_->Get("/v1/attachments/" + Str(first.Json(), "id"), worker_).body, TinyPng());
}

}  // namespace
}  // namespace qq::testing
