#include "services/common/forms/field_definition.h"

#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/forms/form_internal.h"

namespace qq::forms {
namespace {

using internal::FieldError;
using internal::FieldPath;

constexpr size_t kMaxKeyLength = 40;
constexpr size_t kMaxLabelLength = 40;
constexpr size_t kMaxOptionValueLength = 40;

struct TypeName {
  FieldType type;
  absl::string_view name;
};
constexpr TypeName kTypeNames[] = {
    {FieldType::kText, "TEXT"},
    {FieldType::kNumber, "NUMBER"},
    {FieldType::kDate, "DATE"},
    {FieldType::kSingleSelect, "SINGLE_SELECT"},
    {FieldType::kMultiSelect, "MULTI_SELECT"},
    {FieldType::kGeoPoint, "GEO_POINT"},
    {FieldType::kImageRef, "IMAGE"},
};

bool IsSelect(FieldType type) {
  return type == FieldType::kSingleSelect || type == FieldType::kMultiSelect;
}

bool ValidKey(absl::string_view key) {
  if (key.empty() || key.size() > kMaxKeyLength || !absl::ascii_islower(key[0])) return false;
  for (char c : key) {
    if (!absl::ascii_islower(c) && !absl::ascii_isdigit(c) && c != '_') return false;
  }
  return true;
}

bool ValidOptionValue(absl::string_view value) {
  if (value.empty() || value.size() > kMaxOptionValueLength || !absl::ascii_isalnum(value[0])) {
    return false;
  }
  for (char c : value) {
    if (!absl::ascii_isalnum(c) && c != '_' && c != '.' && c != '-') return false;
  }
  return true;
}

// Empty when `label` is a usable label, else why not.
std::string LabelProblem(absl::string_view label) {
  auto length = internal::Utf8Length(label);
  if (!length) return "is not valid UTF-8";
  if (internal::TrimSpaces(label).empty()) return "is required";
  if (*length > kMaxLabelLength)
    return absl::StrCat("is longer than ", kMaxLabelLength, " characters");
  if (internal::HasControlCharacters(label) || label.find_first_of("\t\r\n") != label.npos) {
    return "may not hold control characters or line breaks";
  }
  if (internal::TrimSpaces(label) != label) return "may not start or end with spaces";
  return "";
}

bool IsCount(double x) { return x >= 0 && x == std::floor(x); }

absl::Status ValidateBounds(const FieldDefinition& d, absl::string_view path) {
  bool has_bounds = d.min.has_value() || d.max.has_value();
  switch (d.type) {
    case FieldType::kNumber:
      for (const auto& [bound, name] : {std::pair{d.min, "min"}, std::pair{d.max, "max"}}) {
        if (bound && (!std::isfinite(*bound) || std::fabs(*bound) > kMaxNumberMagnitude)) {
          return FieldError(absl::StatusCode::kInvalidArgument, FieldPath(path, name),
                            absl::StrCat("must be a number between -", kMaxNumberMagnitude, " and ",
                                         kMaxNumberMagnitude));
        }
      }
      break;
    case FieldType::kText:
    case FieldType::kMultiSelect: {
      double limit = d.type == FieldType::kText ? kMaxTextLength : kMaxOptions;
      const char* what =
          d.type == FieldType::kText ? "a length in characters" : "a number of choices";
      for (const auto& [bound, name] : {std::pair{d.min, "min"}, std::pair{d.max, "max"}}) {
        if (bound && (!IsCount(*bound) || *bound > limit)) {
          return FieldError(absl::StatusCode::kInvalidArgument, FieldPath(path, name),
                            absl::StrCat("must be ", what, ", a whole number 0..", limit));
        }
      }
      break;
    }
    default:
      if (has_bounds) {
        return FieldError(absl::StatusCode::kInvalidArgument,
                          FieldPath(path, d.min ? "min" : "max"),
                          absl::StrCat("applies to number, text and multi-select fields, not ",
                                       FieldTypeName(d.type)));
      }
  }
  if (d.min && d.max && *d.min > *d.max) {
    return FieldError(absl::StatusCode::kInvalidArgument, FieldPath(path, "max"),
                      "must not be below min");
  }
  return absl::OkStatus();
}

absl::Status ValidateOptions(const FieldDefinition& d, absl::string_view path) {
  if (!IsSelect(d.type)) {
    if (!d.options.empty()) {
      return FieldError(absl::StatusCode::kInvalidArgument, FieldPath(path, "options"),
                        absl::StrCat("apply to select fields, not ", FieldTypeName(d.type)));
    }
    return absl::OkStatus();
  }
  if (d.options.empty()) {
    return FieldError(absl::StatusCode::kInvalidArgument, FieldPath(path, "options"),
                      "a select field needs at least one option");
  }
  if (d.options.size() > kMaxOptions) {
    return FieldError(absl::StatusCode::kInvalidArgument, FieldPath(path, "options"),
                      absl::StrCat("at most ", kMaxOptions, " options"));
  }
  absl::flat_hash_set<absl::string_view> values;
  absl::flat_hash_set<absl::string_view> labels;
  for (size_t i = 0; i < d.options.size(); ++i) {
    const SelectOption& option = d.options[i];
    std::string option_path = FieldPath(path, absl::StrCat("options[", i, "]"));
    if (!ValidOptionValue(option.value)) {
      return FieldError(absl::StatusCode::kInvalidArgument, FieldPath(option_path, "value"),
                        "must be 1..40 of A-Z a-z 0-9 _ . -, starting with a letter or digit");
    }
    if (!values.insert(option.value).second) {
      return FieldError(absl::StatusCode::kInvalidArgument, FieldPath(option_path, "value"),
                        absl::StrCat("'", option.value, "' is listed twice"));
    }
    if (std::string problem = LabelProblem(option.label); !problem.empty()) {
      return FieldError(absl::StatusCode::kInvalidArgument, FieldPath(option_path, "label"),
                        problem);
    }
    if (!labels.insert(option.label).second) {
      return FieldError(absl::StatusCode::kInvalidArgument, FieldPath(option_path, "label"),
                        absl::StrCat("'", option.label, "' is listed twice"));
    }
    // Imports split multi-select cells on these, so a label holding one could not be read.
    if (d.type == FieldType::kMultiSelect &&
        (option.label.find_first_of(",;/") != option.label.npos ||
         option.label.find("，") != option.label.npos ||
         option.label.find("；") != option.label.npos ||
         option.label.find("、") != option.label.npos)) {
      return FieldError(absl::StatusCode::kInvalidArgument, FieldPath(option_path, "label"),
                        "a multi-select label may not hold , ， ; ； 、 or /");
    }
  }
  // A label that is another option's value would make "label or value" ambiguous.
  for (size_t i = 0; i < d.options.size(); ++i) {
    const SelectOption& option = d.options[i];
    if (option.label != option.value && values.contains(option.label)) {
      return FieldError(absl::StatusCode::kInvalidArgument,
                        FieldPath(path, absl::StrCat("options[", i, "].label")),
                        absl::StrCat("'", option.label, "' is another option's value"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::string_view FieldTypeName(FieldType type) {
  for (const TypeName& t : kTypeNames) {
    if (t.type == type) return t.name;
  }
  return "UNKNOWN";
}

std::optional<FieldType> ParseFieldType(absl::string_view name) {
  for (const TypeName& t : kTypeNames) {
    if (t.name == name) return t.type;
  }
  return std::nullopt;
}

absl::Status ValidateDefinition(const FieldDefinition& d, absl::string_view path) {
  if (!ValidKey(d.key)) {
    return FieldError(absl::StatusCode::kInvalidArgument, FieldPath(path, "key"),
                      "must be 1..40 of a-z 0-9 _, starting with a letter (e.g. meter_model)");
  }
  if (std::string problem = LabelProblem(d.label); !problem.empty()) {
    return FieldError(absl::StatusCode::kInvalidArgument, FieldPath(path, "label"), problem);
  }
  if (FieldTypeName(d.type) == "UNKNOWN") {
    return FieldError(absl::StatusCode::kInvalidArgument, FieldPath(path, "type"),
                      "is not a field type");
  }
  if (d.type == FieldType::kNumber) {
    if (d.decimals < -1 || d.decimals > kMaxDecimals) {
      return FieldError(absl::StatusCode::kInvalidArgument, FieldPath(path, "decimals"),
                        absl::StrCat("must be 0..", kMaxDecimals, ", or -1 for any"));
    }
  } else if (d.decimals != -1 && d.decimals != 0) {  // 0: a proto3 int32 left unset
    return FieldError(absl::StatusCode::kInvalidArgument, FieldPath(path, "decimals"),
                      absl::StrCat("applies to number fields, not ", FieldTypeName(d.type)));
  }
  if (absl::Status s = ValidateBounds(d, path); !s.ok()) return s;
  return ValidateOptions(d, path);
}

absl::Status ValidateDefinitions(absl::Span<const FieldDefinition> definitions,
                                 absl::string_view path) {
  if (definitions.size() > kMaxFieldsPerForm) {
    return FieldError(absl::StatusCode::kInvalidArgument, std::string(path),
                      absl::StrCat("a form holds at most ", kMaxFieldsPerForm, " fields"));
  }
  absl::flat_hash_set<absl::string_view> keys;
  absl::flat_hash_set<absl::string_view> labels;
  for (size_t i = 0; i < definitions.size(); ++i) {
    const FieldDefinition& d = definitions[i];
    std::string item = absl::StrCat(path, "[", i, "]");
    if (absl::Status s = ValidateDefinition(d, item); !s.ok()) return s;
    if (!keys.insert(d.key).second) {
      return FieldError(absl::StatusCode::kInvalidArgument, FieldPath(item, "key"),
                        absl::StrCat("'", d.key, "' is already a field of this form"));
    }
    if (!labels.insert(d.label).second) {
      return FieldError(absl::StatusCode::kInvalidArgument, FieldPath(item, "label"),
                        absl::StrCat("'", d.label, "' is already the label of another field"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateDefinitionChange(const FieldDefinition& before, const FieldDefinition& after,
                                      absl::string_view path) {
  if (absl::Status s = ValidateDefinition(after, path); !s.ok()) return s;
  if (after.key != before.key) {
    return FieldError(absl::StatusCode::kFailedPrecondition, FieldPath(path, "key"),
                      absl::StrCat("cannot change (stored values are read by key '", before.key,
                                   "'); add a new field instead"));
  }
  if (after.type != before.type) {
    return FieldError(absl::StatusCode::kFailedPrecondition, FieldPath(path, "type"),
                      absl::StrCat("cannot change from ", FieldTypeName(before.type), " to ",
                                   FieldTypeName(after.type),
                                   " (stored values would no longer read); add a new field "
                                   "and retire this one"));
  }
  return absl::OkStatus();
}

}  // namespace qq::forms
