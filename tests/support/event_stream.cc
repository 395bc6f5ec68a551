#include "tests/support/event_stream.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <stdexcept>

#include "tests/support/http_client.h"

namespace qq::testing {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

struct EventStream::Impl {
  boost::asio::io_context io;
  beast::tcp_stream stream{io};
  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  std::string pending;  // body text not yet split into events
  bool ended = false;

  // Runs one asynchronous read to completion or `timeout`.
  template <typename Start>
  beast::error_code Await(std::chrono::milliseconds timeout, Start start) {
    beast::error_code result;
    bool finished = false;
    stream.expires_after(timeout);
    start([&](beast::error_code ec, size_t) {
      result = ec;
      finished = true;
    });
    io.restart();
    io.run();
    if (!finished) throw std::runtime_error("event stream: read did not finish");
    return result;
  }

  // One complete event from `pending`, if there is one.
  std::optional<ServerSentEvent> TakeEvent() {
    while (true) {
      size_t end = pending.find("\n\n");
      if (end == std::string::npos) return std::nullopt;
      std::string block = pending.substr(0, end);
      pending.erase(0, end + 2);
      ServerSentEvent event{"message", ""};
      bool has_data = false;
      size_t start = 0;
      while (start <= block.size()) {
        size_t eol = block.find('\n', start);
        std::string line =
            block.substr(start, eol == std::string::npos ? std::string::npos : eol - start);
        start = eol == std::string::npos ? block.size() + 1 : eol + 1;
        if (line.rfind("event:", 0) == 0) {
          event.name = line.substr(line.size() > 6 && line[6] == ' ' ? 7 : 6);
        } else if (line.rfind("data:", 0) == 0) {
          if (has_data) event.data += '\n';
          event.data += line.substr(line.size() > 5 && line[5] == ' ' ? 6 : 5);
          has_data = true;
        }
      }
      if (has_data) return event;  // blocks of only "retry:" or comments carry no event
    }
  }
};

EventStream::EventStream(const std::string& base_url, const std::string& target,
                         const std::string& token)
    : impl_(std::make_unique<Impl>()) {
  const auto [host, port] = HostAndPortOf(base_url);
  tcp::resolver resolver(impl_->io);
  impl_->stream.connect(resolver.resolve(host, port));
  http::request<http::empty_body> req(http::verb::get, target, 11);
  req.set(http::field::host, host);
  req.set(http::field::accept, "text/event-stream");
  if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
  http::write(impl_->stream, req);
  beast::error_code ec = impl_->Await(std::chrono::seconds(30), [&](auto done) {
    http::async_read_header(impl_->stream, impl_->buffer, impl_->parser, done);
  });
  if (ec) throw std::runtime_error("event stream: " + ec.message());
  const auto& head = impl_->parser.get();
  status_ = static_cast<int>(head.result_int());
  for (const auto& field : head) {
    std::string name(field.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    headers_[name] = std::string(field.value());
  }
  if (status_ == 200) return;
  while (auto event = Next(std::chrono::seconds(30))) {
  }  // reads the error body into `pending`
  error_body_ = impl_->pending;
}

EventStream::~EventStream() {
  beast::error_code ignored;
  impl_->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
}

std::optional<ServerSentEvent> EventStream::Next(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (auto event = impl_->TakeEvent()) return event;
    if (impl_->ended) return std::nullopt;
    if (impl_->parser.is_done()) {
      impl_->ended = true;
      continue;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) throw std::runtime_error("event stream: no event in time");
    char piece[4096];
    impl_->parser.get().body().data = piece;
    impl_->parser.get().body().size = sizeof piece;
    beast::error_code ec = impl_->Await(left, [&](auto done) {
      http::async_read_some(impl_->stream, impl_->buffer, impl_->parser, done);
    });
    impl_->pending.append(piece, sizeof piece - impl_->parser.get().body().size);
    if (ec == beast::error::timeout) throw std::runtime_error("event stream: no event in time");
    if (ec == http::error::end_of_stream || ec == boost::asio::error::eof) {
      impl_->ended = true;
    } else if (ec && ec != http::error::need_buffer) {
      throw std::runtime_error("event stream: " + ec.message());
    }
  }
}

}  // namespace qq::testing
