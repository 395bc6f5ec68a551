// A Beast server on a small io_context. Each connection carries one request: it is read,
// answered by FakeProviders::Impl::Handle (pure bookkeeping under one mutex), and the
// answer written, after a timer when the magic input asks for a slow answer, so a hanging
// request holds no thread.
#include "services/notification/channels/testing/fake_providers.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <cstdlib>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "services/notification/channels/request_signing.h"

namespace qq::notification::testing {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace json = boost::json;
using tcp = net::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

constexpr char kAliyunVersion[] = "2017-05-25";
constexpr char kTencentVersion[] = "2021-01-11";
constexpr auto kAliyunMaxSkew = std::chrono::minutes(15);
constexpr auto kTencentMaxSkew = std::chrono::minutes(5);

struct Request {
  std::string method;
  std::string path;
  std::string query;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

struct Reply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json; charset=utf-8";
  std::chrono::milliseconds delay{0};
};

Reply JsonReply(int status, const json::value& value) {
  return Reply{status, json::serialize(value)};
}

// name=value&… with percent-decoding ("+" is a space, as in forms).
std::vector<std::pair<std::string, std::string>> ParseForm(const std::string& text) {
  std::vector<std::pair<std::string, std::string>> fields;
  for (absl::string_view part : absl::StrSplit(text, '&', absl::SkipEmpty())) {
    const size_t eq = part.find('=');
    if (eq == absl::string_view::npos) {
      fields.emplace_back(PercentDecode(part, true), "");
    } else {
      fields.emplace_back(PercentDecode(part.substr(0, eq), true),
                          PercentDecode(part.substr(eq + 1), true));
    }
  }
  return fields;
}

std::string FieldOf(const std::vector<std::pair<std::string, std::string>>& fields,
                    const std::string& name) {
  for (const auto& [key, value] : fields) {
    if (key == name) return value;
  }
  return "";
}

std::string StringField(const json::object& object, const char* key) {
  const json::value* v = object.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::string StripCountryCode(const std::string& phone) {
  if (absl::StartsWith(phone, "+86")) return phone.substr(3);
  if (absl::StartsWith(phone, "86") && phone.size() == 13) return phone.substr(2);
  return phone;
}

}  // namespace

struct FakeProviders::Impl {
  explicit Impl(FakeProvidersOptions o) : options(std::move(o)) {}

  Reply Handle(const Request& request);
  Reply Aliyun(const Request& request);
  Reply Tencent(const Request& request);
  Reply WechatToken(const Request& request);
  Reply WechatSend(const Request& request, bool subscribe);
  Reply MessagesAsJson() const;
  void SetTokens(const std::string& app_id, int state);

  std::string RequestId() { return absl::StrCat("FAKE-REQUEST-", ++counter); }
  void ResetState() {
    std::lock_guard lock(mu);
    messages.clear();
    token_fetches.clear();
    tokens.clear();
    template_sends.clear();
  }

  FakeProvidersOptions options;

  // The fakes' state, under mu.
  mutable std::mutex mu;
  std::vector<FakeMessage> messages;
  std::map<std::string, int> token_fetches;
  struct Token {
    std::string app_id;
    SteadyClock::time_point expires_at;
    int state = 0;  // 0 valid, 1 expired by request, 2 revoked
  };
  std::map<std::string, Token> tokens;
  std::set<std::string> aliyun_nonces;
  std::map<std::string, std::string> template_sends;  // touser + client_msg_id → msgid
  std::chrono::milliseconds token_delay{0};
  uint64_t counter = 0;

  // Declared after the state: handlers still queued when the context goes touch nothing.
  std::function<Reply(const Request&)> handler = [this](const Request& r) { return Handle(r); };
  net::io_context ioc;
  std::optional<tcp::acceptor> acceptor;
  std::vector<std::thread> threads;
  int port = 0;
  bool running = false;
};

namespace {

class Session : public std::enable_shared_from_this<Session> {
 public:
  using Handler = std::function<Reply(const Request&)>;

  // `handler` must outlive the session.
  Session(tcp::socket socket, const Handler& handler)
      : stream_(std::move(socket)), timer_(stream_.get_executor()), handler_(handler) {}

  void Start() {
    parser_.body_limit(1 << 20);
    stream_.expires_after(std::chrono::seconds(30));
    http::async_read(stream_, buffer_, parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       if (!ec) self->OnRead();
                     });
  }

 private:
  void OnRead() {
    const auto& message = parser_.get();
    Request request;
    request.method = std::string(message.method_string());
    const std::string target(message.target());
    const size_t question = target.find('?');
    request.path = target.substr(0, question);
    if (question != std::string::npos) request.query = target.substr(question + 1);
    for (const auto& field : message) {
      request.headers[absl::AsciiStrToLower(std::string(field.name_string()))] =
          std::string(field.value());
    }
    request.body = message.body();
    const Reply reply = handler_(request);

    response_.result(static_cast<http::status>(reply.status));
    response_.version(11);
    response_.set(http::field::server, "qq-fake-providers");
    response_.set(http::field::content_type, reply.content_type);
    response_.keep_alive(false);
    response_.body() = reply.body;
    response_.prepare_payload();
    if (reply.delay.count() > 0) {
      timer_.expires_after(reply.delay);
      timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
        if (!ec) self->Write();
      });
    } else {
      Write();
    }
  }

  void Write() {
    stream_.expires_after(std::chrono::seconds(30));
    http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code, size_t) {
      beast::error_code ignored;
      self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    });
  }

  beast::tcp_stream stream_;
  net::steady_timer timer_;
  beast::flat_buffer buffer_;
  http::request_parser<http::string_body> parser_;
  http::response<http::string_body> response_;
  const Handler& handler_;
};

void Accept(net::io_context& ioc, tcp::acceptor& acceptor, const Session::Handler& handler) {
  acceptor.async_accept(net::make_strand(ioc), [&](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;
    if (!ec) std::make_shared<Session>(std::move(socket), handler)->Start();
    Accept(ioc, acceptor, handler);
  });
}

}  // namespace

Reply FakeProviders::Impl::Handle(const Request& request) {
  if (request.path == "/" && !request.Header("x-tc-action").empty()) return Tencent(request);
  if (request.path == "/") return Aliyun(request);
  if (request.path == "/cgi-bin/token" && request.method == "GET") return WechatToken(request);
  if (request.path == "/cgi-bin/message/subscribe/send" && request.method == "POST") {
    return WechatSend(request, true);
  }
  if (request.path == "/cgi-bin/message/template/send" && request.method == "POST") {
    return WechatSend(request, false);
  }
  if (request.path == "/_fake/messages" && request.method == "GET") return MessagesAsJson();
  if (request.path == "/_fake/reset" && request.method == "POST") {
    ResetState();
    return JsonReply(200, json::object{{"ok", true}});
  }
  if (request.path == "/_fake/expire_tokens" && request.method == "POST") {
    SetTokens(FieldOf(ParseForm(request.query), "appid"), 1);
    return JsonReply(200, json::object{{"ok", true}});
  }
  return Reply{404, "not found", "text/plain"};
}

// --- Aliyun SendSms ---------------------------------------------------------------------

Reply FakeProviders::Impl::Aliyun(const Request& request) {
  std::lock_guard lock(mu);
  const std::string request_id = RequestId();
  auto error = [&](int status, const std::string& code, const std::string& message) {
    return JsonReply(status,
                     json::object{{"RequestId", request_id},
                                  {"HostId", "dysmsapi.aliyuncs.com"},
                                  {"Code", code},
                                  {"Message", message},
                                  {"Recommend", "https://api.aliyun.com/troubleshoot?q=" + code}});
  };
  if (request.method != "GET" && request.method != "POST") {
    return error(400, "UnsupportedHTTPMethod", "This http method is not supported.");
  }
  // Parameters come from the query and, for a POST, from the form body.
  AliyunParams params = ParseForm(request.query);
  if (request.method == "POST") {
    for (auto& field : ParseForm(request.body)) params.push_back(std::move(field));
  }
  for (const char* required : {"AccessKeyId", "Action", "Version", "Signature", "SignatureMethod",
                               "SignatureVersion", "SignatureNonce", "Timestamp"}) {
    if (FieldOf(params, required).empty()) {
      return error(400, absl::StrCat("Missing", required),
                   absl::StrCat("The input parameter \"", required,
                                "\" that is mandatory for processing this request is not "
                                "supplied."));
    }
  }
  if (FieldOf(params, "AccessKeyId") != options.aliyun_access_key_id) {
    return error(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.");
  }
  if (FieldOf(params, "SignatureMethod") != "HMAC-SHA1" ||
      FieldOf(params, "SignatureVersion") != "1.0") {
    return error(400, "InvalidParameter", "SignatureMethod or SignatureVersion is not supported.");
  }
  const std::string expected =
      AliyunRpcSignature(request.method, params, options.aliyun_access_key_secret);
  if (FieldOf(params, "Signature") != expected) {
    return error(400, "SignatureDoesNotMatch",
                 absl::StrCat("Specified signature is not matched with our calculation. server "
                              "string to sign is:",
                              AliyunStringToSign(request.method, params)));
  }
  absl::Time timestamp;
  std::string parse_error;
  if (!absl::ParseTime("%Y-%m-%dT%H:%M:%SZ", FieldOf(params, "Timestamp"), absl::UTCTimeZone(),
                       &timestamp, &parse_error)) {
    return error(400, "InvalidTimeStamp.Format",
                 "Specified time stamp or date value is not well formatted.");
  }
  if (absl::AbsDuration(absl::Now() - timestamp) > absl::FromChrono(kAliyunMaxSkew)) {
    return error(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.");
  }
  if (!aliyun_nonces.insert(FieldOf(params, "SignatureNonce")).second) {
    return error(400, "SignatureNonceUsed", "Specified signature nonce was used already.");
  }
  if (FieldOf(params, "Action") != "SendSms") {
    return error(404, "InvalidAction.NotFound",
                 "Specified api is not found, please check your url and method.");
  }
  if (FieldOf(params, "Version") != kAliyunVersion) {
    return error(400, "InvalidVersion", "Specified parameter Version is not valid.");
  }

  // Past authentication: business answers have HTTP 200, as the real API's do.
  auto business = [&](const std::string& code, const std::string& message) {
    return JsonReply(200,
                     json::object{{"RequestId", request_id}, {"Code", code}, {"Message", message}});
  };
  const std::string phone = StripCountryCode(FieldOf(params, "PhoneNumbers"));
  if (phone == kPhoneServerError) {
    return error(503, "ServiceUnavailable",
                 "The request has failed due to a temporary failure of the server.");
  }
  if (phone == kPhoneThrottled) {
    return business("isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1");
  }
  if (phone == kPhoneInvalid || phone.size() != 11 || phone[0] != '1') {
    return business("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号");
  }
  if (FieldOf(params, "TemplateCode") == kTemplateInvalid) {
    return business("isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板");
  }
  if (FieldOf(params, "SignName").empty() || FieldOf(params, "SignName") == kSignNameInvalid) {
    return business("isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名");
  }
  FakeMessage message;
  message.provider = "aliyun-sms";
  message.recipient = FieldOf(params, "PhoneNumbers");
  message.template_code = FieldOf(params, "TemplateCode");
  message.sign_name = FieldOf(params, "SignName");
  message.reference = FieldOf(params, "OutId");
  const std::string template_param = FieldOf(params, "TemplateParam");
  if (!template_param.empty()) {
    boost::system::error_code ec;
    const json::value parsed = json::parse(template_param, ec);
    if (ec || !parsed.is_object()) {
      return business("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值");
    }
    for (const auto& member : parsed.get_object()) {
      if (!member.value().is_string()) {
        return business("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值");
      }
      message.params.emplace_back(std::string(member.key()),
                                  std::string(member.value().get_string()));
    }
  }
  message.provider_message_id = absl::StrCat(900000000000000000ULL + ++counter, "^0");
  Reply reply = JsonReply(200, json::object{{"RequestId", request_id},
                                            {"Code", "OK"},
                                            {"Message", "OK"},
                                            {"BizId", message.provider_message_id}});
  // A request the client gave up on may still have been delivered: record it anyway.
  if (phone == kPhoneHang) reply.delay = options.hang_for;
  messages.push_back(std::move(message));
  return reply;
}

// --- Tencent Cloud SendSms --------------------------------------------------------------

Reply FakeProviders::Impl::Tencent(const Request& request) {
  std::lock_guard lock(mu);
  const std::string request_id = RequestId();
  auto error = [&](const std::string& code, const std::string& message) {
    return JsonReply(
        200,
        json::object{
            {"Response", json::object{{"Error", json::object{{"Code", code}, {"Message", message}}},
                                      {"RequestId", request_id}}}});
  };
  if (request.method != "POST") {
    return error("InvalidParameter", "only POST with application/json is served by this fake");
  }
  // Authorization: TC3-HMAC-SHA256 Credential=<id>/<date>/<service>/tc3_request,
  //                SignedHeaders=<a;b>, Signature=<hex>
  const std::string authorization = request.Header("authorization");
  constexpr absl::string_view kAlgorithm = "TC3-HMAC-SHA256 ";
  if (!absl::StartsWith(authorization, kAlgorithm)) {
    return error("AuthFailure.InvalidAuthorization", "Authorization header is invalid.");
  }
  std::map<std::string, std::string> parts;
  for (absl::string_view part :
       absl::StrSplit(absl::string_view(authorization).substr(kAlgorithm.size()), ',')) {
    part = absl::StripAsciiWhitespace(part);
    const size_t eq = part.find('=');
    if (eq != absl::string_view::npos) {
      parts[std::string(part.substr(0, eq))] = std::string(part.substr(eq + 1));
    }
  }
  const std::vector<std::string> credential = absl::StrSplit(parts["Credential"], '/');
  if (credential.size() != 4 || credential[3] != "tc3_request" || parts["SignedHeaders"].empty() ||
      parts["Signature"].empty()) {
    return error("AuthFailure.InvalidAuthorization", "Authorization header is invalid.");
  }
  if (credential[0] != options.tencent_secret_id) {
    return error("AuthFailure.SecretIdNotFound",
                 "The SecretId is not found, please ensure that your SecretId is correct.");
  }
  int64_t timestamp = 0;
  if (!absl::SimpleAtoi(request.Header("x-tc-timestamp"), &timestamp)) {
    return error("MissingParameter", "The request is missing a required parameter `Timestamp`.");
  }
  const int64_t now = absl::ToUnixSeconds(absl::Now());
  const int64_t max_skew = std::chrono::seconds(kTencentMaxSkew).count();
  if (timestamp < now - max_skew || timestamp > now + max_skew) {
    return error("AuthFailure.SignatureExpire",
                 absl::StrCat("Signature expired. Timestamp:", timestamp,
                              ", server current timestamp: ", now, "."));
  }
  Tc3Request signed_part;
  signed_part.method = request.method;
  signed_part.canonical_uri = request.path;
  signed_part.canonical_query = request.query;
  signed_part.payload = request.body;
  bool has_content_type = false, has_host = false;
  for (absl::string_view name : absl::StrSplit(parts["SignedHeaders"], ';')) {
    const std::string lower = absl::AsciiStrToLower(name);
    has_content_type |= lower == "content-type";
    has_host |= lower == "host";
    signed_part.signed_headers.emplace_back(lower, request.Header(lower));
  }
  const std::string expected =
      Tc3Signature(options.tencent_secret_key, timestamp, credential[2],
                   Tc3StringToSign(timestamp, credential[2], Tc3CanonicalRequest(signed_part)));
  if (!has_content_type || !has_host || credential[1] != Tc3Date(timestamp) ||
      credential[2] != "sms" || parts["Signature"] != expected) {
    return error("AuthFailure.SignatureFailure",
                 "The provided credentials could not be validated. Please check your signature "
                 "is correct.");
  }
  if (request.Header("x-tc-action") != "SendSms") {
    return error("InvalidAction", "The requested action does not exist.");
  }
  if (request.Header("x-tc-version") != kTencentVersion) {
    return error("NoSuchVersion", "The requested version does not exist or is not supported.");
  }

  boost::system::error_code ec;
  const json::value parsed = json::parse(request.body, ec);
  if (ec || !parsed.is_object()) {
    return error("InvalidParameter", "The request body is not valid JSON.");
  }
  const json::object& body = parsed.get_object();
  if (StringField(body, "SmsSdkAppId") != options.tencent_sdk_app_id) {
    return error("InvalidParameterValue.SdkAppIdNotExist", "SdkAppId does not exist.");
  }
  const std::string template_id = StringField(body, "TemplateId");
  if (template_id == kTemplateInvalid) {
    return error("FailedOperation.TemplateIncorrectOrUnapproved",
                 "the template is not approved or the request content does not match the "
                 "approved template content.");
  }
  const std::string sign_name = StringField(body, "SignName");
  if (sign_name.empty() || sign_name == kSignNameInvalid) {
    return error("FailedOperation.SignatureIncorrectOrUnapproved",
                 "the signature is not approved or the signature format is incorrect.");
  }
  const json::value* phones = body.if_contains("PhoneNumberSet");
  if (phones == nullptr || !phones->is_array() || phones->get_array().empty() ||
      !phones->get_array()[0].is_string()) {
    return error("MissingParameter",
                 "The request is missing a required parameter `PhoneNumberSet`.");
  }
  const std::string phone_with_code(phones->get_array()[0].get_string());
  const std::string phone = StripCountryCode(phone_with_code);
  if (phone == kPhoneServerError) return Reply{502, "<html>502 Bad Gateway</html>", "text/html"};

  FakeMessage message;
  message.provider = "tencent-sms";
  message.recipient = phone_with_code;
  message.template_code = template_id;
  message.sign_name = sign_name;
  message.reference = StringField(body, "SessionContext");
  message.app_id = StringField(body, "SmsSdkAppId");
  if (const json::value* values = body.if_contains("TemplateParamSet");
      values != nullptr && values->is_array()) {
    int index = 0;
    for (const json::value& value : values->get_array()) {
      message.params.emplace_back(absl::StrCat(++index),
                                  value.is_string() ? std::string(value.get_string()) : "");
    }
  }
  json::object status{{"SerialNo", ""},
                      {"PhoneNumber", phone_with_code},
                      {"Fee", 0},
                      {"SessionContext", message.reference},
                      {"IsoCode", "CN"}};
  if (phone == kPhoneThrottled) {
    status["Code"] = "LimitExceeded.PhoneNumberThirtySecondLimit";
    status["Message"] =
        "the number of SMS messages sent from a single mobile number within 30 "
        "seconds exceeds the upper limit";
  } else if (phone == kPhoneInvalid || phone.size() != 11 || phone[0] != '1') {
    status["Code"] = "InvalidParameterValue.IncorrectPhoneNumber";
    status["Message"] = "incorrect number format";
  } else {
    message.provider_message_id = absl::StrCat("2640:", 100000000000000ULL + ++counter);
    status["SerialNo"] = message.provider_message_id;
    status["Fee"] = 1;
    status["Code"] = "Ok";
    status["Message"] = "send success";
  }
  Reply reply =
      JsonReply(200, json::object{{"Response", json::object{{"SendStatusSet", json::array{status}},
                                                            {"RequestId", request_id}}}});
  if (!message.provider_message_id.empty()) {
    if (phone == kPhoneHang) reply.delay = options.hang_for;
    messages.push_back(std::move(message));
  }
  return reply;
}

// --- WeChat -----------------------------------------------------------------------------

Reply FakeProviders::Impl::WechatToken(const Request& request) {
  std::lock_guard lock(mu);
  auto error = [&](int errcode, const std::string& errmsg) {
    return JsonReply(200, json::object{{"errcode", errcode},
                                       {"errmsg", absl::StrCat(errmsg, " rid: ", RequestId())}});
  };
  const auto query = ParseForm(request.query);
  if (FieldOf(query, "grant_type") != "client_credential") {
    return error(40002, "invalid grant_type");
  }
  const std::string app_id = FieldOf(query, "appid");
  auto app = options.wechat_apps.find(app_id);
  if (app_id.empty() || app == options.wechat_apps.end()) return error(40013, "invalid appid");
  if (FieldOf(query, "secret") != app->second) return error(40125, "invalid appsecret");
  const uint64_t serial = ++counter;
  const std::string token = absl::StrCat("FAKE_TOKEN_", app_id, "_", serial, "_",
                                         HexLower(HmacSha256(app->second, absl::StrCat(serial))));
  tokens[token] = Token{app_id, SteadyClock::now() + options.token_lifetime, 0};
  ++token_fetches[app_id];
  Reply reply = JsonReply(
      200, json::object{{"access_token", token},
                        {"expires_in", static_cast<int64_t>(options.token_lifetime.count())}});
  reply.delay = token_delay;
  return reply;
}

Reply FakeProviders::Impl::WechatSend(const Request& request, bool subscribe) {
  std::lock_guard lock(mu);
  auto error = [&](int errcode, const std::string& errmsg) {
    return JsonReply(200, json::object{{"errcode", errcode},
                                       {"errmsg", absl::StrCat(errmsg, " rid: ", RequestId())}});
  };
  const std::string token = FieldOf(ParseForm(request.query), "access_token");
  if (token.empty()) return error(41001, "access_token missing");
  auto found = tokens.find(token);
  if (found == tokens.end() || found->second.state == 2) {
    return error(40001, "invalid credential, access_token is invalid or not latest");
  }
  if (found->second.state == 1 || SteadyClock::now() >= found->second.expires_at) {
    return error(42001, "access_token expired");
  }
  boost::system::error_code ec;
  const json::value parsed = json::parse(request.body, ec);
  if (ec || !parsed.is_object()) return error(47001, "data format error");
  const json::object& body = parsed.get_object();
  const std::string touser = StringField(body, "touser");
  const std::string template_id = StringField(body, "template_id");
  if (touser.empty()) return error(40003, "invalid openid");
  if (template_id.empty() || template_id == kWechatTemplateInvalid) {
    return error(40037, "invalid template_id");
  }
  if (touser == kOpenidInvalid) return error(40003, "invalid openid");
  if (touser == kOpenidBusy) return error(-1, "system error");
  if (touser == kOpenidQuota) return error(45009, "reach max api daily quota limit");
  if (subscribe && touser == kOpenidUnsubscribed)
    return error(43101, "user refuse to accept the msg");
  if (!subscribe && touser == kOpenidUnsubscribed) return error(43004, "require subscribe");

  FakeMessage message;
  message.provider = subscribe ? "wechat-mp-subscribe" : "wechat-oa-template";
  message.recipient = touser;
  message.template_code = template_id;
  message.app_id = found->second.app_id;
  message.page = StringField(body, subscribe ? "page" : "url");
  message.reference = StringField(body, "client_msg_id");
  if (const json::value* data = body.if_contains("data"); data != nullptr && data->is_object()) {
    for (const auto& member : data->get_object()) {
      const json::value& item = member.value();
      if (!item.is_object() || StringField(item.get_object(), "value").empty()) {
        return error(47003, absl::StrCat("argument invalid! data.", std::string(member.key()),
                                         ".value empty"));
      }
      message.params.emplace_back(std::string(member.key()),
                                  StringField(item.get_object(), "value"));
    }
  }
  // The template API's client_msg_id guards against duplicates: the same one for the same
  // user sends nothing new.
  const std::string dedup_key = absl::StrCat(touser, "\n", message.reference);
  if (!subscribe && !message.reference.empty()) {
    if (auto seen = template_sends.find(dedup_key); seen != template_sends.end()) {
      int64_t msgid = 0;
      (void)absl::SimpleAtoi(seen->second, &msgid);
      return JsonReply(200, json::object{{"errcode", 0}, {"errmsg", "ok"}, {"msgid", msgid}});
    }
  }
  const int64_t msgid = 2000000000 + static_cast<int64_t>(++counter);
  message.provider_message_id = absl::StrCat(msgid);
  if (!subscribe && !message.reference.empty()) {
    template_sends[dedup_key] = message.provider_message_id;
  }
  messages.push_back(std::move(message));
  Reply reply = JsonReply(200, json::object{{"errcode", 0}, {"errmsg", "ok"}, {"msgid", msgid}});
  if (touser == kOpenidHang) reply.delay = options.hang_for;
  return reply;
}

Reply FakeProviders::Impl::MessagesAsJson() const {
  std::lock_guard lock(mu);
  json::array list;
  for (const FakeMessage& m : messages) {
    json::object params;
    for (const auto& [key, value] : m.params) params[key] = value;
    list.push_back(json::object{{"provider", m.provider},
                                {"recipient", m.recipient},
                                {"template_code", m.template_code},
                                {"sign_name", m.sign_name},
                                {"reference", m.reference},
                                {"app_id", m.app_id},
                                {"page", m.page},
                                {"provider_message_id", m.provider_message_id},
                                {"params", std::move(params)}});
  }
  return JsonReply(200, list);
}

void FakeProviders::Impl::SetTokens(const std::string& app_id, int state) {
  std::lock_guard lock(mu);
  for (auto& [token, info] : tokens) {
    if (info.app_id == app_id) info.state = state;
  }
}

// --- FakeProviders ----------------------------------------------------------------------

FakeProviders::FakeProviders(FakeProvidersOptions options)
    : impl_(std::make_unique<Impl>(std::move(options))) {}

FakeProviders::~FakeProviders() { Stop(); }

absl::Status FakeProviders::Start() {
  beast::error_code ec;
  const auto address = net::ip::make_address(impl_->options.host, ec);
  if (ec) return absl::InvalidArgumentError(absl::StrCat("bad host: ", impl_->options.host));
  const tcp::endpoint endpoint(address, static_cast<unsigned short>(impl_->options.port));
  impl_->acceptor.emplace(impl_->ioc);
  impl_->acceptor->open(endpoint.protocol(), ec);
  if (!ec) impl_->acceptor->set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) impl_->acceptor->bind(endpoint, ec);
  if (!ec) impl_->acceptor->listen(net::socket_base::max_listen_connections, ec);
  if (ec) return absl::UnavailableError(absl::StrCat("cannot listen: ", ec.message()));
  impl_->port = impl_->acceptor->local_endpoint().port();
  Accept(impl_->ioc, *impl_->acceptor, impl_->handler);
  for (int i = 0; i < std::max(1, impl_->options.io_threads); ++i) {
    impl_->threads.emplace_back([this] { impl_->ioc.run(); });
  }
  impl_->running = true;
  return absl::OkStatus();
}

void FakeProviders::Stop() {
  if (!impl_->running) return;
  impl_->running = false;
  impl_->ioc.stop();
  for (std::thread& thread : impl_->threads) thread.join();
  impl_->threads.clear();
  beast::error_code ignored;
  impl_->acceptor->close(ignored);
}

int FakeProviders::port() const { return impl_->port; }

std::string FakeProviders::base_url() const {
  return absl::StrCat("http://", impl_->options.host, ":", impl_->port);
}

std::vector<FakeMessage> FakeProviders::Messages() const {
  std::lock_guard lock(impl_->mu);
  return impl_->messages;
}

int FakeProviders::TokenFetches(const std::string& app_id) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->token_fetches.find(app_id);
  return it == impl_->token_fetches.end() ? 0 : it->second;
}

void FakeProviders::ExpireTokens(const std::string& app_id) { impl_->SetTokens(app_id, 1); }
void FakeProviders::RevokeTokens(const std::string& app_id) { impl_->SetTokens(app_id, 2); }

void FakeProviders::SetTokenDelay(std::chrono::milliseconds delay) {
  std::lock_guard lock(impl_->mu);
  impl_->token_delay = delay;
}

void FakeProviders::Reset() { impl_->ResetState(); }

}  // namespace qq::notification::testing
