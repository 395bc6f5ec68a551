#include "services/common/auth.h"

#include <jwt.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/status.h"

namespace qq {
namespace {

constexpr char kIssuer[] = "qingquan";

struct JwtDeleter {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
using JwtPtr = std::unique_ptr<jwt_t, JwtDeleter>;

struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};

// Roles travel as a JSON array of plain lowercase names; parse exactly that shape.
std::vector<std::string> ParseRoleArray(absl::string_view json) {
  std::vector<std::string> roles;
  size_t pos = 0;
  while (true) {
    size_t open = json.find('"', pos);
    if (open == absl::string_view::npos) break;
    size_t close = json.find('"', open + 1);
    if (close == absl::string_view::npos) break;
    roles.emplace_back(json.substr(open + 1, close - open - 1));
    pos = close + 1;
  }
  return roles;
}

}  // namespace

bool Identity::HasRole(absl::string_view role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

bool Identity::HasAnyRole(std::initializer_list<absl::string_view> wanted) const {
  for (absl::string_view r : wanted) {
    if (HasRole(r)) return true;
  }
  return false;
}

absl::StatusOr<std::vector<JwtKey>> ParseJwtKeys(absl::string_view spec) {
  std::vector<JwtKey> keys;
  for (absl::string_view part : absl::StrSplit(spec, ',', absl::SkipWhitespace())) {
    part = absl::StripAsciiWhitespace(part);
    size_t colon = part.find(':');
    if (colon == absl::string_view::npos || colon == 0) {
      return InvalidField("jwt_keys", "each key must be written kid:secret");
    }
    JwtKey key{std::string(part.substr(0, colon)), std::string(part.substr(colon + 1))};
    if (key.secret.size() < 32) {
      return InvalidField("jwt_keys",
                          absl::StrCat("secret of key '", key.kid, "' is shorter than 32 bytes"));
    }
    keys.push_back(std::move(key));
  }
  if (keys.empty()) return InvalidField("jwt_keys", "no signing key configured");
  return keys;
}

absl::StatusOr<Identity> TokenVerifier::Verify(absl::string_view token) const {
  if (token.empty()) return absl::UnauthenticatedError("missing access token");
  std::string token_str(token);

  // Read the header unverified only to learn which key to verify with.
  jwt_t* raw = nullptr;
  if (jwt_decode(&raw, token_str.c_str(), nullptr, 0) != 0 || raw == nullptr) {
    return absl::UnauthenticatedError("malformed access token");
  }
  JwtPtr unverified(raw);
  const char* kid = jwt_get_header(unverified.get(), "kid");
  if (kid == nullptr) return absl::UnauthenticatedError("access token has no key id");
  auto key =
      std::find_if(keys_.begin(), keys_.end(), [&](const JwtKey& k) { return k.kid == kid; });
  if (key == keys_.end()) return absl::UnauthenticatedError("access token signed with unknown key");

  raw = nullptr;
  if (jwt_decode(&raw, token_str.c_str(),
                 reinterpret_cast<const unsigned char*>(key->secret.data()),
                 static_cast<int>(key->secret.size())) != 0 ||
      raw == nullptr) {
    return absl::UnauthenticatedError("access token signature is invalid");
  }
  JwtPtr verified(raw);
  if (jwt_get_alg(verified.get()) != JWT_ALG_HS256) {
    return absl::UnauthenticatedError("access token uses an unsupported algorithm");
  }
  long exp = jwt_get_grant_int(verified.get(), "exp");
  if (exp <= 0 || exp < static_cast<long>(std::time(nullptr))) {
    return absl::UnauthenticatedError("access token has expired");
  }
  const char* iss = jwt_get_grant(verified.get(), "iss");
  if (iss == nullptr || absl::string_view(iss) != kIssuer) {
    return absl::UnauthenticatedError("access token has the wrong issuer");
  }
  Identity identity;
  const char* tenant = jwt_get_grant(verified.get(), "tid");
  const char* sub = jwt_get_grant(verified.get(), "sub");
  if (tenant == nullptr || *tenant == '\0' || sub == nullptr || *sub == '\0') {
    return absl::UnauthenticatedError("access token lacks tenant or subject");
  }
  identity.tenant = tenant;
  identity.user_id = sub;
  if (const char* name = jwt_get_grant(verified.get(), "name")) identity.username = name;
  if (const char* shown = jwt_get_grant(verified.get(), "display_name")) {
    identity.display_name = shown;
  }
  std::unique_ptr<char, FreeDeleter> roles_json(jwt_get_grants_json(verified.get(), "roles"));
  if (roles_json) identity.roles = ParseRoleArray(roles_json.get());
  return identity;
}

absl::StatusOr<Identity> TokenVerifier::VerifyAuthorizationHeader(absl::string_view header) const {
  header = absl::StripAsciiWhitespace(header);
  if (header.empty()) return absl::UnauthenticatedError("missing Authorization header");
  if (header.size() < 7 || !absl::EqualsIgnoreCase(header.substr(0, 7), "Bearer ")) {
    return absl::UnauthenticatedError("Authorization header must be 'Bearer <token>'");
  }
  return Verify(absl::StripAsciiWhitespace(header.substr(7)));
}

absl::StatusOr<std::string> TokenIssuer::Issue(const Identity& identity,
                                               std::chrono::seconds ttl) const {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0) return absl::InternalError("jwt_new failed");
  JwtPtr jwt(raw);
  long now = static_cast<long>(std::time(nullptr));
  std::string roles = "{\"roles\":[";
  for (size_t i = 0; i < identity.roles.size(); ++i) {
    if (i) roles += ",";
    roles += JsonQuote(identity.roles[i]);
  }
  roles += "]}";
  bool ok = jwt_add_header(jwt.get(), "kid", key_.kid.c_str()) == 0 &&
            jwt_add_grant(jwt.get(), "iss", kIssuer) == 0 &&
            jwt_add_grant(jwt.get(), "sub", identity.user_id.c_str()) == 0 &&
            jwt_add_grant(jwt.get(), "tid", identity.tenant.c_str()) == 0 &&
            jwt_add_grant(jwt.get(), "name", identity.username.c_str()) == 0 &&
            (identity.display_name.empty() ||
             jwt_add_grant(jwt.get(), "display_name", identity.display_name.c_str()) == 0) &&
            jwt_add_grant_int(jwt.get(), "iat", now) == 0 &&
            jwt_add_grant_int(jwt.get(), "exp", now + static_cast<long>(ttl.count())) == 0 &&
            jwt_add_grants_json(jwt.get(), roles.c_str()) == 0 &&
            jwt_set_alg(jwt.get(), JWT_ALG_HS256,
                        reinterpret_cast<const unsigned char*>(key_.secret.data()),
                        static_cast<int>(key_.secret.size())) == 0;
  if (!ok) return absl::InternalError("could not build access token");
  std::unique_ptr<char, FreeDeleter> encoded(jwt_encode_str(jwt.get()));
  if (!encoded) return absl::InternalError("could not encode access token");
  return std::string(encoded.get());
}

}  // namespace qq
