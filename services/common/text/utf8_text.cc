#include "services/common/text/utf8_text.h"

#include <unicode/errorcode.h>
#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include <cstdint>

namespace qq::text {
namespace {

bool IsTrimmable(char32_t c) {
  return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0xA0 || c == 0x3000 || c == 0xFEFF;
}

bool IsControl(char32_t c) { return c < 0x20 || (c >= 0x7F && c < 0xA0); }

// Byte offset just past the first `max_chars` characters (invalid bytes count one each).
size_t PrefixBytes(absl::string_view text, size_t max_chars) {
  size_t pos = 0;
  for (size_t n = 0; n < max_chars && pos < text.size(); ++n) {
    char32_t c;
    if (!NextCodePoint(text, &pos, &c)) ++pos;
  }
  return pos;
}

}  // namespace

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

size_t CharCount(absl::string_view text) {
  size_t pos = 0;
  size_t count = 0;
  while (pos < text.size()) {
    char32_t c;
    if (!NextCodePoint(text, &pos, &c)) ++pos;
    ++count;
  }
  return count;
}

std::string TruncateChars(absl::string_view text, size_t max_chars, absl::string_view ellipsis) {
  if (CharCount(text) <= max_chars) return std::string(text);
  const size_t ellipsis_chars = CharCount(ellipsis);
  if (ellipsis_chars >= max_chars) return std::string(text.substr(0, PrefixBytes(text, max_chars)));
  std::string out(text.substr(0, PrefixBytes(text, max_chars - ellipsis_chars)));
  out.append(ellipsis.data(), ellipsis.size());
  return out;
}

bool HasControlCharacters(absl::string_view text) {
  size_t pos = 0;
  char32_t c;
  while (NextCodePoint(text, &pos, &c)) {
    if (c == '\t' || c == '\n' || c == '\r') continue;
    if (IsControl(c)) return true;
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

std::string NormalizeNfkc(absl::string_view text) {
  bool ascii = true;
  for (char ch : text) ascii = ascii && static_cast<unsigned char>(ch) < 0x80;
  if (ascii || !Utf8Length(text)) return std::string(text);
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc = icu::Normalizer2::getNFKCInstance(error);
  if (U_FAILURE(error) || nfkc == nullptr) return FoldFullWidth(text);
  icu::UnicodeString normalized =
      nfkc->normalize(icu::UnicodeString::fromUTF8(
                          icu::StringPiece(text.data(), static_cast<int32_t>(text.size()))),
                      error);
  if (U_FAILURE(error)) return FoldFullWidth(text);
  std::string out;
  normalized.toUTF8String(out);
  return out;
}

std::string SafeFileName(absl::string_view name, size_t max_chars) {
  const size_t slash = name.find_last_of("/\\");
  if (slash != absl::string_view::npos) name = name.substr(slash + 1);
  std::string kept;
  size_t pos = 0;
  while (pos < name.size()) {
    const size_t start = pos;
    char32_t c;
    if (!NextCodePoint(name, &pos, &c)) {
      pos = start + 1;  // invalid bytes are dropped
      continue;
    }
    if (IsControl(c) || c == 0x2028 || c == 0x2029) continue;
    kept.append(name.data() + start, pos - start);
  }
  std::string trimmed(TrimSpaces(kept));
  if (trimmed == "." || trimmed == "..") return "";
  if (CharCount(trimmed) <= max_chars) return trimmed;
  // Keep a short extension (".jpeg") so the name still says what it is.
  const size_t dot = trimmed.find_last_of('.');
  absl::string_view extension;
  if (dot != std::string::npos && dot > 0 && trimmed.size() - dot <= 10) {
    extension = absl::string_view(trimmed).substr(dot);
  }
  const size_t extension_chars = CharCount(extension);
  if (extension_chars >= max_chars) return TruncateChars(trimmed, max_chars, "");
  std::string out =
      TruncateChars(absl::string_view(trimmed).substr(0, trimmed.size() - extension.size()),
                    max_chars - extension_chars, "");
  out.append(extension.data(), extension.size());
  return out;
}

}  // namespace qq::text
