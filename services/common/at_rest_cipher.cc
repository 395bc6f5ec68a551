#include "services/common/at_rest_cipher.h"

#include <sodium.h>

#include <cctype>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace qq {
namespace {

constexpr char kKdfContext[crypto_kdf_CONTEXTBYTES] = {'q', 'q', 'p', 'i', 'i', 'v', '0', '1'};
constexpr uint64_t kSealSubkey = 1;
constexpr uint64_t kIndexSubkey = 2;
constexpr size_t kIndexBytes = 16;

bool IsHex(absl::string_view s) {
  for (char c : s) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<AtRestCipher> AtRestCipher::FromConfig(absl::string_view spec) {
  if (sodium_init() < 0) return absl::InternalError("libsodium failed to initialise");
  std::vector<Key> keys;
  for (absl::string_view entry : absl::StrSplit(spec, ',', absl::SkipWhitespace())) {
    entry = absl::StripAsciiWhitespace(entry);
    std::vector<absl::string_view> parts = absl::StrSplit(entry, absl::MaxSplits(':', 1));
    if (parts.size() != 2 || parts[0].empty()) {
      return absl::InvalidArgumentError("keys: each entry is id:hex64");
    }
    if (parts[1].size() != 64 || !IsHex(parts[1])) {
      return absl::InvalidArgumentError(
          absl::StrCat("key ", parts[0], ": expected 64 hex digits (32 bytes)"));
    }
    for (const Key& k : keys) {
      if (k.id == parts[0]) {
        return absl::InvalidArgumentError(absl::StrCat("key ", parts[0], " is listed twice"));
      }
    }
    const std::string master = absl::HexStringToBytes(parts[1]);
    Key key;
    key.id = std::string(parts[0]);
    const auto* master_bytes = reinterpret_cast<const unsigned char*>(master.data());
    crypto_kdf_derive_from_key(key.seal_key.data(), key.seal_key.size(), kSealSubkey, kKdfContext,
                               master_bytes);
    crypto_kdf_derive_from_key(key.index_key.data(), key.index_key.size(), kIndexSubkey,
                               kKdfContext, master_bytes);
    keys.push_back(std::move(key));
  }
  if (keys.empty()) return absl::InvalidArgumentError("keys: at least one key is needed");
  return AtRestCipher(std::move(keys));
}

std::string AtRestCipher::Seal(absl::string_view tenant, absl::string_view plaintext) const {
  const Key& key = keys_.front();
  std::string out(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + plaintext.size() +
                      crypto_aead_xchacha20poly1305_ietf_ABYTES,
                  '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(
      nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &written,
      reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
      reinterpret_cast<const unsigned char*>(tenant.data()), tenant.size(), nullptr, nonce,
      key.seal_key.data());
  out.resize(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + written);
  return out;
}

absl::StatusOr<std::string> AtRestCipher::Open(absl::string_view key_id, absl::string_view tenant,
                                               absl::string_view sealed) const {
  const Key* key = nullptr;
  for (const Key& k : keys_) {
    if (k.id == key_id) key = &k;
  }
  if (key == nullptr) {
    return absl::NotFoundError(absl::StrCat("key '", key_id, "' is not configured"));
  }
  constexpr size_t kOverhead =
      crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES;
  if (sealed.size() < kOverhead) return absl::DataLossError("sealed value is too short");
  const auto* nonce = reinterpret_cast<const unsigned char*>(sealed.data());
  std::string plain(sealed.size() - kOverhead, '\0');
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plain.data()), &written, nullptr,
          nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
          sealed.size() - crypto_aead_xchacha20poly1305_ietf_NPUBBYTES,
          reinterpret_cast<const unsigned char*>(tenant.data()), tenant.size(), nonce,
          key->seal_key.data()) != 0) {
    return absl::DataLossError("sealed value does not verify");
  }
  plain.resize(written);
  return plain;
}

std::string AtRestCipher::IndexWith(const Key& key, absl::string_view tenant,
                                    absl::string_view normalised) {
  crypto_generichash_state state;
  crypto_generichash_init(&state, key.index_key.data(), key.index_key.size(), kIndexBytes);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(tenant.data()),
                            tenant.size());
  const unsigned char separator = 0;
  crypto_generichash_update(&state, &separator, 1);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(normalised.data()),
                            normalised.size());
  std::string out(kIndexBytes, '\0');
  crypto_generichash_final(&state, reinterpret_cast<unsigned char*>(out.data()), kIndexBytes);
  return out;
}

std::string AtRestCipher::BlindIndex(absl::string_view tenant, absl::string_view normalised) const {
  return IndexWith(keys_.front(), tenant, normalised);
}

std::vector<std::string> AtRestCipher::LookupIndexes(absl::string_view tenant,
                                                     absl::string_view normalised) const {
  std::vector<std::string> out;
  for (const Key& key : keys_) out.push_back(IndexWith(key, tenant, normalised));
  return out;
}

}  // namespace qq
