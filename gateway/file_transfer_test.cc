// Uploads and downloads end to end through the gateway: a real HttpServer with the
// GatewayHandler and the real routes on a socket, the backends faked; and once through
// the BackendPool to a generic gRPC server playing the customer service.
#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <gtest/gtest.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <iterator>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gateway/backend_pool.h"
#include "gateway/fake_backends.h"
#include "gateway/gateway_handler.h"
#include "gateway/http_server.h"
#include "gateway/linked_services.h"
#include "qingquan/common/v1/common.pb.h"
#include "qingquan/customer/v1/customer.pb.h"

namespace qq::gateway {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using qingquan::customer::v1::ImportCustomersRequest;

const JwtKey kKey{"k1", "0123456789abcdef0123456789abcdef"};

std::string FileOf(size_t size) {
  std::string file(size, '\0');
  for (size_t i = 0; i < size; ++i) file[i] = static_cast<char>((i * 131 + i / 4096) & 0xFF);
  return file;
}

std::string HttpBodyMessage(std::string data, std::string content_type = "",
                            std::string file_name = "") {
  qingquan::common::v1::HttpBody body;
  body.set_data(std::move(data));
  body.set_content_type(std::move(content_type));
  body.set_file_name(std::move(file_name));
  return body.SerializeAsString();
}

class FileTransferTest : public ::testing::Test {
 protected:
  // Serves with `backends` (default: the fake).
  void Start(uint64_t max_upload_bytes = 64 * 1024 * 1024, Backends* backends = nullptr) {
    absl::StatusOr<RouteTable> table = RouteTable::Build(
        LinkedServices(ApiPackages()), {std::begin(kPublicMethods), std::end(kPublicMethods)});
    ASSERT_TRUE(table.ok()) << table.status();
    routes_.emplace(*std::move(table));
    handler_.emplace(*routes_, backends ? *backends : backends_, verifier_, GatewayOptions{});
    HttpServerOptions options;
    options.listen = "127.0.0.1:0";
    options.max_upload_bytes = max_upload_bytes;
    server_ = std::make_unique<HttpServer>(options, *handler_, nullptr);
    ASSERT_TRUE(server_->Start().ok());
    absl::StatusOr<std::string> token =
        TokenIssuer(kKey).Issue({"t-demo", "u-1", "alice", {"admin"}}, std::chrono::minutes(5));
    ASSERT_TRUE(token.ok()) << token.status();
    bearer_ = "Bearer " + *token;
  }

  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::seconds(1));
  }

  tcp::socket Connect() {
    tcp::socket socket(io_);
    socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server_->port()));
    return socket;
  }

  http::request<http::string_body> Request(http::verb verb, const std::string& target) {
    http::request<http::string_body> request(verb, target, 11);
    request.set(http::field::host, "localhost");
    request.set(http::field::authorization, bearer_);
    return request;
  }

  // The head of a POST whose body follows in chunked transfer encoding.
  std::string ChunkedHead(const std::string& target, const std::string& content_type) {
    return absl::StrCat("POST ", target, " HTTP/1.1\r\nHost: x\r\nAuthorization: ", bearer_,
                        "\r\nContent-Type: ", content_type,
                        "\r\nTransfer-Encoding: chunked\r\n\r\n");
  }

  // `body` in chunks of `chunk` bytes, with the last chunk.
  static std::string Chunked(const std::string& body, size_t chunk) {
    std::string out;
    for (size_t i = 0; i < body.size(); i += chunk) {
      std::string part = body.substr(i, chunk);
      absl::StrAppend(&out, absl::Hex(part.size()), "\r\n", part, "\r\n");
    }
    return out + "0\r\n\r\n";
  }

  static http::response<http::string_body> Read(tcp::socket& socket, beast::flat_buffer& buffer) {
    http::response<http::string_body> response;
    beast::error_code ec;
    http::read(socket, buffer, response, ec);
    EXPECT_FALSE(ec) << ec.message();
    return response;
  }

  // The data of an upload's messages, joined, after checking each is at most 1 MiB.
  static std::string DataOf(const FakeBackends::Upload& upload) {
    std::string data;
    for (const std::string& bytes : upload.messages) {
      ImportCustomersRequest message;
      EXPECT_TRUE(message.ParseFromString(bytes));
      EXPECT_LE(message.file().data().size(), kUploadChunkBytes);
      data += message.file().data();
    }
    return data;
  }

  net::io_context io_;
  FakeBackends backends_;
  TokenVerifier verifier_{std::vector<JwtKey>{kKey}};
  std::optional<RouteTable> routes_;
  std::optional<GatewayHandler> handler_;
  std::unique_ptr<HttpServer> server_;
  std::string bearer_;
};

TEST_F(FileTransferTest, UploadOfTwoAndAHalfMebibytesArrivesAsThreeMessagesInOrder) {
  Start();
  const std::string file = FileOf(2 * kUploadChunkBytes + kUploadChunkBytes / 2);
  tcp::socket socket = Connect();
  beast::flat_buffer buffer;
  auto request =
      Request(http::verb::post, "/v1/customers:import?onDuplicate=UPDATE&fileName=%E5%AE%A2.csv");
  request.set(http::field::content_type, "text/csv");
  request.body() = file;
  request.prepare_payload();
  http::write(socket, request);
  http::response<http::string_body> response = Read(socket, buffer);
  EXPECT_EQ(response.result_int(), 200) << response.body();
  EXPECT_EQ(response[http::field::content_type], "application/json; charset=utf-8");
  EXPECT_TRUE(response.keep_alive());

  std::vector<FakeBackends::Upload> uploads = backends_.Uploads();
  ASSERT_EQ(uploads.size(), 1u);
  ASSERT_EQ(uploads[0].messages.size(), 3u);
  ImportCustomersRequest first;
  ASSERT_TRUE(first.ParseFromString(uploads[0].messages[0]));
  EXPECT_EQ(first.on_duplicate(), ImportCustomersRequest::UPDATE);
  EXPECT_EQ(first.file_name(), "客.csv");
  EXPECT_EQ(first.file().content_type(), "text/csv");
  EXPECT_EQ(first.file().data().size(), kUploadChunkBytes);
  EXPECT_TRUE(DataOf(uploads[0]) == file) << "the chunks do not add up to the file";

  // The connection carries on with the next request.
  http::write(socket, Request(http::verb::get, "/healthz"));
  EXPECT_EQ(Read(socket, buffer).result_int(), 200);
}

TEST_F(FileTransferTest, UploadWithAChunkedRequestBodyIsRechunkedToMebibytes) {
  Start();
  const std::string file = FileOf(2 * kUploadChunkBytes + 1000);
  tcp::socket socket = Connect();
  net::write(socket, net::buffer(ChunkedHead("/v1/customers:import", "application/octet-stream") +
                                 Chunked(file, 64 * 1024 + 7)));
  beast::flat_buffer buffer;
  EXPECT_EQ(Read(socket, buffer).result_int(), 200);
  std::vector<FakeBackends::Upload> uploads = backends_.Uploads();
  ASSERT_EQ(uploads.size(), 1u);
  EXPECT_EQ(uploads[0].messages.size(), 3u);
  EXPECT_TRUE(DataOf(uploads[0]) == file) << "the chunks do not add up to the file";
}

TEST_F(FileTransferTest, UploadLargerThanTheLimitByContentLengthIs413BeforeTheBody) {
  Start(/*max_upload_bytes=*/100000);
  tcp::socket socket = Connect();
  // With Expect: 100-continue the client waits: the answer must come without the body.
  net::write(socket,
             net::buffer(absl::StrCat(
                 "POST /v1/customers:import HTTP/1.1\r\nHost: x\r\nAuthorization: ", bearer_,
                 "\r\nContent-Type: text/csv\r\nContent-Length: 100001\r\n"
                 "Expect: 100-continue\r\n\r\n")));
  beast::flat_buffer buffer;
  http::response<http::string_body> response = Read(socket, buffer);
  EXPECT_EQ(response.result_int(), 413);
  EXPECT_FALSE(response.keep_alive());
  EXPECT_TRUE(absl::StrContains(response.body(),
                                "request body is larger than 100000 bytes (the upload limit)"))
      << response.body();
  EXPECT_TRUE(absl::StrContains(response.body(), "RESOURCE_EXHAUSTED"));
  EXPECT_TRUE(backends_.Uploads().empty());
}

TEST_F(FileTransferTest, UploadLargerThanTheLimitInAChunkedBodyIs413AndTheCallCancelled) {
  Start(/*max_upload_bytes=*/100000);
  tcp::socket socket = Connect();
  net::write(socket, net::buffer(ChunkedHead("/v1/customers:import", "text/csv") +
                                 Chunked(FileOf(150000), 10000)));
  beast::flat_buffer buffer;
  http::response<http::string_body> response = Read(socket, buffer);
  EXPECT_EQ(response.result_int(), 413);
  EXPECT_FALSE(response.keep_alive());
  EXPECT_TRUE(absl::StrContains(response.body(),
                                "request body is larger than 100000 bytes (the upload limit)"))
      << response.body();
  std::vector<FakeBackends::Upload> uploads = backends_.Uploads();
  ASSERT_EQ(uploads.size(), 1u);
  EXPECT_TRUE(uploads[0].cancelled);
  EXPECT_FALSE(uploads[0].finished);
}

TEST_F(FileTransferTest, JsonRoutesKeepTheSmallBodyLimit) {
  Start();
  tcp::socket socket = Connect();
  auto request = Request(http::verb::post, "/v1/customers");
  request.set(http::field::content_type, "application/json");
  request.body() = std::string(1048577, ' ');
  request.prepare_payload();
  http::write(socket, request);
  beast::flat_buffer buffer;
  http::response<http::string_body> response = Read(socket, buffer);
  EXPECT_EQ(response.result_int(), 413);
  EXPECT_TRUE(absl::StrContains(response.body(), "larger than 1048576 bytes\"")) << response.body();
}

TEST_F(FileTransferTest, UploadRefusedBeforeItsBodyAsksForNoBodyAndCloses) {
  Start();
  tcp::socket socket = Connect();
  net::write(socket,
             net::buffer(std::string("POST /v1/customers:import HTTP/1.1\r\nHost: x\r\n"
                                     "Content-Length: 10\r\nExpect: 100-continue\r\n\r\n")));
  beast::flat_buffer buffer;
  http::response<http::string_body> response = Read(socket, buffer);
  EXPECT_EQ(response.result_int(), 401);  // not 100 Continue: no token
  EXPECT_FALSE(response.keep_alive());
  EXPECT_TRUE(backends_.Uploads().empty());
}

TEST_F(FileTransferTest, DownloadIsChunkedWithTheFilesTypeAndName) {
  Start();
  backends_.download_script = {
      HttpBodyMessage("name,phone\n", "text/csv; charset=utf-8", "客户 2024.csv"),
      HttpBodyMessage("张三,13800000000\n"), HttpBodyMessage(""),
      HttpBodyMessage("李四,13900000000\n")};
  tcp::socket socket = Connect();
  beast::flat_buffer buffer;
  http::write(socket, Request(http::verb::get, "/v1/customers:export?tag=vip"));
  http::response<http::string_body> response = Read(socket, buffer);
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response[http::field::content_type], "text/csv; charset=utf-8");
  EXPECT_EQ(response[http::field::content_disposition],
            "attachment; filename*=UTF-8''%E5%AE%A2%E6%88%B7%202024.csv");
  EXPECT_EQ(response[http::field::transfer_encoding], "chunked");
  EXPECT_FALSE(response.has_content_length());
  EXPECT_FALSE(response["X-Request-Id"].empty());
  EXPECT_EQ(response.body(), "name,phone\n张三,13800000000\n李四,13900000000\n");
  EXPECT_TRUE(response.keep_alive());

  http::write(socket, Request(http::verb::get, "/healthz"));
  EXPECT_EQ(Read(socket, buffer).result_int(), 200);
}

TEST_F(FileTransferTest, DownloadErrorBeforeAnyDataIsAJsonError) {
  Start();
  backends_.download_script = {absl::NotFoundError("no such tag")};
  tcp::socket socket = Connect();
  beast::flat_buffer buffer;
  http::write(socket, Request(http::verb::get, "/v1/customers:export?tag=nope"));
  http::response<http::string_body> response = Read(socket, buffer);
  EXPECT_EQ(response.result_int(), 404);
  EXPECT_EQ(response[http::field::content_type], "application/json; charset=utf-8");
  EXPECT_EQ(
      response.body(),
      R"({"error":{"code":"NOT_FOUND","message":"找不到要查看的记录","detail":"no such tag"}})");
  EXPECT_TRUE(response.keep_alive());
}

TEST_F(FileTransferTest, DownloadErrorAfterDataCutsTheTransferShort) {
  Start();
  backends_.download_script = {HttpBodyMessage("first part", "text/csv"),
                               absl::InternalError("the database went away")};
  tcp::socket socket = Connect();
  http::write(socket, Request(http::verb::get, "/v1/customers:export"));
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  beast::error_code ec;
  http::read(socket, buffer, parser, ec);
  EXPECT_EQ(ec, http::error::partial_message) << ec.message();
  EXPECT_EQ(parser.get().result_int(), 200);
  EXPECT_EQ(parser.get().body(), "first part");
  EXPECT_FALSE(parser.is_done());
}

std::string BytesOf(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  (void)buffer.Dump(&slices);
  for (const grpc::Slice& s : slices)
    out.append(reinterpret_cast<const char*>(s.begin()), s.size());
  return out;
}

// The file RPCs of the customer service, generically: ImportCustomers answers how many
// bytes came (rows) and, as warnings, the first message's content type and file name
// and whether the bytes were the expected pattern; ExportCustomers sends five 1 MiB
// messages of 'a'..'e'.
class FileService : public grpc::CallbackGenericService {
 public:
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext* ctx) override {
    return new Reactor(ctx->method());
  }

 private:
  class Reactor : public grpc::ServerGenericBidiReactor {
   public:
    explicit Reactor(std::string method) : method_(std::move(method)) { StartRead(&in_); }

    void OnReadDone(bool ok) override {
      if (method_ == "/qingquan.customer.v1.CustomerService/ImportCustomers") {
        if (ok) {
          ImportCustomersRequest message;
          message.ParseFromString(BytesOf(in_));
          if (messages_++ == 0) {
            first_type_ = message.file().content_type();
            first_name_ = message.file_name();
          }
          file_ += message.file().data();
          return StartRead(&in_);
        }
        qingquan::customer::v1::ImportCustomersResponse response;
        response.set_rows(static_cast<int64_t>(file_.size()));
        response.add_warnings(first_type_);
        response.add_warnings(first_name_);
        response.add_warnings(file_ == FileOf(file_.size()) ? "intact" : "garbled");
        response.set_created(messages_);
        return Write(response.SerializeAsString(), /*last=*/true);
      }
      if (!ok) return Finish(grpc::Status(grpc::StatusCode::INTERNAL, "no request"));
      WriteNextPart();
    }

    void OnWriteDone(bool ok) override {
      if (!ok) return Finish(grpc::Status::CANCELLED);
      WriteNextPart();
    }

    void OnDone() override { delete this; }

   private:
    void Write(const std::string& bytes, bool last) {
      grpc::Slice slice(bytes);
      out_ = grpc::ByteBuffer(&slice, 1);
      if (last) return StartWriteAndFinish(&out_, grpc::WriteOptions(), grpc::Status::OK);
      StartWrite(&out_);
    }

    void WriteNextPart() {
      if (parts_ == 5) return Finish(grpc::Status::OK);
      std::string data(kUploadChunkBytes, static_cast<char>('a' + parts_));
      std::string part =
          parts_ == 0 ? HttpBodyMessage(data, "text/plain", "五.txt") : HttpBodyMessage(data);
      ++parts_;
      Write(part, /*last=*/false);
    }

    std::string method_;
    grpc::ByteBuffer in_;
    grpc::ByteBuffer out_;
    int messages_ = 0;
    std::string first_type_;
    std::string first_name_;
    std::string file_;
    int parts_ = 0;
  };
};

TEST_F(FileTransferTest, UploadAndDownloadThroughARealGrpcBackend) {
  FileService service;
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterCallbackGenericService(&service);
  std::unique_ptr<grpc::Server> grpc_server = builder.BuildAndStart();
  ASSERT_NE(grpc_server, nullptr);
  BackendPool pool({{"qingquan.customer.v1", absl::StrCat("127.0.0.1:", port)}});
  Start(64 * 1024 * 1024, &pool);

  const std::string file = FileOf(5 * kUploadChunkBytes + 123);
  tcp::socket socket = Connect();
  beast::flat_buffer buffer;
  auto upload = Request(http::verb::post, "/v1/customers:import?fileName=big.csv");
  upload.set(http::field::content_type, "text/csv");
  upload.body() = file;
  upload.prepare_payload();
  http::write(socket, upload);
  http::response<http::string_body> response = Read(socket, buffer);
  EXPECT_EQ(response.result_int(), 200) << response.body();
  EXPECT_TRUE(absl::StrContains(response.body(), absl::StrCat("\"rows\":", file.size(), ",")))
      << response.body();
  EXPECT_TRUE(absl::StrContains(response.body(), "\"created\":6,"))
      << response.body();  // six messages
  EXPECT_TRUE(absl::StrContains(response.body(), R"("warnings":["text/csv","big.csv","intact"])"))
      << response.body();

  http::write(socket, Request(http::verb::get, "/v1/customers:export"));
  http::response_parser<http::string_body> parser;
  parser.body_limit(16 * 1024 * 1024);
  http::read(socket, buffer, parser);
  EXPECT_EQ(parser.get().result_int(), 200);
  EXPECT_EQ(parser.get()[http::field::content_type], "text/plain");
  EXPECT_EQ(parser.get()[http::field::content_disposition],
            "attachment; filename*=UTF-8''%E4%BA%94.txt");
  EXPECT_TRUE(parser.get().chunked());
  std::string expected;
  for (char c : std::string("abcde")) expected += std::string(kUploadChunkBytes, c);
  EXPECT_TRUE(parser.get().body() == expected) << "the download is not the five parts";

  server_->Shutdown(std::chrono::seconds(1));
  server_.reset();
  pool.Shutdown(std::chrono::seconds(1));
  grpc_server->Shutdown(std::chrono::system_clock::now());
}

}  // namespace
}  // namespace qq::gateway
