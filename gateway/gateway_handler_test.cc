#include "gateway/gateway_handler.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <iterator>
#include <optional>

#include "gateway/fake_backends.h"
#include "gateway/linked_services.h"
#include "qingquan/customer/v1/customer.pb.h"
#include "qingquan/dispatch/v1/dispatch.pb.h"
#include "qingquan/order/v1/order.pb.h"
#include "services/common/status.h"

namespace qq::gateway {
namespace {

using qingquan::common::v1::HttpBody;
using qingquan::customer::v1::ExportCustomersRequest;
using qingquan::customer::v1::ImportCustomersRequest;
using qingquan::customer::v1::ImportCustomersResponse;
using qingquan::order::v1::WorkOrder;

constexpr char kXlsx[] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

// `size` bytes that differ from chunk to chunk, so a reordered or lost chunk shows.
std::string FileOf(size_t size) {
  std::string file(size, '\0');
  for (size_t i = 0; i < size; ++i) file[i] = static_cast<char>((i * 131 + i / 4096) & 0xFF);
  return file;
}

std::string HttpBodyMessage(std::string data, std::string content_type = "",
                            std::string file_name = "") {
  HttpBody body;
  body.set_data(std::move(data));
  body.set_content_type(std::move(content_type));
  body.set_file_name(std::move(file_name));
  return body.SerializeAsString();
}

// Pulls the rest of a streamed body until it ends or fails.
absl::StatusOr<std::string> Drain(ResponseBodySource& source) {
  std::string body;
  while (true) {
    absl::StatusOr<std::optional<std::string>> piece = absl::InternalError("no answer");
    source.Next([&](absl::StatusOr<std::optional<std::string>> p) { piece = std::move(p); });
    if (!piece.ok()) return piece.status();
    if (!*piece) return body;
    body += **piece;
  }
}

const JwtKey kKey{"k1", "0123456789abcdef0123456789abcdef"};

std::string Metadata(const BackendCall& call, absl::string_view key) {
  for (const auto& [k, v] : call.metadata) {
    if (k == key) return v;
  }
  return "<absent>";
}

std::string Header(const HttpResponse& response, absl::string_view name) {
  for (const auto& [k, v] : response.headers) {
    if (k == name) return v;
  }
  return "<absent>";
}

class GatewayHandlerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<RouteTable> table = RouteTable::Build(
        LinkedServices(ApiPackages()), {std::begin(kPublicMethods), std::end(kPublicMethods)});
    ASSERT_TRUE(table.ok()) << table.status();
    routes_.emplace(*std::move(table));
    handler_.emplace(*routes_, backends_, verifier_,
                     GatewayOptions{std::chrono::milliseconds(1500), std::chrono::milliseconds(700),
                                    std::chrono::milliseconds(60000)});
    absl::StatusOr<std::string> token = TokenIssuer(kKey).Issue(
        {"t-demo", "u-1", "alice", {"agent", "dispatcher"}}, std::chrono::minutes(5));
    ASSERT_TRUE(token.ok()) << token.status();
    bearer_ = "Bearer " + *token;
  }

  HttpResponse Run(std::string method, std::string target, std::string body = "",
                   std::string authorization = "", std::string content_type = "application/json",
                   std::string idempotency_key = "") {
    HttpRequest request;
    request.idempotency_key = std::move(idempotency_key);
    request.method = std::move(method);
    size_t q = target.find('?');
    request.path = target.substr(0, q);
    if (q != std::string::npos) request.query = target.substr(q + 1);
    request.body = std::move(body);
    request.authorization = std::move(authorization);
    request.content_type = std::move(content_type);
    request.request_id = "req-1";
    int calls = 0;
    HttpResponse out;
    handler_->Handle(std::move(request), [&](HttpResponse response) {
      ++calls;
      out = std::move(response);
    });
    EXPECT_EQ(calls, 1);
    return out;
  }

  static boost::json::value Json(const HttpResponse& response) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(response.body, ec);
    EXPECT_FALSE(ec) << response.body;
    return v;
  }

  FakeBackends backends_;
  TokenVerifier verifier_{std::vector<JwtKey>{kKey}};
  std::optional<RouteTable> routes_;
  std::optional<GatewayHandler> handler_;
  std::string bearer_;
};

TEST_F(GatewayHandlerTest, HealthzAnswersWithoutBackends) {
  HttpResponse response = Run("GET", "/healthz");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, R"({"status":"ok"})");
  EXPECT_EQ(response.route, "/healthz");
  EXPECT_TRUE(backends_.calls.empty());
}

TEST_F(GatewayHandlerTest, ReadyzListsEachBackendAndNeedsAllServing) {
  backends_.health = {{"qingquan.customer.v1", "127.0.0.1:1", "SERVING", ""},
                      {"qingquan.order.v1", "127.0.0.1:2", "UNAVAILABLE", "connection refused"}};
  HttpResponse response = Run("GET", "/readyz");
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(backends_.health_timeout, std::chrono::milliseconds(700));
  boost::json::value body = Json(response);
  EXPECT_EQ(body.at("status").as_string(), "not ready");
  ASSERT_EQ(body.at("backends").as_array().size(), 2u);
  EXPECT_EQ(body.at("backends").as_array()[1].at("state").as_string(), "UNAVAILABLE");
  EXPECT_EQ(body.at("backends").as_array()[1].at("error").as_string(), "connection refused");

  backends_.health[1].state = "SERVING";
  EXPECT_EQ(Run("GET", "/readyz").status, 200);
}

TEST_F(GatewayHandlerTest, ServesOpenApiWithoutAToken) {
  HttpResponse response = Run("GET", "/openapi.json");
  EXPECT_EQ(response.status, 200);
  EXPECT_TRUE(Json(response).at("paths").as_object().contains("/v1/work-orders/{id}:accept"));
}

TEST_F(GatewayHandlerTest, FixedEndpointsAnswerGetOnly) {
  HttpResponse response = Run("POST", "/healthz");
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(Header(response, "Allow"), "GET");
}

TEST_F(GatewayHandlerTest, UnknownPathIs404) {
  HttpResponse response = Run("GET", "/v1/nothing", "", bearer_);
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(Json(response).at("error").at("code").as_string(), "NOT_FOUND");
  EXPECT_EQ(response.route, "unmatched");
}

TEST_F(GatewayHandlerTest, WrongMethodIs405WithAllow) {
  HttpResponse response = Run("DELETE", "/v1/customers", "", bearer_);
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(Header(response, "Allow"), "GET, POST");
}

TEST_F(GatewayHandlerTest, MissingOrBadTokenIs401) {
  for (const std::string& authorization :
       {std::string(), std::string("Bearer nonsense"), std::string("Basic abc"),
        "Bearer " + *TokenIssuer({"k2", std::string(32, 'x')})
                         .Issue({"t", "u", "", {}}, std::chrono::minutes(1))}) {
    HttpResponse response = Run("GET", "/v1/customers/c1", "", authorization);
    EXPECT_EQ(response.status, 401) << authorization;
    EXPECT_EQ(Json(response).at("error").at("code").as_string(), "UNAUTHENTICATED");
    EXPECT_EQ(Header(response, "WWW-Authenticate"), "Bearer");
    EXPECT_EQ(response.route, "GET /v1/customers/{id}");
  }
  EXPECT_TRUE(backends_.calls.empty());
}

TEST_F(GatewayHandlerTest, LoginIsPublic) {
  qingquan::customer::v1::LoginResponse reply;
  reply.set_access_token("tok");
  reply.set_expires_in(3600);
  backends_.result = reply.SerializeAsString();
  HttpResponse response =
      Run("POST", "/v1/auth/login", R"({"tenant":"t-demo","username":"alice","password":"pw"})");
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.body, R"({"accessToken":"tok","expiresIn":3600})");
  ASSERT_EQ(backends_.calls.size(), 1u);
  const BackendCall& call = backends_.calls[0];
  EXPECT_EQ(call.package, "qingquan.customer.v1");
  EXPECT_EQ(call.grpc_method, "/qingquan.customer.v1.AuthService/Login");
  qingquan::customer::v1::LoginRequest sent;
  ASSERT_TRUE(sent.ParseFromString(call.request));
  EXPECT_EQ(sent.username(), "alice");
  EXPECT_EQ(Metadata(call, "x-request-id"), "req-1");
  EXPECT_EQ(Metadata(call, "x-qq-tenant"), "<absent>");
}

TEST_F(GatewayHandlerTest, ForwardsTheTokenAndIdentityAndAnswersInJson) {
  WorkOrder reply;
  reply.set_id("wo-1");
  reply.set_customer_id("c1");
  reply.set_state("ACCEPTED");
  backends_.result = reply.SerializeAsString();
  HttpResponse response = Run("POST", "/v1/work-orders/wo-1:accept", R"({"comment":"on my way"})",
                              bearer_, "application/json", "key-1");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.route, "POST /v1/work-orders/{id}:accept");
  EXPECT_EQ(response.tenant, "t-demo");
  boost::json::value body = Json(response);
  EXPECT_EQ(body.at("customerId").as_string(), "c1");
  EXPECT_EQ(body.at("state").as_string(), "ACCEPTED");

  ASSERT_EQ(backends_.calls.size(), 1u);
  const BackendCall& call = backends_.calls[0];
  EXPECT_EQ(call.package, "qingquan.order.v1");
  EXPECT_EQ(call.grpc_method, "/qingquan.order.v1.WorkOrderService/AcceptWorkOrder");
  EXPECT_EQ(call.timeout, std::chrono::milliseconds(1500));
  EXPECT_EQ(Metadata(call, "authorization"), bearer_);
  EXPECT_EQ(Metadata(call, "x-request-id"), "req-1");
  EXPECT_EQ(Metadata(call, "x-qq-tenant"), "t-demo");
  EXPECT_EQ(Metadata(call, "x-qq-user"), "u-1");
  EXPECT_EQ(Metadata(call, "x-qq-roles"), "agent,dispatcher");
  EXPECT_EQ(Metadata(call, "idempotency-key"), "key-1");
  qingquan::order::v1::AcceptWorkOrderRequest sent;
  ASSERT_TRUE(sent.ParseFromString(call.request));
  EXPECT_EQ(sent.id(), "wo-1");
  EXPECT_EQ(sent.comment(), "on my way");
}

TEST_F(GatewayHandlerTest, TranscodingErrorsAre400NamingTheField) {
  HttpResponse response =
      Run("POST", "/v1/work-orders", R"({"type":"BROKEN","customerId":"c1"})", bearer_);
  EXPECT_EQ(response.status, 400);
  boost::json::value body = Json(response);
  EXPECT_EQ(body.at("error").at("code").as_string(), "INVALID_ARGUMENT");
  EXPECT_EQ(body.at("error").at("field").as_string(), "type");

  response = Run("GET", "/v1/customers?pageSize=many", "", bearer_);
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(Json(response).at("error").at("field").as_string(), "pageSize");
  EXPECT_TRUE(backends_.calls.empty());
}

TEST_F(GatewayHandlerTest, RejectsIdempotencyKeysThatCannotTravelAsMetadata) {
  for (const std::string& key : {std::string(129, 'k'), std::string("k\x01"), std::string("键")}) {
    HttpResponse response = Run("POST", "/v1/customers", "{}", bearer_, "application/json", key);
    EXPECT_EQ(response.status, 400);
    EXPECT_EQ(Json(response).at("error").at("field").as_string(), "Idempotency-Key");
  }
  EXPECT_EQ(Run("POST", "/v1/customers", "{}", bearer_, "application/json", "").status, 200);
  EXPECT_EQ(Metadata(backends_.calls.back(), "idempotency-key"), "<absent>");
  EXPECT_TRUE(backends_.calls.size() == 1);
}

TEST_F(GatewayHandlerTest, NonJsonBodyIs415) {
  HttpResponse response = Run("POST", "/v1/customers", "<name>x</name>", bearer_, "text/xml");
  EXPECT_EQ(response.status, 415);
  EXPECT_TRUE(backends_.calls.empty());
  // `curl -d` labels bodies as form data: accepted, but still parsed strictly as JSON.
  EXPECT_EQ(
      Run("POST", "/v1/customers", "name=x", bearer_, "application/x-www-form-urlencoded").status,
      400);
  EXPECT_TRUE(backends_.calls.empty());
  EXPECT_EQ(Run("POST", "/v1/customers", "{}", bearer_, "application/x-www-form-urlencoded").status,
            200);
  // Parameters and +json types are fine, and an empty body needs no type at all.
  EXPECT_EQ(Run("POST", "/v1/customers", "{}", bearer_, "Application/JSON; charset=utf-8").status,
            200);
  EXPECT_EQ(Run("POST", "/v1/customers", "{}", bearer_, "application/merge-patch+json").status,
            200);
  EXPECT_EQ(Run("POST", "/v1/customers", "", bearer_, "text/plain").status, 200);
}

TEST_F(GatewayHandlerTest, BackendErrorsMapToHttpWithTheirField) {
  backends_.result = WithField(absl::NotFoundError("no such customer"), "customerId");
  HttpResponse response = Run("GET", "/v1/customers/c9", "", bearer_);
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.body,
            R"({"error":{"code":"NOT_FOUND","message":"客户不存在","detail":"no such customer",)"
            R"("field":"customerId"}})");

  backends_.result = absl::UnavailableError("failed to connect to all addresses");
  EXPECT_EQ(Run("GET", "/v1/customers/c9", "", bearer_).status, 503);
  backends_.result = absl::PermissionDeniedError("needs admin");
  EXPECT_EQ(Run("GET", "/v1/customers/c9", "", bearer_).status, 403);
  backends_.result = absl::DeadlineExceededError("deadline");
  EXPECT_EQ(Run("GET", "/v1/customers/c9", "", bearer_).status, 504);
}

TEST_F(GatewayHandlerTest, ServerSideFailuresDoNotLeakTheirDetails) {
  backends_.result = absl::UnavailableError(
      "failed to connect to all addresses; last error: ipv4:10.1.2.3:50051: Connection refused");
  HttpResponse unavailable = Run("GET", "/v1/customers/c9", "", bearer_);
  EXPECT_EQ(unavailable.status, 503);
  EXPECT_EQ(Json(unavailable).at("error").at("code").as_string(), "UNAVAILABLE");
  EXPECT_EQ(unavailable.body.find("10.1.2.3"), std::string::npos) << unavailable.body;
  backends_.result = absl::InternalError("relation \"customers\" does not exist");
  HttpResponse internal = Run("GET", "/v1/customers/c9", "", bearer_);
  EXPECT_EQ(internal.status, 500);
  EXPECT_EQ(internal.body.find("relation"), std::string::npos) << internal.body;
  // Client errors keep the service's own words.
  backends_.result = absl::FailedPreconditionError("cannot resolve a work order in state CREATED");
  EXPECT_NE(Run("GET", "/v1/customers/c9", "", bearer_).body.find("state CREATED"),
            std::string::npos);
}

TEST_F(GatewayHandlerTest, UnreadableBackendResponseIs500) {
  backends_.result = std::string("\xff\xff\xff", 3);
  HttpResponse response = Run("GET", "/v1/customers/c9", "", bearer_);
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(Json(response).at("error").at("code").as_string(), "INTERNAL");
}

TEST_F(GatewayHandlerTest, StreamsOnlyUploadRequestBodies) {
  EXPECT_TRUE(handler_->StreamsRequestBody("POST", "/v1/customers:import"));
  EXPECT_FALSE(handler_->StreamsRequestBody("POST", "/v1/customers"));
  EXPECT_FALSE(handler_->StreamsRequestBody("GET", "/v1/customers:export"));
  EXPECT_FALSE(handler_->StreamsRequestBody("GET", "/v1/nothing"));
}

TEST_F(GatewayHandlerTest, UploadSendsPathAndQueryFirstThenTheBodyInChunksOfAtMostOneMebibyte) {
  ImportCustomersResponse reply;
  reply.set_rows(2);
  reply.set_created(2);
  backends_.upload_result = reply.SerializeAsString();
  const std::string file = FileOf(2 * kUploadChunkBytes + kUploadChunkBytes / 2);
  HttpResponse response =
      Run("POST", "/v1/customers:import?onDuplicate=UPDATE&fileName=%E5%AE%A2%E6%88%B7.xlsx", file,
          bearer_, kXlsx, "import-1");
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.route, "POST /v1/customers:import");
  EXPECT_EQ(Json(response).at("created").as_int64(), 2);  // int32 counts are JSON numbers
  EXPECT_TRUE(backends_.calls.empty());

  std::vector<FakeBackends::Upload> uploads = backends_.Uploads();
  ASSERT_EQ(uploads.size(), 1u);
  const FakeBackends::Upload& upload = uploads[0];
  EXPECT_TRUE(upload.finished);
  EXPECT_FALSE(upload.cancelled);
  EXPECT_EQ(upload.call.grpc_method, "/qingquan.customer.v1.CustomerService/ImportCustomers");
  EXPECT_EQ(upload.call.package, "qingquan.customer.v1");
  EXPECT_EQ(upload.call.timeout, std::chrono::milliseconds(60000));  // the transfer timeout
  EXPECT_EQ(Metadata(upload.call, "authorization"), bearer_);
  EXPECT_EQ(Metadata(upload.call, "x-qq-tenant"), "t-demo");
  EXPECT_EQ(Metadata(upload.call, "idempotency-key"), "import-1");
  EXPECT_EQ(Metadata(upload.call, "x-request-id"), "req-1");

  ASSERT_EQ(upload.messages.size(), 3u);
  std::string received;
  for (size_t i = 0; i < upload.messages.size(); ++i) {
    ImportCustomersRequest message;
    ASSERT_TRUE(message.ParseFromString(upload.messages[i]));
    if (i == 0) {
      EXPECT_EQ(message.on_duplicate(), ImportCustomersRequest::UPDATE);
      EXPECT_EQ(message.file_name(), "客户.xlsx");
      EXPECT_EQ(message.file().content_type(), kXlsx);
    } else {
      EXPECT_EQ(message.on_duplicate(), ImportCustomersRequest::DUPLICATE_POLICY_UNSPECIFIED);
      EXPECT_EQ(message.file_name(), "");
      EXPECT_EQ(message.file().content_type(), "");
    }
    EXPECT_EQ(message.file().data().size(), i < 2 ? kUploadChunkBytes : kUploadChunkBytes / 2);
    received += message.file().data();
  }
  EXPECT_TRUE(received == file) << "the chunks do not add up to the file";
}

TEST_F(GatewayHandlerTest, UploadTakesAnyContentTypeAndAnEmptyBody) {
  int n = 0;
  for (const char* type :
       {"text/csv; charset=gbk", "application/octet-stream", kXlsx, "", "application/json"}) {
    HttpResponse response = Run("POST", "/v1/customers:import", "姓名,电话\n", bearer_, type);
    EXPECT_EQ(response.status, 200) << type << ": " << response.body;
    std::vector<FakeBackends::Upload> uploads = backends_.Uploads();
    ASSERT_EQ(uploads.size(), static_cast<size_t>(++n));
    ASSERT_EQ(uploads.back().messages.size(), 1u);
    ImportCustomersRequest message;
    ASSERT_TRUE(message.ParseFromString(uploads.back().messages[0]));
    EXPECT_EQ(message.file().content_type(), type);
    EXPECT_EQ(message.file().data(), "姓名,电话\n");
  }
  EXPECT_EQ(Run("POST", "/v1/customers:import", "", bearer_, "").status, 200);
  std::vector<FakeBackends::Upload> uploads = backends_.Uploads();
  ASSERT_EQ(uploads.back().messages.size(), 1u);
  EXPECT_TRUE(uploads.back().finished);
}

TEST_F(GatewayHandlerTest, UploadIsRefusedBeforeAnyMessageWithoutATokenOrWithABadQuery) {
  HttpResponse response = Run("POST", "/v1/customers:import", "a,b", "", "text/csv");
  EXPECT_EQ(response.status, 401);
  response = Run("POST", "/v1/customers:import?file.contentType=text/csv", "a,b", bearer_, "");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(Json(response).at("error").at("field").as_string(), "file.contentType");
  response = Run("POST", "/v1/customers:import?onDuplicate=SOMETIMES", "a,b", bearer_, "");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(Json(response).at("error").at("field").as_string(), "onDuplicate");
  EXPECT_TRUE(backends_.Uploads().empty());
}

TEST_F(GatewayHandlerTest, UploadRefusedByTheServiceMidwayAnswersWithItsError) {
  backends_.failing_write = 1;
  backends_.upload_result = InvalidField("file", "not an .xlsx or .csv file");
  HttpResponse response = Run("POST", "/v1/customers:import", FileOf(3 * kUploadChunkBytes),
                              bearer_, "application/octet-stream");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(Json(response).at("error").at("field").as_string(), "file");
  std::vector<FakeBackends::Upload> uploads = backends_.Uploads();
  ASSERT_EQ(uploads.size(), 1u);
  EXPECT_EQ(uploads[0].messages.size(), 1u);  // nothing more after the failed write
  EXPECT_TRUE(uploads[0].finished);
}

TEST_F(GatewayHandlerTest, DownloadAnswersWithTheFilesTypeAndNameAndStreamsTheRest) {
  backends_.download_script = {HttpBodyMessage("PK\x03\x04", kXlsx, "客户 2024.xlsx"),
                               HttpBodyMessage("second"), HttpBodyMessage(""),
                               HttpBodyMessage("third")};
  HttpResponse response = Run("GET", "/v1/customers:export?tag=vip", "", bearer_);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.content_type, kXlsx);
  EXPECT_EQ(Header(response, "Content-Disposition"),
            "attachment; filename*=UTF-8''%E5%AE%A2%E6%88%B7%202024.xlsx");
  EXPECT_EQ(response.body, "PK\x03\x04");
  EXPECT_EQ(response.route, "GET /v1/customers:export");
  EXPECT_EQ(response.tenant, "t-demo");
  ASSERT_NE(response.body_source, nullptr);
  absl::StatusOr<std::string> rest = Drain(*response.body_source);
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_EQ(*rest, "secondthird");

  std::vector<FakeBackends::Download> downloads = backends_.Downloads();
  ASSERT_EQ(downloads.size(), 1u);
  EXPECT_EQ(downloads[0].call.grpc_method, "/qingquan.customer.v1.CustomerService/ExportCustomers");
  EXPECT_EQ(downloads[0].call.timeout, std::chrono::milliseconds(60000));
  EXPECT_EQ(Metadata(downloads[0].call, "x-qq-user"), "u-1");
  ExportCustomersRequest sent;
  ASSERT_TRUE(sent.ParseFromString(downloads[0].call.request));
  EXPECT_EQ(sent.tag(), "vip");
  EXPECT_FALSE(downloads[0].cancelled);
}

TEST_F(GatewayHandlerTest, DownloadWithoutTypeOrNameIsAnOctetStreamAndMayBeEmpty) {
  backends_.download_script = {HttpBodyMessage("bytes")};
  HttpResponse response = Run("GET", "/v1/customers:export", "", bearer_);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "application/octet-stream");
  EXPECT_EQ(Header(response, "Content-Disposition"), "<absent>");
  EXPECT_EQ(response.body, "bytes");

  // A type that cannot be a header value is not passed on.
  backends_.download_script = {HttpBodyMessage("x", "text/csv\r\nSet-Cookie: a=b")};
  EXPECT_EQ(Run("GET", "/v1/customers:export", "", bearer_).content_type,
            "application/octet-stream");

  backends_.download_script.clear();  // no message at all
  response = Run("GET", "/v1/customers:export", "", bearer_);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "");
  EXPECT_EQ(response.body_source, nullptr);
}

TEST_F(GatewayHandlerTest, DownloadErrorBeforeAnyDataIsTheUsualJsonError) {
  backends_.download_script = {absl::PermissionDeniedError("needs admin")};
  HttpResponse response = Run("GET", "/v1/customers:export", "", bearer_);
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(response.content_type, kJsonContentType);
  EXPECT_EQ(Json(response).at("error").at("code").as_string(), "PERMISSION_DENIED");
  EXPECT_EQ(response.body_source, nullptr);

  backends_.download_script = {
      absl::UnavailableError("failed to connect to all addresses; ipv4:10.1.2.3:50051")};
  response = Run("GET", "/v1/customers:export", "", bearer_);
  EXPECT_EQ(response.status, 503);
  EXPECT_EQ(response.body.find("10.1.2.3"), std::string::npos) << response.body;

  EXPECT_EQ(Run("GET", "/v1/customers:export", "", "").status, 401);
  EXPECT_EQ(backends_.Downloads().size(), 2u);
}

TEST_F(GatewayHandlerTest, DownloadErrorAfterDataFailsTheBodySource) {
  backends_.download_script = {HttpBodyMessage("first", "text/csv"),
                               absl::InternalError("the database went away")};
  HttpResponse response = Run("GET", "/v1/customers:export", "", bearer_);
  ASSERT_EQ(response.status, 200);
  ASSERT_NE(response.body_source, nullptr);
  EXPECT_EQ(Drain(*response.body_source).status().code(), absl::StatusCode::kInternal);
}

TEST_F(GatewayHandlerTest, ADownloadGivenUpByTheServerIsCancelled) {
  backends_.download_script = {HttpBodyMessage("first"), HttpBodyMessage("second")};
  HttpResponse response = Run("GET", "/v1/customers:export", "", bearer_);
  ASSERT_NE(response.body_source, nullptr);
  response.body_source->Cancel();
  EXPECT_TRUE(backends_.Downloads()[0].cancelled);
}

std::string TrackingMessage(const std::string& state) {
  qingquan::dispatch::v1::Tracking tracking;
  tracking.set_order_id("o-1");
  tracking.set_state(state);
  return tracking.SerializeAsString();
}

// The event the gateway sends for TrackingMessage(state): its JSON with default fields.
std::string TrackingEvent(const std::string& state) {
  return "event: tracking\ndata: {\"orderId\":\"o-1\",\"number\":\"\",\"state\":\"" + state +
         "\",\"courierName\":\"\",\"stopsBefore\":0}\n\n";
}

TEST_F(GatewayHandlerTest, EventStreamSendsAnEventPerMessageUntilTheCallEnds) {
  backends_.download_script = {TrackingMessage("ASSIGNED"), TrackingMessage("DELIVERING"),
                               TrackingMessage("DELIVERED")};
  HttpResponse response = Run("GET", "/v1/delivery-orders/o-1/tracking:watch", "", bearer_);
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.content_type, "text/event-stream; charset=utf-8");
  EXPECT_TRUE(response.open_ended);
  EXPECT_EQ(response.body, "retry: 3000\n\n" + TrackingEvent("ASSIGNED"));
  ASSERT_NE(response.body_source, nullptr);
  absl::StatusOr<std::string> rest = Drain(*response.body_source);
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_EQ(*rest, TrackingEvent("DELIVERING") + TrackingEvent("DELIVERED"));
  std::vector<FakeBackends::Download> calls = backends_.Downloads();
  ASSERT_EQ(calls.size(), 1u);
  EXPECT_EQ(calls[0].call.grpc_method, "/qingquan.dispatch.v1.RouteService/WatchTracking");
  EXPECT_EQ(calls[0].call.timeout, GatewayOptions{}.event_stream_timeout);
  EXPECT_FALSE(calls[0].cancelled);
}

TEST_F(GatewayHandlerTest, EventStreamFailureBeforeTheFirstEventIsAnHttpError) {
  backends_.download_script = {absl::NotFoundError("no such order")};
  HttpResponse response = Run("GET", "/v1/delivery-orders/o-1/tracking:watch", "", bearer_);
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(Json(response).at("error").at("code").as_string(), "NOT_FOUND");
  EXPECT_EQ(response.body_source, nullptr);
}

TEST_F(GatewayHandlerTest, EventStreamFailureAfterItStartedIsAnErrorEventThenTheEnd) {
  backends_.download_script = {TrackingMessage("ASSIGNED"),
                               absl::UnavailableError("connection to 10.1.2.3:50053 lost")};
  HttpResponse response = Run("GET", "/v1/delivery-orders/o-1/tracking:watch", "", bearer_);
  ASSERT_EQ(response.status, 200);
  ASSERT_NE(response.body_source, nullptr);
  absl::StatusOr<std::string> rest = Drain(*response.body_source);
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_EQ(rest->rfind("event: error\ndata: {\"error\":", 0), 0u) << *rest;
  EXPECT_NE(rest->find("UNAVAILABLE"), std::string::npos) << *rest;
  EXPECT_EQ(rest->find("10.1.2.3"), std::string::npos) << *rest;  // internal detail stays
}

TEST_F(GatewayHandlerTest, EventStreamReachingItsTimeLimitEndsCleanly) {
  backends_.download_script = {TrackingMessage("ASSIGNED"),
                               absl::DeadlineExceededError("deadline exceeded")};
  HttpResponse response = Run("GET", "/v1/delivery-orders/o-1/tracking:watch", "", bearer_);
  ASSERT_NE(response.body_source, nullptr);
  absl::StatusOr<std::string> rest = Drain(*response.body_source);
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_EQ(*rest, "");  // no error event: the client reconnects after `retry`
}

TEST_F(GatewayHandlerTest, AnEventStreamGivenUpByTheServerIsCancelled) {
  backends_.download_script = {TrackingMessage("ASSIGNED"), TrackingMessage("DELIVERING")};
  HttpResponse response = Run("GET", "/v1/delivery-orders/o-1/tracking:watch", "", bearer_);
  ASSERT_NE(response.body_source, nullptr);
  response.body_source->Cancel();
  EXPECT_TRUE(backends_.Downloads()[0].cancelled);
  absl::StatusOr<std::string> rest = Drain(*response.body_source);
  ASSERT_TRUE(rest.ok());
  EXPECT_EQ(*rest, "");  // nothing more once given up
}

}  // namespace
}  // namespace qq::gateway
