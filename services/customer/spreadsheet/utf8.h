// The two UTF-8 steps the reader and the writer share, on ICU's macros from
// unicode/utf8.h (header-only: no ICU library is linked for them).
#pragma once

#include <unicode/utf8.h>

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace qq::spreadsheet {

// The code point at text[*i], advancing *i past it; U+FFFD (advancing past the maximal
// ill-formed part) for bytes that are not UTF-8.
inline uint32_t NextCodePoint(absl::string_view text, size_t* i) {
  int32_t index = static_cast<int32_t>(*i);
  UChar32 cp;
  U8_NEXT_OR_FFFD(text.data(), index, static_cast<int32_t>(text.size()), cp);
  *i = static_cast<size_t>(index);
  return static_cast<uint32_t>(cp);
}

// Appends a valid code point as UTF-8.
inline void AppendUtf8(uint32_t cp, std::string* out) {
  char bytes[U8_MAX_LENGTH];
  int32_t length = 0;
  U8_APPEND_UNSAFE(bytes, length, cp);
  out->append(bytes, static_cast<size_t>(length));
}

}  // namespace qq::spreadsheet
