// Customer 360 through the gateway and over gRPC against the running stack: the archive
// with tags and custom fields, search by phone digits and pinyin, the prepaid ledger,
// communication records, billing ingest with a service account, and the 360 view.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json/serialize.hpp>

#include <fstream>
#include <iterator>
#include <string>

#include "qingquan/customer/v1/customer.grpc.pb.h"
#include "tests/support/gateway_test.h"
#include "tests/support/http_client.h"
#include "tests/support/stack.h"

namespace qq::testing {
namespace {

namespace v1 = qingquan::customer::v1;

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
  // A get reads it back whole: phones opened, the address with its point and custom field.
  HttpResponse got = http_->Get("/v1/customers/" + id, station_agent_);
  ASSERT_EQ(got.status, 200) << got.body;
  const boost::json::value got_json = got.Json();
  EXPECT_EQ(got_json.at("phones").as_array().at(0).as_string(), phone) << got.body;
  const auto& got_address = got_json.at("addresses").as_array().at(0).as_object();
  EXPECT_EQ(Str(got_address, "id"), Str(address, "id"));
  EXPECT_EQ(Str(got_address, "text"), "城东区 张杨路 500 弄 3 号 402 室");
  EXPECT_DOUBLE_EQ(got_address.at("location").at("lat").to_number<double>(), 31.235);
  EXPECT_DOUBLE_EQ(got_address.at("location").at("lng").to_number<double>(), 121.525);
  EXPECT_EQ(got_address.at("customFields").at("floor").to_number<double>(), 4) << got.body;
  EXPECT_EQ(Str(got_address, "areaName"), "城东区");

  // The same phone again: 409 naming the existing customer.
  HttpResponse duplicate = http_->Post(
      "/v1/customers", R"({"name":"别人","phones":[")" + phone + R"("]})", station_agent_);
  ASSERT_EQ(duplicate.status, 409) << duplicate.body;
  EXPECT_NE(Str(ErrorOf(duplicate), "detail").find(id), std::string::npos);
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
  EXPECT_NE(Str(ErrorOf(overdraw), "detail").find("is 10"), std::string::npos) << overdraw.body;
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
  EXPECT_EQ(Num(v.at("balances").as_array().at(0), "quantity"), 10);
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

// The sample file of the README, imported straight over gRPC the way the gateway streams
// an upload: good rows land, the two bad rows are reported, a second import skips them
// all, and the export has every customer.
TEST_F(Customer360Test, ImportsTheSampleFileAndExportsIt) {
  auto channel =
      grpc::CreateChannel(EnvOr("QQ_TEST_CUSTOMER_ADDR"), grpc::InsecureChannelCredentials());
  auto customers = v1::CustomerService::NewStub(channel);
  // A tenant of its own so the sample's phones are new.
  const std::string manager = LoginAs(*http_, "station-demo", "manager");
  std::ifstream file(EnvOr("QQ_TEST_REPO_DIR", ".") + "/docs/samples/customers-import.xlsx",
                     std::ios::binary);
  ASSERT_TRUE(file) << "docs/samples/customers-import.xlsx not found (QQ_TEST_REPO_DIR)";
  const std::string bytes((std::istreambuf_iterator<char>(file)), {});
  auto import = [&](v1::ImportCustomersRequest::DuplicatePolicy policy) {
    grpc::ClientContext ctx;
    ctx.AddMetadata("authorization", "Bearer " + manager);
    v1::ImportCustomersResponse response;
    auto writer = customers->ImportCustomers(&ctx, &response);
    for (size_t offset = 0; offset < bytes.size(); offset += 4096) {
      v1::ImportCustomersRequest chunk;
      if (offset == 0) {
        chunk.set_on_duplicate(policy);
        chunk.set_file_name("customers-import.xlsx");
        chunk.set_create_missing_tags(true);
        chunk.mutable_file()->set_content_type(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
      }
      chunk.mutable_file()->set_data(bytes.substr(offset, 4096));
      writer->Write(chunk);
    }
    writer->WritesDone();
    grpc::Status status = writer->Finish();
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  };
  v1::ImportCustomersResponse first = import(v1::ImportCustomersRequest::SKIP);
  EXPECT_EQ(first.rows(), 28);
  EXPECT_EQ(first.failed(), 2) << first.DebugString();
  EXPECT_EQ(first.created() + first.skipped(), 26) << first.DebugString();
  ASSERT_EQ(first.errors_size(), 2);
  bool phone_error = false;
  for (const auto& e : first.errors()) {
    phone_error |= e.column().find("电话") != std::string::npos;
    EXPECT_GT(e.row(), 1);
  }
  EXPECT_TRUE(phone_error) << first.DebugString();

  v1::ImportCustomersResponse again = import(v1::ImportCustomersRequest::SKIP);
  EXPECT_EQ(again.created(), 0);
  EXPECT_EQ(again.skipped(), 26);

  // 张伟 of the sample came with 20 tickets and the tags of the file.
  HttpResponse found = http_->Get("/v1/customers:search?q=13912345678", manager);
  ASSERT_EQ(found.status, 200) << found.body;
  const boost::json::value found_json = found.Json();
  const std::string id =
      Str(found_json.as_object().at("hits").as_array().at(0).as_object().at("customer"), "id");
  HttpResponse view = http_->Get("/v1/customers/" + id + "/view", manager);
  ASSERT_EQ(view.status, 200) << view.body;
  EXPECT_NE(view.body.find("\"quantity\":20"), std::string::npos) << view.body;
  EXPECT_NE(view.body.find("高层无电梯"), std::string::npos) << view.body;

  grpc::ClientContext export_ctx;
  export_ctx.AddMetadata("authorization", "Bearer " + manager);
  v1::ExportCustomersRequest export_request;
  auto reader = customers->ExportCustomers(&export_ctx, export_request);
  qingquan::common::v1::HttpBody chunk;
  std::string exported;
  std::string content_type;
  while (reader->Read(&chunk)) {
    if (content_type.empty()) content_type = chunk.content_type();
    exported += chunk.data();
  }
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_NE(content_type.find("spreadsheetml"), std::string::npos);
  EXPECT_EQ(exported.substr(0, 2), "PK");  // a zip, i.e. an .xlsx
  EXPECT_GT(exported.size(), 3000u);
}

TEST_F(Customer360Test, ImportRefusesFilesThatAreNotSpreadsheets) {
  auto channel =
      grpc::CreateChannel(EnvOr("QQ_TEST_CUSTOMER_ADDR"), grpc::InsecureChannelCredentials());
  auto customers = v1::CustomerService::NewStub(channel);
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + station_agent_);
  v1::ImportCustomersResponse response;
  auto writer = customers->ImportCustomers(&ctx, &response);
  v1::ImportCustomersRequest chunk;
  chunk.mutable_file()->set_data(std::string("\x89PNG\r\n\x1a\n") + std::string(100, '\0'));
  writer->Write(chunk);
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
}

// UPDATE fills in the customer a phone already belongs to: what the row leaves empty keeps
// its value, a new address is added, tickets are added once per file and row (sending
// the same file again adds none).
TEST_F(Customer360Test, ImportUpdatesTheCustomerAPhoneBelongsTo) {
  const std::string phone = UniquePhone();
  auto import = [&](const std::string& policy, const std::string& file_name,
                    const std::string& row) {
    HttpResponse res =
        http_->Send("POST", "/v1/customers:import?onDuplicate=" + policy + "&fileName=" + file_name,
                    "姓名,电话,地址,水票,备注\n" + row + "\n",
                    {{"Authorization", "Bearer " + station_agent_}, {"Content-Type", "text/csv"}});
    EXPECT_EQ(res.status, 200) << res.body;
    return res.Json();
  };
  auto count = [](const boost::json::value& result, const char* key) {
    return static_cast<int64_t>(Num(result, key));
  };
  const std::string first_row = "柏青," + phone + ",城东区 解放路 1 号,5,";
  EXPECT_EQ(count(import("SKIP", "first.csv", first_row), "created"), 1);
  const std::string update_row = "柏青," + phone + ",城东区 人民路 9 号,3,要发票";
  for (int attempt = 0; attempt < 2; ++attempt) {
    boost::json::value result = import("UPDATE", "second.csv", update_row);
    EXPECT_EQ(count(result, "updated"), 1) << boost::json::serialize(result);
    EXPECT_EQ(count(result, "created"), 0);
  }
  EXPECT_EQ(count(import("SKIP", "second.csv", update_row), "skipped"), 1);

  HttpResponse found = http_->Get("/v1/customers:search?q=" + phone, station_agent_);
  ASSERT_EQ(found.status, 200) << found.body;
  const std::string id =
      Str(found.Json().at("hits").as_array().at(0).as_object().at("customer"), "id");
  HttpResponse view = http_->Get("/v1/customers/" + id + "/view", station_agent_);
  ASSERT_EQ(view.status, 200) << view.body;
  const boost::json::value v = view.Json();
  const auto& customer = v.at("customer").as_object();
  EXPECT_EQ(Str(customer, "notes"), "要发票");
  ASSERT_EQ(customer.at("phones").as_array().size(), 1u) << view.body;
  const auto& addresses = customer.at("addresses").as_array();
  ASSERT_EQ(addresses.size(), 2u) << view.body;
  EXPECT_EQ(Str(addresses.at(0).as_object(), "text"), "城东区 解放路 1 号");
  EXPECT_EQ(Str(addresses.at(1).as_object(), "text"), "城东区 人民路 9 号");
  // 5 from the first file, 3 once from the second however often it was sent.
  EXPECT_EQ(Num(v.at("balances").as_array().at(0), "quantity"), 8) << view.body;
}

// A file of several batches: they are written two at a time, and every good row lands
// once; a phone repeated across batches is a bad row naming the first.
TEST_F(Customer360Test, ImportOfManyBatchesLandsEveryGoodRowOnce) {
  constexpr int kRows = 5000;  // three batches of at most 2,000
  const std::string prefix = UniquePhone().substr(0, 7);
  std::string csv = "姓名,电话,地址\n";
  for (int i = 0; i < kRows; ++i) {
    char phone[16];
    std::snprintf(phone, sizeof phone, "%s%04d", prefix.c_str(), i);
    csv +=
        "批量" + std::to_string(i) + "," + phone + ",城东区 解放路 " + std::to_string(i) + " 号\n";
  }
  char repeated[16];
  std::snprintf(repeated, sizeof repeated, "%s%04d", prefix.c_str(), 7);
  csv += std::string("重复,") + repeated + ",城东区\n";
  HttpResponse res =
      http_->Send("POST", "/v1/customers:import?onDuplicate=SKIP&fileName=many.csv", csv,
                  {{"Authorization", "Bearer " + station_agent_}, {"Content-Type", "text/csv"}});
  ASSERT_EQ(res.status, 200) << res.body;
  const boost::json::value result = res.Json();
  auto count = [&](const char* key) { return static_cast<int64_t>(Num(result, key)); };
  EXPECT_EQ(count("rows"), kRows + 1);
  EXPECT_EQ(count("created") + count("skipped"), kRows) << res.body.substr(0, 500);
  EXPECT_EQ(count("failed"), 1);
  EXPECT_NE(res.body.find("is also in row 9"), std::string::npos) << res.body.substr(0, 500);
  // Rows of the first and of the last batch are found by their phone.
  for (int i : {0, kRows - 1}) {
    char phone[16];
    std::snprintf(phone, sizeof phone, "%s%04d", prefix.c_str(), i);
    HttpResponse found = http_->Get(std::string("/v1/customers:search?q=") + phone, station_agent_);
    ASSERT_EQ(found.status, 200) << found.body;
    EXPECT_NE(found.body.find("批量" + std::to_string(i) + "\""), std::string::npos)
        << phone << ": " << found.body;
  }
}

// The same through the gateway: the README's upload and download.
TEST_F(Customer360Test, UploadsAndDownloadsThroughTheGateway) {
  std::ifstream file(EnvOr("QQ_TEST_REPO_DIR", ".") + "/docs/samples/customers-import.csv",
                     std::ios::binary);
  ASSERT_TRUE(file) << "docs/samples/customers-import.csv not found (QQ_TEST_REPO_DIR)";
  const std::string csv((std::istreambuf_iterator<char>(file)), {});
  HttpResponse imported = http_->Send(
      "POST", "/v1/customers:import?onDuplicate=SKIP&createMissingTags=true&fileName=sample.csv",
      csv, {{"Authorization", "Bearer " + agent_}, {"Content-Type", "text/csv"}});
  ASSERT_EQ(imported.status, 200) << imported.body;
  const boost::json::value result = imported.Json();
  auto number = [&](const char* key) { return static_cast<int64_t>(Num(result, key)); };
  EXPECT_EQ(number("rows"), 28) << imported.body;
  EXPECT_EQ(number("failed"), 2) << imported.body;
  EXPECT_EQ(number("created") + number("skipped"), 26) << imported.body;

  HttpResponse not_a_file =
      http_->Send("POST", "/v1/customers:import", "just some text, not a table",
                  {{"Authorization", "Bearer " + agent_}, {"Content-Type", "text/plain"}});
  EXPECT_EQ(not_a_file.status, 400) << not_a_file.body;

  HttpResponse exported = http_->Get("/v1/customers:export", agent_);
  ASSERT_EQ(exported.status, 200) << exported.body.substr(0, 200);
  EXPECT_NE(exported.headers["content-type"].find("spreadsheetml"), std::string::npos);
  EXPECT_NE(exported.headers["content-disposition"].find("customers-"), std::string::npos);
  EXPECT_EQ(exported.body.substr(0, 2), "PK");
}

}  // namespace
}  // namespace qq::testing
