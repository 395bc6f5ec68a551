#include "services/customer/domain/custom_fields.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/field_mask.pb.h"
#include "services/common/status.h"

namespace qq::customer {

namespace v1 = qingquan::customer::v1;

absl::StatusOr<v1::FieldDefinition> CheckNewFieldDefinition(const v1::FieldDefinition& in) {
  v1::FieldDefinition d = in;
  // A new field is for use: active unless the client says otherwise.
  if (!d.has_active()) d.set_active(true);
  if (d.entity() == v1::FieldDefinition::ENTITY_UNSPECIFIED) {
    return InvalidField("entity", "is required: CUSTOMER, ADDRESS, WORK_ORDER or ORDER");
  }
  if (d.type() == v1::FieldDefinition::TYPE_UNSPECIFIED) {
    return InvalidField("type",
                        "is required: TEXT, NUMBER, DATE, SINGLE_SELECT, MULTI_SELECT, "
                        "GEO_POINT or IMAGE");
  }
  QQ_RETURN_IF_ERROR(forms::ValidateDefinition(forms::ToFormField(d)));
  return d;
}

absl::StatusOr<v1::FieldDefinition> ApplyFieldDefinitionUpdate(
    const v1::FieldDefinition& current, const v1::FieldDefinition& patch,
    const google::protobuf::FieldMask& mask) {
  if (mask.paths_size() == 0) {
    return InvalidField("updateMask",
                        "name the fields to change: label, required, min, max, options, "
                        "decimals, active, position");
  }
  v1::FieldDefinition after = current;
  for (const std::string& path : mask.paths()) {
    if (path == "label") {
      after.set_label(patch.label());
    } else if (path == "required") {
      after.set_required(patch.required());
    } else if (path == "min") {
      patch.has_min() ? after.set_min(patch.min()) : after.clear_min();
    } else if (path == "max") {
      patch.has_max() ? after.set_max(patch.max()) : after.clear_max();
    } else if (path == "options") {
      *after.mutable_options() = patch.options();
    } else if (path == "decimals") {
      patch.has_decimals() ? after.set_decimals(patch.decimals()) : after.clear_decimals();
    } else if (path == "active") {
      after.set_active(patch.active());
    } else if (path == "position") {
      after.set_position(patch.position());
    } else {
      return InvalidField("updateMask",
                          absl::StrCat("'", path,
                                       "' cannot be changed (key, entity and type are fixed; a "
                                       "different one takes a new field)"));
    }
  }
  QQ_RETURN_IF_ERROR(
      forms::ValidateDefinitionChange(forms::ToFormField(current), forms::ToFormField(after)));
  return after;
}

}  // namespace qq::customer
