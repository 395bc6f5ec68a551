// Mainland China phone numbers: validation and the one normal form we store.
// Pure: no I/O.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace qq::customer {

// Mobile: 11 digits starting 1[3-9], stored as "13912345678" (a +86 / 0086 / 86
// prefix is dropped). Landline: area code 0 + 2..3 digits and a 7..8 digit number,
// stored as "021-62345678"; an extension is not accepted. Spaces, dashes and
// parentheses are ignored; full-width forms (１３９１２３４５６７１) count as their ASCII
// ones (NFKC). INVALID_ARGUMENT (naming `field`) for anything else.
absl::StatusOr<std::string> NormalisePhone(const std::string& field, const std::string& raw);

}  // namespace qq::customer
