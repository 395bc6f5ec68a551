// Internal to qq_forms: field-naming errors in the shape of services/common/status.h, and
// the UTF-8 helpers of qq_text it uses, so qq_forms links nothing but Abseil, protobuf and
// qq_text.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "services/common/text/utf8_text.h"

namespace qq::forms::internal {

// What qq::InvalidField builds, with any code: message "<path>: <reason>" and `path` in the
// qq::kFieldPayloadKey payload (read by qq::FieldOf). qq_common is not linked, so this is
// built here from the header's payload key.
absl::Status FieldError(absl::StatusCode code, absl::string_view path, absl::string_view reason);

// "prefix.part", or "part" when `prefix` is empty.
std::string FieldPath(absl::string_view prefix, absl::string_view part);

// The UTF-8 helpers live in qq_text; the engine names them here.
using text::FoldFullWidth;
using text::HasControlCharacters;
using text::NextCodePoint;
using text::TrimSpaces;
using text::Utf8Length;

}  // namespace qq::forms::internal
