// Checks and normalises custom field values (a JSON object keyed by field key) against the
// tenant's definitions on every write, and turns spreadsheet cells into such values.
//
// Stored forms, by type (what ValidateValues leaves in the object):
//   kText         string, trimmed (ASCII and ideographic spaces), no control characters
//                 but newline and tab; an empty string counts as no value
//   kNumber       number, finite, |x| <= kMaxNumberMagnitude, rounded to `decimals`
//   kDate         string "YYYY-MM-DD", a real calendar day in 1900..2199
//   kSingleSelect string, an option value (an option label is accepted and replaced by
//                 its value; a value is also matched ignoring ASCII case)
//   kMultiSelect  list of option values, each at most once, in the options' order; an
//                 empty list counts as no value
//   kGeoPoint     object {"lat": -90..90, "lng": -180..180}, nothing else, rounded to 7
//                 decimal places (about 1 cm)
//   kImageRef     string, an attachment id: a UUID (lowercased) or "att_" followed by
//                 20..64 characters of [A-Za-z0-9_-]
// A null value means "no value" (see WriteMode).
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "services/common/forms/field_definition.h"

namespace google::protobuf {
class Struct;
class Value;
}  // namespace google::protobuf

namespace qq::forms {

enum class WriteMode {
  // A new record: every active required field must have a value; nulls are dropped.
  kCreate,
  // The whole object is replaced (update mask "custom_fields"): a field absent or null is
  // removed, except that a retired field absent from `values` keeps its stored value (a
  // form that hides retired fields must not erase them); a required field that has a
  // stored value must keep one.
  kReplace,
  // Only the keys present change (update mask "custom_fields.<key>"): a null removes the
  // key and stays in `values` as null so the store can apply the removal; a required
  // field cannot be removed.
  kPatch,
};

struct ValuesContext {
  // The stored values of the record (kReplace, kPatch); may be null. A value equal to the
  // stored one passes unchecked, so a client can send back what it read even after the
  // definition was tightened, lost an option or was retired.
  const google::protobuf::Struct* current = nullptr;
  // Errors name "<field_path>.<key>"; the JSON path of the object in the request, e.g.
  // "customFields" or "addresses[2].customFields".
  absl::string_view field_path = "customFields";
};

// Checks `values` against `definitions` and normalises it in place (see the stored forms
// above). Stops at the first error, in definition order:
//   INVALID_ARGUMENT naming "<field_path>.<key>" for a key no definition has, a value of
//     the wrong type or out of bounds, a missing required value or removing one;
//   FAILED_PRECONDITION naming "<field_path>.<key>" for a new value on a retired field.
// `values` is left partly normalised on error. `definitions` should have passed
// ValidateDefinitions.
absl::Status ValidateValues(absl::Span<const FieldDefinition> definitions,
                            google::protobuf::Struct* values, WriteMode mode,
                            const ValuesContext& context = {});

// One spreadsheet cell as the value for `definition`, checked and normalised as
// ValidateValues would (required and retired are the caller's row-level matter). An empty
// or blank cell gives a null Value: the caller decides whether that clears the field or
// leaves it alone. Accepted besides the stored forms:
//   kNumber       thousands separators ("12,345.6"), full-width digits, exponents
//   kDate         YYYY-M-D, YYYY/M/D, YYYY.M.D, YYYY年M月D日, YYYYMMDD, a trailing time
//                 ("2024/3/5 00:00:00"), and Excel day numbers 10000..80000 (1927..2119),
//                 which a reader that ignores the cell format hands over
//   kSingleSelect the label or the value
//   kMultiSelect  labels or values separated by , ， ; ； 、 / or a line break;
//                 repeats are dropped
//   kGeoPoint     "lat,lng" (also "，" or spaces between); "lng,lat" as 高德/百度 write it is
//                 recognised when the first number cannot be a latitude
// INVALID_ARGUMENT whose message is the reason alone (the caller names row and column).
// Also suits list filters ("key=value"): for a multi-select the result is a list, which
// JSONB containment (@>) matches against records holding at least those options.
absl::StatusOr<google::protobuf::Value> ParseCellText(const FieldDefinition& definition,
                                                      absl::string_view text);

}  // namespace qq::forms
