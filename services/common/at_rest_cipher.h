// Data at rest (customers' phones and ID numbers, providers' credentials): authenticated
// encryption plus a keyed hash (blind index) for exact lookup, with keys that rotate.
// Pure: no I/O.
//
// Keys come from config as "id:hex64[,id:hex64...]"; the first is current. Each master key
// yields two subkeys (libsodium's KDF): one for XChaCha20-Poly1305, one for the BLAKE2b
// blind index. The tenant is the associated data of every ciphertext and is hashed into
// every index, so values cannot be moved between tenants unnoticed or correlated across
// them. Rotation: put the new key first; rows sealed with an older key stay readable, are
// looked up with every key's index, and are re-sealed by the store's re-key pass.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qq {

class AtRestCipher {
 public:
  // INVALID_ARGUMENT for an empty list, a malformed entry, a key that is not 64 hex
  // digits, or a repeated id.
  static absl::StatusOr<AtRestCipher> FromConfig(absl::string_view spec);

  const std::string& current_key_id() const { return keys_.front().id; }

  // Sealed form: nonce (24 bytes) + ciphertext with tag, under the current key.
  std::string Seal(absl::string_view tenant, absl::string_view plaintext) const;
  // NOT_FOUND for an unknown key id; DATA_LOSS when the ciphertext does not verify.
  absl::StatusOr<std::string> Open(absl::string_view key_id, absl::string_view tenant,
                                   absl::string_view sealed) const;

  // 16-byte keyed hash of the normalised value under the current key.
  std::string BlindIndex(absl::string_view tenant, absl::string_view normalised) const;
  // The value's index under every configured key, current first: lookups during rotation.
  std::vector<std::string> LookupIndexes(absl::string_view tenant,
                                         absl::string_view normalised) const;

 private:
  struct Key {
    std::string id;
    std::array<unsigned char, 32> seal_key;
    std::array<unsigned char, 32> index_key;
  };
  explicit AtRestCipher(std::vector<Key> keys) : keys_(std::move(keys)) {}
  static std::string IndexWith(const Key& key, absl::string_view tenant,
                               absl::string_view normalised);

  std::vector<Key> keys_;
};

}  // namespace qq
