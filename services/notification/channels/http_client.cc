#include "services/notification/channels/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <memory>
#include <mutex>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace qq::notification {
namespace {

void InitCurlOnce() {
  // curl_global_init is not thread-safe in older libcurls; every call site goes through here.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CallState {
  HttpResponse* response;
  size_t max_bytes;
  bool too_large = false;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* state = static_cast<CallState*>(user);
  const size_t bytes = size * count;
  if (state->response->body.size() + bytes > state->max_bytes) {
    state->too_large = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  state->response->body.append(data, bytes);
  return bytes;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* state = static_cast<CallState*>(user);
  const size_t bytes = size * count;
  absl::string_view line(data, bytes);
  // A status line starts a new header block (after "100 Continue", say): forget the old one.
  if (absl::StartsWith(line, "HTTP/")) {
    state->response->headers.clear();
    return bytes;
  }
  const size_t colon = line.find(':');
  if (colon == absl::string_view::npos) return bytes;
  std::string name = absl::AsciiStrToLower(absl::StripAsciiWhitespace(line.substr(0, colon)));
  state->response->headers[name] = std::string(absl::StripAsciiWhitespace(line.substr(colon + 1)));
  return bytes;
}

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

}  // namespace

HttpClient::HttpClient(HttpClientOptions options) : options_(options) { InitCurlOnce(); }

HttpResponse HttpClient::Post(const std::string& url, const HttpHeaders& headers,
                              const std::string& body, std::chrono::milliseconds timeout) const {
  return Perform(true, url, headers, &body, timeout);
}

HttpResponse HttpClient::Get(const std::string& url, const HttpHeaders& headers,
                             std::chrono::milliseconds timeout) const {
  return Perform(false, url, headers, nullptr, timeout);
}

HttpResponse HttpClient::Perform(bool post, const std::string& url, const HttpHeaders& headers,
                                 const std::string* body, std::chrono::milliseconds timeout) const {
  HttpResponse response;
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) {
    response.error = "curl_easy_init failed";
    return response;
  }
  CallState state{&response, options_.max_response_bytes};
  std::unique_ptr<curl_slist, SlistDeleter> header_list;
  for (const auto& [name, value] : headers) {
    std::string line = absl::StrCat(name, ": ", value);
    curl_slist* appended = curl_slist_append(header_list.get(), line.c_str());
    if (appended == nullptr) {
      response.error = "curl_slist_append failed";
      return response;
    }
    header_list.release();
    header_list.reset(appended);
  }
  // Without a body curl would add "Expect: 100-continue" for larger posts and wait for it.
  curl_slist* appended = curl_slist_append(header_list.get(), "Expect:");
  if (appended != nullptr) {
    header_list.release();
    header_list.reset(appended);
  }

  const long total_ms = std::max<long>(1, static_cast<long>(timeout.count()));
  const long connect_ms = std::min<long>(
      total_ms, std::max<long>(1, static_cast<long>(options_.connect_timeout.count())));
  CURL* h = curl.get();
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
  // Signals cannot interrupt a worker thread's resolver; timeouts stay exact without them.
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, total_ms);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, header_list.get());
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &OnBody);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &state);
  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &state);
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
  if (post) {
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
  } else {
    curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
  }

  char error_buffer[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  const CURLcode code = curl_easy_perform(h);
  if (code != CURLE_OK) {
    response.status = 0;
    response.timed_out = code == CURLE_OPERATION_TIMEDOUT;
    std::string detail = error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code);
    if (state.too_large) detail = "response larger than the limit";
    response.error = absl::StrCat(detail, " (curl ", static_cast<int>(code), ")");
    return response;
  }
  long status = 0;
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
  response.status = static_cast<int>(status);
  return response;
}

}  // namespace qq::notification
