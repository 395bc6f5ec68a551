// The running test stack that `./deploy/dev test` starts: addresses from QQ_TEST_*
// environment variables, and logins for the demo users.
#pragma once

#include <string>
#include <vector>

#include <boost/json/value.hpp>

namespace qq::testing {

// Value of `name`, or "" when unset.
std::string EnvOr(const char* name, const std::string& fallback = "");

// QQ_TEST_GATEWAY_URL, or "" when no stack runs (tests then skip).
std::string GatewayUrl();

// The DSN of a service's database (e.g. "qq_order") on the test stack's PostgreSQL, as its
// superuser (QQ_TEST_PG_ADMIN_DSN with the database replaced).
std::string ServiceDatabaseDsn(const std::string& database);

// A mobile number no other test of this run uses (phones are unique per tenant).
std::string UniquePhone();

// The user id ("sub" claim) inside an access token; "" when it is not a JWT.
std::string UserIdOf(const std::string& token);

// The smallest file libmagic calls image/png (the signature and a 1×1 RGB IHDR chunk): a
// photo for uploads.
std::string TinyPng();

class HttpClient;

// Logs in through POST /v1/auth/login and returns the access token; throws
// std::runtime_error with the response when the login fails.
std::string LoginAs(HttpClient& http, const std::string& tenant, const std::string& username,
                    const std::string& password = "demo12345");

// Every to-do of the person with `token`, page by page (GET /v1/todos): a busy test stack
// has more than one page. Throws std::runtime_error when a page is not 200.
std::vector<boost::json::value> AllTodos(HttpClient& http, const std::string& token);

}  // namespace qq::testing
