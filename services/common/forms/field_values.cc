#include "services/common/forms/field_values.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/message_differencer.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "services/common/forms/form_internal.h"

namespace qq::forms {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;
using internal::FieldError;
using internal::FieldPath;

constexpr int kMinYear = 1900;
constexpr int kMaxYear = 2199;
constexpr int kGeoDecimals = 7;
constexpr size_t kMinAttachmentSuffix = 20;
constexpr size_t kMaxAttachmentSuffix = 64;
constexpr size_t kOptionsInMessages = 10;
// Excel day numbers accepted as dates: 1927-05-18 .. 2119-01-08.
constexpr double kMinExcelDay = 10000;
constexpr double kMaxExcelDay = 80000;

absl::Status Invalid(absl::string_view reason) { return absl::InvalidArgumentError(reason); }

Value NullValue() {
  Value v;
  v.set_null_value(google::protobuf::NULL_VALUE);
  return v;
}

Value StringValue(std::string s) {
  Value v;
  v.set_string_value(std::move(s));
  return v;
}

Value NumberValue(double x) {
  Value v;
  v.set_number_value(x);
  return v;
}

std::string FormatNumber(double x) { return absl::StrFormat("%.15g", x); }

// `x` rounded to `decimals` places; `*exact` says whether it had no more than that, allowing
// for binary representation error (0.1 + 0.2 has two decimals, 1.005 has three).
double RoundTo(double x, int decimals, bool* exact) {
  double scale = std::pow(10.0, decimals);
  double scaled = x * scale;
  double rounded = std::nearbyint(scaled);
  if (exact) *exact = std::fabs(scaled - rounded) <= 1e-12 * std::max(1.0, std::fabs(scaled));
  return rounded / scale;
}

// ---- options ----

int FindOption(const FieldDefinition& d, absl::string_view text) {
  for (size_t i = 0; i < d.options.size(); ++i) {
    if (d.options[i].value == text) return static_cast<int>(i);
  }
  for (size_t i = 0; i < d.options.size(); ++i) {
    if (d.options[i].label == text) return static_cast<int>(i);
  }
  for (size_t i = 0; i < d.options.size(); ++i) {
    if (absl::EqualsIgnoreCase(d.options[i].value, text)) return static_cast<int>(i);
  }
  std::string folded = internal::FoldFullWidth(text);
  if (folded != text) return FindOption(d, folded);
  return -1;
}

std::string NotAnOption(const FieldDefinition& d, absl::string_view text) {
  std::vector<absl::string_view> labels;
  for (size_t i = 0; i < d.options.size() && i < kOptionsInMessages; ++i) {
    labels.push_back(d.options[i].label);
  }
  return absl::StrCat("'", text, "' is not one of the options (", absl::StrJoin(labels, ", "),
                      d.options.size() > kOptionsInMessages ? ", …)" : ")");
}

// ---- dates ----

bool IsCalendarDay(int y, int m, int d) {
  return std::chrono::year_month_day{std::chrono::year{y},
                                     std::chrono::month{static_cast<unsigned>(m)},
                                     std::chrono::day{static_cast<unsigned>(d)}}
      .ok();
}

std::string IsoDate(int y, int m, int d) { return absl::StrFormat("%04d-%02d-%02d", y, m, d); }

// Reads 1..`max_digits` ASCII digits at `*pos`.
bool ReadNumber(absl::string_view s, size_t* pos, size_t max_digits, int* out) {
  size_t start = *pos;
  int value = 0;
  while (*pos < s.size() && *pos - start < max_digits && absl::ascii_isdigit(s[*pos])) {
    value = value * 10 + (s[*pos] - '0');
    ++*pos;
  }
  *out = value;
  return *pos > start;
}

absl::Status CheckIsoDate(absl::string_view s) {
  bool shape = s.size() == 10 && s[4] == '-' && s[7] == '-';
  for (size_t i = 0; shape && i < s.size(); ++i) {
    if (i != 4 && i != 7 && !absl::ascii_isdigit(s[i])) shape = false;
  }
  if (!shape) return Invalid("must be a date written YYYY-MM-DD");
  int y = 0, m = 0, d = 0;
  size_t pos = 0;
  ReadNumber(s, &pos, 4, &y);
  pos = 5;
  ReadNumber(s, &pos, 2, &m);
  pos = 8;
  ReadNumber(s, &pos, 2, &d);
  if (!IsCalendarDay(y, m, d)) {
    return Invalid(absl::StrCat("'", s, "' is not a day of the calendar"));
  }
  if (y < kMinYear || y > kMaxYear) {
    return Invalid(absl::StrCat("must be a date between ", kMinYear, " and ", kMaxYear));
  }
  return absl::OkStatus();
}

// Spreadsheet forms of a date, as YYYY-MM-DD (not yet range-checked).
absl::StatusOr<std::string> DateFromCell(absl::string_view s) {
  static constexpr absl::string_view kHelp =
      "is not a date (write 2024-03-05, 2024/3/5 or 2024年3月5日)";
  double day_number;
  if (!s.empty() && absl::ascii_isdigit(s[0]) && s.find_first_not_of("0123456789.") == s.npos &&
      absl::SimpleAtod(s, &day_number) && day_number >= kMinExcelDay &&
      day_number <= kMaxExcelDay) {
    using namespace std::chrono;
    year_month_day ymd{sys_days{year{1899} / December / 30} + days{static_cast<int>(day_number)}};
    return IsoDate(static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                   static_cast<unsigned>(ymd.day()));
  }
  int y, m, d;
  size_t pos = 0;
  if (s.size() == 8 && s.find_first_not_of("0123456789") == s.npos) {  // 20240305
    ReadNumber(s, &pos, 4, &y);
    ReadNumber(s, &pos, 2, &m);
    ReadNumber(s, &pos, 2, &d);
    if (!IsCalendarDay(y, m, d)) {
      return Invalid(absl::StrCat("'", s, "' is not a day of the calendar"));
    }
    return IsoDate(y, m, d);
  }
  if (!ReadNumber(s, &pos, 4, &y) || pos != 4) return Invalid(kHelp);
  absl::string_view rest = s.substr(pos);
  bool chinese = absl::StartsWith(rest, "年");
  char separator = 0;
  if (chinese) {
    pos += std::string_view("年").size();
  } else if (!rest.empty() && (rest[0] == '-' || rest[0] == '/' || rest[0] == '.')) {
    separator = rest[0];
    ++pos;
  } else {
    return Invalid(kHelp);
  }
  if (!ReadNumber(s, &pos, 2, &m)) return Invalid(kHelp);
  if (chinese) {
    if (!absl::StartsWith(s.substr(pos), "月")) return Invalid(kHelp);
    pos += std::string_view("月").size();
  } else {
    if (pos >= s.size() || s[pos] != separator) return Invalid(kHelp);
    ++pos;
  }
  if (!ReadNumber(s, &pos, 2, &d)) return Invalid(kHelp);
  if (chinese && absl::StartsWith(s.substr(pos), "日")) pos += std::string_view("日").size();
  if (chinese && absl::StartsWith(s.substr(pos), "号")) pos += std::string_view("号").size();
  // A time after the day ("2024/3/5 0:00:00", "2024-03-05T08:00") is dropped.
  absl::string_view time = s.substr(pos);
  if (!time.empty()) {
    if (time[0] != ' ' && time[0] != 'T') return Invalid(kHelp);
    if (time.find_first_not_of(" T0123456789:.") != time.npos) return Invalid(kHelp);
  }
  if (!IsCalendarDay(y, m, d)) {
    return Invalid(absl::StrCat("'", s, "' is not a day of the calendar"));
  }
  return IsoDate(y, m, d);
}

// ---- numbers ----

// A plain decimal: sign, digits, optional fraction and exponent. No thousands separators.
bool ParsePlainNumber(absl::string_view s, double* out) {
  if (s.empty() || s.find_first_not_of("+-0123456789.eE") != s.npos) return false;
  if (!absl::ascii_isdigit(s.back()) && s.back() != '.') return false;
  return absl::SimpleAtod(s, out) && std::isfinite(*out);
}

// "12,345.67", "-1,000", "1.5e3". Commas must group the integer part by threes.
bool ParseCellNumber(absl::string_view s, double* out) {
  if (s.find(',') == s.npos) return ParsePlainNumber(s, out);
  std::string digits;
  absl::string_view body = s;
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) {
    digits.push_back(body[0]);
    body.remove_prefix(1);
  }
  size_t point = body.find('.');
  absl::string_view integer = body.substr(0, point);
  absl::string_view fraction = point == body.npos ? "" : body.substr(point);
  std::vector<absl::string_view> groups = absl::StrSplit(integer, ',');
  for (size_t i = 0; i < groups.size(); ++i) {
    bool ok = i == 0 ? !groups[i].empty() && groups[i].size() <= 3 : groups[i].size() == 3;
    if (!ok || groups[i].find_first_not_of("0123456789") != groups[i].npos) return false;
    absl::StrAppend(&digits, groups[i]);
  }
  if (fraction.find_first_not_of(".0123456789") != fraction.npos) return false;
  absl::StrAppend(&digits, fraction);
  return ParsePlainNumber(digits, out);
}

// ---- attachment ids ----

bool IsUuid(absl::string_view id) {
  if (id.size() != 36) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? id[i] != '-' : !absl::ascii_isxdigit(id[i])) return false;
  }
  return true;
}

bool IsAttachmentToken(absl::string_view id) {
  if (!absl::StartsWith(id, "att_")) return false;
  absl::string_view suffix = id.substr(4);
  if (suffix.size() < kMinAttachmentSuffix || suffix.size() > kMaxAttachmentSuffix) return false;
  return std::all_of(suffix.begin(), suffix.end(),
                     [](char c) { return absl::ascii_isalnum(c) || c == '_' || c == '-'; });
}

// ---- one value ----

absl::StatusOr<Value> NormaliseText(const FieldDefinition& d, const Value& in) {
  if (in.kind_case() != Value::kStringValue) return Invalid("must be text");
  if (!internal::Utf8Length(in.string_value())) return Invalid("is not valid UTF-8");
  absl::string_view text = internal::TrimSpaces(in.string_value());
  if (text.empty()) return NullValue();
  if (internal::HasControlCharacters(text)) {
    return Invalid("may not hold control characters (line breaks and tabs are fine)");
  }
  size_t length = *internal::Utf8Length(text);
  double max = d.max ? std::min<double>(*d.max, kMaxTextLength) : kMaxTextLength;
  if (length > max) return Invalid(absl::StrCat("is longer than ", max, " characters"));
  if (d.min && length < *d.min) {
    return Invalid(absl::StrCat("is shorter than ", *d.min, " characters"));
  }
  return StringValue(std::string(text));
}

absl::StatusOr<Value> NormaliseNumber(const FieldDefinition& d, const Value& in) {
  if (in.kind_case() != Value::kNumberValue) return Invalid("must be a number");
  double x = in.number_value();
  if (!std::isfinite(x) || std::fabs(x) > kMaxNumberMagnitude) {
    return Invalid(absl::StrCat("must be a number between -", FormatNumber(kMaxNumberMagnitude),
                                " and ", FormatNumber(kMaxNumberMagnitude)));
  }
  if (d.decimals >= 0) {
    bool exact = false;
    x = RoundTo(x, d.decimals, &exact);
    if (!exact) {
      return Invalid(d.decimals == 0
                         ? std::string("must be a whole number")
                         : absl::StrCat("has more than ", d.decimals, " decimal places"));
    }
  }
  if (d.min && x < *d.min) return Invalid(absl::StrCat("must be at least ", FormatNumber(*d.min)));
  if (d.max && x > *d.max) return Invalid(absl::StrCat("must be at most ", FormatNumber(*d.max)));
  return NumberValue(x == 0 ? 0.0 : x);  // no -0
}

absl::StatusOr<Value> NormaliseDate(const Value& in) {
  if (in.kind_case() != Value::kStringValue) return Invalid("must be a date written YYYY-MM-DD");
  absl::string_view text = internal::TrimSpaces(in.string_value());
  if (text.empty()) return NullValue();
  if (absl::Status s = CheckIsoDate(text); !s.ok()) return s;
  return StringValue(std::string(text));
}

absl::StatusOr<Value> NormaliseSingleSelect(const FieldDefinition& d, const Value& in) {
  if (in.kind_case() != Value::kStringValue) return Invalid("must be an option's value (text)");
  absl::string_view text = internal::TrimSpaces(in.string_value());
  if (text.empty()) return NullValue();
  int i = FindOption(d, text);
  if (i < 0) return Invalid(NotAnOption(d, text));
  return StringValue(d.options[i].value);
}

// `chosen` holds option indexes; gives them as a list of values in the options' order.
absl::StatusOr<Value> ChoicesValue(const FieldDefinition& d, std::vector<int> chosen) {
  if (chosen.empty()) return NullValue();
  if (d.min && chosen.size() < *d.min) {
    return Invalid(absl::StrCat("choose at least ", *d.min, " options"));
  }
  if (d.max && chosen.size() > *d.max) {
    return Invalid(absl::StrCat("choose at most ", *d.max, " options"));
  }
  std::sort(chosen.begin(), chosen.end());
  Value out;
  auto* list = out.mutable_list_value();
  for (int i : chosen) list->add_values()->set_string_value(d.options[i].value);
  return out;
}

absl::StatusOr<Value> NormaliseMultiSelect(const FieldDefinition& d, const Value& in) {
  if (in.kind_case() != Value::kListValue) return Invalid("must be a list of option values");
  std::vector<int> chosen;
  for (const Value& item : in.list_value().values()) {
    if (item.kind_case() != Value::kStringValue) return Invalid("must be a list of option values");
    absl::string_view text = internal::TrimSpaces(item.string_value());
    int i = FindOption(d, text);
    if (i < 0) return Invalid(NotAnOption(d, text));
    if (std::find(chosen.begin(), chosen.end(), i) != chosen.end()) {
      return Invalid(absl::StrCat("lists '", d.options[i].label, "' twice"));
    }
    chosen.push_back(i);
  }
  return ChoicesValue(d, std::move(chosen));
}

absl::StatusOr<Value> GeoPointValue(double lat, double lng) {
  if (!std::isfinite(lat) || lat < -90 || lat > 90) {
    return Invalid("lat must be between -90 and 90");
  }
  if (!std::isfinite(lng) || lng < -180 || lng > 180) {
    return Invalid("lng must be between -180 and 180");
  }
  Value out;
  auto& fields = *out.mutable_struct_value()->mutable_fields();
  fields["lat"].set_number_value(RoundTo(lat, kGeoDecimals, nullptr));
  fields["lng"].set_number_value(RoundTo(lng, kGeoDecimals, nullptr));
  return out;
}

absl::StatusOr<Value> NormaliseGeoPoint(const Value& in) {
  static constexpr absl::string_view kShape = R"(must be {"lat": <number>, "lng": <number>})";
  if (in.kind_case() != Value::kStructValue) return Invalid(kShape);
  const auto& fields = in.struct_value().fields();
  auto lat = fields.find("lat");
  auto lng = fields.find("lng");
  if (fields.size() != 2 || lat == fields.end() || lng == fields.end() ||
      lat->second.kind_case() != Value::kNumberValue ||
      lng->second.kind_case() != Value::kNumberValue) {
    return Invalid(kShape);
  }
  return GeoPointValue(lat->second.number_value(), lng->second.number_value());
}

absl::StatusOr<Value> NormaliseImageRef(const Value& in) {
  static constexpr absl::string_view kShape =
      "must be an attachment id: a UUID or att_ followed by 20..64 of A-Z a-z 0-9 _ -";
  if (in.kind_case() != Value::kStringValue) return Invalid(kShape);
  absl::string_view id = internal::TrimSpaces(in.string_value());
  if (id.empty()) return NullValue();
  if (IsUuid(id)) return StringValue(absl::AsciiStrToLower(id));
  if (IsAttachmentToken(id)) return StringValue(std::string(id));
  return Invalid(kShape);
}

// The stored form of a non-null value, or a null Value when it amounts to none; errors
// carry the reason alone.
absl::StatusOr<Value> NormaliseValue(const FieldDefinition& d, const Value& in) {
  switch (d.type) {
    case FieldType::kText:
      return NormaliseText(d, in);
    case FieldType::kNumber:
      return NormaliseNumber(d, in);
    case FieldType::kDate:
      return NormaliseDate(in);
    case FieldType::kSingleSelect:
      return NormaliseSingleSelect(d, in);
    case FieldType::kMultiSelect:
      return NormaliseMultiSelect(d, in);
    case FieldType::kGeoPoint:
      return NormaliseGeoPoint(in);
    case FieldType::kImageRef:
      return NormaliseImageRef(in);
  }
  return Invalid("has a field type this server does not know");
}

bool IsNull(const Value& v) {
  return v.kind_case() == Value::kNullValue || v.kind_case() == Value::KIND_NOT_SET;
}

}  // namespace

absl::Status ValidateValues(absl::Span<const FieldDefinition> definitions, Struct* values,
                            WriteMode mode, const ValuesContext& context) {
  auto& fields = *values->mutable_fields();
  absl::flat_hash_map<absl::string_view, const FieldDefinition*> by_key;
  for (const FieldDefinition& d : definitions) by_key.emplace(d.key, &d);

  // Unknown keys first, the smallest named, so the answer does not depend on map order.
  const std::string* unknown = nullptr;
  for (const auto& [key, value] : fields) {
    if (!by_key.contains(key) && (unknown == nullptr || key < *unknown)) unknown = &key;
  }
  if (unknown != nullptr) {
    return FieldError(absl::StatusCode::kInvalidArgument, FieldPath(context.field_path, *unknown),
                      "is not a field of this form");
  }

  for (const FieldDefinition& d : definitions) {
    std::string path = FieldPath(context.field_path, d.key);
    const Value* stored = nullptr;
    if (context.current != nullptr && mode != WriteMode::kCreate) {
      auto it = context.current->fields().find(d.key);
      if (it != context.current->fields().end() && !IsNull(it->second)) stored = &it->second;
    }
    const bool required = d.required && d.active;
    auto it = fields.find(d.key);

    if (it == fields.end()) {
      if (mode == WriteMode::kCreate && required) {
        return FieldError(absl::StatusCode::kInvalidArgument, path, "is required");
      }
      if (mode == WriteMode::kReplace && stored != nullptr) {
        if (!d.active) {
          fields[d.key] = *stored;  // retired: kept unless cleared explicitly
        } else if (required) {
          return FieldError(absl::StatusCode::kInvalidArgument, path,
                            "is required and cannot be removed");
        }
      }
      continue;
    }

    if (stored != nullptr &&
        google::protobuf::util::MessageDifferencer::Equals(*stored, it->second)) {
      continue;  // sent back as read: not a new value
    }
    Value normalised;
    if (IsNull(it->second)) {
      normalised = NullValue();
    } else if (!d.active) {
      return FieldError(absl::StatusCode::kFailedPrecondition, path,
                        "is retired and takes no new values (it can only be cleared)");
    } else {
      absl::StatusOr<Value> checked = NormaliseValue(d, it->second);
      if (!checked.ok()) {
        return FieldError(absl::StatusCode::kInvalidArgument, path, checked.status().message());
      }
      normalised = *std::move(checked);
    }

    if (IsNull(normalised)) {
      if (required && (mode != WriteMode::kReplace || stored != nullptr)) {
        return FieldError(
            absl::StatusCode::kInvalidArgument, path,
            mode == WriteMode::kCreate ? "is required" : "is required and cannot be removed");
      }
      if (mode == WriteMode::kPatch) {
        it->second = NullValue();
      } else {
        fields.erase(it);
      }
      continue;
    }
    it->second = std::move(normalised);
  }
  return absl::OkStatus();
}

absl::StatusOr<Value> ParseCellText(const FieldDefinition& d, absl::string_view raw) {
  absl::string_view text = internal::TrimSpaces(raw);
  if (text.empty()) return NullValue();
  std::string folded = internal::FoldFullWidth(text);
  switch (d.type) {
    case FieldType::kText:
    case FieldType::kSingleSelect:
    case FieldType::kImageRef:
      return NormaliseValue(d, StringValue(std::string(text)));
    case FieldType::kNumber: {
      double x;
      if (!ParseCellNumber(folded, &x))
        return Invalid(absl::StrCat("'", text, "' is not a number"));
      return NormaliseValue(d, NumberValue(x));
    }
    case FieldType::kDate: {
      absl::StatusOr<std::string> date = DateFromCell(folded);
      if (!date.ok()) return date.status();
      return NormaliseValue(d, StringValue(*std::move(date)));
    }
    case FieldType::kMultiSelect: {
      std::string separated = absl::StrReplaceAll(text, {{"，", "\n"}, {"；", "\n"}, {"、", "\n"}});
      std::vector<int> chosen;
      for (absl::string_view choice :
           absl::StrSplit(separated, absl::ByAnyChar(",;/\n"), absl::SkipEmpty())) {
        choice = internal::TrimSpaces(choice);
        if (choice.empty()) continue;
        int i = FindOption(d, choice);
        if (i < 0) return Invalid(NotAnOption(d, choice));
        if (std::find(chosen.begin(), chosen.end(), i) == chosen.end()) chosen.push_back(i);
      }
      return ChoicesValue(d, std::move(chosen));
    }
    case FieldType::kGeoPoint: {
      std::vector<absl::string_view> parts =
          folded.find(',') != folded.npos
              ? std::vector<absl::string_view>(absl::StrSplit(folded, ','))
              : std::vector<absl::string_view>(
                    absl::StrSplit(folded, absl::ByAnyChar(" \t"), absl::SkipEmpty()));
      double a, b;
      if (parts.size() != 2 || !ParsePlainNumber(internal::TrimSpaces(parts[0]), &a) ||
          !ParsePlainNumber(internal::TrimSpaces(parts[1]), &b)) {
        return Invalid(absl::StrCat("'", text, "' is not a location (write lat,lng)"));
      }
      if (std::fabs(a) > 90 && std::fabs(b) <= 90) std::swap(a, b);  // lng,lat
      return GeoPointValue(a, b);
    }
  }
  return Invalid("has a field type this server does not know");
}

}  // namespace qq::forms
