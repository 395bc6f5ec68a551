// SHA-256 as lower-case hex (libsodium): migration checksums, request fingerprints.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace qq {

std::string Sha256Hex(absl::string_view bytes);

}  // namespace qq
