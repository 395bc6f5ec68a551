// A small blocking HTTP/1.1 client for tests and benchmarks (Boost.Beast), keeping one
// keep-alive connection, with JSON helpers (Boost.JSON).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <utility>

#include <boost/json/value.hpp>

namespace qq::testing {

struct HttpResponse {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names

  // Parsed body; a null value when the body is not JSON.
  boost::json::value Json() const;
};

class HttpClient {
 public:
  // `base_url` like "http://127.0.0.1:8080".
  explicit HttpClient(const std::string& base_url);
  ~HttpClient();

  // Sends one request; reconnects if the server closed the connection. Throws
  // std::runtime_error on network failure.
  HttpResponse Send(const std::string& method, const std::string& target,
                    const std::string& body = "",
                    const std::map<std::string, std::string>& headers = {});

  // Same with "Authorization: Bearer <token>" when `token` is not empty.
  HttpResponse Get(const std::string& target, const std::string& token = "");
  HttpResponse Post(const std::string& target, const std::string& json,
                    const std::string& token = "");

  // Number of TCP connections opened so far (keep-alive checks).
  int connections_opened() const { return connections_opened_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int connections_opened_ = 0;
};

// "http://host:port" → {host, port}; throws std::runtime_error when there is no port.
std::pair<std::string, std::string> HostAndPortOf(const std::string& base_url);

// Reads a string member ("" when absent or not a string), e.g. Str(v, "id").
std::string Str(const boost::json::value& v, const char* key);
// The "error" object of an error answer ({"error":{"code":…,"message":…,"field":…}}); null
// when the body has none.
boost::json::value ErrorOf(const HttpResponse& response);

// A number field of an object; 0 when absent (proto3 JSON may leave zeros out).
double Num(const boost::json::value& v, const char* key);

}  // namespace qq::testing
