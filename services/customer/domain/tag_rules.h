// The tenant's tag dictionary: what a tag may be called and look like, and how an update
// applies. Pure: no I/O. Field paths are those of the JSON body (the tag).
#pragma once

#include <cstddef>

#include "absl/status/statusor.h"
#include "qingquan/customer/v1/customer.pb.h"

namespace google::protobuf {
class FieldMask;
}

namespace qq::customer {

// In characters (code points), as users count them.
inline constexpr size_t kMaxTagNameChars = 60;
inline constexpr size_t kMaxTagDescriptionChars = 500;

// The tag trimmed, or INVALID_ARGUMENT naming "name" (required, at most 60 characters,
// no , or ; since they separate tags in imports), "color" (#rrggbb) or "description" (at
// most 500 characters).
absl::StatusOr<qingquan::customer::v1::Tag> CheckTag(const qingquan::customer::v1::Tag& in);

// `current` with the fields named in `mask` (name, color, description) taken from `patch`,
// then checked as CheckTag does. INVALID_ARGUMENT (field "updateMask") for an empty mask
// or another path.
absl::StatusOr<qingquan::customer::v1::Tag> ApplyTagUpdate(
    const qingquan::customer::v1::Tag& current, const qingquan::customer::v1::Tag& patch,
    const google::protobuf::FieldMask& mask);

}  // namespace qq::customer
