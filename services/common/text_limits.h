// One check for every free-text field: the limit is in characters (what a user counts),
// and the error names the field and the limit the same way everywhere.
#pragma once

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace qq {

// OK when `text` is valid UTF-8 of at most `max_chars` characters (code points).
// INVALID_ARGUMENT naming `field` otherwise: "<field>: at most N characters (this one has M)"
// or "<field>: is not valid UTF-8 text".
absl::Status CheckTextLength(absl::string_view field, absl::string_view text, size_t max_chars);

}  // namespace qq
