// Password hashing for staff accounts: argon2id through libsodium's crypto_pwhash_str
// (interactive limits), self-describing hash strings.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace qq::customer {

// INTERNAL only when libsodium cannot allocate the work memory.
absl::StatusOr<std::string> HashPassword(const std::string& password);

// Constant-time comparison inside libsodium; false for a malformed hash.
bool VerifyPassword(const std::string& hash, const std::string& password);

}  // namespace qq::customer
