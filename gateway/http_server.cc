// Beast server. Each connection is a Session on its own strand; a request is read
// (header, then body after "100 Continue" if asked), handed to the handler, and the
// response, which may come from any thread, is posted back to the strand and written.
// Upload routes get their body as a stream the handler reads piece by piece; a response
// with a body source is written in chunks as the source produces them.
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

// The server's side of a streamed request body: each Read hops onto the connection's
// strand and reads one piece there.
class SessionBodyReader final : public RequestBodyReader {
 public:
  SessionBodyReader(std::weak_ptr<Session> session, uint64_t generation)
      : session_(std::move(session)), generation_(generation) {}
  void Read(size_t max_bytes, std::function<void(absl::StatusOr<BodyPiece>)> done) override;

 private:
  std::weak_ptr<Session> session_;
  uint64_t generation_;
};

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
  ~Session() {
    if (source_) source_->Cancel();
    server_.Forget(this);
  }

  void Start() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->ReadHeader(); });
  }

  // On the strand: closes the connection if it is waiting for a next request.
  void CloseIfIdle() {
    if (idle_) stream_.cancel();
  }

  net::any_io_executor executor() { return stream_.get_executor(); }

  // On the strand: the next piece of a streamed request body (SessionBodyReader::Read).
  void ReadPiece(uint64_t generation, size_t max_bytes,
                 std::function<void(absl::StatusOr<BodyPiece>)> done) {
    if (generation != generation_ || answered_ || !stream_parser_) {
      return done(absl::CancelledError("the request is over"));
    }
    if (body_reading_) return done(absl::FailedPreconditionError("one body read at a time"));
    if (stream_parser_->is_done()) return done(BodyPiece{"", true});
    piece_in_.resize(std::max<size_t>(1, max_bytes));
    piece_filled_ = 0;
    piece_done_ = std::move(done);
    body_reading_ = true;
    if (expect_continue_ && !continue_sent_) {
      // Asked for only now, so a request refused early (401, 404) never sends its body.
      continue_sent_ = true;
      continue_.emplace(http::status::continue_, version_);
      stream_.expires_after(server_.options.request_timeout);
      return http::async_write(stream_, *continue_,
                               [self = shared_from_this()](beast::error_code ec, size_t) {
                                 if (ec) return self->OnPieceRead(ec);
                                 self->ReadMore();
                               });
    }
    ReadMore();
  }

 private:
  void ReadHeader() {
    if (server_.stopping.load()) return Close();
    idle_ = true;
    ++generation_;
    answered_ = false;
    upload_ = false;
    expect_continue_ = false;
    continue_sent_ = false;
    body_parser_.reset();
    stream_parser_.reset();
    header_parser_.emplace();
    header_parser_->header_limit(kHeaderLimit);
    // The body's limit depends on the route, known only once the header is in.
    header_parser_->body_limit(boost::none);
    stream_.expires_after(server_.options.request_timeout);
    http::async_read_header(
        stream_, buffer_, *header_parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  void OnHeader(beast::error_code ec) {
    idle_ = false;
    start_ = Clock::now();
    const auto& header = header_parser_->get();
    request_id_ = RequestIdFor(ToString(header["X-Request-Id"]));
    method_ = ToString(header.method_string());
    std::string target = ToString(header.target());
    path_ = target.substr(0, target.find('?'));
    version_ = header.version() == 10 ? 10 : 11;
    if (ec) return OnReadError(ec);
    keep_alive_ = header.keep_alive();
    request_ = HttpRequest();
    request_.method = method_;
    request_.path = path_;
    if (size_t q = target.find('?'); q != std::string::npos) request_.query = target.substr(q + 1);
    request_.content_type = ToString(header[http::field::content_type]);
    request_.authorization = ToString(header[http::field::authorization]);
    request_.idempotency_key = ToString(header["Idempotency-Key"]);
    request_.accept_language = ToString(header[http::field::accept_language]);
    request_.accept_encoding = ToString(header[http::field::accept_encoding]);
    request_.if_none_match = ToString(header[http::field::if_none_match]);
    language_ = LanguageOf(request_.accept_language);
    request_.request_id = request_id_;
    expect_continue_ =
        absl::EqualsIgnoreCase(ToString(header[http::field::expect]), "100-continue");
    if (header_parser_->is_done()) return Dispatch();

    upload_ = server_.handler.StreamsRequestBody(method_, path_);
    body_limit_ = upload_ ? server_.options.max_upload_bytes : server_.options.max_body_bytes;
    if (boost::optional<uint64_t> length = header_parser_->content_length();
        length && *length > body_limit_) {
      return SendError(413, TooLarge());  // before reading any of it
    }
    if (upload_) {
      stream_parser_.emplace(std::move(*header_parser_));
      header_parser_.reset();
      stream_parser_->body_limit(body_limit_);  // for chunked bodies
      request_.body_reader = std::make_shared<SessionBodyReader>(weak_from_this(), generation_);
      return Dispatch();
    }
    body_parser_.emplace(std::move(*header_parser_));
    header_parser_.reset();
    body_parser_->body_limit(body_limit_);
    if (expect_continue_) {
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
    http::async_read(stream_, buffer_, *body_parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (ec) return self->OnReadError(ec);
                       self->request_.body = std::move(self->body_parser_->get().body());
                       self->Dispatch();
                     });
  }

  absl::Status TooLarge() const {
    return absl::ResourceExhaustedError(absl::StrCat("request body is larger than ", body_limit_,
                                                     " bytes",
                                                     upload_ ? " (the upload limit)" : ""));
  }

  void OnReadError(beast::error_code ec) {
    if (ec == http::error::body_limit) return SendError(413, TooLarge());
    if (ec == http::error::header_limit) {
      return SendError(431, absl::InvalidArgumentError("request header is too large"));
    }
    if (IsGone(ec)) return Close();
    SendError(400,
              absl::InvalidArgumentError(absl::StrCat("malformed HTTP request: ", ec.message())));
  }

  // The client went away, was idle too long, or we are shutting down: just close.
  static bool IsGone(beast::error_code ec) {
    return ec == http::error::end_of_stream || ec == beast::error::timeout ||
           ec == net::error::operation_aborted || ec == net::error::connection_reset ||
           ec == net::error::eof || ec == http::error::partial_message;
  }

  void SendError(int status, const absl::Status& error) {
    keep_alive_ = false;
    linger_ = true;
    HttpResponse response = ErrorResponse(error, status);
    response.route = "invalid";
    Send(generation_, std::move(response));
  }

  void Dispatch() {
    stream_.expires_never();  // the backend deadline bounds the wait from here
    HttpRequest request = std::move(request_);
    Respond respond = [self = shared_from_this(), generation = generation_](HttpResponse response) {
      Session* session = self.get();
      net::post(session->stream_.get_executor(),
                [self = std::move(self), generation, response = std::move(response)]() mutable {
                  self->Send(generation, std::move(response));
                });
    };
    try {
      ScopedLogContext log_context(request_id_, "");
      server_.handler.Handle(std::move(request), std::move(respond));
    } catch (const std::exception& e) {
      // `respond` may be gone with the exception; answer here and close afterwards.
      LogError("handler threw", {{"exception", e.what()}});
      keep_alive_ = false;
      Send(generation_, ErrorResponse(absl::InternalError("internal error")));
    }
  }

  // --- A streamed request body, read a piece at a time into piece_in_.

  void ReadMore() {
    auto& body = stream_parser_->get().body();
    body.data = piece_in_.data() + piece_filled_;
    body.size = piece_in_.size() - piece_filled_;
    body.more = true;
    // A limit per read, not for the whole body: a large file may take long, but the
    // client must keep sending (the backend deadline bounds the whole).
    stream_.expires_after(server_.options.request_timeout);
    http::async_read_some(
        stream_, buffer_, *stream_parser_,
        [self = shared_from_this()](beast::error_code ec, size_t) { self->OnPieceRead(ec); });
  }

  void OnPieceRead(beast::error_code ec) {
    if (ec == http::error::need_buffer) ec = {};  // the piece is full
    if (!ec) piece_filled_ = piece_in_.size() - stream_parser_->get().body().size;
    bool body_done = !ec && stream_parser_->is_done();
    if (!ec && !body_done && piece_filled_ < piece_in_.size()) return ReadMore();
    stream_.expires_never();
    body_reading_ = false;
    std::function<void(absl::StatusOr<BodyPiece>)> done = std::move(piece_done_);
    if (ec) {
      // The handler answers the request with this error; the connection cannot be reused.
      keep_alive_ = false;
      absl::Status error;
      if (ec == http::error::body_limit) {
        error = WithHttpStatus(TooLarge(), 413);
      } else if (IsGone(ec)) {
        error = absl::CancelledError(
            absl::StrCat("the client stopped sending the request body: ", ec.message()));
      } else {
        error = absl::InvalidArgumentError(absl::StrCat("malformed HTTP request: ", ec.message()));
      }
      return done(error);
    }
    piece_in_.resize(piece_filled_);
    done(BodyPiece{std::move(piece_in_), body_done});
    piece_in_ = std::string();
  }

  // --- Answers.

  // On the strand. Answers from an earlier request, or after this one was answered, are
  // dropped.
  void Send(uint64_t generation, HttpResponse response) {
    if (generation != generation_ || answered_) {
      if (response.body_source) response.body_source->Cancel();
      return;
    }
    answered_ = true;
    status_ = response.status;
    if (response.error && language_ != Language::kChinese) {
      response.body = LocalizedErrorJson(*response.error, language_);
    }
    route_ = std::move(response.route);
    tenant_ = std::move(response.tenant);
    // An upload answered before its body was read (refused, or the backend failed): the
    // rest of the body cannot be told from a next request, so the connection closes.
    if (upload_ && !(stream_parser_ && stream_parser_->is_done())) {
      keep_alive_ = false;
      linger_ = true;
    }
    bool keep_alive = keep_alive_ && !server_.stopping.load();
    // A 204 or 304 has no body and no length; the answer to HEAD has no body but tells
    // the length the GET answer's would have. Beast writes whatever body it is given, so
    // the body is dropped here.
    bool no_content = response.status == 204 || response.status == 304;
    bool head = method_ == "HEAD";
    bool length_known = !response.body_source;
    if (response.body_source && (no_content || head)) {
      response.body_source->Cancel();  // none of it is sent, and its length is unknown
      response.body_source.reset();
    }
    if (response.body_source) return SendStreamed(std::move(response), keep_alive);
    response_.emplace(static_cast<http::status>(response.status), version_);
    if (response.status == 499) response_->reason("Client Closed Request");
    if (!no_content) response_->set(http::field::content_type, response.content_type);
    response_->set("X-Request-Id", request_id_);
    for (const auto& [name, value] : response.headers) response_->set(name, value);
    if (!no_content && length_known) response_->content_length(response.body.size());
    if (!no_content && !head) response_->body() = std::move(response.body);
    response_->keep_alive(keep_alive);
    stream_.expires_after(server_.options.request_timeout);
    http::async_write(stream_, *response_,
                      [self = shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                        self->OnWritten(ec, keep_alive);
                      });
  }

  // A body written as the handler's source produces it: chunked for HTTP/1.1, up to
  // the closing of the connection for HTTP/1.0. One piece is in memory at a time.
  void SendStreamed(HttpResponse response, bool keep_alive) {
    source_ = std::move(response.body_source);
    open_ended_ = response.open_ended;
    chunked_ = version_ == 11;
    streamed_keep_alive_ = keep_alive && chunked_;
    head_.emplace(static_cast<http::status>(response.status), version_);
    head_->set(http::field::content_type, response.content_type);
    head_->set("X-Request-Id", request_id_);
    for (const auto& [name, value] : response.headers) head_->set(name, value);
    if (chunked_) head_->chunked(true);
    head_->keep_alive(streamed_keep_alive_);
    head_serializer_.emplace(*head_);
    piece_out_ = std::move(response.body);
    stream_.expires_after(server_.options.request_timeout);
    http::async_write_header(stream_, *head_serializer_,
                             [self = shared_from_this()](beast::error_code ec, size_t) {
                               if (ec) return self->CutShort();
                               self->WritePiece();
                             });
  }

  void WritePiece() {
    if (piece_out_.empty()) return NextPiece();  // an empty chunk would end the body
    auto written = [self = shared_from_this()](beast::error_code ec, size_t) {
      if (ec) return self->CutShort();
      self->NextPiece();
    };
    stream_.expires_after(server_.options.request_timeout);
    if (chunked_) {
      net::async_write(stream_, http::make_chunk(net::buffer(piece_out_)), std::move(written));
    } else {
      net::async_write(stream_, net::buffer(piece_out_), std::move(written));
    }
  }

  void NextPiece() {
    stream_.expires_never();  // waiting on the backend, whose deadline bounds this
    source_->Next([self = shared_from_this()](absl::StatusOr<std::optional<std::string>> piece) {
      Session* session = self.get();
      net::post(session->stream_.get_executor(),
                [self = std::move(self), piece = std::move(piece)]() mutable {
                  self->OnPiece(std::move(piece));
                });
    });
  }

  void OnPiece(absl::StatusOr<std::optional<std::string>> piece) {
    if (!source_) return;
    if (!piece.ok()) return CutShort();  // the handler logged why
    if (*piece) {
      piece_out_ = std::move(**piece);
      return WritePiece();
    }
    source_.reset();
    if (!chunked_) return OnWritten({}, false);  // the close ends the body
    stream_.expires_after(server_.options.request_timeout);
    net::async_write(stream_, http::make_chunk_last(),
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       self->OnWritten(ec, self->streamed_keep_alive_);
                     });
  }

  // A streamed body that cannot be completed: closing without the last chunk is how
  // HTTP tells the client that the transfer is incomplete.
  void CutShort() {
    {
      ScopedLogContext log_context(request_id_, tenant_);
      if (open_ended_) {
        LogInfo("event stream closed", {{"route", route_}});
      } else {
        LogWarn("response body cut short", {{"route", route_}});
      }
    }
    if (source_) source_->Cancel();
    OnWritten(net::error::operation_aborted, false);
  }

  void OnWritten(beast::error_code ec, bool keep_alive) {
    Record();
    response_.reset();
    head_serializer_.reset();
    head_.reset();
    source_.reset();
    piece_out_ = std::string();
    if (ec) return Close();
    if (!keep_alive) {
      if (body_reading_) return Close();  // the pending body read must not meet a second one
      return linger_ ? Linger() : Close();
    }
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
  // A request's header is read with header_parser_, which then becomes body_parser_
  // (the whole body, for JSON routes) or stream_parser_ (piece by piece, for uploads).
  std::optional<http::request_parser<http::empty_body>> header_parser_;
  std::optional<http::request_parser<http::string_body>> body_parser_;
  std::optional<http::request_parser<http::buffer_body>> stream_parser_;
  std::optional<http::response<http::empty_body>> continue_;
  std::optional<http::response<http::string_body>> response_;
  std::vector<char> linger_buffer_;
  uint64_t lingered_ = 0;
  bool idle_ = false;
  bool keep_alive_ = false;
  bool linger_ = false;

  // The request being served; generation_ tells it from earlier ones on the connection.
  uint64_t generation_ = 0;
  HttpRequest request_;  // until dispatched
  std::string request_id_;
  std::string method_;
  std::string path_;
  unsigned version_ = 11;
  bool expect_continue_ = false;
  bool continue_sent_ = false;
  bool upload_ = false;  // the body streams to the handler
  uint64_t body_limit_ = 0;
  bool answered_ = false;
  Language language_ = Language::kChinese;  // of error answers, from Accept-Language
  Clock::time_point start_;
  int status_ = 0;
  std::string route_;
  std::string tenant_;

  // A streamed request body: the piece being filled, for the handler's pending Read.
  bool body_reading_ = false;
  std::string piece_in_;
  size_t piece_filled_ = 0;
  std::function<void(absl::StatusOr<BodyPiece>)> piece_done_;

  // A streamed response body.
  std::optional<http::response<http::empty_body>> head_;
  std::optional<http::response_serializer<http::empty_body>> head_serializer_;
  std::shared_ptr<ResponseBodySource> source_;
  std::string piece_out_;
  bool chunked_ = false;
  bool streamed_keep_alive_ = false;
  bool open_ended_ = false;
};

void SessionBodyReader::Read(size_t max_bytes,
                             std::function<void(absl::StatusOr<BodyPiece>)> done) {
  std::shared_ptr<Session> session = session_.lock();
  if (session == nullptr) return done(absl::CancelledError("the connection is closed"));
  net::any_io_executor executor = session->executor();
  net::post(executor, [session = std::move(session), generation = generation_, max_bytes,
                       done = std::move(done)]() mutable {
    session->ReadPiece(generation, max_bytes, std::move(done));
  });
}

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
