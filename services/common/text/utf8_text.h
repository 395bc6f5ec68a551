// Text as people count it. Every length limit, cut and fold of user text in Qingquan goes
// through here, so that limits are in characters (Unicode code points), a cut never splits
// a character (PostgreSQL refuses the row when one does), and full-width digits typed by
// Chinese input methods mean what they say. Pure: Abseil and ICU only.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace qq::text {

// Decodes the code point at `*pos` and advances past it; false at the end or on invalid
// UTF-8 (overlong forms, surrogates, beyond U+10FFFF, truncated sequences).
bool NextCodePoint(absl::string_view text, size_t* pos, char32_t* c);

// Length in code points; nullopt when `text` is not valid UTF-8.
std::optional<size_t> Utf8Length(absl::string_view text);

// Length in code points, counting each invalid byte as one character (for limits on text
// that is checked for validity elsewhere, or not at all).
size_t CharCount(absl::string_view text);

// At most `max_chars` characters of `text`, never cutting one in half. When something was
// cut, `ellipsis` is appended within the limit ("…" by default; empty for none). Invalid
// bytes count as one character each and are kept as they are.
std::string TruncateChars(absl::string_view text, size_t max_chars,
                          absl::string_view ellipsis = "…");

// True when `text` holds a C0/C1 control character other than tab and line breaks.
bool HasControlCharacters(absl::string_view text);

// `text` without leading and trailing ASCII whitespace, ideographic spaces (U+3000),
// no-break spaces (U+00A0) and byte order marks (U+FEFF).
absl::string_view TrimSpaces(absl::string_view text);

// Full-width ASCII forms (U+FF01..U+FF5E, as Chinese input methods type them) as ASCII,
// and U+3000 as a space; everything else unchanged. Invalid UTF-8 bytes are kept.
std::string FoldFullWidth(absl::string_view text);

// Unicode NFKC (compatibility composition): full-width digits and letters become ASCII,
// circled and other compatibility forms their plain letters, decomposed accents compose.
// For identifiers people type (phones, numbers, search queries); not for free text, whose
// look it may change. Invalid UTF-8 is returned unchanged.
std::string NormalizeNfkc(absl::string_view text);

// A file name safe to store and show: the last path component (either slash), control
// characters and NUL removed, spaces trimmed, "." and ".." refused, cut to `max_chars`
// characters keeping the extension. Empty when nothing usable is left.
std::string SafeFileName(absl::string_view name, size_t max_chars);

}  // namespace qq::text
