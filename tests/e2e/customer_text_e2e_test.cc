// The customer service through the gateway with the text people really type (issue 13):
// full-width digits are phones and search queries, every text limit counts characters
// (CJK, ASCII, digits, emoji, full-width forms, combining marks) and a value at the limit
// reads back unchanged while one over it is a 400 naming the field and the limit; lists
// under another tenant's customer are 404; every create honours Idempotency-Key; tags can
// be renamed and deleted; field definitions are active by default; LookupUsers over gRPC;
// delivery preferences are data, said back in words (preferenceTags) on every read.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "qingquan/customer/v1/customer.grpc.pb.h"
#include "services/common/text/utf8_text.h"
#include "tests/support/gateway_test.h"
#include "tests/support/http_client.h"
#include "tests/support/stack.h"

namespace qq::testing {
namespace {

namespace v1 = qingquan::customer::v1;

// Exactly `n` characters: `prefix` (kept unique per test run), then CJK, ASCII, digits, an
// emoji, full-width forms and a combining mark in turn. `identifier` leaves out the forms
// NFKC would change (identifiers such as meter numbers are stored in their NFKC form).
std::string TextOf(size_t n, const std::string& prefix, bool identifier = false) {
  static const std::vector<std::string> kFree = {
      "水", "a", "1", "😀", "Ａ", "桶", "９", "（", "e", "\xCC\x81" /* U+0301 */, "号"};
  static const std::vector<std::string> kIdentifier = {"水", "a", "1", "😀", "-", "表", "9"};
  const auto& pieces = identifier ? kIdentifier : kFree;
  std::string out = prefix;
  for (size_t i = 0; text::CharCount(out) < n; ++i) out += pieces[i % pieces.size()];
  EXPECT_EQ(text::CharCount(out), n);
  return out;
}

// "１３９…": the digits of `ascii` as Chinese input methods type them.
std::string FullWidth(const std::string& ascii) {
  std::string out;
  for (char c : ascii) {
    if (c >= '0' && c <= '9') {
      out += "\xEF\xBC";
      out += static_cast<char>(0x90 + (c - '0'));
    } else {
      out += c;
    }
  }
  return out;
}

std::string Quoted(const std::string& s) { return boost::json::serialize(boost::json::value(s)); }

// The preferenceTags of a customer as JSON.
std::vector<std::string> PreferenceTagsOf(const boost::json::value& customer) {
  std::vector<std::string> tags;
  if (!customer.is_object() || !customer.as_object().contains("preferenceTags")) return tags;
  for (const auto& tag : customer.as_object().at("preferenceTags").as_array()) {
    tags.emplace_back(tag.as_string());
  }
  return tags;
}

class CustomerTextTest : public GatewayTest {
 protected:
  void SetUp() override {
    GatewayTest::SetUp();
    if (IsSkipped()) return;
    station_agent_ = LoginAs(*http_, "station-demo", "agent");
    station_manager_ = LoginAs(*http_, "station-demo", "manager");
  }

  // Unique per process and call, ASCII, so generated names never clash across runs.
  std::string Unique() {
    static std::atomic<int> counter{0};
    return "u" + std::to_string(getpid()) + "x" + std::to_string(counter++) + "-";
  }

  HttpResponse Send(const std::string& method, const std::string& target, const std::string& body,
                    const std::string& token, const std::string& key = "") {
    std::map<std::string, std::string> headers = {{"Authorization", "Bearer " + token}};
    if (!key.empty()) headers["Idempotency-Key"] = key;
    return http_->Send(method, target, body, headers);
  }

  std::string NewCustomer(const std::string& token, const std::string& name = "测试客户") {
    HttpResponse created = http_->Post(
        "/v1/customers", R"({"name":)" + Quoted(name) + R"(,"phones":[")" + UniquePhone() + "\"]}",
        token);
    EXPECT_EQ(created.status, 200) << created.body;
    return Str(created.Json(), "id");
  }

  // A 400 naming `field` and `limit` characters.
  void ExpectTooLong(const HttpResponse& res, const std::string& field, size_t limit) {
    EXPECT_EQ(res.status, 400) << field << ": " << res.body;
    EXPECT_EQ(Str(ErrorOf(res), "field"), field) << res.body;
    EXPECT_NE(Str(ErrorOf(res), "detail").find("at most " + std::to_string(limit) + " characters"),
              std::string::npos)
        << res.body;
  }

  std::string station_agent_;
  std::string station_manager_;
};

TEST_F(CustomerTextTest, FullWidthDigitsArePhonesEverywhere) {
  const std::string phone = UniquePhone();
  HttpResponse created = http_->Post("/v1/customers",
                                     R"({"name":"全角号码","phones":[")" + FullWidth(phone) +
                                         R"("],"birthday":"１９９０-０５-０１"})",
                                     station_agent_);
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string id = Str(created.Json(), "id");
  EXPECT_EQ(created.Json().at("phones").as_array().at(0).as_string(), phone) << created.body;
  EXPECT_EQ(Str(created.Json(), "birthday"), "1990-05-01");

  // The last digits typed full-width find the customer.
  HttpResponse found =
      http_->Get("/v1/customers:search?pageSize=50&q=" + FullWidth(phone.substr(phone.size() - 7)),
                 station_agent_);
  ASSERT_EQ(found.status, 200) << found.body;
  EXPECT_NE(found.body.find(id), std::string::npos) << found.body;
  HttpResponse whole = http_->Get("/v1/customers:search?q=" + FullWidth(phone), station_agent_);
  ASSERT_EQ(whole.status, 200) << whole.body;
  EXPECT_NE(whole.body.find(id), std::string::npos) << whole.body;

  // An update takes full-width phones too.
  const std::string second = UniquePhone();
  HttpResponse updated =
      Send("PATCH", "/v1/customers/" + id + "?updateMask=phones",
           R"({"phones":[")" + FullWidth(phone) + R"(",")" + FullWidth(second) + R"("]})",
           station_agent_);
  ASSERT_EQ(updated.status, 200) << updated.body;
  EXPECT_EQ(updated.Json().at("phones").as_array().at(1).as_string(), second) << updated.body;

  // And an import: phone and tickets typed full-width.
  const std::string imported_phone = UniquePhone();
  HttpResponse imported =
      Send("POST", "/v1/customers:import?onDuplicate=SKIP&fileName=fullwidth.csv",
           "姓名,电话,水票\n全角导入," + FullWidth(imported_phone) + ",２\n", station_agent_);
  ASSERT_EQ(imported.status, 200) << imported.body;
  EXPECT_EQ(Num(imported.Json(), "created"), 1) << imported.body;
  EXPECT_EQ(Num(imported.Json(), "failed"), 0) << imported.body;
  HttpResponse imported_found =
      http_->Get("/v1/customers:search?q=" + imported_phone, station_agent_);
  ASSERT_EQ(imported_found.status, 200);
  EXPECT_NE(imported_found.body.find("全角导入"), std::string::npos) << imported_found.body;
}

TEST_F(CustomerTextTest, CustomerTextLimitsCountCharacters) {
  struct Field {
    std::string json;   // member of the create body
    std::string field;  // as the error names it
    size_t limit;
  };
  for (const Field& f : {Field{"name", "name", 100}, Field{"notes", "notes", 2000}}) {
    for (size_t n : {f.limit - 1, f.limit}) {
      const std::string value = TextOf(n, Unique());
      const std::string name = f.json == "name" ? value : "限长测试";
      const std::string notes = f.json == "notes" ? value : "";
      HttpResponse created = http_->Post(
          "/v1/customers", R"({"name":)" + Quoted(name) + R"(,"notes":)" + Quoted(notes) + "}",
          station_agent_);
      ASSERT_EQ(created.status, 200) << f.field << " " << n << ": " << created.body;
      HttpResponse got = http_->Get("/v1/customers/" + Str(created.Json(), "id"), station_agent_);
      ASSERT_EQ(got.status, 200);
      EXPECT_EQ(Str(got.Json(), f.json.c_str()), value) << f.field << " at " << n;
    }
    const std::string over = TextOf(f.limit + 1, Unique());
    ExpectTooLong(http_->Post("/v1/customers",
                              R"({"name":)" + Quoted(f.json == "name" ? over : "限长测试") +
                                  R"(,"notes":)" + Quoted(f.json == "notes" ? over : "") + "}",
                              station_agent_),
                  f.field, f.limit);
  }
  // Addresses: text 200, delivery notes 500.
  const std::string id = NewCustomer(station_agent_);
  for (size_t n : {199, 200}) {
    const std::string text = TextOf(n, Unique());
    const std::string notes = TextOf(n + 300, Unique());
    HttpResponse added =
        http_->Post("/v1/customers/" + id + "/addresses",
                    R"({"text":)" + Quoted(text) + R"(,"deliveryNotes":)" + Quoted(notes) + "}",
                    station_agent_);
    ASSERT_EQ(added.status, 200) << added.body;
    EXPECT_EQ(Str(added.Json(), "text"), text);
    EXPECT_EQ(Str(added.Json(), "deliveryNotes"), notes);
  }
  ExpectTooLong(http_->Post("/v1/customers/" + id + "/addresses",
                            R"({"text":)" + Quoted(TextOf(201, Unique())) + "}", station_agent_),
                "text", 200);
  ExpectTooLong(
      http_->Post("/v1/customers/" + id + "/addresses",
                  R"({"text":"城东区","deliveryNotes":)" + Quoted(TextOf(501, Unique())) + "}",
                  station_agent_),
      "deliveryNotes", 500);
}

TEST_F(CustomerTextTest, CommunicationSummariesCountCharacters) {
  const std::string id = NewCustomer(station_agent_);
  const std::string path = "/v1/customers/" + id + "/communications";
  std::vector<std::string> kept;
  for (size_t n : {1, 3999, 4000}) {
    const std::string summary = TextOf(n, n == 1 ? "" : Unique());
    HttpResponse added = http_->Post(
        path, R"({"kind":"CALL_IN","summary":)" + Quoted(summary) + "}", station_agent_);
    ASSERT_EQ(added.status, 200) << n << ": " << added.body.substr(0, 300);
    kept.push_back(summary);
  }
  ExpectTooLong(
      http_->Post(path, R"({"kind":"CALL_IN","summary":)" + Quoted(TextOf(4001, Unique())) + "}",
                  station_agent_),
      "summary", 4000);
  HttpResponse listed = http_->Get(path, station_agent_);
  ASSERT_EQ(listed.status, 200);
  const boost::json::value listed_json = listed.Json();
  std::vector<std::string> read;
  for (const auto& c : listed_json.at("communications").as_array()) {
    read.push_back(Str(c, "summary"));
  }
  // Each reads back unchanged (records made in the same instant have no set order).
  std::sort(read.begin(), read.end());
  std::sort(kept.begin(), kept.end());
  EXPECT_EQ(read, kept);
}

TEST_F(CustomerTextTest, TagNamesCountCharactersAndTagsChange) {
  // The 23-character tag of the issue, then 59, 60 and 61 characters.
  const std::string issue_tag = "高层无电梯需带小推车下午3点后送偏好大桶水工作日" + Unique();
  HttpResponse created =
      http_->Post("/v1/tags", R"({"name":)" + Quoted(issue_tag) + "}", station_manager_);
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string tag_id = Str(created.Json(), "id");
  EXPECT_EQ(Str(created.Json(), "name"), issue_tag);
  std::vector<std::string> made = {tag_id};
  for (size_t n : {59, 60}) {
    const std::string name = TextOf(n, Unique());
    HttpResponse t = http_->Post(
        "/v1/tags",
        R"({"name":)" + Quoted(name) + R"(,"description":)" + Quoted(TextOf(500, "")) + "}",
        station_manager_);
    ASSERT_EQ(t.status, 200) << t.body;
    EXPECT_EQ(Str(t.Json(), "name"), name);
    made.push_back(Str(t.Json(), "id"));
  }
  ExpectTooLong(
      http_->Post("/v1/tags", R"({"name":)" + Quoted(TextOf(61, Unique())) + "}", station_manager_),
      "name", 60);
  ExpectTooLong(
      http_->Post("/v1/tags", R"({"name":"x","description":)" + Quoted(TextOf(501, "")) + "}",
                  station_manager_),
      "description", 500);

  // A customer carries the tag; renaming the tag renames it on the customer.
  HttpResponse customer = http_->Post("/v1/customers",
                                      R"({"name":"标签客户","phones":[")" + UniquePhone() +
                                          R"("],"tags":[)" + Quoted(issue_tag) + "]}",
                                      station_agent_);
  ASSERT_EQ(customer.status, 200) << customer.body;
  const std::string customer_id = Str(customer.Json(), "id");
  const std::string renamed = "工作日下午3点后送😀" + Unique();
  HttpResponse patched =
      Send("PATCH", "/v1/tags/" + tag_id + "?updateMask=name,color",
           R"({"name":)" + Quoted(renamed) + R"(,"color":"#e4572e"})", station_manager_);
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(Str(patched.Json(), "name"), renamed);
  EXPECT_EQ(Str(patched.Json(), "color"), "#e4572e");
  HttpResponse got = http_->Get("/v1/customers/" + customer_id, station_agent_);
  EXPECT_EQ(got.Json().at("tags").as_array().at(0).as_string(), renamed) << got.body;
  ExpectTooLong(Send("PATCH", "/v1/tags/" + tag_id + "?updateMask=name",
                     R"({"name":)" + Quoted(TextOf(61, Unique())) + "}", station_manager_),
                "name", 60);
  // Agents may not change the dictionary; another tenant cannot see the tag.
  EXPECT_EQ(
      Send("PATCH", "/v1/tags/" + tag_id + "?updateMask=name", R"({"name":"x"})", station_agent_)
          .status,
      403);
  const std::string utility_manager = LoginAs(*http_, "utility-demo", "manager");
  EXPECT_EQ(
      Send("PATCH", "/v1/tags/" + tag_id + "?updateMask=name", R"({"name":"x"})", utility_manager)
          .status,
      404);
  EXPECT_EQ(Send("DELETE", "/v1/tags/" + tag_id, "", utility_manager).status, 404);

  // Deleting it takes it off the customer.
  for (const std::string& id : made) {
    HttpResponse deleted = Send("DELETE", "/v1/tags/" + id, "", station_manager_);
    EXPECT_EQ(deleted.status, 200) << deleted.body;
  }
  got = http_->Get("/v1/customers/" + customer_id, station_agent_);
  const boost::json::value after_delete = got.Json();
  const auto* tags_left = after_delete.as_object().if_contains("tags");
  EXPECT_TRUE(tags_left == nullptr || tags_left->as_array().empty()) << got.body;
  EXPECT_EQ(Send("DELETE", "/v1/tags/" + tag_id, "", station_manager_).status, 404);
}

TEST_F(CustomerTextTest, LedgerAndUtilityTextCountsCharacters) {
  const std::string id = NewCustomer(station_agent_);
  const std::string entries = "/v1/customers/" + id + "/ledger/entries";
  auto purchase = [&](const std::string& product, const std::string& reason) {
    return Send("POST", entries,
                R"({"kind":"PURCHASE","asset":{"kind":"TICKET","product":)" + Quoted(product) +
                    R"(},"quantityDelta":10,"amountFenDelta":18000,"reason":)" + Quoted(reason) +
                    "}",
                station_agent_, Unique());
  };
  const std::string product = "农夫山泉·19L桶装水（含押金）";
  HttpResponse bought = purchase(product, TextOf(500, ""));
  ASSERT_EQ(bought.status, 200) << bought.body;
  EXPECT_EQ(Str(bought.Json().at("asset"), "product"), product);
  EXPECT_EQ(Str(bought.Json(), "reason"), TextOf(500, ""));
  for (size_t n : {39, 40}) {
    const std::string p = TextOf(n, Unique());
    HttpResponse ok = purchase(p, "套餐");
    ASSERT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(Str(ok.Json().at("asset"), "product"), p);
  }
  ExpectTooLong(purchase(TextOf(41, Unique()), "套餐"), "entry.asset.product", 40);
  ExpectTooLong(purchase(product, TextOf(501, "")), "entry.reason", 500);
  HttpResponse balances = http_->Get("/v1/customers/" + id + "/ledger", station_agent_);
  ASSERT_EQ(balances.status, 200);
  EXPECT_NE(balances.body.find(product), std::string::npos) << balances.body;

  // Meter and account numbers: identifiers, full-width digits read as ASCII.
  const std::string meters = "/v1/customers/" + id + "/meters";
  for (size_t n : {39, 40}) {
    const std::string number = TextOf(n, Unique(), true);
    HttpResponse meter = Send(
        "POST", meters, R"({"number":)" + Quoted(number) + R"(,"caliberMm":20})", station_agent_);
    ASSERT_EQ(meter.status, 200) << meter.body;
    EXPECT_EQ(Str(meter.Json(), "number"), number);
  }
  const std::string fw = Unique();
  HttpResponse full_width =
      Send("POST", meters,
           R"({"number":)" + Quoted("ＳＨ" + FullWidth("2019") + fw) + R"(,"caliberMm":20})",
           station_agent_);
  ASSERT_EQ(full_width.status, 200) << full_width.body;
  EXPECT_EQ(Str(full_width.Json(), "number"), "SH2019" + fw);
  ExpectTooLong(Send("POST", meters,
                     R"({"number":)" + Quoted(TextOf(41, Unique(), true)) + R"(,"caliberMm":20})",
                     station_agent_),
                "meter.number", 40);
  const std::string contracts = "/v1/customers/" + id + "/contracts";
  const std::string account = TextOf(40, Unique(), true);
  HttpResponse contract = Send(
      "POST", contracts,
      R"({"accountNumber":)" + Quoted(account) + R"(,"waterUse":"居民生活用水"})", station_agent_);
  ASSERT_EQ(contract.status, 200) << contract.body;
  EXPECT_EQ(Str(contract.Json(), "accountNumber"), account);
  ExpectTooLong(
      Send("POST", contracts, R"({"accountNumber":)" + Quoted(TextOf(41, Unique(), true)) + "}",
           station_agent_),
      "contract.accountNumber", 40);
}

TEST_F(CustomerTextTest, ListsUnderAnotherTenantsCustomerAreNotFound) {
  const std::string station_customer = NewCustomer(station_agent_);
  for (const char* sub : {"/communications", "/payments", "/ledger", "/ledger/entries"}) {
    for (const std::string& id :
         {station_customer, std::string("00000000-0000-4000-8000-000000000000")}) {
      HttpResponse res = http_->Get("/v1/customers/" + id + sub, agent_);  // utility-demo
      EXPECT_EQ(res.status, 404) << sub << ": " << res.body;
      EXPECT_EQ(Str(ErrorOf(res), "field"), "customerId") << res.body;
    }
    EXPECT_EQ(http_->Get("/v1/customers/" + station_customer + sub, station_agent_).status, 200)
        << sub;
  }
}

TEST_F(CustomerTextTest, EveryCreateHonoursIdempotencyKey) {
  const std::string id = NewCustomer(station_agent_);
  // The same key and body: the first answer; the same key and another body: 422.
  auto check = [&](const std::string& what, const std::string& token, const std::string& path,
                   const std::string& body, const std::string& other_body) -> HttpResponse {
    const std::string key = Unique() + what;
    HttpResponse first = Send("POST", path, body, token, key);
    EXPECT_EQ(first.status, 200) << what << ": " << first.body;
    if (first.status != 200) return first;
    HttpResponse retry = Send("POST", path, body, token, key);
    EXPECT_EQ(retry.status, 200) << what << ": " << retry.body;
    EXPECT_EQ(retry.body, first.body) << what;
    HttpResponse reused = Send("POST", path, other_body, token, key);
    EXPECT_EQ(reused.status, 422) << what << ": " << reused.body;
    return first;
  };
  check("communication", station_agent_, "/v1/customers/" + id + "/communications",
        R"({"kind":"CALL_IN","summary":"问下午能否送两桶"})",
        R"({"kind":"CALL_IN","summary":"另一通电话"})");
  HttpResponse listed = http_->Get("/v1/customers/" + id + "/communications", station_agent_);
  EXPECT_EQ(listed.Json().at("communications").as_array().size(), 1u) << listed.body;

  const std::string u = Unique();
  HttpResponse tag = check("tag", station_manager_, "/v1/tags", R"({"name":"幂等)" + u + "\"}",
                           R"({"name":"幂等另)" + u + "\"}");
  check("address", station_agent_, "/v1/customers/" + id + "/addresses",
        R"({"text":"城东区 解放路 1 号"})", R"({"text":"城东区 解放路 2 号"})");
  HttpResponse meter = check("meter", station_agent_, "/v1/customers/" + id + "/meters",
                             R"({"number":"M-)" + u + R"(","caliberMm":20})",
                             R"({"number":"M2-)" + u + R"(","caliberMm":20})");
  check("reading", station_agent_, "/v1/meters/" + Str(meter.Json(), "id") + ":reading",
        R"({"reading":12.5})", R"({"reading":13})");
  check("contract", station_agent_, "/v1/customers/" + id + "/contracts",
        R"({"accountNumber":"A-)" + u + "\"}", R"({"accountNumber":"A2-)" + u + "\"}");
  const std::string admin = LoginAs(*http_, "station-demo", "admin");
  // Keys are lower snake case.
  const std::string key =
      "k" + std::to_string(getpid()) + "_" + std::to_string(time(nullptr) % 1000000);
  HttpResponse definition = check(
      "definition", admin, "/v1/field-definitions",
      R"({"entity":"ADDRESS","key":")" + key + R"(","label":"门禁)" + key + R"(","type":"TEXT"})",
      R"({"entity":"ADDRESS","key":")" + key + R"(x","label":"门禁)" + key +
          R"(x","type":"TEXT"})");
  // Created without "active": active.
  EXPECT_TRUE(definition.Json().at("active").as_bool()) << definition.body;
  // "active": false still works: on create a retired field, on update it retires one.
  HttpResponse retired =
      http_->Post("/v1/field-definitions",
                  R"({"entity":"ADDRESS","key":")" + key + R"(r","label":"门禁)" + key +
                      R"(r","type":"TEXT","active":false})",
                  admin);
  ASSERT_EQ(retired.status, 200) << retired.body;
  EXPECT_FALSE(retired.Json().at("active").as_bool()) << retired.body;
  HttpResponse retire =
      Send("PATCH", "/v1/field-definitions/" + Str(definition.Json(), "id") + "?updateMask=active",
           R"({"active":false})", admin);
  ASSERT_EQ(retire.status, 200) << retire.body;
  EXPECT_FALSE(retire.Json().at("active").as_bool());
  Send("DELETE", "/v1/tags/" + Str(tag.Json(), "id"), "", station_manager_);
}

TEST_F(CustomerTextTest, LookupUsersAnswersTheTenantsStaffOnly) {
  auto channel =
      grpc::CreateChannel(EnvOr("QQ_TEST_CUSTOMER_ADDR"), grpc::InsecureChannelCredentials());
  auto auth = v1::AuthService::NewStub(channel);
  const std::string dispatcher = LoginAs(*http_, "station-demo", "dispatcher");
  const std::string worker_id = UserIdOf(LoginAs(*http_, "station-demo", "worker"));
  const std::string courier_id = UserIdOf(LoginAs(*http_, "station-demo", "courier"));
  const std::string other_tenant_worker = UserIdOf(LoginAs(*http_, "utility-demo", "worker"));
  auto lookup = [&](const std::string& token, const std::vector<std::string>& ids,
                    v1::LookupUsersResponse* response) {
    grpc::ClientContext ctx;
    if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
    v1::LookupUsersRequest request;
    for (const auto& id : ids) request.add_ids(id);
    return auth->LookupUsers(&ctx, request, response);
  };
  v1::LookupUsersResponse response;
  grpc::Status status = lookup(dispatcher,
                               {worker_id, other_tenant_worker, "not-a-uuid", "", courier_id,
                                worker_id, "00000000-0000-4000-8000-000000000000"},
                               &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.users_size(), 2) << response.DebugString();
  EXPECT_EQ(response.users(0).id(), worker_id);
  EXPECT_EQ(response.users(0).username(), "worker");
  EXPECT_EQ(response.users(0).display_name(), "王师傅");
  ASSERT_EQ(response.users(0).roles_size(), 1);
  EXPECT_EQ(response.users(0).roles(0), "worker");
  EXPECT_FALSE(response.users(0).disabled());
  EXPECT_EQ(response.users(1).id(), courier_id);
  EXPECT_EQ(response.users(1).display_name(), "李师傅");

  std::vector<std::string> too_many(201, worker_id);
  EXPECT_EQ(lookup(dispatcher, too_many, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(lookup("", {worker_id}, &response).error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(CustomerTextTest, DeliveryPreferencesAreDataSaidBackInWords) {
  const std::string phone = UniquePhone();
  HttpResponse created = http_->Post(
      "/v1/customers",
      R"({"name":"偏好客户","phones":[")" + phone +
          R"("],"deliveryPreferences":{"windowStartLocal":"15:00","weekdays":[1,2,3,4,5],)"
          R"("noLift":true,"needsCart":true,"floor":6}})",
      station_agent_);
  ASSERT_EQ(created.status, 200) << created.body;
  const std::string id = Str(created.Json(), "id");
  const std::vector<std::string> expected = {"15:00后送", "仅工作日送", "6楼无电梯", "需带小推车"};
  EXPECT_EQ(PreferenceTagsOf(created.Json()), expected) << created.body;

  // Every read of the customer says them: get, list, search, the 360 view.
  HttpResponse got = http_->Get("/v1/customers/" + id, station_agent_);
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(PreferenceTagsOf(got.Json()), expected) << got.body;
  const boost::json::value got_json = got.Json();
  const boost::json::value& stored = got_json.at("deliveryPreferences");
  EXPECT_EQ(Str(stored, "windowStartLocal"), "15:00") << got.body;
  EXPECT_EQ(stored.at("weekdays").as_array().size(), 5u) << got.body;
  EXPECT_EQ(Num(stored, "floor"), 6) << got.body;
  EXPECT_TRUE(stored.at("noLift").as_bool()) << got.body;
  EXPECT_TRUE(stored.at("needsCart").as_bool()) << got.body;

  HttpResponse found = http_->Get("/v1/customers:search?q=" + phone, station_agent_);
  ASSERT_EQ(found.status, 200) << found.body;
  bool hit = false;
  const boost::json::value found_json = found.Json();
  for (const auto& h : found_json.at("hits").as_array()) {
    const auto& customer = h.at("customer");
    if (Str(customer, "id") != id) continue;
    hit = true;
    EXPECT_EQ(PreferenceTagsOf(customer), expected) << found.body;
  }
  EXPECT_TRUE(hit) << found.body;

  HttpResponse view = http_->Get("/v1/customers/" + id + "/view", station_agent_);
  ASSERT_EQ(view.status, 200) << view.body;
  EXPECT_EQ(PreferenceTagsOf(view.Json().at("customer")), expected) << view.body;

  HttpResponse listed = http_->Get("/v1/customers?pageSize=100", station_agent_);
  ASSERT_EQ(listed.status, 200) << listed.body;
  const boost::json::value listed_json = listed.Json();
  for (const auto& c : listed_json.at("customers").as_array()) {
    if (Str(c, "id") == id) {
      EXPECT_EQ(PreferenceTagsOf(c), expected) << listed.body;
    }
  }

  // Another field's update leaves them; updateMask=deliveryPreferences replaces them
  // (times typed full-width are times).
  HttpResponse renamed = Send("PATCH", "/v1/customers/" + id + "?updateMask=name",
                              R"({"name":"偏好客户二"})", station_agent_);
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(PreferenceTagsOf(renamed.Json()), expected) << renamed.body;
  HttpResponse changed =
      Send("PATCH", "/v1/customers/" + id + "?updateMask=deliveryPreferences",
           R"({"deliveryPreferences":{"windowStartLocal":"１５：００","windowEndLocal":"18:00",)"
           R"("weekdays":[7,6]}})",
           station_agent_);
  ASSERT_EQ(changed.status, 200) << changed.body;
  const std::vector<std::string> weekend = {"15:00-18:00送", "仅周末送"};
  EXPECT_EQ(PreferenceTagsOf(changed.Json()), weekend) << changed.body;
  HttpResponse reread = http_->Get("/v1/customers/" + id, station_agent_);
  ASSERT_EQ(reread.status, 200) << reread.body;
  EXPECT_EQ(PreferenceTagsOf(reread.Json()), weekend) << reread.body;
  EXPECT_EQ(Str(reread.Json().at("deliveryPreferences"), "windowStartLocal"), "15:00");
  EXPECT_EQ(Str(reread.Json(), "name"), "偏好客户二");

  // Bad values: a 400 naming the field, on create and on update; nothing changes.
  struct Bad {
    std::string preferences;
    std::string field;
  };
  for (const Bad& bad :
       {Bad{R"({"windowStartLocal":"25:00"})", "deliveryPreferences.windowStartLocal"},
        Bad{R"({"windowEndLocal":"3pm"})", "deliveryPreferences.windowEndLocal"},
        Bad{R"({"weekdays":[8]})", "deliveryPreferences.weekdays[0]"},
        Bad{R"({"weekdays":[1,1]})", "deliveryPreferences.weekdays[1]"},
        Bad{R"({"windowStartLocal":"18:00","windowEndLocal":"15:00"})",
            "deliveryPreferences.windowEndLocal"},
        Bad{R"({"floor":201})", "deliveryPreferences.floor"}}) {
    HttpResponse refused = http_->Post("/v1/customers",
                                       R"({"name":"坏偏好","phones":[")" + UniquePhone() +
                                           R"("],"deliveryPreferences":)" + bad.preferences + "}",
                                       station_agent_);
    EXPECT_EQ(refused.status, 400) << bad.preferences << ": " << refused.body;
    EXPECT_EQ(Str(ErrorOf(refused), "field"), bad.field) << refused.body;
    HttpResponse patched =
        Send("PATCH", "/v1/customers/" + id + "?updateMask=deliveryPreferences",
             R"({"deliveryPreferences":)" + bad.preferences + "}", station_agent_);
    EXPECT_EQ(patched.status, 400) << bad.preferences << ": " << patched.body;
    EXPECT_EQ(Str(ErrorOf(patched), "field"), bad.field) << patched.body;
  }
  HttpResponse unchanged = http_->Get("/v1/customers/" + id, station_agent_);
  ASSERT_EQ(unchanged.status, 200) << unchanged.body;
  EXPECT_EQ(PreferenceTagsOf(unchanged.Json()), weekend) << unchanged.body;
}

}  // namespace
}  // namespace qq::testing
