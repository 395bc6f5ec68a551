// No input crashes anything: every route of the API (read from /openapi.json) gets a
// battery of malformed ids, bodies and query values; every answer must be a JSON 4xx or
// 2xx (never 5xx), and afterwards every backend still answers /readyz.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <regex>

#include "services/common/testing/require_stack.h"
#include "tests/support/http_client.h"
#include "tests/support/stack.h"

namespace qq::testing {
namespace {

const std::vector<std::string> kBadBodies = {
    "",
    "{",
    "[]",
    "null",
    "\"text\"",
    "12345678901234567890",
    R"({"id":{"nested":[1,2,{"deep":null}]}})",
    R"({"name":"\u0000\ud800"})",
    R"({"type":-1,"channel":99999999999,"priority":1e400})",
    R"({"phones":[[]],"addresses":{"0":1},"location":{"lat":"NaN","lng":Infinity}})",
    std::string(1000, '{'),
    "\xff\xfe\x00garbage",
};

const std::vector<std::string> kBadIds = {"x",
                                          "00000000-0000-0000-0000-000000000000",
                                          "%00",
                                          "..%2F..%2Fetc",
                                          std::string(300, 'a'),
                                          "%E4%B8%AD%E6%96%87"};

TEST(Robustness, MalformedRequestsToEveryRouteAreAnswered4xx) {
  if (GatewayUrl().empty()) {
    QQ_SKIP_WITHOUT_STACK("QQ_TEST_GATEWAY_URL");
  }
  HttpClient http(GatewayUrl());
  const std::string token = LoginAs(http, "utility-demo", "admin");
  HttpResponse openapi = http.Get("/openapi.json");
  ASSERT_EQ(openapi.status, 200);
  const boost::json::value document = openapi.Json();
  const auto& paths = document.as_object().at("paths").as_object();
  ASSERT_GT(paths.size(), 10u);
  const std::regex variable(R"(\{[^}]+\})");
  int requests = 0;
  for (const auto& [path_template, operations] : paths) {
    for (const auto& [method, operation] : operations.as_object()) {
      std::string verb = method;
      for (auto& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      for (const std::string& id : kBadIds) {
        std::string target = std::regex_replace(std::string(path_template), variable, id);
        const std::vector<std::string> bodies =
            verb == "GET" ? std::vector<std::string>{""} : kBadBodies;
        for (const std::string& body : bodies) {
          for (const std::string& query :
               {std::string(), std::string("?pageSize=-1&lat=x&state=NOPE&unknown=1")}) {
            HttpResponse res =
                http.Send(verb, target + query, body, {{"Authorization", "Bearer " + token}});
            ++requests;
            EXPECT_LT(res.status, 500) << verb << " " << target << query
                                       << " body=" << body.substr(0, 60) << " -> " << res.body;
            // Errors are always JSON; a success may be a file (downloads).
            if (res.status >= 400) {
              EXPECT_FALSE(res.Json().is_null()) << verb << " " << target << " answered non-JSON";
            }
          }
        }
      }
    }
  }
  std::cout << requests << " malformed requests answered\n";
  EXPECT_EQ(http.Get("/readyz").status, 200) << "a backend stopped answering";
}

}  // namespace
}  // namespace qq::testing
