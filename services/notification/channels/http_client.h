// Blocking HTTP(S) calls for the delivery channels, over libcurl (a fresh easy handle per
// call, so one client is safe to share between threads). Every call is bounded by a total
// timeout, so a provider that accepts a connection and never answers cannot hold a sender
// worker. libcurl stays out of this header.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace qq::notification {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  int status = 0;  // 0 when the transport failed
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names; last value wins
  // Why the transport failed ("Timeout was reached (curl 28)"); empty when a response came.
  std::string error;
  bool timed_out = false;

  bool transport_failed() const { return !error.empty(); }
};

struct HttpClientOptions {
  // Bound on TCP + TLS setup; the total timeout of a call still applies when shorter.
  std::chrono::milliseconds connect_timeout{3000};
  // Larger answers are cut off and reported as a transport failure.
  size_t max_response_bytes = 1 << 20;
};

class HttpClient {
 public:
  explicit HttpClient(HttpClientOptions options = {});

  // `timeout` bounds the whole call (connect, send, wait, read). Only http and https URLs
  // are followed; redirects are not.
  HttpResponse Post(const std::string& url, const HttpHeaders& headers, const std::string& body,
                    std::chrono::milliseconds timeout) const;
  HttpResponse Get(const std::string& url, const HttpHeaders& headers,
                   std::chrono::milliseconds timeout) const;

 private:
  HttpResponse Perform(bool post, const std::string& url, const HttpHeaders& headers,
                       const std::string* body, std::chrono::milliseconds timeout) const;

  HttpClientOptions options_;
};

}  // namespace qq::notification
