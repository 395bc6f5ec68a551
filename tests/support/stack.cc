#include "tests/support/stack.h"

#include <cstdio>
#include <cstdlib>
#include <random>
#include <stdexcept>
#include <vector>

#include <boost/json/parse.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "tests/support/http_client.h"

namespace qq::testing {

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::string(value) : fallback;
}

std::string ServiceDatabaseDsn(const std::string& database) {
  const std::string admin = EnvOr("QQ_TEST_PG_ADMIN_DSN");
  const size_t slash = admin.rfind('/');
  return slash == std::string::npos ? admin : admin.substr(0, slash + 1) + database;
}

std::string UniquePhone() {
  // 10^9 numbers per run's prefix: a clash between the few hundred a run makes is
  // vanishingly unlikely, and the database would report it as a 409.
  static std::mt19937_64 random{std::random_device{}()};
  char phone[16];
  std::snprintf(phone, sizeof phone, "17%09llu",
                static_cast<unsigned long long>(random() % 1000000000ULL));
  return phone;
}

std::string GatewayUrl() { return EnvOr("QQ_TEST_GATEWAY_URL"); }

std::string LoginAs(HttpClient& http, const std::string& tenant, const std::string& username,
                    const std::string& password) {
  HttpResponse res =
      http.Post("/v1/auth/login", R"({"tenant":")" + tenant + R"(","username":")" + username +
                                      R"(","password":")" + password + R"("})");
  std::string token = Str(res.Json(), "accessToken");
  if (res.status != 200 || token.empty()) {
    throw std::runtime_error("login " + tenant + "/" + username +
                             " failed: " + std::to_string(res.status) + " " + res.body);
  }
  return token;
}

std::string TinyPng() {
  const unsigned char bytes[] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0,    0,    0,
                                 13,   'I', 'H', 'D', 'R',  0,    0,    0,    1,    0,    0,
                                 0,    1,   8,   2,   0,    0,    0,    0x90, 0x77, 0x53, 0xde};
  return std::string(reinterpret_cast<const char*>(bytes), sizeof bytes);
}

std::string UserIdOf(const std::string& token) {
  std::vector<std::string> parts = absl::StrSplit(token, '.');
  std::string payload;
  if (parts.size() != 3 || !absl::WebSafeBase64Unescape(parts[1], &payload)) return "";
  boost::system::error_code error;
  boost::json::value claims = boost::json::parse(payload, error);
  if (error || !claims.is_object()) return "";
  return Str(claims, "sub");
}

std::vector<boost::json::value> AllTodos(HttpClient& http, const std::string& token) {
  std::vector<boost::json::value> todos;
  std::string page_token;
  for (int page = 0; page < 100; ++page) {
    HttpResponse res = http.Get("/v1/todos?pageSize=100&pageToken=" + page_token, token);
    if (res.status != 200) throw std::runtime_error("GET /v1/todos: " + res.body);
    const boost::json::value json = res.Json();
    if (json.as_object().contains("todos")) {
      for (const auto& todo : json.as_object().at("todos").as_array()) todos.push_back(todo);
    }
    page_token = Str(json, "nextPageToken");
    if (page_token.empty()) break;
  }
  return todos;
}

}  // namespace qq::testing
