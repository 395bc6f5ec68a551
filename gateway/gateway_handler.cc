// Request handling of the gateway; the backend call completes asynchronously, so no
// io thread waits on a service. Uploads and downloads move one chunk at a time: the next
// chunk is asked for only once the previous one has been passed on.
#include "gateway/gateway_handler.h"

#include <boost/json.hpp>

#include <atomic>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gateway/json_transcoder.h"
#include "gateway/openapi.h"
#include "gateway/static_site.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "qingquan/common/v1/common.pb.h"
#include "services/common/call_guard.h"
#include "services/common/log.h"

namespace qq::gateway {
namespace {

HttpResponse JsonOk(std::string body, std::string route) {
  HttpResponse response;
  response.body = std::move(body);
  response.route = std::move(route);
  return response;
}

HttpResponse MethodNotAllowed(absl::string_view method, absl::string_view path,
                              const std::vector<std::string>& allowed, std::string route) {
  std::string allow = absl::StrJoin(allowed, ", ");
  HttpResponse response = ErrorResponse(
      absl::UnimplementedError(absl::StrCat(method, " is not allowed on ", path, "; use ", allow)),
      405);
  response.headers.emplace_back("Allow", allow);
  response.route = std::move(route);
  return response;
}

// application/json, with or without parameters such as charset, or any "+json" type.
// Also application/x-www-form-urlencoded: it is what `curl -d` labels every body with,
// and the body is still parsed strictly as JSON (anything else is a 400).
bool IsJsonContentType(absl::string_view content_type) {
  absl::string_view media = content_type.substr(0, content_type.find(';'));
  media = absl::StripAsciiWhitespace(media);
  return media.empty() || absl::EqualsIgnoreCase(media, "application/json") ||
         absl::EndsWithIgnoreCase(media, "+json") ||
         absl::EqualsIgnoreCase(media, "application/x-www-form-urlencoded");
}

// What a client is told about a server-side failure: the code, and a plain sentence.
// The details (gRPC transport text naming internal addresses, for one) go to the log.
absl::Status ForClient(const absl::Status& status) {
  if (HttpStatusFor(status) < 500) return status;
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
      return absl::UnavailableError("a service is not answering; try again shortly");
    case absl::StatusCode::kDeadlineExceeded:
      return absl::DeadlineExceededError("a service did not answer in time");
    case absl::StatusCode::kUnimplemented:
      return status;
    default:
      return absl::Status(status.code(), "internal error");
  }
}

// gRPC metadata values must be printable ASCII; anything else is not forwarded.
bool IsMetadataSafe(absl::string_view value) {
  return std::all_of(value.begin(), value.end(), [](char c) { return c >= 0x20 && c <= 0x7E; });
}

std::unique_ptr<google::protobuf::Message> NewMessage(const google::protobuf::Descriptor& type) {
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(&type);
  if (prototype == nullptr) return nullptr;
  return std::unique_ptr<google::protobuf::Message>(prototype->New());
}

constexpr char kDefaultFileType[] = "application/octet-stream";

// RFC 5987 attr-char: what may stand unescaped in filename*=UTF-8''...
bool IsAttrChar(unsigned char c) {
  return absl::ascii_isalnum(c) ||
         absl::string_view("!#$&+-.^_`|~").find(static_cast<char>(c)) != absl::string_view::npos;
}

// attachment; filename*=UTF-8''%E5%AE%A2%E6%88%B7.xlsx (RFC 6266), so any name, Chinese
// included, reaches the browser intact and nothing in it can break the header.
std::string ContentDisposition(absl::string_view file_name) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "attachment; filename*=UTF-8''";
  for (char ch : file_name) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (IsAttrChar(c)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

// A serialized response message of `route`'s method in JSON (its response_body field
// only, when the route names one). INTERNAL when it does not parse or print.
absl::StatusOr<std::string> JsonOf(const Route& route, const std::string& message) {
  std::unique_ptr<google::protobuf::Message> output = NewMessage(*route.method->output_type());
  if (output == nullptr || !output->ParseFromString(message)) {
    return absl::InternalError(absl::StrCat("unreadable response from ", route.grpc_method));
  }
  return JsonTranscoder::ToJson(*output, route.response_body_field);
}

// The answer to a unary or upload call: the response message in JSON, or the error.
HttpResponse ResponseFor(const Route& route, const absl::StatusOr<std::string>& result,
                         const std::string& request_id, const std::string& tenant) {
  ScopedLogContext log_context(request_id, tenant);
  HttpResponse response;
  if (!result.ok()) {
    response = ErrorResponse(ForClient(result.status()));
    if (response.status >= 500) {
      LogWarn("backend call failed", {{"method", route.grpc_method},
                                      {"code", CodeName(result.status().code())},
                                      {"error", std::string(result.status().message())}});
    }
  } else if (absl::StatusOr<std::string> json = JsonOf(route, *result); !json.ok()) {
    response = ErrorResponse(json.status());
  } else {
    response.body = *std::move(json);
  }
  response.route = route.label;
  response.tenant = tenant;
  return response;
}

// Feeds an upload route's request body to its client-streaming call: the first message
// (built from path and query) carries the first chunk, each further message the next
// chunk as the body field's `data`. One chunk is read or in flight at a time, so the
// gateway holds about one chunk however large the file.
class UploadRelay : public std::enable_shared_from_this<UploadRelay> {
 public:
  UploadRelay(const Route& route, std::unique_ptr<google::protobuf::Message> first,
              std::shared_ptr<RequestBodyReader> reader, std::shared_ptr<UploadCall> upload,
              Respond respond, std::string request_id, std::string tenant)
      : route_(route),
        first_(std::move(first)),
        reader_(std::move(reader)),
        upload_(std::move(upload)),
        respond_(std::move(respond)),
        request_id_(std::move(request_id)),
        tenant_(std::move(tenant)) {}

  // The relay is dropped without finishing when the connection goes away mid-way.
  ~UploadRelay() {
    if (!finished_) upload_->Cancel();
  }

  void Start() { ReadNext(); }

 private:
  void ReadNext() {
    reader_->Read(kUploadChunkBytes, [self = shared_from_this()](absl::StatusOr<BodyPiece> piece) {
      self->OnPiece(std::move(piece));
    });
  }

  void OnPiece(absl::StatusOr<BodyPiece> piece) {
    if (!piece.ok()) {
      // Too large (413), malformed (400), or the client stopped sending (499): the
      // backend must not take a cut-off file for a whole one.
      finished_ = true;
      upload_->Cancel();
      return respond_(ResponseFor(route_, piece.status(), request_id_, tenant_));
    }
    bool last = piece->last;
    if (first_ == nullptr && piece->data.empty()) return last ? Finish() : ReadNext();
    upload_->Write(MessageWith(std::move(piece->data)), [self = shared_from_this(), last](bool ok) {
      if (ok && !last) return self->ReadNext();
      self->Finish();  // done, or the call failed: Finish tells why
    });
  }

  // The serialized request message carrying `data` in the body field.
  std::string MessageWith(std::string data) {
    std::unique_ptr<google::protobuf::Message> message = std::move(first_);
    if (message == nullptr) message = NewMessage(*route_.method->input_type());
    const google::protobuf::FieldDescriptor* field =
        message->GetDescriptor()->FindFieldByName(route_.body_field);
    google::protobuf::Message& body =
        *message->GetReflection()->MutableMessage(message.get(), field);
    body.GetReflection()->SetString(&body, body.GetDescriptor()->FindFieldByName("data"),
                                    std::move(data));
    return message->SerializeAsString();
  }

  void Finish() {
    finished_ = true;
    upload_->Finish([self = shared_from_this()](absl::StatusOr<std::string> result) {
      self->respond_(ResponseFor(self->route_, result, self->request_id_, self->tenant_));
    });
  }

  const Route& route_;
  std::unique_ptr<google::protobuf::Message> first_;  // until it has been sent
  std::shared_ptr<RequestBodyReader> reader_;
  std::shared_ptr<UploadCall> upload_;
  Respond respond_;
  std::string request_id_;
  std::string tenant_;
  std::atomic<bool> finished_{false};  // Finish or Cancel was called
};

// A request body already in memory (an empty upload's, or a test's), in pieces.
class StringBodyReader final : public RequestBodyReader {
 public:
  explicit StringBodyReader(std::string body) : body_(std::move(body)) {}
  void Read(size_t max_bytes, std::function<void(absl::StatusOr<BodyPiece>)> done) override {
    BodyPiece piece;
    size_t n = std::min(max_bytes, body_.size() - offset_);
    piece.data = body_.substr(offset_, n);
    offset_ += n;
    piece.last = offset_ == body_.size();
    done(std::move(piece));
  }

 private:
  std::string body_;
  size_t offset_ = 0;
};

// The rest of a streamed response's body, relayed from a server-streaming call one
// message at a time. Subclasses turn a message (or the call's end or failure) into the
// next piece of the body. The call is cancelled when the body is dropped or cancelled
// before the call ended.
class RelayedBody : public ResponseBodySource, public std::enable_shared_from_this<RelayedBody> {
 public:
  RelayedBody(const Route& route, std::shared_ptr<DownloadCall> call, std::string request_id,
              std::string tenant)
      : route_(route),
        call_(std::move(call)),
        request_id_(std::move(request_id)),
        tenant_(std::move(tenant)) {}

  ~RelayedBody() override {
    if (!ended_) call_->Cancel();
  }

  void Next(NextDone done) final {
    if (ended_) return done(std::nullopt);
    call_->Next([self = shared_from_this(),
                 done = std::move(done)](absl::StatusOr<std::optional<std::string>> message) {
      if (message.ok() && !*message) {
        self->ended_ = true;
        return done(std::nullopt);
      }
      self->Relay(std::move(message), std::move(done));
    });
  }

  void Cancel() override {
    if (!ended_.exchange(true)) call_->Cancel();
  }

 protected:
  // A message, or the call's failure (never its end, which Next handles).
  virtual void Relay(absl::StatusOr<std::optional<std::string>> message, NextDone done) = 0;

  // Ends the body after a failure. False when it had already ended (the server gave up
  // first): then there is nothing to tell. A message that could not be used leaves the
  // call going, so it is stopped.
  bool EndOnFailure(bool call_still_going) {
    if (ended_.exchange(true)) return false;
    if (call_still_going) call_->Cancel();
    return true;
  }

  void LogFailure(const char* what, const absl::Status& failure) const {
    ScopedLogContext log_context(request_id_, tenant_);
    LogWarn(what, {{"method", route_.grpc_method},
                   {"code", CodeName(failure.code())},
                   {"error", std::string(failure.message())}});
  }

  const Route& route_;

 private:
  std::shared_ptr<DownloadCall> call_;
  std::string request_id_;
  std::string tenant_;
  std::atomic<bool> ended_{false};
};

// The rest of a download's body: each further HttpBody message's `data`. A failure
// closes the connection: the client sees a file cut short.
class DownloadBody final : public RelayedBody {
 public:
  using RelayedBody::RelayedBody;

 private:
  void Relay(absl::StatusOr<std::optional<std::string>> message, NextDone done) override {
    qingquan::common::v1::HttpBody chunk;
    absl::Status failure = message.status();
    if (message.ok() && !chunk.ParseFromString(**message)) {
      failure = absl::InternalError(absl::StrCat("unreadable response from ", route_.grpc_method));
    }
    if (failure.ok()) return done(std::move(*chunk.mutable_data()));
    if (EndOnFailure(message.ok())) {
      LogFailure("download failed after the response started; closing the connection", failure);
    }
    done(failure);
  }
};

// One server-sent event: "event: <name>" and the message's JSON as its data (printed
// without line breaks, so one data line holds it).
absl::StatusOr<std::string> EventFor(const Route& route, const std::string& message) {
  QQ_ASSIGN_OR_RETURN(std::string json, JsonOf(route, message));
  return absl::StrCat("event: ", EventNameOf(route), "\ndata: ", json, "\n\n");
}

// The rest of an event stream: an event per further message. The stream's deadline
// ends it cleanly (clients reconnect); another failure becomes a last "error" event.
class EventStreamBody final : public RelayedBody {
 public:
  using RelayedBody::RelayedBody;

 private:
  void Relay(absl::StatusOr<std::optional<std::string>> message, NextDone done) override {
    absl::StatusOr<std::string> event =
        message.ok() ? EventFor(route_, **message) : absl::StatusOr<std::string>(message.status());
    if (event.ok()) return done(*std::move(event));
    if (!EndOnFailure(message.ok())) return done(std::nullopt);
    if (event.status().code() == absl::StatusCode::kDeadlineExceeded) return done(std::nullopt);
    LogFailure("event stream failed after it started", event.status());
    done(absl::StrCat("event: error\ndata: ", ErrorJson(ForClient(event.status())), "\n\n"));
  }
};

std::string ReadinessJson(const std::vector<BackendHealth>& backends, bool ready) {
  boost::json::array list;
  for (const BackendHealth& backend : backends) {
    boost::json::object entry{
        {"package", backend.package}, {"address", backend.address}, {"state", backend.state}};
    if (!backend.error.empty()) entry["error"] = backend.error;
    list.push_back(std::move(entry));
  }
  boost::json::object doc{{"status", ready ? "ready" : "not ready"}, {"backends", std::move(list)}};
  return boost::json::serialize(doc);
}

}  // namespace

GatewayHandler::GatewayHandler(const RouteTable& routes, Backends& backends,
                               const TokenVerifier& verifier, GatewayOptions options,
                               const StaticSite* site)
    : routes_(routes),
      backends_(backends),
      verifier_(verifier),
      options_(std::move(options)),
      site_(site),
      openapi_json_(OpenApiDocument(routes)),
      console_config_json_(ConsoleConfigJson(options_.console)) {}

void GatewayHandler::Handle(HttpRequest request, Respond respond) {
  // Fixed endpoints answer GET only; they are not in the route table.
  for (absl::string_view fixed : {"/healthz", "/readyz", "/openapi.json", "/console-config.json"}) {
    if (request.path != fixed) continue;
    if (request.method != "GET") {
      return respond(MethodNotAllowed(request.method, request.path, {"GET"}, std::string(fixed)));
    }
    if (fixed == "/healthz") return respond(JsonOk(R"({"status":"ok"})", "/healthz"));
    if (fixed == "/openapi.json") return respond(JsonOk(openapi_json_, "/openapi.json"));
    if (fixed == "/console-config.json") {
      // Served with or without the console: a console run by Vite's dev server asks here.
      HttpResponse response = JsonOk(console_config_json_, "/console-config.json");
      response.headers.emplace_back("Cache-Control", "no-cache");
      return respond(std::move(response));
    }
    return HandleReady(std::move(respond));
  }
  // Every API route is under /v1/ (static_site_test holds it); the rest is the console's.
  bool api = request.path == "/v1" || absl::StartsWith(request.path, "/v1/");
  if (!api && site_ != nullptr) return respond(site_->Serve(request));
  if (!api && request.path == "/") {
    return respond(ErrorResponse(absl::NotFoundError(
        "the web console is not served here: the gateway runs without --web_root, or its "
        "web_root could not be loaded (see the start-up log)")));
  }
  RouteLookup lookup = routes_.Find(request.method, request.path);
  if (lookup.route == nullptr) {
    if (!lookup.allowed_methods.empty()) {
      return respond(
          MethodNotAllowed(request.method, request.path, lookup.allowed_methods, "unmatched"));
    }
    return respond(ErrorResponse(
        absl::NotFoundError(absl::StrCat("no route for ", request.method, " ", request.path))));
  }
  HandleRoute(std::move(request), std::move(lookup), std::move(respond));
}

bool GatewayHandler::StreamsRequestBody(absl::string_view method, absl::string_view path) const {
  const Route* route = routes_.Find(method, path).route;
  return route != nullptr && route->kind == RouteKind::kUpload;
}

void GatewayHandler::HandleReady(Respond respond) {
  backends_.CheckHealth(options_.readiness_timeout,
                        [respond = std::move(respond)](std::vector<BackendHealth> backends) {
                          bool ready = std::all_of(backends.begin(), backends.end(),
                                                   [](const auto& b) { return b.serving(); });
                          HttpResponse response = JsonOk(ReadinessJson(backends, ready), "/readyz");
                          response.status = ready ? 200 : 503;
                          respond(std::move(response));
                        });
}

void GatewayHandler::HandleRoute(HttpRequest request, RouteLookup lookup, Respond respond) {
  const Route& route = *lookup.route;
  auto fail = [&](const absl::Status& status, int http_status = 0) {
    HttpResponse response = ErrorResponse(status, http_status);
    response.route = route.label;
    return response;
  };

  Identity identity;
  if (!route.is_public) {
    absl::StatusOr<Identity> verified = verifier_.VerifyAuthorizationHeader(request.authorization);
    if (!verified.ok()) {
      HttpResponse response = fail(verified.status());
      response.headers.emplace_back("WWW-Authenticate", "Bearer");
      return respond(std::move(response));
    }
    identity = *std::move(verified);
  }
  bool upload = route.kind == RouteKind::kUpload;
  if (!upload && !route.body_field.empty() && !absl::StripAsciiWhitespace(request.body).empty() &&
      !IsJsonContentType(request.content_type)) {
    return respond(
        fail(absl::InvalidArgumentError(absl::StrCat("Content-Type must be application/json, not '",
                                                     request.content_type, "'")),
             415));
  }

  if (request.idempotency_key.size() > 128 || !IsMetadataSafe(request.idempotency_key)) {
    return respond(
        fail(InvalidField("Idempotency-Key", "must be at most 128 printable ASCII characters")));
  }

  std::unique_ptr<google::protobuf::Message> message = NewMessage(*route.method->input_type());
  if (message == nullptr) {
    return respond(fail(absl::InternalError(
        absl::StrCat("no generated type for ", route.method->input_type()->full_name()))));
  }
  // An upload's body is the file, not JSON: the first message comes from path and query.
  HttpRequestParts parts{route.body_field, std::move(lookup.bindings), request.query,
                         upload ? absl::string_view() : absl::string_view(request.body)};
  if (absl::Status status = JsonTranscoder::ToRequest(parts, *message); !status.ok()) {
    return respond(fail(status));
  }

  BackendCall call;
  call.package = route.package;
  call.grpc_method = route.grpc_method;
  call.timeout = route.kind == RouteKind::kUnary         ? options_.request_timeout
                 : route.kind == RouteKind::kEventStream ? options_.event_stream_timeout
                                                         : options_.transfer_timeout;
  if (!request.authorization.empty() && IsMetadataSafe(request.authorization)) {
    call.metadata.emplace_back(kAuthorizationHeader, request.authorization);
  }
  call.metadata.emplace_back(kRequestIdHeader, request.request_id);
  if (!request.idempotency_key.empty()) {
    call.metadata.emplace_back(kIdempotencyKeyHeader, request.idempotency_key);
  }
  if (!route.is_public) {
    for (auto [key, value] : {std::pair<const char*, std::string>{kTenantHeader, identity.tenant},
                              {kUserHeader, identity.user_id},
                              {kRolesHeader, absl::StrJoin(identity.roles, ",")}}) {
      if (IsMetadataSafe(value)) call.metadata.emplace_back(key, std::move(value));
    }
  }

  switch (route.kind) {
    case RouteKind::kUnary:
      call.request = message->SerializeAsString();
      return backends_.Call(std::move(call),
                            [&route, respond = std::move(respond), request_id = request.request_id,
                             tenant = identity.tenant](absl::StatusOr<std::string> result) {
                              respond(ResponseFor(route, result, request_id, tenant));
                            });
    case RouteKind::kUpload: {
      // The file's type travels with the first message.
      const google::protobuf::FieldDescriptor* body_field =
          message->GetDescriptor()->FindFieldByName(route.body_field);
      google::protobuf::Message& file =
          *message->GetReflection()->MutableMessage(message.get(), body_field);
      file.GetReflection()->SetString(&file, file.GetDescriptor()->FindFieldByName("content_type"),
                                      request.content_type);
      std::shared_ptr<RequestBodyReader> reader = std::move(request.body_reader);
      if (reader == nullptr) reader = std::make_shared<StringBodyReader>(std::move(request.body));
      std::shared_ptr<UploadCall> upload = backends_.StartUpload(call);
      return std::make_shared<UploadRelay>(route, std::move(message), std::move(reader),
                                           std::move(upload), std::move(respond),
                                           request.request_id, identity.tenant)
          ->Start();
    }
    case RouteKind::kDownload:
      call.request = message->SerializeAsString();
      return HandleDownload(route, std::move(call), std::move(respond), request.request_id,
                            identity.tenant);
    case RouteKind::kEventStream:
      call.request = message->SerializeAsString();
      return HandleEventStream(route, std::move(call), std::move(respond), request.request_id,
                               identity.tenant);
  }
}

void GatewayHandler::HandleEventStream(const Route& route, BackendCall call, Respond respond,
                                       std::string request_id, std::string tenant) {
  std::shared_ptr<DownloadCall> stream = backends_.StartDownload(call);
  // The first message decides between an error answer and 200 with the first event.
  stream->Next([&route, stream, respond = std::move(respond), request_id = std::move(request_id),
                tenant = std::move(tenant)](absl::StatusOr<std::optional<std::string>> first) {
    if (first.ok() && !*first) {
      first = absl::UnavailableError(absl::StrCat(route.grpc_method, " ended without a message"));
    }
    absl::StatusOr<std::string> event =
        first.ok() ? EventFor(route, **first) : absl::StatusOr<std::string>(first.status());
    if (!event.ok()) {
      stream->Cancel();
      return respond(ResponseFor(route, event.status(), request_id, tenant));
    }
    HttpResponse response;
    response.content_type = "text/event-stream; charset=utf-8";
    response.headers.emplace_back("Cache-Control", "no-cache");
    response.headers.emplace_back("X-Accel-Buffering", "no");  // proxies: pass events at once
    response.route = route.label;
    response.tenant = tenant;
    // How long a client waits before reconnecting after the stream ends.
    response.body = absl::StrCat("retry: 3000\n\n", *event);
    response.body_source = std::make_shared<EventStreamBody>(route, stream, request_id, tenant);
    response.open_ended = true;
    respond(std::move(response));
  });
}

void GatewayHandler::HandleDownload(const Route& route, BackendCall call, Respond respond,
                                    std::string request_id, std::string tenant) {
  std::shared_ptr<DownloadCall> download = backends_.StartDownload(call);
  // The first message decides between an error answer and 200 with the file's head.
  download->Next([&route, download, respond = std::move(respond),
                  request_id = std::move(request_id),
                  tenant = std::move(tenant)](absl::StatusOr<std::optional<std::string>> first) {
    if (!first.ok()) return respond(ResponseFor(route, first.status(), request_id, tenant));
    HttpResponse response;
    response.content_type = kDefaultFileType;
    response.route = route.label;
    response.tenant = tenant;
    if (!*first) return respond(std::move(response));  // an empty file
    qingquan::common::v1::HttpBody head;
    if (!head.ParseFromString(**first)) {
      download->Cancel();
      return respond(ResponseFor(
          route, absl::InternalError(absl::StrCat("unreadable response from ", route.grpc_method)),
          request_id, tenant));
    }
    // A type that could not travel as a header value is not passed on.
    if (!head.content_type().empty() && IsMetadataSafe(head.content_type())) {
      response.content_type = head.content_type();
    }
    if (!head.file_name().empty()) {
      response.headers.emplace_back("Content-Disposition", ContentDisposition(head.file_name()));
    }
    response.body = std::move(*head.mutable_data());
    response.body_source = std::make_shared<DownloadBody>(route, download, request_id, tenant);
    respond(std::move(response));
  });
}

}  // namespace qq::gateway
