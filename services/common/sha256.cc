#include "services/common/sha256.h"

#include <sodium.h>

namespace qq {

std::string Sha256Hex(absl::string_view bytes) {
  static const bool sodium_ready = sodium_init() >= 0;
  (void)sodium_ready;
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

}  // namespace qq
