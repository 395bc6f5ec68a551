#include "services/customer/domain/utility_rules.h"

#include "services/common/status.h"
#include "services/common/text/utf8_text.h"
#include "services/common/text_limits.h"

namespace qq::customer {

absl::StatusOr<std::string> NormaliseIdentifier(absl::string_view field, absl::string_view typed,
                                                size_t max_chars) {
  const std::string folded = text::NormalizeNfkc(typed);
  std::string value(text::TrimSpaces(folded));
  if (value.empty()) return InvalidField(std::string(field), "is required");
  QQ_RETURN_IF_ERROR(CheckTextLength(field, value, max_chars));
  return value;
}

}  // namespace qq::customer
