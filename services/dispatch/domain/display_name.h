// Names people give teams and areas (城东区维修组): trimmed, non-empty, bounded.
// Pure: no database.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qq::dispatch {

inline constexpr size_t kMaxDisplayNameChars = 64;

// `name` without surrounding spaces (ASCII, ideographic U+3000, no-break). INVALID_ARGUMENT
// naming `field` when that is empty or longer than kMaxDisplayNameChars characters (code
// points): "<field>: at most 64 characters (this one has 65)".
absl::StatusOr<std::string> NormalizeDisplayName(absl::string_view field, absl::string_view name);

}  // namespace qq::dispatch
