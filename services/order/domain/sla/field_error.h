// INVALID_ARGUMENT naming a field, with the same payload key as services/common/status.h
// (this library links nothing of the repo but Abseil), so the gateway reports the field
// like any other.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace qq::order::sla {

inline absl::Status InvalidField(const std::string& field, absl::string_view reason) {
  absl::Status status = absl::InvalidArgumentError(absl::StrCat(field, ": ", reason));
  status.SetPayload("qingquan.dev/field", absl::Cord(field));
  return status;
}

}  // namespace qq::order::sla
