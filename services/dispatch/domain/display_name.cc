#include "services/dispatch/domain/display_name.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/status.h"

namespace qq::dispatch {

absl::StatusOr<std::string> NormalizeDisplayName(absl::string_view field, absl::string_view name) {
  absl::string_view trimmed = absl::StripAsciiWhitespace(name);
  if (trimmed.empty()) return InvalidField(field, "required");
  size_t chars = 0;
  for (char c : trimmed) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++chars;  // not a continuation byte
  }
  if (chars > kMaxDisplayNameChars) {
    return InvalidField(field, absl::StrCat("at most ", kMaxDisplayNameChars, " characters"));
  }
  return std::string(trimmed);
}

}  // namespace qq::dispatch
