#include "gateway/http_server.h"

#include <gtest/gtest.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <atomic>
#include <future>
#include <mutex>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace qq::gateway {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// Echoes the request as JSON-ish text; answers from another thread after `delay`.
class EchoHandler : public HttpHandler {
 public:
  void Handle(HttpRequest request, Respond respond) override {
    ++requests;
    HttpResponse response;
    response.body = "{\"method\":\"" + request.method + "\",\"path\":\"" + request.path +
                    "\",\"query\":\"" + request.query + "\",\"id\":\"" + request.request_id +
                    "\",\"bytes\":" + std::to_string(request.body.size()) + "}";
    response.route = "echo";
    if (delay.count() == 0) return respond(std::move(response));
    std::thread([respond = std::move(respond), response = std::move(response), d = delay] {
      std::this_thread::sleep_for(d);
      respond(response);
    }).detach();
  }

  std::atomic<int> requests{0};
  std::chrono::milliseconds delay{0};
};

// /upload streams its body and answers with the sizes of the pieces it read, in order;
// /download answers "one;" and then, from a source, "two;" once the test releases it.
class StreamingHandler : public HttpHandler {
 public:
  ~StreamingHandler() override {
    for (std::thread& thread : threads) thread.join();
  }

  bool StreamsRequestBody(absl::string_view, absl::string_view path) const override {
    return path == "/upload";
  }

  void Handle(HttpRequest request, Respond respond) override {
    if (request.path == "/download") {
      HttpResponse response;
      response.content_type = "text/plain";
      response.body = "one;";
      response.body_source = std::make_shared<Source>(*this);
      return respond(std::move(response));
    }
    if (request.body_reader == nullptr) {
      return respond(ErrorResponse(absl::InternalError("expected a streamed body")));
    }
    ReadAll(std::move(request.body_reader), std::move(respond));
  }

  void ReadAll(std::shared_ptr<RequestBodyReader> reader, Respond respond) {
    RequestBodyReader& r = *reader;
    r.Read(1000, [this, reader = std::move(reader),
                  respond = std::move(respond)](absl::StatusOr<BodyPiece> piece) mutable {
      if (!piece.ok()) return respond(ErrorResponse(piece.status()));
      {
        std::lock_guard lock(mu);
        sizes.push_back(piece->data.size());
      }
      ++pieces;
      if (!piece->last) return ReadAll(std::move(reader), std::move(respond));
      HttpResponse response;
      std::lock_guard lock(mu);
      response.body = absl::StrCat("{\"sizes\":\"", absl::StrJoin(sizes, ","), "\"}");
      respond(std::move(response));
    });
  }

  class Source : public ResponseBodySource {
   public:
    explicit Source(StreamingHandler& handler) : handler_(handler) {}
    void Next(NextDone done) override {
      if (++calls_ > 1) return done(std::nullopt);
      std::lock_guard lock(handler_.mu);
      handler_.threads.emplace_back([this, done = std::move(done)] {
        handler_.released_in_time = handler_.release.get_future().wait_for(
                                        std::chrono::seconds(5)) == std::future_status::ready;
        done("two;");
      });
    }
    void Cancel() override {}

   private:
    StreamingHandler& handler_;
    int calls_ = 0;
  };

  std::mutex mu;
  std::vector<size_t> sizes;
  std::atomic<int> pieces{0};
  std::promise<void> release;
  std::atomic<bool> released_in_time{false};
  std::vector<std::thread> threads;
};

class HttpServerTest : public ::testing::Test {
 protected:
  void Start(HttpServerOptions options = {}) {
    options.listen = "127.0.0.1:0";
    server_ = std::make_unique<HttpServer>(options, handler_, nullptr);
    ASSERT_TRUE(server_->Start().ok());
    ASSERT_GT(server_->port(), 0);
  }

  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::seconds(1));
  }

  tcp::socket Connect() {
    tcp::socket socket(io_);
    socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server_->port()));
    return socket;
  }

  static http::response<http::string_body> Read(tcp::socket& socket, beast::flat_buffer& buffer) {
    http::response<http::string_body> response;
    beast::error_code ec;
    http::read(socket, buffer, response, ec);
    EXPECT_FALSE(ec) << ec.message();
    return response;
  }

  static http::request<http::string_body> Get(const std::string& target) {
    http::request<http::string_body> request(http::verb::get, target, 11);
    request.set(http::field::host, "localhost");
    return request;
  }

  net::io_context io_;
  EchoHandler handler_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, ServesSeveralRequestsOnOneKeepAliveConnection) {
  Start();
  tcp::socket socket = Connect();
  beast::flat_buffer buffer;
  for (const char* target : {"/v1/a?x=1", "/v1/b"}) {
    http::write(socket, Get(target));
    http::response<http::string_body> response = Read(socket, buffer);
    EXPECT_EQ(response.result_int(), 200);
    EXPECT_TRUE(response.keep_alive());
    EXPECT_EQ(response[http::field::content_type], "application/json; charset=utf-8");
    EXPECT_TRUE(absl::StrContains(response.body(),
                                  std::string("\"path\":\"") + std::string(target).substr(0, 5)))
        << response.body();
  }
  EXPECT_EQ(handler_.requests.load(), 2);
}

TEST_F(HttpServerTest, SplitsQueryFromPath) {
  Start();
  tcp::socket socket = Connect();
  beast::flat_buffer buffer;
  http::write(socket, Get("/v1/customers?pageSize=5&x=%20"));
  EXPECT_TRUE(absl::StrContains(Read(socket, buffer).body(),
                                R"("path":"/v1/customers","query":"pageSize=5&x=%20")"));
}

TEST_F(HttpServerTest, KeepsAValidRequestIdAndReplacesOthers) {
  Start();
  tcp::socket socket = Connect();
  beast::flat_buffer buffer;
  auto request = Get("/x");
  request.set("X-Request-Id", "abc-123.DEF_4");
  http::write(socket, request);
  http::response<http::string_body> response = Read(socket, buffer);
  EXPECT_EQ(response["X-Request-Id"], "abc-123.DEF_4");
  EXPECT_TRUE(absl::StrContains(response.body(), R"("id":"abc-123.DEF_4")"));

  request.set("X-Request-Id", "bad id; drop table");
  http::write(socket, request);
  response = Read(socket, buffer);
  std::string generated(response["X-Request-Id"]);
  EXPECT_EQ(generated.size(), 32u);
  EXPECT_EQ(generated.find_first_not_of("0123456789abcdef"), std::string::npos);

  request.erase("X-Request-Id");
  http::write(socket, request);
  EXPECT_NE(std::string(Read(socket, buffer)["X-Request-Id"]), generated);
}

TEST(RequestIdFor, AcceptsOnlyShortSafeIds) {
  EXPECT_EQ(RequestIdFor("a.b-c_D9"), "a.b-c_D9");
  EXPECT_EQ(RequestIdFor(std::string(128, 'a')), std::string(128, 'a'));
  EXPECT_NE(RequestIdFor(std::string(129, 'a')), std::string(129, 'a'));
  EXPECT_EQ(RequestIdFor("").size(), 32u);
  EXPECT_EQ(RequestIdFor("a/b").size(), 32u);
}

TEST_F(HttpServerTest, RejectsOversizedBodyWith413AndCloses) {
  Start({.max_body_bytes = 1000});
  tcp::socket socket = Connect();
  beast::flat_buffer buffer;
  http::request<http::string_body> request(http::verb::post, "/v1/customers", 11);
  request.set(http::field::content_type, "application/json");
  request.body() = std::string(1001, 'a');
  request.prepare_payload();
  http::write(socket, request);
  http::response<http::string_body> response = Read(socket, buffer);
  EXPECT_EQ(response.result_int(), 413);
  EXPECT_FALSE(response.keep_alive());
  EXPECT_TRUE(absl::StrContains(response.body(), "RESOURCE_EXHAUSTED")) << response.body();
  EXPECT_EQ(handler_.requests.load(), 0);

  // Exactly at the limit is fine.
  tcp::socket second = Connect();
  beast::flat_buffer second_buffer;
  request.body() = std::string(1000, 'a');
  request.prepare_payload();
  http::write(second, request);
  EXPECT_EQ(Read(second, second_buffer).result_int(), 200);
}

TEST_F(HttpServerTest, AnswersExpectContinueBeforeTheBody) {
  Start();
  tcp::socket socket = Connect();
  std::string head =
      "POST /v1/customers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Content-Length: 2\r\nExpect: 100-continue\r\n\r\n";
  net::write(socket, net::buffer(head));
  beast::flat_buffer buffer;
  http::response<http::empty_body> interim;
  http::read(socket, buffer, interim);
  EXPECT_EQ(interim.result_int(), 100);
  net::write(socket, net::buffer(std::string("{}")));
  http::response<http::string_body> response = Read(socket, buffer);
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_TRUE(absl::StrContains(response.body(), R"("bytes":2)"));
}

TEST_F(HttpServerTest, MalformedRequestGets400) {
  Start();
  tcp::socket socket = Connect();
  net::write(socket, net::buffer(std::string("GET /x HTTP/1.1\r\nBad Header\r\n\r\n")));
  beast::flat_buffer buffer;
  http::response<http::string_body> response = Read(socket, buffer);
  EXPECT_EQ(response.result_int(), 400);
  EXPECT_TRUE(absl::StrContains(response.body(), "malformed HTTP request"));
}

TEST_F(HttpServerTest, DeliversAnswersGivenOnOtherThreads) {
  handler_.delay = std::chrono::milliseconds(50);
  Start();
  tcp::socket socket = Connect();
  beast::flat_buffer buffer;
  for (int i = 0; i < 3; ++i) {
    http::write(socket, Get("/slow"));
    EXPECT_EQ(Read(socket, buffer).result_int(), 200);
  }
}

TEST_F(HttpServerTest, ClosesIdleConnectionsAfterTheTimeout) {
  Start({.request_timeout = std::chrono::milliseconds(200)});
  tcp::socket socket = Connect();
  char byte;
  beast::error_code ec;
  auto start = std::chrono::steady_clock::now();
  net::read(socket, net::buffer(&byte, 1), ec);
  EXPECT_EQ(ec, net::error::eof);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
}

TEST_F(HttpServerTest, ShutdownLetsRequestsInFlightFinish) {
  handler_.delay = std::chrono::milliseconds(300);
  Start();
  tcp::socket idle = Connect();
  beast::flat_buffer idle_buffer;
  http::write(idle, Get("/warm-up"));  // now surely accepted, and then idle
  EXPECT_EQ(Read(idle, idle_buffer).result_int(), 200);
  handler_.requests = 0;
  tcp::socket busy = Connect();
  http::write(busy, Get("/slow"));
  while (handler_.requests.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  std::thread stopper([this] { server_->Shutdown(std::chrono::seconds(2)); });
  beast::flat_buffer buffer;
  http::response<http::string_body> response = Read(busy, buffer);
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_FALSE(response.keep_alive());
  char byte;
  beast::error_code ec;
  net::read(idle, net::buffer(&byte, 1), ec);
  EXPECT_EQ(ec, net::error::eof);  // the idle connection was closed, not left hanging
  stopper.join();
  server_.reset();
}

class StreamingServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ =
        std::make_unique<HttpServer>(HttpServerOptions{.listen = "127.0.0.1:0"}, handler_, nullptr);
    ASSERT_TRUE(server_->Start().ok());
  }
  void TearDown() override { server_->Shutdown(std::chrono::seconds(1)); }

  tcp::socket Connect() {
    tcp::socket socket(io_);
    socket.connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), server_->port()));
    return socket;
  }

  net::io_context io_;
  StreamingHandler handler_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(StreamingServerTest, HandsAnUploadBodyOverPieceByPieceAsItArrives) {
  tcp::socket socket = Connect();
  net::write(socket, net::buffer(std::string("POST /upload HTTP/1.1\r\nHost: x\r\n"
                                             "Content-Length: 2500\r\n\r\n") +
                                 std::string(1000, 'a')));
  // The first piece reaches the handler while the rest has not even been sent.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (handler_.pieces.load() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(handler_.pieces.load(), 1);
  net::write(socket, net::buffer(std::string(1500, 'b')));
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), R"({"sizes":"1000,1000,500"})");
  EXPECT_TRUE(response.keep_alive());
}

TEST_F(StreamingServerTest, AnUploadBodyOverTheDefaultJsonLimitIsFine) {
  tcp::socket socket = Connect();
  http::request<http::string_body> request(http::verb::post, "/upload", 11);
  request.set(http::field::host, "x");
  request.body() = std::string(2 * 1048576, 'z');
  request.prepare_payload();
  http::write(socket, request);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(handler_.pieces.load(), 2098);  // 2097152 bytes in pieces of 1000, then 152
}

TEST_F(StreamingServerTest, WritesAStreamedResponseAsItsSourceProducesIt) {
  tcp::socket socket = Connect();
  http::request<http::empty_body> request(http::verb::get, "/download", 11);
  request.set(http::field::host, "x");
  http::write(socket, request);
  std::string received;
  auto dynamic = net::dynamic_buffer(received);
  net::read_until(socket, dynamic, "one;");  // before the source has the rest
  handler_.release.set_value();
  net::read_until(socket, dynamic, "0\r\n\r\n");
  EXPECT_TRUE(handler_.released_in_time.load()) << "the first piece waited for the second";
  EXPECT_TRUE(absl::StrContains(received, "Transfer-Encoding: chunked")) << received;
  EXPECT_TRUE(absl::StrContains(received, "Content-Type: text/plain")) << received;
  EXPECT_TRUE(absl::StrContains(received, "\r\n4\r\none;\r\n4\r\ntwo;\r\n0\r\n\r\n")) << received;
}

TEST_F(StreamingServerTest, AStreamedResponseToHttp10EndsWithTheConnection) {
  handler_.release.set_value();
  tcp::socket socket = Connect();
  http::request<http::empty_body> request(http::verb::get, "/download", 10);
  http::write(socket, request);
  beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);
  EXPECT_EQ(response.result_int(), 200);
  EXPECT_EQ(response.body(), "one;two;");
  EXPECT_FALSE(response.chunked());
  EXPECT_FALSE(response.keep_alive());
}

}  // namespace
}  // namespace qq::gateway
