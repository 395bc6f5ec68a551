// Beast server. Each connection is a Session on its own strand; a request is read
// (header, then body after "100 Continue" if asked), handed to the handler, and the
// response, which may come from any thread, is posted back to the strand and written.
#include "gateway/http_server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <unordered_map>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/config.h"
#include "services/common/log.h"
#include "services/common/metrics.h"

namespace qq::gateway {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr uint32_t kHeaderLimit = 16 * 1024;
// After an error response with the request body unread, keep reading (and dropping)
// for a while so that closing the socket does not reset the connection before the
// client has read the response.
constexpr std::chrono::seconds kLingerTime{2};
constexpr uint64_t kLingerBytes = 16 * 1024 * 1024;

std::string ToString(beast::string_view text) { return std::string(text.data(), text.size()); }

bool IsRequestIdChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
}

std::string NewRequestId() {
  thread_local std::mt19937_64 rng = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(), device(), device()};
    return std::mt19937_64(seed);
  }();
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (int word = 0; word < 2; ++word) {
    uint64_t bits = rng();
    for (int i = 0; i < 16; ++i, bits >>= 4) id.push_back(kHex[bits & 0xF]);
  }
  return id;
}

}  // namespace

std::string RequestIdFor(absl::string_view header) {
  if (!header.empty() && header.size() <= 128 &&
      std::all_of(header.begin(), header.end(), IsRequestIdChar)) {
    return std::string(header);
  }
  return NewRequestId();
}

class Session;

// What sessions share with the server.
struct ServerState {
  ServerState(HttpServerOptions o, HttpHandler& h, Metrics* m)
      : options(std::move(o)), handler(h), metrics(m) {}

  void Forget(Session* session) {
    std::lock_guard lock(mu);
    sessions.erase(session);
    if (sessions.empty()) drained.notify_all();
  }

  HttpServerOptions options;
  HttpHandler& handler;
  Metrics* metrics;
  std::atomic<bool> stopping{false};
  // Declared before the io_context: sessions still queued when it is destroyed
  // unregister themselves here.
  std::mutex mu;
  std::condition_variable drained;
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions;
};

struct HttpServer::Impl : ServerState {
  using ServerState::ServerState;
  void Accept();

  net::io_context ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work;
  std::optional<tcp::acceptor> acceptor;
  std::optional<net::steady_timer> accept_retry;
  std::vector<std::thread> threads;
  int port = 0;
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, ServerState& server) : stream_(std::move(socket)), server_(server) {}
  ~Session() { server_.Forget(this); }

  void Start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
  }

  // On the strand: closes the connection if it is waiting for a next request.
  void CloseIfIdle() {
    if (idle_) stream_.cancel();
  }

  net::any_io_executor executor() { return stream_.get_executor(); }

 private:
  void ReadHeader() {
    if (server_.stopping.load()) return Close();
    idle_ = true;
    parser_.emplace();
    parser_->header_limit(kHeaderLimit);
    parser_->body_limit(server_.options.max_body_bytes);
    stream_.expires_after(server_.options.request_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    idle_ = false;
    start_ = Clock::now();
    const auto& header = parser_->get();
    request_id_ = RequestIdFor(ToString(header["X-Request-Id"]));
    method_ = ToString(header.method_string());
    std::string target = ToString(header.target());
    path_ = target.substr(0, target.find('?'));
    version_ = header.version() == 10 ? 10 : 11;
    if (ec) return OnReadError(ec);
    keep_alive_ = header.keep_alive();
    if (parser_->is_done()) return Dispatch();
    if (absl::EqualsIgnoreCase(ToString(header[http::field::expect]), "100-continue")) {
      continue_.emplace(http::status::continue_, version_);
      return http::async_write(stream_, *continue_,
                               [self = shared_from_this()](beast::error_code ec, size_t) {
                                 if (ec) return;  // the session ends; nothing to answer
                                 self->ReadBody();
                               });
    }
    ReadBody();
  }

  void ReadBody() {
    stream_.expires_after(server_.options.request_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->OnReadError(ec);
                       self->Dispatch();
                     });
  }

  void OnReadError(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      return SendError(
          413, absl::ResourceExhaustedError(absl::StrCat(
                   "request body is larger than ", server_.options.max_body_bytes, " bytes")));
    }
    if (ec == http::error::header_limit) {
      return SendError(431, absl::InvalidArgumentError("request header is too large"));
    }
    // The client went away, was idle too long, or we are shutting down: just close.
    if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
        ec == net::error::operation_aborted || ec == net::error::connection_reset ||
        ec == net::error::eof || ec == http::error::partial_message) {
      return Close();
    }
    SendError(400,
              absl::InvalidArgumentError(absl::StrCat("malformed HTTP request: ", ec.message())));
  }

  void SendError(int status, const absl::Status& error) {
    keep_alive_ = false;
    linger_ = true;
    HttpResponse response = ErrorResponse(error, status);
    response.route = "invalid";
    Send(std::move(response));
  }

  void Dispatch() {
    stream_.expires_never();  // the backend deadline bounds the wait from here
    http::request<http::string_body> message = parser_->release();
    HttpRequest request;
    request.method = method_;
    request.path = path_;
    std::string target = ToString(message.target());
    if (size_t q = target.find('?'); q != std::string::npos) request.query = target.substr(q + 1);
    request.content_type = ToString(message[http::field::content_type]);
    request.authorization = ToString(message[http::field::authorization]);
    request.idempotency_key = ToString(message["Idempotency-Key"]);
    request.request_id = request_id_;
    request.body = std::move(message.body());
    Respond respond = [self = shared_from_this()](HttpResponse response) {
      Session* session = self.get();
      net::post(session->stream_.get_executor(),
                [self = std::move(self), response = std::move(response)]() mutable {
                  self->Send(std::move(response));
                });
    };
    try {
      ScopedLogContext log_context(request_id_, "");
      server_.handler.Handle(std::move(request), std::move(respond));
    } catch (const std::exception& e) {
      // `respond` may be gone with the exception; answer here and close afterwards.
      LogError("handler threw", {{"exception", e.what()}});
      keep_alive_ = false;
      Send(ErrorResponse(absl::InternalError("internal error")));
    }
  }

  // On the strand.
  void Send(HttpResponse response) {
    if (responding_) return;  // a handler answered twice; the first answer stands
    responding_ = true;
    status_ = response.status;
    route_ = std::move(response.route);
    tenant_ = std::move(response.tenant);
    bool keep_alive = keep_alive_ && !server_.stopping.load();
    response_.emplace(static_cast<http::status>(response.status), version_);
    if (response.status == 499) response_->reason("Client Closed Request");
    response_->set(http::field::content_type, "application/json; charset=utf-8");
    response_->set("X-Request-Id", request_id_);
    for (const auto& [name, value] : response.headers) response_->set(name, value);
    response_->body() = std::move(response.body);
    response_->keep_alive(keep_alive);
    response_->prepare_payload();
    stream_.expires_after(server_.options.request_timeout);
    http::async_write(stream_, *response_,
                      [self = shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                        self->OnWritten(ec, keep_alive);
                      });
  }

  void OnWritten(beast::error_code ec, bool keep_alive) {
    Record();
    responding_ = false;
    response_.reset();
    if (ec) return Close();
    if (!keep_alive) return linger_ ? Linger() : Close();
    ReadHeader();
  }

  // One log line and one metrics observation per request.
  void Record() {
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - start_).count();
    if (server_.metrics != nullptr) {
      server_.metrics->ObserveRequest(route_, std::to_string(status_), ms / 1000);
    }
    ScopedLogContext log_context(request_id_, tenant_);
    Log(status_ >= 500 ? LogLevel::kWarn : LogLevel::kInfo, "request",
        {{"method", method_},
         {"path", path_},
         {"route", route_},
         {"status", std::to_string(status_)},
         {"duration_ms", absl::StrCat(std::round(ms * 10) / 10)}});
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.close();
  }

  // Half-closes, then drops what the client still sends until it closes too.
  void Linger() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    linger_buffer_.resize(64 * 1024);
    stream_.expires_after(kLingerTime);
    Drain();
  }

  void Drain() {
    stream_.async_read_some(net::buffer(linger_buffer_),
                            [self = shared_from_this()](beast::error_code ec, size_t n) {
                              self->lingered_ += n;
                              if (ec || self->lingered_ > kLingerBytes)
                                return self->stream_.close();
                              self->Drain();
                            });
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  ServerState& server_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::empty_body>> continue_;
  std::optional<http::response<http::string_body>> response_;
  std::vector<char> linger_buffer_;
  uint64_t lingered_ = 0;
  bool idle_ = false;
  bool keep_alive_ = false;
  bool linger_ = false;
  bool responding_ = false;

  // The request being served.
  std::string request_id_;
  std::string method_;
  std::string path_;
  unsigned version_ = 11;
  Clock::time_point start_;
  int status_ = 0;
  std::string route_;
  std::string tenant_;
};

void HttpServer::Impl::Accept() {
  acceptor->async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || !acceptor->is_open()) return;
    if (ec) {
      // E.g. out of file descriptors: back off instead of spinning.
      LogWarn("accept failed", {{"error", ec.message()}});
      accept_retry->expires_after(std::chrono::milliseconds(100));
      accept_retry->async_wait([this](beast::error_code wait_ec) {
        if (!wait_ec && !stopping.load()) Accept();
      });
      return;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto session = std::make_shared<Session>(std::move(socket), *this);
    {
      std::lock_guard lock(mu);
      sessions.emplace(session.get(), session);
    }
    session->Start();
    Accept();
  });
}

HttpServer::HttpServer(HttpServerOptions options, HttpHandler& handler, Metrics* metrics)
    : impl_(std::make_unique<Impl>(std::move(options), handler, metrics)) {}

HttpServer::~HttpServer() { Shutdown(std::chrono::milliseconds(0)); }

int HttpServer::port() const { return impl_->port; }

absl::Status HttpServer::Start() {
  Impl& s = *impl_;
  absl::StatusOr<HostPort> host_port = ParseHostPort("listen", s.options.listen);
  if (!host_port.ok()) return host_port.status();
  std::string host = host_port->host;
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  beast::error_code ec;
  tcp::resolver resolver(s.ioc);
  auto endpoints = resolver.resolve(host, std::to_string(host_port->port),
                                    tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("listen: cannot resolve '", host, "'"));
  }
  tcp::endpoint endpoint = endpoints.begin()->endpoint();
  auto strand = net::make_strand(s.ioc);
  s.acceptor.emplace(strand);
  s.accept_retry.emplace(strand);
  s.acceptor->open(endpoint.protocol(), ec);
  if (!ec) s.acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) s.acceptor->bind(endpoint, ec);
  if (!ec) s.acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec) {
    s.acceptor.reset();
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", s.options.listen, ": ", ec.message()));
  }
  s.port = s.acceptor->local_endpoint().port();
  s.work.emplace(s.ioc.get_executor());
  net::dispatch(strand, [&s] { s.Accept(); });
  int threads = std::max(1, s.options.io_threads);
  for (int i = 0; i < threads; ++i) {
    s.threads.emplace_back([&s] {
      while (true) {
        try {
          s.ioc.run();
          return;
        } catch (const std::exception& e) {
          LogError("io thread caught an exception", {{"exception", e.what()}});
        }
      }
    });
  }
  LogInfo("http server listening",
          {{"address", s.options.listen}, {"port", std::to_string(s.port)}});
  return absl::OkStatus();
}

void HttpServer::Shutdown(std::chrono::milliseconds grace) {
  Impl& s = *impl_;
  if (s.threads.empty()) return;
  s.stopping.store(true);
  net::post(s.acceptor->get_executor(), [&s] {
    beast::error_code ignored;
    s.acceptor->close(ignored);
    s.accept_retry->cancel();
  });
  std::vector<std::shared_ptr<Session>> sessions;
  {
    std::lock_guard lock(s.mu);
    for (auto& [raw, weak] : s.sessions) {
      if (auto session = weak.lock()) sessions.push_back(std::move(session));
    }
  }
  for (std::shared_ptr<Session>& session : sessions) {
    net::post(session->executor(), [session] { session->CloseIfIdle(); });
  }
  sessions.clear();  // outside the lock: the last reference may go here
  {
    std::unique_lock lock(s.mu);
    if (!s.drained.wait_for(lock, grace, [&s] { return s.sessions.empty(); })) {
      LogWarn("shutdown grace expired", {{"open_connections", std::to_string(s.sessions.size())}});
    }
  }
  s.work.reset();
  s.ioc.stop();
  for (std::thread& thread : s.threads) thread.join();
  s.threads.clear();
}

}  // namespace qq::gateway
