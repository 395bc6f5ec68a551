// A tenant's custom field (自定义字段) on one of its forms (customer, address, work order,
// order): what it is called, what values it takes. Definitions are data, so a tenant adds
// fields without a migration; values live in a JSON object (google.protobuf.Struct, JSONB)
// keyed by FieldDefinition::key and are checked by ValidateValues (field_values.h).
//
// Errors follow services/common/status.h: INVALID_ARGUMENT (or FAILED_PRECONDITION) with
// the message "<field>: <reason>" and the field path in the qq::kFieldPayloadKey payload,
// so qq::FieldOf() and the HTTP error body name it. (qq_forms builds these itself rather
// than link qq_common.)
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace qq::forms {

enum class FieldType { kText, kNumber, kDate, kSingleSelect, kMultiSelect, kGeoPoint, kImageRef };

struct SelectOption {
  // Stored in the values; stable across label changes. 1..40 of [A-Za-z0-9_.-], starting
  // with a letter or digit.
  std::string value;
  // Shown to people and accepted in place of the value (normalised to the value).
  std::string label;
};

struct FieldDefinition {
  // The key in the values object: ^[a-z][a-z0-9_]{0,39}$.
  std::string key;
  // 1..40 characters, not blank; also an import column header.
  std::string label;
  FieldType type = FieldType::kText;
  // Must be given when a record is created and can never be removed. Becoming required
  // binds records from then on; older records without a value keep validating until
  // someone fills the field (there is no default to backfill them with).
  bool required = false;
  // Bounds, both inclusive, each optional. kNumber: the value; kText: length in
  // characters (integers, at most kMaxTextLength); kMultiSelect: number of choices
  // (integers). Other types take none.
  std::optional<double> min;
  std::optional<double> max;
  // kNumber: most decimal places, 0..kMaxDecimals, or -1 for any. Other types ignore it
  // and take -1 or 0 (what an unset proto3 int32 reads as).
  int decimals = -1;
  // kSingleSelect and kMultiSelect only: 1..kMaxOptions options, values and labels unique,
  // and no label equal to another option's value.
  std::vector<SelectOption> options;
  // A retired field (false) keeps its stored values, readable as before, but takes no new
  // ones; only clearing it is allowed. Its `required` no longer applies.
  bool active = true;
};

inline constexpr size_t kMaxTextLength = 2000;  // characters, when `max` says nothing tighter
inline constexpr int kMaxDecimals = 9;
inline constexpr size_t kMaxOptions = 200;
inline constexpr size_t kMaxFieldsPerForm = 100;
inline constexpr double kMaxNumberMagnitude = 1e15;  // exact in JSON doubles and JavaScript

// "TEXT", "NUMBER", "DATE", "SINGLE_SELECT", "MULTI_SELECT", "GEO_POINT", "IMAGE": the
// names of qingquan.customer.v1.FieldDefinition.Type.
absl::string_view FieldTypeName(FieldType type);
std::optional<FieldType> ParseFieldType(absl::string_view name);

// Checks one definition on its own. INVALID_ARGUMENT naming the offending part, relative to
// `field_path` (e.g. "definition" gives "definition.key", "definition.options[2].value";
// "" gives "key"): key format, label length, options (only and required for selects, value
// format, duplicates, label/value clashes, count), min/max (only where they apply,
// integers for lengths and counts, min <= max), decimals.
absl::Status ValidateDefinition(const FieldDefinition& definition,
                                absl::string_view field_path = "");

// Checks a whole form: each definition, at most kMaxFieldsPerForm of them, keys unique,
// labels unique (they are import column headers). Errors name "<field_path>[i].<part>".
absl::Status ValidateDefinitions(absl::Span<const FieldDefinition> definitions,
                                 absl::string_view field_path = "definitions");

// Checks an update of a stored definition. INVALID_ARGUMENT when `after` is invalid on its
// own (as ValidateDefinition); FAILED_PRECONDITION naming "key" or "type" when either
// changes: stored values are read by key and type, so that takes a new field. Everything
// else may change, and a change binds new writes only (stored values are not
// revalidated, and ValidateValues passes a stored value sent back unchanged):
//   - label, option labels: freely;
//   - options: added freely; removed ones stay in stored values, which keep reading as
//     before (show the raw value), but no write may choose them again;
//   - min, max, decimals: tightened or loosened;
//   - required: on or off (see FieldDefinition::required);
//   - active: retire or bring back.
absl::Status ValidateDefinitionChange(const FieldDefinition& before, const FieldDefinition& after,
                                      absl::string_view field_path = "");

}  // namespace qq::forms
