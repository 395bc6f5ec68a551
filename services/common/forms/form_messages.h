// The form engine as the services' APIs speak it: FieldDefinition messages (kept by the
// customer service's dictionary) turned into forms::FieldDefinition, value checks and
// list filters. Shared by every service whose records carry custom fields (customers and
// addresses in customer-svc, work and delivery orders in order-svc). Pure: no I/O.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/struct.pb.h"
#include "qingquan/customer/v1/customer.pb.h"
#include "services/common/forms/field_definition.h"
#include "services/common/forms/field_values.h"

namespace qq::forms {

FieldDefinition ToFormField(const qingquan::customer::v1::FieldDefinition& definition);
std::vector<FieldDefinition> ToFormFields(
    const std::vector<qingquan::customer::v1::FieldDefinition>& definitions);

// Checks and normalises `values` against the entity's definitions (ValidateValues).
absl::Status ValidateCustomFieldValues(
    const std::vector<qingquan::customer::v1::FieldDefinition>& definitions,
    google::protobuf::Struct* values, WriteMode mode, const google::protobuf::Struct* current,
    const std::string& field_path);

// List filters "key=value" as one JSON object for JSONB containment. INVALID_ARGUMENT
// naming `field` for a malformed filter, an unknown key or a value the field cannot hold.
absl::StatusOr<std::string> CustomFieldFilterJson(
    const std::vector<qingquan::customer::v1::FieldDefinition>& definitions,
    const std::vector<std::string>& filters, const std::string& field);

// Values as stored (a JSONB column) and back; malformed JSON reads as no values.
std::string StructToJson(const google::protobuf::Struct& values);
void JsonToStruct(const std::string& json, google::protobuf::Struct* out);

// `stored` with a patch checked in WriteMode::kPatch applied: keys with a value are set,
// keys holding null are removed.
void ApplyValuesPatch(const google::protobuf::Struct& patch, google::protobuf::Struct* stored);

}  // namespace qq::forms
