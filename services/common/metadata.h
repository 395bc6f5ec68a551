// gRPC metadata keys our processes send each other (lower case, as gRPC requires).
#pragma once

namespace qq {

// "Bearer <access token>": verified again by every service.
inline constexpr char kAuthorizationHeader[] = "authorization";
inline constexpr char kRequestIdHeader[] = "x-request-id";
// The client's Idempotency-Key, for creates that deduplicate (idempotency.h).
inline constexpr char kIdempotencyKeyHeader[] = "idempotency-key";
// Informational copies of the verified identity, for logs and proxies; services trust
// only the token.
inline constexpr char kTenantHeader[] = "x-qq-tenant";
inline constexpr char kUserHeader[] = "x-qq-user";
inline constexpr char kRolesHeader[] = "x-qq-roles";

}  // namespace qq
