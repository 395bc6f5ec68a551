// Identity from verified access tokens (JWT, HS256, keys chosen by `kid`). The gateway
// and every service verify the same token; tenant, user and roles come only from it.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"

namespace qq {

// Who is calling. `tenant` scopes every row the call may touch.
struct Identity {
  std::string tenant;
  std::string user_id;
  std::string username;
  std::vector<std::string> roles;
  // The name people know them by (王师傅), for timelines; may be empty (machines, old
  // tokens): NameOrUsername() then falls back.
  std::string display_name;

  const std::string& NameOrUsername() const {
    return display_name.empty() ? username : display_name;
  }
  bool HasRole(absl::string_view role) const;
  bool HasAnyRole(std::initializer_list<absl::string_view> roles) const;
};

// Role names used across services.
namespace roles {
inline constexpr absl::string_view kAdmin = "admin";
inline constexpr absl::string_view kAgent = "agent";
inline constexpr absl::string_view kDispatcher = "dispatcher";
inline constexpr absl::string_view kLeader = "leader";
inline constexpr absl::string_view kWorker = "worker";
inline constexpr absl::string_view kCourier = "courier";
inline constexpr absl::string_view kManager = "manager";
inline constexpr absl::string_view kFinance = "finance";
// Held by tokens that services mint for their own calls to each other.
inline constexpr absl::string_view kService = "service";
// Held by service-account tokens of third-party billing systems.
inline constexpr absl::string_view kBilling = "billing";
}  // namespace roles

struct JwtKey {
  std::string kid;
  std::string secret;
};

// Parses "kid1:secret1,kid2:secret2". The first key signs; all verify, so keys rotate
// by adding a new first key and dropping the old one after the token lifetime.
// INVALID_ARGUMENT when empty or malformed, or a secret is shorter than 32 bytes.
absl::StatusOr<std::vector<JwtKey>> ParseJwtKeys(absl::string_view spec);

class TokenVerifier {
 public:
  explicit TokenVerifier(std::vector<JwtKey> keys) : keys_(std::move(keys)) {}

  // UNAUTHENTICATED when the token is malformed, signed with an unknown key or the
  // wrong algorithm, expired, or lacks tenant or subject.
  absl::StatusOr<Identity> Verify(absl::string_view token) const;

  // Accepts "Bearer <token>" (case-insensitive scheme).
  absl::StatusOr<Identity> VerifyAuthorizationHeader(absl::string_view header) const;

 private:
  std::vector<JwtKey> keys_;
};

class TokenIssuer {
 public:
  explicit TokenIssuer(JwtKey signing_key) : key_(std::move(signing_key)) {}

  // INTERNAL only if libjwt fails to encode.
  absl::StatusOr<std::string> Issue(const Identity& identity, std::chrono::seconds ttl) const;

 private:
  JwtKey key_;
};

}  // namespace qq
