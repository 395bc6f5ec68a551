// Couriers and their routes through the gateway against the stack `./deploy/dev test`
// runs: a delivery order created in the station tenant goes to the courier on duty by
// itself, shows on the courier's route with the customer's tags, and its customer tracks
// the courier's reported position.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <optional>
#include <thread>
#include <vector>

#include <boost/json/serialize.hpp>
#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "services/common/auth.h"
#include "tests/support/event_stream.h"
#include "tests/support/eventually.h"
#include "tests/support/gateway_test.h"
#include "tests/support/http_client.h"
#include "tests/support/stack.h"

namespace qq::testing {
namespace {

using namespace std::chrono_literals;

std::string FieldOfError(const HttpResponse& r) {
  const auto json = r.Json();
  if (!json.is_object() || !json.as_object().contains("error")) return "";
  return Str(json.as_object().at("error"), "field");
}

std::string IsoTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

// A staff account of `tenant` with `role`, made straight in the customer service's
// database (the API cannot create staff accounts); its id. It has no usable password:
// tests issue its tokens themselves (Token below).
std::string NewStaffAccount(const std::string& tenant, const std::string& role) {
  static int next = 0;
  pqxx::connection db(ServiceDatabaseDsn("qq_customer"));
  pqxx::work txn(db);
  const std::string id =
      txn.exec_params(
             "INSERT INTO qq_auth.users (id, tenant_id, username, password_hash, roles) "
             "VALUES (gen_random_uuid(), $1, $2, 'no login', ARRAY[$3]) "
             "RETURNING id::text",
             tenant, absl::StrCat("e2e-", role, "-", getpid(), "-", ++next), role)[0][0]
          .as<std::string>();
  txn.commit();
  return id;
}

// A token for `user_id` of `tenant` with `role`, signed with the stack's key.
std::string Token(const std::string& tenant, const std::string& user_id, const std::string& role) {
  auto keys = ParseJwtKeys(std::getenv("QQ_TEST_JWT_KEYS") ? std::getenv("QQ_TEST_JWT_KEYS") : "");
  EXPECT_TRUE(keys.ok()) << keys.status();
  if (!keys.ok()) return "";
  auto token = TokenIssuer(keys->front())
                   .Issue(Identity{tenant, user_id, role, {role}}, std::chrono::seconds(600));
  EXPECT_TRUE(token.ok()) << token.status();
  return token.ok() ? *token : "";
}

// `n` characters of Chinese, emoji, full-width and ASCII mixed (1 to 4 bytes each).
std::string MixedText(size_t n) {
  const char* units[] = {"王", "😀", "Ｗ", "a", "７", "水"};
  std::string out;
  for (size_t i = 0; i < n; ++i) out += units[i % 6];
  return out;
}

class DispatchTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    if (IsSkipped()) return;
    station_agent_ = LoginAs(*http_, "station-demo", "agent");
    dispatcher_ = LoginAs(*http_, "station-demo", "dispatcher");
    courier_ = LoginAs(*http_, "station-demo", "courier");
    courier_id_ = UserIdOf(courier_);
    device_ = absl::StrCat("phone-", getpid());
  }

  void TearDown() override {
    // Later tests create delivery orders of their own: leave no courier on duty.
    if (!courier_.empty()) http_->Post("/v1/staff/me:setDuty", R"({"onDuty":false})", courier_);
    if (utility_cleanup_) utility_cleanup_();
  }

  std::function<void()> utility_cleanup_;

  HttpResponse Send(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& token) {
    return http_->Send(method, target, body, {{"Authorization", "Bearer " + token}});
  }

  HttpResponse PutCourier(const std::string& extra = "") {
    return Send("PUT", "/v1/staff/" + courier_id_,
                R"({"kind":"COURIER","name":"李师傅","skills":["送水"],"vehicle":"E_BIKE",)"
                R"("homeBase":{"lat":31.235,"lng":121.55},"capacityBarrels":30)" +
                    extra + "}",
                dispatcher_);
  }

  HttpResponse Report(const std::string& device, absl::Time at, double lat, double lng,
                      const std::string& token) {
    return http_->Post(
        "/v1/staff/me/locations",
        absl::StrCat(R"({"deviceId":")", device, R"(","reports":[{"position":{"lat":)", lat,
                     R"(,"lng":)", lng, R"(},"time":")", IsoTime(at), R"("}]})"),
        token);
  }

  // A customer with one located address, taken by the agent holding `token`; the id (a
  // test failure, and "", when the create is refused).
  std::string NewCustomer(const std::string& token, const std::string& name,
                          const std::string& address, double lat, double lng) {
    HttpResponse r =
        http_->Post("/v1/customers",
                    absl::StrCat(R"({"name":")", name, R"(","phones":[")", UniquePhone(),
                                 R"("],"addresses":[{"text":")", address, R"(","location":{"lat":)",
                                 absl::StrFormat("%.6f", lat), R"(,"lng":)",
                                 absl::StrFormat("%.6f", lng), "}}]}"),
                    token);
    EXPECT_EQ(r.status, 200) << r.body;
    return Str(r.Json(), "id");
  }

  // A station delivery of `barrels` 18.9L barrels paid in cash; the id ("" on failure).
  std::string NewDelivery(const std::string& customer_id, int barrels,
                          const std::string& channel = "PHONE") {
    HttpResponse r =
        http_->Post("/v1/delivery-orders",
                    absl::StrCat(R"({"channel":")", channel, R"(","customerId":")", customer_id,
                                 R"(","items":[{"product":"18.9L","quantity":)", barrels,
                                 R"(}],"payment":"CASH"})"),
                    station_agent_);
    EXPECT_EQ(r.status, 200) << r.body;
    return Str(r.Json(), "id");
  }

  HttpResponse DeliveryStep(const std::string& order, const std::string& body,
                            const std::string& token) {
    return http_->Post("/v1/delivery-orders/" + order + ":transition", body, token);
  }

  // The station's dispatcher gives the order to the test's courier.
  HttpResponse AssignToCourier(const std::string& order) {
    return DeliveryStep(order, R"({"transition":"assign","courierId":")" + courier_id_ + R"("})",
                        dispatcher_);
  }

  // A utility repair for the customer, taken by the utility agent; the id ("" on failure).
  std::string NewRepair(const std::string& customer_id, const std::string& description) {
    HttpResponse r = http_->Post("/v1/work-orders",
                                 R"({"type":"REPAIR","channel":"PHONE","customerId":")" +
                                     customer_id + R"(","description":")" + description + R"("})",
                                 agent_);
    EXPECT_EQ(r.status, 200) << r.body;
    return Str(r.Json(), "id");
  }

  // A token of the station's customer, as the mini-program would hold it.
  std::string CustomerToken(const std::string& customer_id) {
    auto keys =
        ParseJwtKeys(std::getenv("QQ_TEST_JWT_KEYS") ? std::getenv("QQ_TEST_JWT_KEYS") : "");
    EXPECT_TRUE(keys.ok()) << keys.status();
    if (!keys.ok()) return "";
    TokenIssuer issuer(keys->front());
    auto token = issuer.Issue(Identity{"station-demo", customer_id, "customer", {"customer"}},
                              std::chrono::seconds(600));
    EXPECT_TRUE(token.ok()) << token.status();
    return token.ok() ? *token : "";
  }

  std::string station_agent_, dispatcher_, courier_, courier_id_, device_;
};

TEST_F(DispatchTest, ANewDeliveryGoesToTheCourierOnDutyAndItsCustomerTracksThem) {
  HttpResponse put = PutCourier();
  ASSERT_EQ(put.status, 200) << put.body;
  HttpResponse duty = http_->Post("/v1/staff/me:setDuty", R"({"onDuty":true})", courier_);
  ASSERT_EQ(duty.status, 200) << duty.body;
  EXPECT_TRUE(duty.Json().as_object().at("onDuty").as_bool());
  const absl::Time now = absl::Now();
  HttpResponse reported = Report(device_, now - absl::Seconds(1), 31.2381, 121.5512, courier_);
  ASSERT_EQ(reported.status, 200) << reported.body;

  HttpResponse customer = http_->Post(
      "/v1/customers",
      R"({"name":"赵奶奶","phones":[")" + UniquePhone() +
          R"("],"tags":["高层无电梯"],"addresses":[{"text":"城东区 幸福小区 5 栋 601","location":{"lat":31.2405,"lng":121.5601},"deliveryNotes":"敲门两下"}]})",
      station_agent_);
  ASSERT_EQ(customer.status, 200) << customer.body;
  const std::string customer_id = Str(customer.Json(), "id");
  HttpResponse created = http_->Post(
      "/v1/delivery-orders",
      R"({"channel":"WECHAT_MINI_PROGRAM","customerId":")" + customer_id +
          R"(","items":[{"product":"18.9L","quantity":2}],"payment":"CASH","notes":"放门口"})",
      station_agent_);
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string order = Str(created.Json(), "id");

  // Assigned by itself, with the reason on the timeline.
  ASSERT_TRUE(Eventually(
      [&] {
        return Str(http_->Get("/v1/delivery-orders/" + order, station_agent_).Json(),
                   "courierId") == courier_id_;
      },
      5s));
  HttpResponse got = http_->Get("/v1/delivery-orders/" + order, station_agent_);
  EXPECT_EQ(Str(got.Json(), "state"), "ASSIGNED");
  EXPECT_NE(got.body.find("自动派单"), std::string::npos) << got.body;

  // On the courier's route, with everything they need.
  HttpResponse route = http_->Get("/v1/routes/me", courier_);
  ASSERT_EQ(route.status, 200) << route.body;
  const auto route_json = route.Json();
  const boost::json::object* stop = nullptr;
  for (const auto& s : route_json.as_object().at("stops").as_array()) {
    if (Str(s, "orderId") == order) stop = &s.as_object();
  }
  ASSERT_NE(stop, nullptr) << route.body;
  EXPECT_EQ(Str(*stop, "customerName"), "赵奶奶");
  EXPECT_NE(boost::json::serialize(stop->at("customerTags")).find("高层无电梯"), std::string::npos);
  EXPECT_EQ(Str(*stop, "deliveryNotes"), "敲门两下");
  EXPECT_EQ(Str(*stop, "notes"), "放门口");
  EXPECT_NE(Str(*stop, "customerPhoneMasked").find("****"), std::string::npos);
  EXPECT_FALSE(Str(*stop, "eta").empty()) << route.body;
  EXPECT_EQ(Str(*stop, "payment"), "CASH");

  // The customer sees the courier's reported position and an ETA; nobody else's order.
  const std::string customer_token = CustomerToken(customer_id);
  HttpResponse tracking = http_->Get("/v1/delivery-orders/" + order + "/tracking", customer_token);
  ASSERT_EQ(tracking.status, 200) << tracking.body;
  const auto t = tracking.Json();
  EXPECT_EQ(Str(t, "state"), "ASSIGNED");
  ASSERT_TRUE(t.as_object().contains("courierPosition")) << tracking.body;
  EXPECT_NEAR(Num(t.as_object().at("courierPosition"), "lat"), 31.2381, 1e-6);
  EXPECT_FALSE(Str(t, "eta").empty()) << tracking.body;
  HttpResponse others = http_->Get("/v1/delivery-orders/" + order + "/tracking",
                                   CustomerToken("6f1c7a9e-4f1b-4c55-9d7e-2d7f0c1b8a11"));
  EXPECT_EQ(others.status, 404) << others.body;

  // Delivered: off the route.
  ASSERT_EQ(DeliveryStep(order, R"({"transition":"deliver"})", courier_).status, 200);
  ASSERT_TRUE(Eventually(
      [&] { return http_->Get("/v1/routes/me", courier_).body.find(order) == std::string::npos; },
      5s));
  HttpResponse done = http_->Get("/v1/delivery-orders/" + order + "/tracking", customer_token);
  EXPECT_EQ(Str(done.Json(), "state"), "DELIVERED") << done.body;
}

// The mini-program's live map: the tracking as server-sent events through the gateway,
// one event per change, until the order is delivered.
TEST_F(DispatchTest, ACustomerWatchesTheCourierComeUntilTheOrderIsDelivered) {
  ASSERT_EQ(PutCourier().status, 200);
  ASSERT_EQ(http_->Post("/v1/staff/me:setDuty", R"({"onDuty":true})", courier_).status, 200);
  const absl::Time start = absl::Now();
  const std::string device = device_ + "-watch";
  // Reports of one device come at least 5 s apart: this one early enough for the next.
  ASSERT_EQ(Report(device, start - absl::Seconds(10), 31.2381, 121.5512, courier_).status, 200);
  const std::string customer_id =
      NewCustomer(station_agent_, "孙阿姨", "城东区 幸福小区 2 栋 302", 31.2405, 121.5601);
  ASSERT_FALSE(customer_id.empty());
  const std::string order = NewDelivery(customer_id, 1, "WECHAT_MINI_PROGRAM");
  ASSERT_FALSE(order.empty());
  // Placed by itself (the first test shows that); given to the courier here whatever else
  // waits on the test stack.
  ASSERT_EQ(AssignToCourier(order).status, 200);
  ASSERT_TRUE(Eventually(
      [&] { return http_->Get("/v1/routes/me", courier_).body.find(order) != std::string::npos; },
      5s));

  const std::string customer_token = CustomerToken(customer_id);
  const std::string target = "/v1/delivery-orders/" + order + "/tracking:watch";
  // Somebody else's order does not exist for a customer: a plain 404, no stream.
  EventStream others(GatewayUrl(), target, CustomerToken("6f1c7a9e-4f1b-4c55-9d7e-2d7f0c1b8a11"));
  EXPECT_EQ(others.status(), 404) << others.error_body();
  EXPECT_NE(others.error_body().find("orderId"), std::string::npos) << others.error_body();

  EventStream watch(GatewayUrl(), target, customer_token);
  ASSERT_EQ(watch.status(), 200) << watch.error_body();
  EXPECT_EQ(watch.headers().at("content-type").rfind("text/event-stream", 0), 0u);
  // Waits for an event satisfying `want`; every event must be a well-formed tracking.
  auto next_until = [&](const std::function<bool(const boost::json::value&)>& want) {
    for (int i = 0; i < 20; ++i) {
      std::optional<ServerSentEvent> event;
      try {
        event = watch.Next(10s);
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        return boost::json::value();
      }
      if (!event) return boost::json::value();
      EXPECT_EQ(event->name, "tracking") << event->data;
      boost::json::value json = HttpResponse{200, event->data, {}}.Json();
      EXPECT_EQ(Str(json, "orderId"), order) << event->data;
      if (want(json)) return json;
    }
    return boost::json::value();
  };
  // The order may still be catching up with the assignment: PENDING first, then ASSIGNED.
  auto first = next_until([](const auto& t) { return Str(t, "state") == "ASSIGNED"; });
  ASSERT_TRUE(first.is_object() && first.as_object().contains("courierPosition"));
  EXPECT_FALSE(Str(first, "eta").empty());

  // The courier sets out, moves, arrives: each shows up on the stream by itself.
  auto step = [&](const std::string& transition) {
    return DeliveryStep(order, R"({"transition":")" + transition + R"("})", courier_);
  };
  ASSERT_EQ(step("start").status, 200);
  auto delivering = next_until([](const auto& t) { return Str(t, "state") == "DELIVERING"; });
  ASSERT_TRUE(delivering.is_object()) << "no DELIVERING event";
  // Reports carry whole seconds: a second ahead (within the allowed clock skew) is surely
  // newer than any earlier test's report, so it becomes the courier's position.
  ASSERT_EQ(Report(device, absl::Now() + absl::Seconds(1), 31.2398, 121.5587, courier_).status,
            200);
  auto moved = next_until([](const auto& t) {
    return t.as_object().contains("courierPosition") &&
           std::abs(Num(t.as_object().at("courierPosition"), "lat") - 31.2398) < 1e-6;
  });
  ASSERT_TRUE(moved.is_object())
      << "the new position never came; tracking now: "
      << http_->Get("/v1/delivery-orders/" + order + "/tracking", customer_token).body;
  EXPECT_EQ(Str(moved, "state"), "DELIVERING");
  ASSERT_EQ(step("arrive").status, 200);
  auto arrived = next_until([](const auto& t) { return Str(t, "state") == "ARRIVED"; });
  ASSERT_TRUE(arrived.is_object()) << "no ARRIVED event";
  EXPECT_EQ(Num(arrived, "stopsBefore"), 0);
  // The courier's route keeps the stop first while they are at the door.
  HttpResponse route = http_->Get("/v1/routes/me", courier_);
  ASSERT_NE(route.body.find("\"state\":\"ARRIVED\""), std::string::npos) << route.body;

  // Delivered: the last event says so, and the stream ends.
  ASSERT_EQ(step("deliver").status, 200);
  auto delivered = next_until([](const auto& t) { return Str(t, "state") == "DELIVERED"; });
  ASSERT_TRUE(delivered.is_object()) << "no DELIVERED event";
  EXPECT_FALSE(watch.Next(10s).has_value());
}

// The dispatcher's board: waiting orders per area, and people with load, route and
// position.
TEST_F(DispatchTest, TheBoardShowsWaitingOrdersAndEveryonesRoute) {
  // Station: with no courier on duty a new delivery waits on the board.
  ASSERT_EQ(PutCourier().status, 200);
  ASSERT_EQ(http_->Post("/v1/staff/me:setDuty", R"({"onDuty":false})", courier_).status, 200);
  const std::string customer_id =
      NewCustomer(station_agent_, "周先生", "城东区 光明路 12 号", 31.2402, 121.5533);
  ASSERT_FALSE(customer_id.empty());
  const std::string order = NewDelivery(customer_id, 3);
  ASSERT_FALSE(order.empty());
  EXPECT_EQ(http_->Get("/v1/dispatch-board", courier_).status, 403);
  // Every waiting delivery of the board, wherever it is listed.
  auto waiting_deliveries = [](const boost::json::value& board) {
    std::vector<boost::json::value> all;
    if (!board.is_object()) return all;
    const auto& b = board.as_object();
    if (b.contains("unzonedDeliveries")) {
      for (const auto& d : b.at("unzonedDeliveries").as_array()) all.push_back(d);
    }
    if (b.contains("areas")) {
      for (const auto& a : b.at("areas").as_array()) {
        for (const auto& d : a.as_object().at("waitingDeliveries").as_array()) all.push_back(d);
      }
    }
    return all;
  };
  auto person = [](const boost::json::value& board, const std::string& id) {
    for (const auto& p : board.as_object().at("people").as_array()) {
      if (Str(p, "userId") == id) return p;
    }
    return boost::json::value();
  };
  boost::json::value waiting;
  ASSERT_TRUE(Eventually(
      [&] {
        HttpResponse board = http_->Get("/v1/dispatch-board", dispatcher_);
        for (const auto& d : waiting_deliveries(board.Json())) {
          if (Str(d, "orderId") == order) waiting = d;
        }
        return waiting.is_object();
      },
      5s));
  EXPECT_GE(Num(http_->Get("/v1/dispatch-board", dispatcher_).Json(), "waitingDeliveriesTotal"), 1);
  EXPECT_EQ(Num(waiting, "demandBarrels"), 3);
  EXPECT_EQ(Str(waiting, "customerName"), "周先生");
  EXPECT_NEAR(Num(waiting.as_object().at("location"), "lat"), 31.2402, 1e-6);

  // The courier comes on duty and the dispatcher gives them the order: it leaves the
  // waiting list for their route.
  ASSERT_EQ(http_->Post("/v1/staff/me:setDuty", R"({"onDuty":true})", courier_).status, 200);
  ASSERT_EQ(Report(device_ + "-board", absl::Now() + absl::Seconds(2), 31.2381, 121.5512, courier_)
                .status,
            200);
  ASSERT_EQ(AssignToCourier(order).status, 200);
  boost::json::value board;
  ASSERT_TRUE(Eventually(
      [&] {
        board = http_->Get("/v1/dispatch-board", dispatcher_).Json();
        const auto courier = person(board, courier_id_);
        return courier.is_object() && courier.as_object().contains("route") &&
               boost::json::serialize(courier.as_object().at("route")).find(order) !=
                   std::string::npos;
      },
      5s))
      << boost::json::serialize(board);
  for (const auto& d : waiting_deliveries(board)) EXPECT_NE(Str(d, "orderId"), order);
  const auto courier = person(board, courier_id_);
  EXPECT_TRUE(courier.as_object().at("onDuty").as_bool());
  EXPECT_EQ(Num(courier, "capacityBarrels"), 30);
  EXPECT_GE(Num(courier, "loadBarrels"), 3);
  EXPECT_NEAR(Num(courier.as_object().at("position"), "lat"), 31.2381, 1e-6);
  for (const auto& stop : courier.as_object().at("route").as_array()) {
    EXPECT_FALSE(Str(stop, "eta").empty()) << boost::json::serialize(stop);
  }

  // More barrels than any vehicle on duty carries: it waits, and its timeline says why.
  const std::string bulk_order = NewDelivery(customer_id, 40);
  ASSERT_FALSE(bulk_order.empty());
  HttpResponse noted;
  ASSERT_TRUE(Eventually(
      [&] {
        noted = http_->Get("/v1/delivery-orders/" + bulk_order, station_agent_);
        return noted.body.find("未能自动派单") != std::string::npos;
      },
      5s))
      << noted.body;
  EXPECT_NE(noted.body.find("需 40 桶, 超过在岗车辆的最大容量 30 桶"), std::string::npos)
      << noted.body;
  EXPECT_EQ(Str(noted.Json(), "state"), "PENDING");
  boost::json::value waiting_bulk;
  for (const auto& d : waiting_deliveries(http_->Get("/v1/dispatch-board", dispatcher_).Json())) {
    if (Str(d, "orderId") == bulk_order) waiting_bulk = d;
  }
  ASSERT_TRUE(waiting_bulk.is_object());
  EXPECT_EQ(Str(waiting_bulk, "reason"), "CAPACITY");

  // Utility: a repair waits in its area until the leader gives it to a worker.
  const std::string utility_dispatcher = LoginAs(*http_, "utility-demo", "dispatcher");
  const std::string leader = LoginAs(*http_, "utility-demo", "leader");
  const std::string worker_id = UserIdOf(LoginAs(*http_, "utility-demo", "worker"));
  const std::string resident = NewCustomer(agent_, "吴女士", "城东区 和平路 10 号", 31.25, 121.551);
  ASSERT_FALSE(resident.empty());
  const std::string work_order = NewRepair(resident, "楼道水管滴水");
  ASSERT_FALSE(work_order.empty());
  // Listed under the area that routed it, with the area's team and shape.
  auto area_waiting = [&](boost::json::value* area_out) {
    const auto b = http_->Get("/v1/dispatch-board", utility_dispatcher).Json();
    if (!b.is_object() || !b.as_object().contains("areas")) return false;
    for (const auto& a : b.as_object().at("areas").as_array()) {
      for (const auto& w : a.as_object().at("waitingWorkOrders").as_array()) {
        if (Str(w, "workOrderId") != work_order) continue;
        if (area_out != nullptr) *area_out = a;
        return true;
      }
    }
    return false;
  };
  boost::json::value area;
  ASSERT_TRUE(Eventually([&] { return area_waiting(&area); }, 5s));
  EXPECT_FALSE(Str(area, "teamName").empty());
  EXPECT_GE(area.as_object().at("boundary").as_array().size(), 3u);
  // Asked for that area alone: the same order, and only that area.
  HttpResponse one =
      http_->Get("/v1/dispatch-board?areaId=" + Str(area, "areaId"), utility_dispatcher);
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(one.Json().as_object().at("areas").as_array().size(), 1u);
  EXPECT_NE(one.body.find(work_order), std::string::npos);
  EXPECT_EQ(http_->Get("/v1/dispatch-board?areaId=not-an-area", utility_dispatcher).status, 404);

  ASSERT_EQ(http_
                ->Post("/v1/work-orders/" + work_order + ":transition",
                       R"({"transition":"assign","assigneeId":")" + worker_id + R"("})", leader)
                .status,
            200);
  ASSERT_TRUE(Eventually([&] { return !area_waiting(nullptr); }, 5s));
  const auto after = http_->Get("/v1/dispatch-board", utility_dispatcher).Json();
  EXPECT_GE(Num(person(after, worker_id), "openWorkOrders"), 1);
}

TEST_F(DispatchTest, BadProfilesAndLocationReportsAreRefusedWhole) {
  EXPECT_EQ(FieldOfError(Send("PUT", "/v1/staff/" + courier_id_,
                              R"({"kind":"COURIER","name":"李师傅","vehicle":"E_BIKE",)"
                              R"("homeBase":{"lat":31.2,"lng":121.5},"capacityBarrels":0})",
                              dispatcher_)),
            "capacityBarrels");
  EXPECT_EQ(FieldOfError(
                PutCourier(R"(,"shifts":[{"weekday":1,"startLocal":"18:00","endLocal":"08:00"}])")),
            "shifts[0].endLocal");
  EXPECT_EQ(Send("PUT", "/v1/staff/" + courier_id_, R"({"kind":"COURIER"})", courier_).status, 403);
  ASSERT_EQ(PutCourier().status, 200);

  const absl::Time now = absl::Now();
  const std::string device = device_ + "-b";
  ASSERT_EQ(Report(device, now - absl::Seconds(30), 31.23, 121.55, courier_).status, 200);
  // Older than what the device already sent: refused, nothing stored.
  HttpResponse late = Report(device, now - absl::Seconds(60), 31.23, 121.55, courier_);
  EXPECT_EQ(late.status, 400) << late.body;
  EXPECT_EQ(FieldOfError(late), "reports[0].time");
  HttpResponse bad_place = Report(device, now, 95, 121.55, courier_);
  EXPECT_EQ(FieldOfError(bad_place), "reports[0].position.lat");
  // The same device from another tenant's account.
  const std::string worker = LoginAs(*http_, "utility-demo", "worker");
  ASSERT_EQ(Send("PUT", "/v1/staff/" + UserIdOf(worker), R"({"kind":"WORKER","name":"王工"})",
                 LoginAs(*http_, "utility-demo", "dispatcher"))
                .status,
            200);
  HttpResponse foreign = Report(device, now, 31.23, 121.55, worker);
  EXPECT_EQ(foreign.status, 403) << foreign.body;
  EXPECT_EQ(FieldOfError(foreign), "deviceId");
  // The staff list shows the courier with the last accepted position.
  HttpResponse listed = http_->Get("/v1/staff?kind=COURIER", dispatcher_);
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_NE(listed.body.find(courier_id_), std::string::npos) << listed.body;
}

TEST_F(DispatchTest, AReplanMovesStopsToTheCourierNextToThem) {
  // The real courier works the south of 城东区; a second courier (a profile and a token
  // of its own) will come on duty in the north.
  ASSERT_EQ(PutCourier().status, 200);
  ASSERT_EQ(http_->Post("/v1/staff/me:setDuty", R"({"onDuty":true})", courier_).status, 200);
  const std::string north_id = NewStaffAccount("station-demo", "courier");
  ASSERT_EQ(Send("PUT", "/v1/staff/" + north_id,
                 R"({"kind":"COURIER","name":"北区骑手","vehicle":"E_BIKE",)"
                 R"("homeBase":{"lat":31.29,"lng":121.59},"capacityBarrels":30})",
                 dispatcher_)
                .status,
            200);
  const std::string north = Token("station-demo", north_id, "courier");

  // Two orders in the north go to the only courier on duty.
  std::vector<std::string> orders;
  for (double lat : {31.288, 31.292}) {
    const std::string customer =
        NewCustomer(station_agent_, "北区客户", "城东区 北苑", lat, 121.588);
    ASSERT_FALSE(customer.empty());
    orders.push_back(NewDelivery(customer, 1));
    ASSERT_FALSE(orders.back().empty());
  }
  auto courier_of = [&](const std::string& id) {
    return Str(http_->Get("/v1/delivery-orders/" + id, station_agent_).Json(), "courierId");
  };
  for (const auto& id : orders) {
    ASSERT_TRUE(Eventually([&] { return courier_of(id) == courier_id_; }, 5s)) << courier_of(id);
  }

  ASSERT_EQ(http_->Post("/v1/staff/me:setDuty", R"({"onDuty":true})", north).status, 200);
  EXPECT_EQ(http_->Post("/v1/routes:replan", "{}", courier_).status, 403);
  EXPECT_EQ(
      FieldOfError(http_->Post("/v1/routes:replan", R"({"timeBudgetSeconds":600})", dispatcher_)),
      "timeBudgetSeconds");
  HttpResponse dry =
      http_->Post("/v1/routes:replan", R"({"timeBudgetSeconds":1,"dryRun":true})", dispatcher_);
  ASSERT_EQ(dry.status, 200) << dry.body;
  const auto dry_json = dry.Json();
  EXPECT_GE(Num(dry_json, "reassigned"), 2) << dry.body;
  EXPECT_NE(dry.body.find(R"("applied":false)"), std::string::npos) << dry.body;
  EXPECT_EQ(courier_of(orders[0]), courier_id_);

  HttpResponse applied =
      http_->Post("/v1/routes:replan", R"({"timeBudgetSeconds":1})", dispatcher_);
  ASSERT_EQ(applied.status, 200) << applied.body;
  const auto applied_json = applied.Json();
  EXPECT_NE(applied.body.find(R"("applied":true)"), std::string::npos) << applied.body;
  EXPECT_LT(Num(applied_json, "distanceAfterKm"), Num(applied_json, "distanceBeforeKm"))
      << applied.body;
  for (const auto& id : orders) {
    ASSERT_TRUE(Eventually([&] { return courier_of(id) == north_id; }, 5s)) << courier_of(id);
  }
  HttpResponse got = http_->Get("/v1/delivery-orders/" + orders[0], station_agent_);
  EXPECT_NE(got.body.find("重新规划路线"), std::string::npos) << got.body;
  HttpResponse route = http_->Get("/v1/routes/" + north_id, dispatcher_);
  ASSERT_EQ(route.status, 200) << route.body;
  EXPECT_NE(route.body.find(orders[0]), std::string::npos) << route.body;
  EXPECT_NE(route.body.find(orders[1]), std::string::npos) << route.body;
  http_->Post("/v1/staff/me:setDuty", R"({"onDuty":false})", north);
}

TEST_F(DispatchTest, AutomaticAssignmentOffersTheBestWorkerAndMovesOnWhenTheyDecline) {
  const std::string manager = LoginAs(*http_, "utility-demo", "manager");
  const std::string leader = LoginAs(*http_, "utility-demo", "leader");
  const std::string worker = LoginAs(*http_, "utility-demo", "worker");
  const std::string worker_id = UserIdOf(worker);
  // Whatever happens below, later tests expect the tenant's shipped settings back.
  utility_cleanup_ = [this, manager, worker] {
    Send("PUT", "/v1/dispatch-settings", R"({"autoAssignWorkOrders":false})", manager);
    http_->Post("/v1/staff/me:setDuty", R"({"onDuty":false})", worker);
  };
  EXPECT_EQ(
      FieldOfError(Send("PUT", "/v1/dispatch-settings",
                        R"({"autoAssignWorkOrders":true,"acceptTimeoutMinutes":999})", manager)),
      "acceptTimeoutMinutes");
  EXPECT_EQ(Send("PUT", "/v1/dispatch-settings", R"({"autoAssignWorkOrders":true})", agent_).status,
            403);
  HttpResponse on = Send("PUT", "/v1/dispatch-settings",
                         R"({"autoAssignWorkOrders":true,"acceptTimeoutMinutes":10,)"
                         R"("skillByType":{"REPAIR":"管网维修"}})",
                         manager);
  ASSERT_EQ(on.status, 200) << on.body;
  // The demo worker (a member of 城东区维修组) repairs pipes and is at work nearby.
  ASSERT_EQ(Send("PUT", "/v1/staff/" + worker_id,
                 R"({"kind":"WORKER","name":"王师傅","skills":["管网维修","水表"]})",
                 LoginAs(*http_, "utility-demo", "dispatcher"))
                .status,
            200);
  ASSERT_EQ(http_->Post("/v1/staff/me:setDuty", R"({"onDuty":true})", worker).status, 200);
  ASSERT_EQ(Report(device_ + "-w", absl::Now() - absl::Seconds(1), 31.251, 121.552, worker).status,
            200);

  auto repair = [&](const std::string& what) {
    return NewRepair(NewCustomer(agent_, "钱先生", "城东区 和平路 8 号", 31.25, 121.55), what);
  };
  auto assignee_of = [&](const std::string& id) {
    return Str(http_->Get("/v1/work-orders/" + id, agent_).Json(), "assigneeId");
  };

  // Offered to the worker by itself, with the reasons on the timeline and in the assignment.
  const std::string first = repair("水管漏水");
  ASSERT_TRUE(Eventually([&] { return assignee_of(first) == worker_id; }, 5s))
      << assignee_of(first);
  HttpResponse got = http_->Get("/v1/work-orders/" + first, agent_);
  EXPECT_NE(got.body.find("自动派单"), std::string::npos) << got.body;
  HttpResponse why = http_->Get("/v1/assignments/" + first, leader);
  ASSERT_EQ(why.status, 200) << why.body;
  const auto why_json = why.Json();
  const auto& offers = why_json.as_object().at("offers").as_array();
  ASSERT_EQ(offers.size(), 1u) << why.body;
  EXPECT_EQ(Str(offers[0], "workerId"), worker_id);
  EXPECT_EQ(Str(offers[0], "state"), "OFFERED");
  EXPECT_EQ(Num(offers[0], "skillScore"), 1);
  EXPECT_NEAR(Num(offers[0], "distanceKm"), 0.2, 0.15);
  EXPECT_NE(Str(offers[0], "reason").find("管网维修"), std::string::npos) << why.body;
  // The worker accepts: settled.
  ASSERT_EQ(http_->Post("/v1/work-orders/" + first + ":accept", "{}", worker).status, 200);
  ASSERT_TRUE(Eventually(
      [&] {
        return Str(http_->Get("/v1/assignments/" + first, leader)
                       .Json()
                       .as_object()
                       .at("offers")
                       .as_array()[0],
                   "state") == "ACCEPTED";
      },
      5s));

  // A second order: the worker turns it down; nobody else is on duty, so the leader decides.
  const std::string second = repair("水表不转");
  ASSERT_TRUE(Eventually([&] { return assignee_of(second) == worker_id; }, 5s));
  EXPECT_EQ(FieldOfError(http_->Post("/v1/assignments/" + second + ":reject", "{}", worker)),
            "reason");
  EXPECT_EQ(
      http_->Post("/v1/assignments/" + second + ":reject", R"({"reason":"x"})", leader).status,
      403);
  HttpResponse declined =
      http_->Post("/v1/assignments/" + second + ":reject", R"({"reason":"工具不全"})", worker);
  ASSERT_EQ(declined.status, 200) << declined.body;
  EXPECT_NE(declined.body.find("REJECTED"), std::string::npos) << declined.body;
  EXPECT_NE(declined.body.find("工具不全"), std::string::npos) << declined.body;
  // The leader's to-do list is long on a busy test stack: look through every page.
  auto leader_has_todo = [&](const std::string& order) {
    for (const auto& t : AllTodos(*http_, leader)) {
      if (Str(t, "orderId") == order && Str(t, "kind") == "DISPATCH") return true;
    }
    return false;
  };
  ASSERT_TRUE(Eventually([&] { return leader_has_todo(second); }, 5s));
  EXPECT_TRUE(assignee_of(second).empty());
  // The leader assigns someone: the to-do is done.
  ASSERT_EQ(http_
                ->Post("/v1/work-orders/" + second + ":transition",
                       R"({"transition":"assign","assigneeId":")" + worker_id + R"("})", leader)
                .status,
            200);
  EXPECT_FALSE(leader_has_todo(second));
  EXPECT_EQ(
      http_->Post("/v1/assignments/" + second + ":reject", R"({"reason":"again"})", worker).status,
      400);
}

TEST_F(DispatchTest, AnAreaCanBeRedrawnAndDeletedAndAddressesFollow) {
  const std::string dispatcher = LoginAs(*http_, "utility-demo", "dispatcher");
  HttpResponse teams = http_->Get("/v1/teams", dispatcher);
  ASSERT_EQ(teams.status, 200) << teams.body;
  std::string team_id;
  const auto teams_json = teams.Json();
  for (const auto& t : teams_json.as_object().at("teams").as_array()) {
    if (Str(t, "name") == "城东区维修组") team_id = Str(t, "id");
  }
  ASSERT_FALSE(team_id.empty()) << teams.body;
  auto square = [](double lat, double lng) {
    return absl::StrCat(R"([{"lat":)", lat, R"(,"lng":)", lng, R"(},{"lat":)", lat, R"(,"lng":)",
                        lng + 0.05, R"(},{"lat":)", lat + 0.05, R"(,"lng":)", lng + 0.05,
                        R"(},{"lat":)", lat + 0.05, R"(,"lng":)", lng, "}]");
  };
  const std::string name = absl::StrCat("测试区", getpid());
  HttpResponse created =
      http_->Post("/v1/areas",
                  R"({"name":")" + name + R"(","teamId":")" + team_id +
                      R"(","priority":5,"boundary":)" + square(31.40, 121.40) + "}",
                  dispatcher);
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string id = Str(created.Json(), "id");
  auto resolved = [&](double lat, double lng) {
    HttpResponse r =
        http_->Get(absl::StrCat("/v1/areas:resolve?lat=", lat, "&lng=", lng), dispatcher);
    return r.status == 200 ? Str(r.Json(), "name") : std::string();
  };
  EXPECT_EQ(resolved(31.42, 121.42), name);

  // A customer just outside it, then the area is redrawn to take them in.
  const std::string customer_id = NewCustomer(agent_, "孙先生", "新区 1 号", 31.52, 121.52);
  ASSERT_FALSE(customer_id.empty());
  const std::string path = "/v1/areas/" + id;
  auto put = [&](const std::string& area_name, const std::string& boundary) {
    return Send("PUT", path,
                R"({"name":")" + area_name + R"(","teamId":")" + team_id +
                    R"(","priority":5,"boundary":)" + boundary + "}",
                dispatcher);
  };
  // A boundary crossing itself is refused and changes nothing.
  HttpResponse crossed = put(
      name,
      R"([{"lat":31.5,"lng":121.5},{"lat":31.55,"lng":121.55},{"lat":31.5,"lng":121.55},{"lat":31.55,"lng":121.5}])");
  EXPECT_EQ(crossed.status, 400) << crossed.body;
  EXPECT_EQ(FieldOfError(crossed), "area.boundary");
  EXPECT_EQ(resolved(31.42, 121.42), name);
  HttpResponse moved = put(name, square(31.50, 121.50));
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(resolved(31.42, 121.42), "");
  EXPECT_EQ(resolved(31.52, 121.52), name);
  ASSERT_TRUE(Eventually(
      [&] {
        return http_->Get("/v1/customers/" + customer_id, agent_).body.find(name) !=
               std::string::npos;
      },
      10s))
      << http_->Get("/v1/customers/" + customer_id, agent_).body;

  EXPECT_EQ(Send("DELETE", path, "", agent_).status, 403);
  HttpResponse deleted = Send("DELETE", path, "", dispatcher);
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(resolved(31.52, 121.52), "");
  EXPECT_EQ(http_->Get("/v1/areas", dispatcher).body.find(id), std::string::npos);
  EXPECT_EQ(Send("DELETE", path, "", dispatcher).status, 404);
  EXPECT_EQ(put(name, square(31.50, 121.50)).status, 404);
}

// Profiles only for the tenant's own staff in a role that fits: another tenant's user, an
// unknown id, garbage, an agent or a courier as a worker are refused naming userId.
TEST_F(DispatchTest, PutStaffTakesOnlyTheTenantsStaffInAFittingRole) {
  const std::string utility_worker = UserIdOf(LoginAs(*http_, "utility-demo", "worker"));
  const std::string station_worker = UserIdOf(LoginAs(*http_, "station-demo", "worker"));
  for (const std::string& id : {utility_worker, std::string("6f1c2f7e-0000-4000-8000-00000000beef"),
                                std::string("not-a-user"), UserIdOf(station_agent_), courier_id_}) {
    HttpResponse r =
        Send("PUT", "/v1/staff/" + id, R"({"kind":"WORKER","name":"冒名"})", dispatcher_);
    EXPECT_EQ(r.status, 400) << id << ": " << r.body;
    EXPECT_EQ(FieldOfError(r), "userId") << r.body;
  }
  // None of them shows on the board.
  HttpResponse board = http_->Get("/v1/dispatch-board", dispatcher_);
  ASSERT_EQ(board.status, 200) << board.body;
  EXPECT_EQ(board.body.find(utility_worker), std::string::npos);
  EXPECT_EQ(board.body.find("冒名"), std::string::npos);

  HttpResponse ok = Send("PUT", "/v1/staff/" + station_worker,
                         R"({"kind":"WORKER","name":"站内维修"})", dispatcher_);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Str(ok.Json(), "name"), "站内维修");
  // Without a name: the account's own.
  HttpResponse unnamed =
      Send("PUT", "/v1/staff/" + station_worker, R"({"kind":"WORKER"})", dispatcher_);
  ASSERT_EQ(unnamed.status, 200) << unnamed.body;
  EXPECT_FALSE(Str(unnamed.Json(), "name").empty()) << unnamed.body;
}

// Names and skills count characters (CJK, emoji, full-width), at the limit − 1, the limit
// and the limit + 1.
TEST_F(DispatchTest, StaffNamesAndSkillsCountCharactersNotBytes) {
  auto put = [&](const std::string& name, const std::string& skill) {
    return Send("PUT", "/v1/staff/" + courier_id_,
                R"({"kind":"COURIER","name":")" + name + R"(","skills":[")" + skill +
                    R"("],"vehicle":"E_BIKE","homeBase":{"lat":31.235,"lng":121.55},)"
                    R"("capacityBarrels":30})",
                dispatcher_);
  };
  for (size_t n : {119u, 120u}) {
    HttpResponse r = put(MixedText(n), MixedText(n / 2));
    ASSERT_EQ(r.status, 200) << n << ": " << r.body;
    EXPECT_EQ(Str(r.Json(), "name"), MixedText(n));
    EXPECT_NE(r.body.find(MixedText(n / 2)), std::string::npos);
  }
  HttpResponse long_name = put(MixedText(121), "送水");
  EXPECT_EQ(long_name.status, 400) << long_name.body;
  EXPECT_EQ(FieldOfError(long_name), "name");
  EXPECT_NE(long_name.body.find("at most 120 characters"), std::string::npos) << long_name.body;
  HttpResponse long_skill = put("李师傅", MixedText(61));
  EXPECT_EQ(FieldOfError(long_skill), "skills[0]") << long_skill.body;
  EXPECT_NE(long_skill.body.find("at most 60 characters"), std::string::npos) << long_skill.body;
  ASSERT_EQ(PutCourier().status, 200);
}

TEST_F(DispatchTest, AProfileIsDeletedInItsTenantOnly) {
  const std::string id = NewStaffAccount("station-demo", "courier");
  ASSERT_EQ(Send("PUT", "/v1/staff/" + id,
                 R"({"kind":"COURIER","name":"临时骑手","vehicle":"BICYCLE",)"
                 R"("homeBase":{"lat":31.23,"lng":121.55},"capacityBarrels":2})",
                 dispatcher_)
                .status,
            200);
  HttpResponse foreign =
      Send("DELETE", "/v1/staff/" + id, "", LoginAs(*http_, "utility-demo", "dispatcher"));
  EXPECT_EQ(foreign.status, 404) << foreign.body;
  EXPECT_EQ(Send("DELETE", "/v1/staff/" + id, "", courier_).status, 403);
  HttpResponse deleted = Send("DELETE", "/v1/staff/" + id, "", dispatcher_);
  ASSERT_EQ(deleted.status, 200) << deleted.body;
  EXPECT_EQ(http_->Get("/v1/staff/" + id, dispatcher_).status, 404);
  EXPECT_EQ(Send("DELETE", "/v1/staff/" + id, "", dispatcher_).status, 404);
  EXPECT_EQ(http_->Get("/v1/staff?kind=COURIER", dispatcher_).body.find(id), std::string::npos);
}

// In a tenant of its own (tokens issued here), so the default team of the demo tenants
// stays as the other tests expect.
TEST_F(DispatchTest, TeamsAreChangedDeletedAndMadeDefaultInTheirTenantOnly) {
  const std::string tenant =
      absl::StrCat("e2e-teams-", getpid(), "-", absl::ToUnixMicros(absl::Now()));
  const std::string admin = Token(tenant, NewStaffAccount(tenant, "dispatcher"), "dispatcher");
  const std::string leader = NewStaffAccount(tenant, "leader");
  const std::string worker = NewStaffAccount(tenant, "worker");
  const std::string utility_leader = UserIdOf(LoginAs(*http_, "utility-demo", "leader"));

  HttpResponse foreign_leader =
      http_->Post("/v1/teams", R"({"name":"甲组","leaderId":")" + utility_leader + R"("})", admin);
  EXPECT_EQ(foreign_leader.status, 400) << foreign_leader.body;
  EXPECT_EQ(FieldOfError(foreign_leader), "team.leaderId");
  HttpResponse wrong_member = http_->Post(
      "/v1/teams", R"({"name":"甲组","memberIds":[")" + leader + R"(",")" + courier_id_ + R"("]})",
      admin);
  EXPECT_EQ(FieldOfError(wrong_member), "team.memberIds[1]") << wrong_member.body;

  HttpResponse a = http_->Post(
      "/v1/teams",
      R"({"name":"甲组","leaderId":")" + leader + R"(","memberIds":[")" + worker + R"("]})", admin);
  ASSERT_EQ(a.status, 200) << a.body;
  const std::string a_id = Str(a.Json(), "id");
  HttpResponse desk = http_->Post("/v1/teams", R"({"name":"调度中心","isDefault":true})", admin);
  ASSERT_EQ(desk.status, 200) << desk.body;
  const std::string desk_id = Str(desk.Json(), "id");

  // Renamed (64 characters, the limit) and made the default: the desk is no longer one.
  const std::string long_name = MixedText(64);
  HttpResponse changed = Send("PUT", "/v1/teams/" + a_id,
                              R"({"name":")" + long_name + R"(","leaderId":")" + leader +
                                  R"(","memberIds":[")" + worker + R"("],"isDefault":true})",
                              admin);
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(Str(changed.Json(), "name"), long_name);
  HttpResponse too_long =
      Send("PUT", "/v1/teams/" + a_id, R"({"name":")" + MixedText(65) + R"("})", admin);
  EXPECT_EQ(FieldOfError(too_long), "team.name") << too_long.body;
  EXPECT_NE(too_long.body.find("at most 64 characters"), std::string::npos) << too_long.body;
  auto default_team = [&] {
    std::string id;
    const auto teams = http_->Get("/v1/teams", admin).Json();
    for (const auto& t : teams.as_object().at("teams").as_array()) {
      if (t.as_object().contains("isDefault") && t.as_object().at("isDefault").as_bool()) {
        id = Str(t, "id");
      }
    }
    return id;
  };
  EXPECT_EQ(default_team(), a_id);

  // Another tenant's dispatcher sees no such team.
  const std::string utility_dispatcher = LoginAs(*http_, "utility-demo", "dispatcher");
  EXPECT_EQ(Send("PUT", "/v1/teams/" + a_id, R"({"name":"劫持"})", utility_dispatcher).status, 404);
  EXPECT_EQ(Send("DELETE", "/v1/teams/" + a_id, "", utility_dispatcher).status, 404);

  // The desk team, no longer the default and without areas, goes.
  ASSERT_EQ(Send("DELETE", "/v1/teams/" + desk_id, "", admin).status, 200);
  // The default team, and a team with an area, stay until that changes.
  HttpResponse is_default = Send("DELETE", "/v1/teams/" + a_id, "", admin);
  EXPECT_EQ(is_default.status, 400) << is_default.body;
  EXPECT_EQ(FieldOfError(is_default), "id");
  ASSERT_EQ(Send("PUT", "/v1/teams/" + a_id, R"({"name":"甲组","isDefault":false})", admin).status,
            200);
  EXPECT_EQ(default_team(), "");
  HttpResponse area =
      http_->Post("/v1/areas",
                  R"({"name":"甲区","teamId":")" + a_id +
                      R"(","boundary":[{"lat":31.2,"lng":121.5},{"lat":31.2,"lng":121.6},)"
                      R"({"lat":31.3,"lng":121.6},{"lat":31.3,"lng":121.5}]})",
                  admin);
  ASSERT_EQ(area.status, 200) << area.body;
  HttpResponse has_area = Send("DELETE", "/v1/teams/" + a_id, "", admin);
  EXPECT_EQ(has_area.status, 400) << has_area.body;
  EXPECT_NE(has_area.body.find("甲区"), std::string::npos) << has_area.body;
  ASSERT_EQ(Send("DELETE", "/v1/areas/" + Str(area.Json(), "id"), "", admin).status, 200);
  ASSERT_EQ(Send("DELETE", "/v1/teams/" + a_id, "", admin).status, 200);
  EXPECT_EQ(Send("DELETE", "/v1/teams/" + a_id, "", admin).status, 404);
  HttpResponse listed = http_->Get("/v1/teams", admin);
  ASSERT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.body.find(a_id), std::string::npos) << listed.body;
  // The name is free again.
  EXPECT_EQ(http_->Post("/v1/teams", R"({"name":"甲组"})", admin).status, 200);
}

// Desk work (投诉) goes to the agents' queue, not to the area's repair team: no team, no
// assignment in dispatch, no worker offered. A repair created after it is the barrier:
// dispatch handles the order service's events in order, so once the repair is routed the
// complaint's event has been handled.
TEST_F(DispatchTest, AComplaintGoesToNoTeam) {
  const std::string customer = NewCustomer(agent_, "周女士", "城东区 和平路 9 号", 31.25, 121.55);
  ASSERT_FALSE(customer.empty());
  HttpResponse complaint =
      http_->Post("/v1/work-orders",
                  R"({"type":"COMPLAINT","channel":"PHONE","customerId":")" + customer +
                      R"(","description":"上次维修师傅迟到两小时"})",
                  agent_);
  ASSERT_EQ(complaint.status, 200) << complaint.body;
  const std::string complaint_id = Str(complaint.Json(), "id");
  const std::string repair = NewRepair(customer, "水管漏水");
  ASSERT_FALSE(repair.empty());
  const std::string leader = LoginAs(*http_, "utility-demo", "leader");
  ASSERT_TRUE(Eventually(
      [&] { return http_->Get("/v1/assignments/" + repair, leader).status == 200; }, 5s));
  EXPECT_EQ(http_->Get("/v1/assignments/" + complaint_id, leader).status, 404);
  HttpResponse got = http_->Get("/v1/work-orders/" + complaint_id, agent_);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(Str(got.Json(), "teamId"), "") << got.body;
  EXPECT_EQ(Str(got.Json(), "assigneeId"), "") << got.body;
  HttpResponse board =
      http_->Get("/v1/dispatch-board", LoginAs(*http_, "utility-demo", "dispatcher"));
  ASSERT_EQ(board.status, 200) << board.body;
  EXPECT_EQ(board.body.find(complaint_id), std::string::npos);
}

}  // namespace
}  // namespace qq::testing
