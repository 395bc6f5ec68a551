#include "services/dispatch/domain/display_name.h"

#include "services/common/status.h"
#include "services/common/text/utf8_text.h"
#include "services/common/text_limits.h"

namespace qq::dispatch {

absl::StatusOr<std::string> NormalizeDisplayName(absl::string_view field, absl::string_view name) {
  absl::string_view trimmed = text::TrimSpaces(name);
  if (trimmed.empty()) return InvalidField(field, "required");
  QQ_RETURN_IF_ERROR(CheckTextLength(field, trimmed, kMaxDisplayNameChars));
  return std::string(trimmed);
}

}  // namespace qq::dispatch
