#include "services/common/forms/form_internal.h"

#include <cstdint>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "services/common/status.h"

namespace qq::forms::internal {
namespace {

bool IsTrimmable(char32_t c) {
  return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0xA0 || c == 0x3000 || c == 0xFEFF;
}

}  // namespace

absl::Status FieldError(absl::StatusCode code, absl::string_view path, absl::string_view reason) {
  absl::Status status(code, absl::StrCat(path, ": ", reason));
  status.SetPayload(qq::kFieldPayloadKey, absl::Cord(path));
  return status;
}

std::string FieldPath(absl::string_view prefix, absl::string_view part) {
  return prefix.empty() ? std::string(part) : absl::StrCat(prefix, ".", part);
}

bool NextCodePoint(absl::string_view text, size_t* pos, char32_t* c) {
  if (*pos >= text.size()) return false;
  auto byte = [&](size_t i) { return static_cast<uint8_t>(text[i]); };
  uint8_t lead = byte(*pos);
  size_t length;
  char32_t value;
  char32_t smallest;
  if (lead < 0x80) {
    *c = lead;
    ++*pos;
    return true;
  } else if ((lead & 0xE0) == 0xC0) {
    length = 2, value = lead & 0x1F, smallest = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, value = lead & 0x0F, smallest = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, value = lead & 0x07, smallest = 0x10000;
  } else {
    return false;
  }
  if (text.size() - *pos < length) return false;
  for (size_t i = 1; i < length; ++i) {
    uint8_t next = byte(*pos + i);
    if ((next & 0xC0) != 0x80) return false;
    value = (value << 6) | (next & 0x3F);
  }
  if (value < smallest || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return false;
  *c = value;
  *pos += length;
  return true;
}

std::optional<size_t> Utf8Length(absl::string_view text) {
  size_t pos = 0;
  size_t count = 0;
  char32_t c;
  while (NextCodePoint(text, &pos, &c)) ++count;
  if (pos != text.size()) return std::nullopt;
  return count;
}

bool HasControlCharacters(absl::string_view text) {
  size_t pos = 0;
  char32_t c;
  while (NextCodePoint(text, &pos, &c)) {
    if (c == '\t' || c == '\n' || c == '\r') continue;
    if (c < 0x20 || (c >= 0x7F && c < 0xA0)) return true;
  }
  return false;
}

absl::string_view TrimSpaces(absl::string_view text) {
  size_t begin = 0;
  size_t pos = 0;
  char32_t c;
  while (NextCodePoint(text, &pos, &c) && IsTrimmable(c)) begin = pos;
  size_t end = begin;
  pos = begin;
  while (NextCodePoint(text, &pos, &c)) {
    if (!IsTrimmable(c)) end = pos;
  }
  // Invalid bytes stop decoding; keep them so validation sees them.
  if (pos != text.size()) end = text.size();
  return text.substr(begin, end - begin);
}

std::string FoldFullWidth(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = pos;
    char32_t c;
    if (!NextCodePoint(text, &pos, &c)) {
      out.push_back(text[start]);
      pos = start + 1;
      continue;
    }
    if (c >= 0xFF01 && c <= 0xFF5E) {
      out.push_back(static_cast<char>(c - 0xFEE0));
    } else if (c == 0x3000) {
      out.push_back(' ');
    } else {
      out.append(text.data() + start, pos - start);
    }
  }
  return out;
}

}  // namespace qq::forms::internal
