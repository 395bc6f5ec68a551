// Personal data at rest (phones, ID numbers): the common at-rest cipher (authenticated
// encryption plus a blind index for exact lookup, rotating keys), and the customer's own
// partial forms of such data. Pure: no I/O.
#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "services/common/at_rest_cipher.h"

namespace qq::customer {

using PiiCipher = qq::AtRestCipher;

// The last `n` digits of a value (fewer if it has fewer), for partial search.
std::string LastDigits(absl::string_view value, size_t n = 4);

// "110101********1234": first six and last four characters kept.
std::string MaskIdNumber(absl::string_view id_number);

}  // namespace qq::customer
