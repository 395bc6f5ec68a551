// Reads server-sent events (text/event-stream) from one GET through the gateway, for
// tests of streaming endpoints: the answer's status and headers first, then one event at
// a time with a timeout (Boost.Beast).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace qq::testing {

struct ServerSentEvent {
  std::string name;  // "event:" ("message" when absent)
  std::string data;  // "data:" lines joined by '\n'
};

class EventStream {
 public:
  // Sends `GET target` with "Authorization: Bearer <token>" and reads the answer's head.
  // Throws std::runtime_error on network failure.
  EventStream(const std::string& base_url, const std::string& target, const std::string& token);
  ~EventStream();

  int status() const { return status_; }
  // Lower-case names.
  const std::map<std::string, std::string>& headers() const { return headers_; }
  // The whole body of an answer that is not 200 (an error), read at once.
  const std::string& error_body() const { return error_body_; }

  // The next event; nullopt when the stream ended. Throws std::runtime_error when none
  // comes within `timeout`.
  std::optional<ServerSentEvent> Next(std::chrono::milliseconds timeout);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int status_ = 0;
  std::map<std::string, std::string> headers_;
  std::string error_body_;
};

}  // namespace qq::testing
