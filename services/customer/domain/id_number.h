// Identity numbers of customers: 居民身份证 (18 characters, ISO 7064 MOD 11-2 check
// character) for people and 统一社会信用代码 (18 characters, GB 32100 check character) for
// organisations. Pure: no I/O.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qq::customer {

// Returns the number in its stored form (upper case, spaces removed); INVALID_ARGUMENT
// naming `field` when length, characters, birth date (ID cards) or check character are wrong.
absl::StatusOr<std::string> NormalisePersonIdNumber(const std::string& field,
                                                    absl::string_view raw);
absl::StatusOr<std::string> NormaliseCreditCode(const std::string& field, absl::string_view raw);

}  // namespace qq::customer
