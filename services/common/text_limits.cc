#include "services/common/text_limits.h"

#include "absl/strings/str_cat.h"
#include "services/common/status.h"
#include "services/common/text/utf8_text.h"

namespace qq {

absl::Status CheckTextLength(absl::string_view field, absl::string_view text, size_t max_chars) {
  std::optional<size_t> length = text::Utf8Length(text);
  if (!length) return InvalidField(field, "is not valid UTF-8 text");
  if (*length > max_chars) {
    absl::Status too_long = WithErrorCode(
        InvalidField(
            field, absl::StrCat("at most ", max_chars, " characters (this one has ", *length, ")")),
        "TEXT_TOO_LONG");
    return WithErrorParams(std::move(too_long),
                           {{"max", absl::StrCat(max_chars)}, {"length", absl::StrCat(*length)}});
  }
  return absl::OkStatus();
}

}  // namespace qq
