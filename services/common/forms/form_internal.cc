#include "services/common/forms/form_internal.h"

#include <cstdint>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "services/common/status.h"

namespace qq::forms::internal {

absl::Status FieldError(absl::StatusCode code, absl::string_view path, absl::string_view reason) {
  absl::Status status(code, absl::StrCat(path, ": ", reason));
  status.SetPayload(qq::kFieldPayloadKey, absl::Cord(path));
  return status;
}

std::string FieldPath(absl::string_view prefix, absl::string_view part) {
  return prefix.empty() ? std::string(part) : absl::StrCat(prefix, ".", part);
}

}  // namespace qq::forms::internal
