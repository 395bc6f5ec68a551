#include "services/customer/domain/custom_fields.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "google/protobuf/field_mask.pb.h"
#include "services/common/status.h"

namespace qq::customer {

namespace v1 = qingquan::customer::v1;

namespace {

forms::FieldType TypeOf(v1::FieldDefinition::Type type) {
  switch (type) {
    case v1::FieldDefinition::NUMBER:
      return forms::FieldType::kNumber;
    case v1::FieldDefinition::DATE:
      return forms::FieldType::kDate;
    case v1::FieldDefinition::SINGLE_SELECT:
      return forms::FieldType::kSingleSelect;
    case v1::FieldDefinition::MULTI_SELECT:
      return forms::FieldType::kMultiSelect;
    case v1::FieldDefinition::GEO_POINT:
      return forms::FieldType::kGeoPoint;
    case v1::FieldDefinition::IMAGE:
      return forms::FieldType::kImageRef;
    default:
      return forms::FieldType::kText;
  }
}

}  // namespace

forms::FieldDefinition ToFormField(const v1::FieldDefinition& d) {
  forms::FieldDefinition f;
  f.key = d.key();
  f.label = d.label();
  f.type = TypeOf(d.type());
  f.required = d.required();
  if (d.has_min()) f.min = d.min();
  if (d.has_max()) f.max = d.max();
  f.decimals = d.has_decimals() ? d.decimals() : -1;
  for (const auto& o : d.options()) f.options.push_back({o.value(), o.label()});
  f.active = d.active();
  return f;
}

std::vector<forms::FieldDefinition> ToFormFields(const std::vector<v1::FieldDefinition>& defs) {
  std::vector<forms::FieldDefinition> out;
  out.reserve(defs.size());
  for (const auto& d : defs) out.push_back(ToFormField(d));
  return out;
}

absl::Status CheckNewFieldDefinition(const v1::FieldDefinition& d) {
  if (d.entity() == v1::FieldDefinition::ENTITY_UNSPECIFIED) {
    return InvalidField("entity", "is required: CUSTOMER, ADDRESS, WORK_ORDER or ORDER");
  }
  if (d.type() == v1::FieldDefinition::TYPE_UNSPECIFIED) {
    return InvalidField("type",
                        "is required: TEXT, NUMBER, DATE, SINGLE_SELECT, MULTI_SELECT, "
                        "GEO_POINT or IMAGE");
  }
  if (!d.active()) return InvalidField("active", "a new field starts active (send true)");
  return forms::ValidateDefinition(ToFormField(d));
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
  QQ_RETURN_IF_ERROR(forms::ValidateDefinitionChange(ToFormField(current), ToFormField(after)));
  return after;
}

absl::Status ValidateCustomFieldValues(const std::vector<v1::FieldDefinition>& definitions,
                                       google::protobuf::Struct* values, forms::WriteMode mode,
                                       const google::protobuf::Struct* current,
                                       const std::string& field_path) {
  std::vector<forms::FieldDefinition> fields = ToFormFields(definitions);
  forms::ValuesContext context;
  context.current = current;
  context.field_path = field_path;
  return forms::ValidateValues(fields, values, mode, context);
}

absl::StatusOr<std::string> CustomFieldFilterJson(
    const std::vector<v1::FieldDefinition>& definitions, const std::vector<std::string>& filters,
    const std::string& field) {
  google::protobuf::Struct wanted;
  for (const std::string& filter : filters) {
    size_t eq = filter.find('=');
    if (eq == std::string::npos || eq == 0) {
      return InvalidField(field, absl::StrCat("'", filter, "': expected key=value"));
    }
    const std::string key = filter.substr(0, eq);
    const v1::FieldDefinition* definition = nullptr;
    for (const auto& d : definitions) {
      if (d.key() == key) definition = &d;
    }
    if (definition == nullptr) {
      return InvalidField(field, absl::StrCat("unknown custom field '", key, "'"));
    }
    auto value = forms::ParseCellText(ToFormField(*definition), filter.substr(eq + 1));
    if (!value.ok()) {
      return InvalidField(field, absl::StrCat(key, ": ", value.status().message()));
    }
    (*wanted.mutable_fields())[key] = *std::move(value);
  }
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(wanted, &json).ok()) {
    return absl::InternalError("custom field filter could not be written as JSON");
  }
  return json;
}

}  // namespace qq::customer
