// Reminders other services add to staff to-do lists (POST /v1/todos, TodoService.
// CreateTodo) through the gateway against the stack `./deploy/dev test` runs: only a
// service may add one (not an admin, not an agent), a retried key adds one, the manager
// sees a manager's reminder, another tenant's order is not found, and titles are counted
// in characters.
#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <string>

#include <pqxx/pqxx>

#include "absl/strings/str_cat.h"
#include "services/common/auth.h"
#include "tests/support/gateway_test.h"
#include "tests/support/http_client.h"
#include "tests/support/stack.h"

namespace qq::testing {
namespace {

// A token of `tenant` with `roles`, signed with the stack's key (as a service mints its own).
std::string MintToken(const std::string& tenant, const std::string& user_id,
                      std::vector<std::string> roles) {
  auto keys = ParseJwtKeys(EnvOr("QQ_TEST_JWT_KEYS"));
  EXPECT_TRUE(keys.ok()) << keys.status();
  if (!keys.ok()) return "";
  auto token =
      TokenIssuer(keys->front())
          .Issue(Identity{tenant, user_id, user_id, std::move(roles)}, std::chrono::seconds(600));
  EXPECT_TRUE(token.ok()) << token.status();
  return token.ok() ? *token : "";
}

std::string Repeat(const std::string& unit, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += unit;
  return out;
}

class TodoRemindersTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    if (IsSkipped()) return;
    service_ = MintToken("utility-demo", "service:e2e", {"service"});
    manager_ = LoginAs(*http_, "utility-demo", "manager");
    work_order_ = NewWorkOrder();
  }

  std::string Key(const std::string& what) {
    return absl::StrCat(what, "-", getpid(), "-",
                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
  }

  std::string NewWorkOrder() {
    HttpResponse customer = http_->Post(
        "/v1/customers",
        R"({"name":"提醒测试","phones":[")" + UniquePhone() +
            R"("],"addresses":[{"text":"城东区 解放路 9 号","location":{"lat":31.25,"lng":121.55}}]})",
        agent_);
    EXPECT_EQ(customer.status, 200) << customer.body;
    HttpResponse created =
        http_->Post("/v1/work-orders",
                    R"({"type":"REPAIR","channel":"PHONE","customerId":")" +
                        Str(customer.Json(), "id") + R"(","description":"水表漏水两小时无人处理"})",
                    agent_);
    EXPECT_EQ(created.status, 200) << created.body;
    return Str(created.Json(), "id");
  }

  HttpResponse Create(const std::string& body, const std::string& token, const std::string& key) {
    std::map<std::string, std::string> headers{{"Authorization", "Bearer " + token}};
    if (!key.empty()) headers["Idempotency-Key"] = key;
    return http_->Send("POST", "/v1/todos", body, headers);
  }

  std::string Body(const std::string& order_id, const std::string& title,
                   const std::string& role = "manager") {
    return R"({"orderId":")" + order_id + R"(","orderKind":"WORK_ORDER","title":")" + title +
           R"(","assigneeRole":")" + role + R"("})";
  }

  static std::string ErrorField(const HttpResponse& r) { return Str(ErrorOf(r), "field"); }
  static std::string ErrorCode(const HttpResponse& r) { return Str(ErrorOf(r), "code"); }

  int CountOf(const std::string& todo_id, const std::string& token) {
    int n = 0;
    for (const auto& todo : AllTodos(*http_, token)) n += Str(todo, "id") == todo_id;
    return n;
  }

  std::string service_, manager_, work_order_;
};

TEST_F(TodoRemindersTest, ARetriedKeyAddsOneReminderTheManagerSees) {
  const std::string body = Body(work_order_, "工单两小时未处理, 请跟进");
  HttpResponse first = Create(body, service_, Key("r"));
  ASSERT_EQ(first.status, 200) << first.body;
  const auto todo = first.Json();
  const std::string id = Str(todo, "id");
  EXPECT_EQ(Str(todo, "kind"), "REMINDER");
  EXPECT_EQ(Str(todo, "orderId"), work_order_);
  EXPECT_EQ(Str(todo, "orderKind"), "WORK_ORDER");
  EXPECT_EQ(Str(todo, "assigneeRole"), "manager");
  EXPECT_EQ(Str(todo, "type"), "REPAIR");
  EXPECT_EQ(Str(todo, "customerName"), "提醒测试");
  EXPECT_EQ(Str(todo, "addressText"), "城东区 解放路 9 号");
  EXPECT_FALSE(Str(todo, "number").empty());

  HttpResponse retried = Create(body, service_, Key("r"));
  ASSERT_EQ(retried.status, 200) << retried.body;
  EXPECT_EQ(Str(retried.Json(), "id"), id) << "a retry must not add a second to-do";

  // Even once the idempotency record is gone (kept 48 h), the dedupe key finds the first.
  {
    pqxx::connection db(ServiceDatabaseDsn("qq_order"));
    pqxx::work txn(db);
    txn.exec_params("DELETE FROM qq_idempotency WHERE tenant_id = 'utility-demo' AND key = $1",
                    Key("r"));
    txn.commit();
  }
  HttpResponse late = Create(body, service_, Key("r"));
  ASSERT_EQ(late.status, 200) << late.body;
  EXPECT_EQ(Str(late.Json(), "id"), id);

  EXPECT_EQ(CountOf(id, manager_), 1);
  EXPECT_EQ(CountOf(id, agent_), 0) << "a manager's reminder is not on the agent's list";
}

TEST_F(TodoRemindersTest, AReminderForAPersonIsOnTheirList) {
  const std::string agent_id = UserIdOf(agent_);
  ASSERT_FALSE(agent_id.empty());
  HttpResponse created =
      Create(R"({"orderId":")" + work_order_ + R"(","title":"请回电客户","assigneeId":")" +
                 agent_id + R"(","dueTime":"2030-01-01T08:00:00Z"})",
             service_, Key("p"));
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string id = Str(created.Json(), "id");
  EXPECT_EQ(Str(created.Json(), "dueTime"), "2030-01-01T08:00:00Z");
  EXPECT_EQ(CountOf(id, agent_), 1);
  EXPECT_EQ(CountOf(id, manager_), 0);
}

TEST_F(TodoRemindersTest, PeopleAreRefusedEvenAnAdmin) {
  const std::string body = Body(work_order_, "不该出现");
  const std::string admin = LoginAs(*http_, "utility-demo", "admin");
  for (const std::string& token :
       {admin, agent_, manager_, MintToken("utility-demo", "e2e-admin", {"admin", "manager"})}) {
    HttpResponse refused = Create(body, token, Key("people"));
    EXPECT_EQ(refused.status, 403) << refused.body;
    EXPECT_EQ(ErrorCode(refused), "PERMISSION_DENIED") << refused.body;
  }
}

TEST_F(TodoRemindersTest, AnotherTenantsOrderIsNotFound) {
  const std::string station_service = MintToken("station-demo", "service:e2e", {"service"});
  HttpResponse foreign = Create(Body(work_order_, "别家的工单"), station_service, Key("f"));
  EXPECT_EQ(foreign.status, 404) << foreign.body;
  EXPECT_EQ(ErrorField(foreign), "orderId");

  HttpResponse not_an_id = Create(Body("WO-1", "不是编号"), service_, Key("n"));
  EXPECT_EQ(not_an_id.status, 404) << not_an_id.body;
  EXPECT_EQ(ErrorField(not_an_id), "orderId");

  HttpResponse wrong_kind =
      Create(R"({"orderId":")" + work_order_ +
                 R"(","orderKind":"DELIVERY","title":"类型不对","assigneeRole":"manager"})",
             service_, Key("k"));
  EXPECT_EQ(wrong_kind.status, 404) << wrong_kind.body;
}

TEST_F(TodoRemindersTest, BadInputNamesTheField) {
  struct Case {
    std::string body, key, field;
  };
  const Case cases[] = {
      {Body(work_order_, ""), Key("empty"), "title"},
      {Body(work_order_, "　 "), Key("blank"), "title"},
      {Body(work_order_, Repeat("水", 201)), Key("long"), "title"},
      {Body(work_order_, "标题", "admin"), Key("role"), "assigneeRole"},
      {Body(work_order_, "标题", ""), Key("nobody"), "assigneeRole"},
      {R"({"title":"标题","assigneeRole":"manager"})", Key("order"), "orderId"},
      {R"({"orderId":")" + work_order_ +
           R"(","orderKind":"TICKET","title":"标题","assigneeRole":"manager"})",
       Key("kind"), "orderKind"},
      {Body(work_order_, "标题"), "", "Idempotency-Key"},
  };
  for (const auto& c : cases) {
    HttpResponse r = Create(c.body, service_, c.key);
    EXPECT_EQ(r.status, 400) << c.body << " → " << r.body;
    EXPECT_EQ(ErrorField(r), c.field) << c.body << " → " << r.body;
  }
  // 200 characters of Chinese (600 bytes) is within the limit.
  HttpResponse longest = Create(Body(work_order_, Repeat("水", 200)), service_, Key("200"));
  EXPECT_EQ(longest.status, 200) << longest.body;
}

}  // namespace
}  // namespace qq::testing
