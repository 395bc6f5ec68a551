#include "services/common/forms/form_messages.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/str_cat.h"
#include "services/common/status.h"

namespace qq::forms {

namespace v1 = qingquan::customer::v1;

namespace {

FieldType TypeOf(v1::FieldDefinition::Type type) {
  switch (type) {
    case v1::FieldDefinition::NUMBER:
      return FieldType::kNumber;
    case v1::FieldDefinition::DATE:
      return FieldType::kDate;
    case v1::FieldDefinition::SINGLE_SELECT:
      return FieldType::kSingleSelect;
    case v1::FieldDefinition::MULTI_SELECT:
      return FieldType::kMultiSelect;
    case v1::FieldDefinition::GEO_POINT:
      return FieldType::kGeoPoint;
    case v1::FieldDefinition::IMAGE:
      return FieldType::kImageRef;
    default:
      return FieldType::kText;
  }
}

}  // namespace

FieldDefinition ToFormField(const v1::FieldDefinition& d) {
  FieldDefinition f;
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

std::vector<FieldDefinition> ToFormFields(const std::vector<v1::FieldDefinition>& defs) {
  std::vector<FieldDefinition> out;
  out.reserve(defs.size());
  for (const auto& d : defs) out.push_back(ToFormField(d));
  return out;
}

absl::Status ValidateCustomFieldValues(const std::vector<v1::FieldDefinition>& definitions,
                                       google::protobuf::Struct* values, WriteMode mode,
                                       const google::protobuf::Struct* current,
                                       const std::string& field_path) {
  std::vector<FieldDefinition> fields = ToFormFields(definitions);
  ValuesContext context;
  context.current = current;
  context.field_path = field_path;
  return ValidateValues(fields, values, mode, context);
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
    auto value = ParseCellText(ToFormField(*definition), filter.substr(eq + 1));
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

std::string StructToJson(const google::protobuf::Struct& values) {
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(values, &json).ok()) return "{}";
  return json;
}

void JsonToStruct(const std::string& json, google::protobuf::Struct* out) {
  if (!google::protobuf::util::JsonStringToMessage(json, out).ok()) out->Clear();
}

void ApplyValuesPatch(const google::protobuf::Struct& patch, google::protobuf::Struct* stored) {
  for (const auto& [key, value] : patch.fields()) {
    if (value.kind_case() == google::protobuf::Value::kNullValue) {
      stored->mutable_fields()->erase(key);
    } else {
      (*stored->mutable_fields())[key] = value;
    }
  }
}

}  // namespace qq::forms
