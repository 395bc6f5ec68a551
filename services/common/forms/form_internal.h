// Internal to qq_forms: field-naming errors in the shape of services/common/status.h, and
// the few UTF-8 helpers the form engine needs (lengths in characters, trimming Chinese
// spaces, folding full-width ASCII), so qq_forms links nothing but Abseil and protobuf.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace qq::forms::internal {

// What qq::InvalidField builds, with any code: message "<path>: <reason>" and `path` in the
// qq::kFieldPayloadKey payload (read by qq::FieldOf). qq_common is not linked, so this is
// built here from the header's payload key.
absl::Status FieldError(absl::StatusCode code, absl::string_view path, absl::string_view reason);

// "prefix.part", or "part" when `prefix` is empty.
std::string FieldPath(absl::string_view prefix, absl::string_view part);

// Decodes the code point at `*pos` and advances past it; false at the end or on invalid
// UTF-8 (overlong forms, surrogates, beyond U+10FFFF, truncated sequences).
bool NextCodePoint(absl::string_view text, size_t* pos, char32_t* c);

// Length in code points; nullopt when `text` is not valid UTF-8.
std::optional<size_t> Utf8Length(absl::string_view text);

// True when `text` holds a C0/C1 control character other than tab and line breaks.
bool HasControlCharacters(absl::string_view text);

// `text` without leading and trailing ASCII whitespace, ideographic spaces (U+3000),
// no-break spaces (U+00A0) and byte order marks (U+FEFF).
absl::string_view TrimSpaces(absl::string_view text);

// Full-width ASCII forms (U+FF01..U+FF5E, as Chinese input methods type them) as ASCII,
// and U+3000 as a space; everything else unchanged. Invalid UTF-8 bytes are kept as they
// are.
std::string FoldFullWidth(absl::string_view text);

}  // namespace qq::forms::internal
