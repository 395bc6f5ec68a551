// The form engine (services/common/forms) as the customer service's API speaks it:
// FieldDefinition messages in and out, update masks, list filters. Pure: no I/O.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/struct.pb.h"
#include "qingquan/customer/v1/customer.pb.h"
#include "services/common/forms/field_definition.h"
#include "services/common/forms/field_values.h"
#include "services/common/forms/form_messages.h"

namespace google::protobuf {
class FieldMask;
}

namespace qq::customer {

// A definition as a client sent it for creation, as it is to be stored: active unless
// sent with "active": false. INVALID_ARGUMENT naming "entity", "type" or the part of the
// definition (forms::ValidateDefinition).
absl::StatusOr<qingquan::customer::v1::FieldDefinition> CheckNewFieldDefinition(
    const qingquan::customer::v1::FieldDefinition& definition);

// `current` with the fields named in `mask` (label, required, min, max, options, decimals,
// active, position) taken from `patch`, checked as a change (forms::ValidateDefinitionChange).
absl::StatusOr<qingquan::customer::v1::FieldDefinition> ApplyFieldDefinitionUpdate(
    const qingquan::customer::v1::FieldDefinition& current,
    const qingquan::customer::v1::FieldDefinition& patch, const google::protobuf::FieldMask& mask);

}  // namespace qq::customer
