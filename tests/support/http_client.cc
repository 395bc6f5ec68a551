#include "tests/support/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <stdexcept>
#include <tuple>

namespace qq::testing {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

struct HttpClient::Impl {
  std::string host;
  std::string port;
  boost::asio::io_context io;
  std::unique_ptr<beast::tcp_stream> stream;
  beast::flat_buffer buffer;
};

std::pair<std::string, std::string> HostAndPortOf(const std::string& base_url) {
  std::string rest = base_url;
  if (rest.rfind("http://", 0) == 0) rest = rest.substr(7);
  size_t colon = rest.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("base url needs a port: " + base_url);
  std::string port = rest.substr(colon + 1);
  while (!port.empty() && port.back() == '/') port.pop_back();
  return {rest.substr(0, colon), port};
}

HttpClient::HttpClient(const std::string& base_url) : impl_(std::make_unique<Impl>()) {
  std::tie(impl_->host, impl_->port) = HostAndPortOf(base_url);
}

HttpClient::~HttpClient() = default;

HttpResponse HttpClient::Send(const std::string& method, const std::string& target,
                              const std::string& body,
                              const std::map<std::string, std::string>& headers) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (!impl_->stream) {
      tcp::resolver resolver(impl_->io);
      impl_->stream = std::make_unique<beast::tcp_stream>(impl_->io);
      impl_->stream->connect(resolver.resolve(impl_->host, impl_->port));
      impl_->buffer.clear();
      ++connections_opened_;
    }
    http::request<http::string_body> req(http::string_to_verb(method), target, 11);
    req.set(http::field::host, impl_->host);
    req.keep_alive(true);
    for (const auto& [k, v] : headers) req.set(k, v);
    if (!body.empty() || method == "POST" || method == "PATCH" || method == "PUT") {
      if (req.find(http::field::content_type) == req.end()) {
        req.set(http::field::content_type, "application/json");
      }
      req.body() = body;
      req.prepare_payload();
    }
    impl_->stream->expires_after(std::chrono::seconds(30));
    beast::error_code ec;
    http::write(*impl_->stream, req, ec);
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    if (!ec) http::read(*impl_->stream, impl_->buffer, parser, ec);
    if (ec) {
      // The server may have closed an idle keep-alive connection: retry once afresh.
      impl_->stream.reset();
      if (attempt == 0) continue;
      throw std::runtime_error("http " + method + " " + target + ": " + ec.message());
    }
    auto res = parser.release();
    HttpResponse out;
    out.status = static_cast<int>(res.result_int());
    out.body = res.body();
    for (const auto& field : res) {
      std::string name(field.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = std::string(field.value());
    }
    if (!res.keep_alive()) impl_->stream.reset();
    return out;
  }
  throw std::runtime_error("unreachable");
}

HttpResponse HttpClient::Get(const std::string& target, const std::string& token) {
  std::map<std::string, std::string> headers;
  if (!token.empty()) headers["Authorization"] = "Bearer " + token;
  return Send("GET", target, "", headers);
}

HttpResponse HttpClient::Post(const std::string& target, const std::string& json,
                              const std::string& token) {
  std::map<std::string, std::string> headers;
  if (!token.empty()) headers["Authorization"] = "Bearer " + token;
  return Send("POST", target, json, headers);
}

boost::json::value HttpResponse::Json() const {
  boost::json::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  return ec ? boost::json::value() : v;
}

std::string Str(const boost::json::value& v, const char* key) {
  if (!v.is_object()) return "";
  const auto* found = v.as_object().if_contains(key);
  if (found == nullptr || !found->is_string()) return "";
  return std::string(found->as_string());
}

boost::json::value ErrorOf(const HttpResponse& response) {
  const boost::json::value body = response.Json();
  if (!body.is_object() || !body.as_object().contains("error")) return nullptr;
  return body.as_object().at("error");
}

double Num(const boost::json::value& v, const char* key) {
  if (!v.is_object()) return 0;
  const auto* found = v.as_object().if_contains(key);
  return found != nullptr && found->is_number() ? found->to_number<double>() : 0;
}

}  // namespace qq::testing
