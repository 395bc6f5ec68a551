// REST <-> protobuf transcoding. Protobuf 3.21 does the actual JSON parse; a walk of the
// body with Boost.JSON against the descriptor runs first because protobuf's messages
// rarely say which field was wrong ("INVALID_ARGUMENT:Unexpected token").
#include "gateway/json_transcoder.h"

#include <boost/json.hpp>

#include <cfloat>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/json_util.h"
#include "services/common/status.h"

namespace qq::gateway {
namespace {

namespace json = boost::json;
using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

std::string JoinPath(absl::string_view prefix, absl::string_view name) {
  return prefix.empty() ? std::string(name) : absl::StrCat(prefix, ".", name);
}

absl::Status UnknownField(absl::string_view path, absl::string_view what) {
  return WithField(absl::InvalidArgumentError(absl::StrCat("unknown ", what, " '", path, "'")),
                   path);
}

// A field by its JSON name or its proto name; protobuf's JSON parser accepts both.
const FieldDescriptor* FindField(const Descriptor& message, absl::string_view name) {
  if (const FieldDescriptor* field = message.FindFieldByName(std::string(name))) return field;
  for (int i = 0; i < message.field_count(); ++i) {
    if (message.field(i)->json_name() == name) return message.field(i);
  }
  return nullptr;
}

bool IsWellKnown(const Descriptor& message, absl::string_view name) {
  return message.full_name() == absl::StrCat("google.protobuf.", name);
}

bool IsWrapper(const Descriptor& message) {
  static const std::set<std::string> kWrappers = {
      "google.protobuf.DoubleValue", "google.protobuf.FloatValue",  "google.protobuf.Int64Value",
      "google.protobuf.UInt64Value", "google.protobuf.Int32Value",  "google.protobuf.UInt32Value",
      "google.protobuf.BoolValue",   "google.protobuf.StringValue", "google.protobuf.BytesValue"};
  return kWrappers.count(message.full_name()) > 0;
}

// Well-known types written in JSON as a string and parsed by protobuf.
bool IsStringEncodedWellKnown(const Descriptor& message) {
  return IsWellKnown(message, "Timestamp") || IsWellKnown(message, "Duration") ||
         IsWellKnown(message, "FieldMask");
}

bool IsValidUtf8(absl::string_view text) {
  static constexpr uint32_t kSmallest[] = {0, 0x80, 0x800, 0x10000};  // no overlong forms
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    int extra = 0;
    uint32_t code = c;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1, code = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2, code = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3, code = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= text.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      unsigned char next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    if (code < kSmallest[extra] || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

std::string EnumNames(const EnumDescriptor& type) {
  std::vector<std::string> names;
  for (int i = 0; i < type.value_count(); ++i) names.push_back(type.value(i)->name());
  return absl::StrJoin(names, ", ");
}

std::string IntegerTypeName(FieldDescriptor::CppType type) {
  switch (type) {
    case FieldDescriptor::CPPTYPE_INT32:
      return "int32";
    case FieldDescriptor::CPPTYPE_UINT32:
      return "uint32";
    case FieldDescriptor::CPPTYPE_INT64:
      return "int64";
    default:
      return "uint64";
  }
}

// Whether the value with sign `negative` and absolute value `magnitude` fits the integer
// type; sign and magnitude apart so the whole uint64 range compares without overflow.
bool FitsInteger(FieldDescriptor::CppType type, bool negative, uint64_t magnitude) {
  switch (type) {
    case FieldDescriptor::CPPTYPE_INT32:
      return negative ? magnitude <= 2147483648ull : magnitude <= 2147483647ull;
    case FieldDescriptor::CPPTYPE_UINT32:
      return !negative && magnitude <= 4294967295ull;
    case FieldDescriptor::CPPTYPE_INT64:
      return negative ? magnitude <= 9223372036854775808ull : magnitude <= 9223372036854775807ull;
    default:
      return !negative;
  }
}

// Parses an integer written in decimal, as a JSON string or a query parameter.
// Returns false when `text` is no integer; sets `fits` to whether it is in range.
bool ParseIntegerText(absl::string_view text, FieldDescriptor::CppType type, bool& fits) {
  bool negative = !text.empty() && text[0] == '-';
  uint64_t magnitude = 0;
  absl::string_view digits = negative ? text.substr(1) : text;
  if (digits.empty() || !absl::ascii_isdigit(static_cast<unsigned char>(digits[0]))) {
    return false;
  }
  if (!absl::SimpleAtoi(digits, &magnitude)) {
    // Longer than uint64 but all digits: a valid integer, out of every range.
    bool all_digits = std::all_of(digits.begin(), digits.end(), [](char c) {
      return absl::ascii_isdigit(static_cast<unsigned char>(c));
    });
    fits = false;
    return all_digits;
  }
  fits = FitsInteger(type, negative && magnitude != 0, magnitude);
  return true;
}

// ---------------------------------------------------------------------------------------
// The walk of a JSON value against a message descriptor.

class JsonChecker {
 public:
  absl::Status CheckMessage(const json::value& value, const Descriptor& message,
                            const std::string& path) {
    if (IsWrapper(message)) return CheckSingle(value, *message.FindFieldByNumber(1), path);
    if (IsStringEncodedWellKnown(message)) return CheckStringEncodedWellKnown(value, message, path);
    if (IsWellKnown(message, "Value")) return absl::OkStatus();
    if (IsWellKnown(message, "ListValue")) {
      return value.is_array() ? absl::OkStatus() : InvalidField(Name(path), "expected a list");
    }
    if (!value.is_object()) return InvalidField(Name(path), "expected an object");
    // Struct's and Any's fields follow their own JSON shapes; protobuf checks them.
    if (IsWellKnown(message, "Struct") || IsWellKnown(message, "Any")) return absl::OkStatus();
    std::set<int> seen;
    std::map<const google::protobuf::OneofDescriptor*, const FieldDescriptor*> oneofs;
    for (const json::key_value_pair& member : value.as_object()) {
      absl::string_view key(member.key().data(), member.key().size());
      const FieldDescriptor* field = FindField(message, key);
      if (field == nullptr) return UnknownField(JoinPath(path, key), "field");
      std::string field_path = JoinPath(path, field->json_name());
      if (!seen.insert(field->number()).second) {
        return InvalidField(field_path, "given more than once");
      }
      if (const auto* oneof = field->real_containing_oneof(); oneof && !member.value().is_null()) {
        auto [it, inserted] = oneofs.emplace(oneof, field);
        if (!inserted) {
          return InvalidField(field_path,
                              absl::StrCat("cannot be set together with '", it->second->json_name(),
                                           "' (only one of them)"));
        }
      }
      if (absl::Status s = CheckField(member.value(), *field, field_path); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  // `value` for the whole field: a list for repeated fields, an object for maps.
  absl::Status CheckField(const json::value& value, const FieldDescriptor& field,
                          const std::string& path) {
    if (value.is_null()) return absl::OkStatus();  // null leaves the field at its default
    if (field.is_map()) {
      if (!value.is_object()) return InvalidField(path, "expected an object (a map)");
      const FieldDescriptor& key_field = *field.message_type()->map_key();
      const FieldDescriptor& value_field = *field.message_type()->map_value();
      for (const json::key_value_pair& member : value.as_object()) {
        absl::string_view key(member.key().data(), member.key().size());
        std::string entry_path = JoinPath(path, key);
        if (absl::Status s = CheckMapKey(key, key_field, entry_path); !s.ok()) return s;
        if (absl::Status s = CheckElement(member.value(), value_field, entry_path); !s.ok()) {
          return s;
        }
      }
      return absl::OkStatus();
    }
    if (field.is_repeated()) {
      if (!value.is_array()) return InvalidField(path, "expected a list");
      const json::array& items = value.as_array();
      for (size_t i = 0; i < items.size(); ++i) {
        std::string item_path = absl::StrCat(path, "[", i, "]");
        if (absl::Status s = CheckElement(items[i], field, item_path); !s.ok()) return s;
      }
      return absl::OkStatus();
    }
    return CheckSingle(value, field, path);
  }

 private:
  static std::string Name(const std::string& path) { return path.empty() ? "body" : path; }

  absl::Status CheckElement(const json::value& value, const FieldDescriptor& field,
                            const std::string& path) {
    bool null_allowed = field.cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
                        IsWellKnown(*field.message_type(), "Value");
    if (value.is_null() && !null_allowed) return InvalidField(path, "null is not allowed here");
    return CheckSingle(value, field, path);
  }

  absl::Status CheckMapKey(absl::string_view key, const FieldDescriptor& key_field,
                           const std::string& path) {
    switch (key_field.cpp_type()) {
      case FieldDescriptor::CPPTYPE_STRING:
        return absl::OkStatus();
      case FieldDescriptor::CPPTYPE_BOOL:
        if (key == "true" || key == "false") return absl::OkStatus();
        return InvalidField(path, "map key must be true or false");
      default: {
        bool fits = false;
        if (!ParseIntegerText(key, key_field.cpp_type(), fits)) {
          return InvalidField(path, "map key must be an integer");
        }
        if (!fits) return InvalidField(path, "map key out of range");
        return absl::OkStatus();
      }
    }
  }

  // One value of `field`'s type (an element when the field is repeated).
  absl::Status CheckSingle(const json::value& value, const FieldDescriptor& field,
                           const std::string& path) {
    if (value.is_null()) return absl::OkStatus();
    switch (field.cpp_type()) {
      case FieldDescriptor::CPPTYPE_MESSAGE:
        return CheckMessage(value, *field.message_type(), path);
      case FieldDescriptor::CPPTYPE_ENUM:
        return CheckEnum(value, *field.enum_type(), path);
      case FieldDescriptor::CPPTYPE_STRING:
        if (!value.is_string()) return InvalidField(path, "expected a string");
        if (field.type() == FieldDescriptor::TYPE_BYTES) {
          std::string decoded;
          absl::string_view text(value.as_string().data(), value.as_string().size());
          if (!absl::Base64Unescape(text, &decoded) &&
              !absl::WebSafeBase64Unescape(text, &decoded)) {
            return InvalidField(path, "expected base64-encoded bytes");
          }
        }
        return absl::OkStatus();
      case FieldDescriptor::CPPTYPE_BOOL:
        if (!value.is_bool()) return InvalidField(path, "expected true or false");
        return absl::OkStatus();
      case FieldDescriptor::CPPTYPE_FLOAT:
      case FieldDescriptor::CPPTYPE_DOUBLE:
        return CheckFloating(value, field, path);
      default:
        return CheckInteger(value, field.cpp_type(), path);
    }
  }

  absl::Status CheckEnum(const json::value& value, const EnumDescriptor& type,
                         const std::string& path) {
    if (type.full_name() == "google.protobuf.NullValue") return absl::OkStatus();
    if (value.is_string()) {
      std::string name(value.as_string().data(), value.as_string().size());
      if (type.FindValueByName(name) != nullptr) return absl::OkStatus();
      return InvalidField(
          path, absl::StrCat("unknown value '", name, "', expected one of ", EnumNames(type)));
    }
    if (value.is_int64() || value.is_uint64()) {
      return CheckInteger(value, FieldDescriptor::CPPTYPE_INT32, path);
    }
    return InvalidField(path, absl::StrCat("expected one of ", EnumNames(type)));
  }

  absl::Status CheckInteger(const json::value& value, FieldDescriptor::CppType type,
                            const std::string& path) {
    bool fits = false;
    if (value.is_int64()) {
      int64_t v = value.as_int64();
      uint64_t magnitude = v < 0 ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
      fits = FitsInteger(type, v < 0, magnitude);
    } else if (value.is_uint64()) {
      fits = FitsInteger(type, false, value.as_uint64());
    } else if (value.is_double()) {
      double v = value.as_double();
      if (!std::isfinite(v) || v != std::floor(v)) return InvalidField(path, "expected an integer");
      fits = std::fabs(v) < 1.8446744073709552e19 &&
             FitsInteger(type, v < 0, static_cast<uint64_t>(std::fabs(v)));
    } else if (value.is_string()) {
      absl::string_view text(value.as_string().data(), value.as_string().size());
      if (!ParseIntegerText(text, type, fits)) return InvalidField(path, "expected an integer");
    } else {
      return InvalidField(path, "expected an integer");
    }
    if (!fits) return InvalidField(path, absl::StrCat("out of range for ", IntegerTypeName(type)));
    return absl::OkStatus();
  }

  absl::Status CheckFloating(const json::value& value, const FieldDescriptor& field,
                             const std::string& path) {
    double v = 0;
    if (value.is_number()) {
      v = value.to_number<double>();
    } else if (value.is_string()) {
      absl::string_view text(value.as_string().data(), value.as_string().size());
      if (text == "NaN" || text == "Infinity" || text == "-Infinity") return absl::OkStatus();
      if (!absl::SimpleAtod(text, &v) || !std::isfinite(v)) {
        return InvalidField(path, "expected a number");
      }
    } else {
      return InvalidField(path, "expected a number");
    }
    if (field.cpp_type() == FieldDescriptor::CPPTYPE_FLOAT && std::fabs(v) > FLT_MAX) {
      return InvalidField(path, "out of range for float");
    }
    return absl::OkStatus();
  }

  // Timestamp, Duration and FieldMask: protobuf parses the string on its own so that
  // its reason is reported under this field's name.
  absl::Status CheckStringEncodedWellKnown(const json::value& value, const Descriptor& message,
                                           const std::string& path) {
    if (!value.is_string()) return InvalidField(path, "expected a string");
    google::protobuf::DynamicMessageFactory dynamic;  // for types outside generated_pool()
    const Message* prototype =
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(&message);
    if (prototype == nullptr) prototype = dynamic.GetPrototype(&message);
    std::unique_ptr<Message> scratch(prototype->New());
    std::string text = json::serialize(value);
    if (google::protobuf::util::JsonStringToMessage(text, scratch.get()).ok()) {
      return absl::OkStatus();
    }
    if (IsWellKnown(message, "Timestamp")) {
      return InvalidField(path, "expected an RFC 3339 time such as \"2024-05-01T08:00:00Z\"");
    }
    if (IsWellKnown(message, "Duration")) {
      return InvalidField(path, "expected a duration in seconds such as \"1.5s\"");
    }
    return InvalidField(path, "expected comma-separated field paths");
  }
};

// ---------------------------------------------------------------------------------------
// Values from text: path variables and query parameters.

// Sets (or, for a repeated field, appends) `field` of `message` from `text`.
absl::Status SetFromText(Message& message, const FieldDescriptor& field, absl::string_view text,
                         const std::string& path) {
  const Reflection& r = *message.GetReflection();
  bool repeated = field.is_repeated();
  auto integer = [&](auto* out) -> absl::Status {
    bool fits = false;
    if (!ParseIntegerText(text, field.cpp_type(), fits)) {
      return InvalidField(path, "expected an integer");
    }
    if (!fits || !absl::SimpleAtoi(text, out)) {
      return InvalidField(path,
                          absl::StrCat("out of range for ", IntegerTypeName(field.cpp_type())));
    }
    return absl::OkStatus();
  };
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v = 0;
      QQ_RETURN_IF_ERROR(integer(&v));
      repeated ? r.AddInt32(&message, &field, v) : r.SetInt32(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v = 0;
      QQ_RETURN_IF_ERROR(integer(&v));
      repeated ? r.AddInt64(&message, &field, v) : r.SetInt64(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t v = 0;
      QQ_RETURN_IF_ERROR(integer(&v));
      repeated ? r.AddUInt32(&message, &field, v) : r.SetUInt32(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v = 0;
      QQ_RETURN_IF_ERROR(integer(&v));
      repeated ? r.AddUInt64(&message, &field, v) : r.SetUInt64(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      double v = 0;
      if (text == "NaN") {
        v = std::numeric_limits<double>::quiet_NaN();
      } else if (text == "Infinity" || text == "-Infinity") {
        v = text[0] == '-' ? -HUGE_VAL : HUGE_VAL;
      } else if (!absl::SimpleAtod(text, &v) || !std::isfinite(v)) {
        return InvalidField(path, "expected a number");
      }
      if (field.cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE) {
        repeated ? r.AddDouble(&message, &field, v) : r.SetDouble(&message, &field, v);
        return absl::OkStatus();
      }
      if (std::isfinite(v) && std::fabs(v) > FLT_MAX) {
        return InvalidField(path, "out of range for float");
      }
      float f = static_cast<float>(v);
      repeated ? r.AddFloat(&message, &field, f) : r.SetFloat(&message, &field, f);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool v;
      if (text == "true" || text == "1") {
        v = true;
      } else if (text == "false" || text == "0") {
        v = false;
      } else {
        return InvalidField(path, "expected true or false");
      }
      repeated ? r.AddBool(&message, &field, v) : r.SetBool(&message, &field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string v;
      if (field.type() == FieldDescriptor::TYPE_BYTES) {
        if (!absl::Base64Unescape(text, &v) && !absl::WebSafeBase64Unescape(text, &v)) {
          return InvalidField(path, "expected base64-encoded bytes");
        }
      } else {
        if (!IsValidUtf8(text)) return InvalidField(path, "is not valid UTF-8");
        v = std::string(text);
      }
      repeated ? r.AddString(&message, &field, std::move(v))
               : r.SetString(&message, &field, std::move(v));
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const EnumDescriptor& type = *field.enum_type();
      int number = 0;
      if (const auto* value = type.FindValueByName(std::string(text))) {
        number = value->number();
      } else if (!absl::SimpleAtoi(text, &number) || type.FindValueByNumber(number) == nullptr) {
        return InvalidField(
            path, absl::StrCat("unknown value '", text, "', expected one of ", EnumNames(type)));
      }
      repeated ? r.AddEnumValue(&message, &field, number)
               : r.SetEnumValue(&message, &field, number);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const Descriptor& type = *field.message_type();
      if (repeated || !(IsWrapper(type) || IsStringEncodedWellKnown(type))) {
        return InvalidField(path, "cannot be set from a query parameter or path segment");
      }
      Message& sub = *r.MutableMessage(&message, &field);
      if (IsWrapper(type)) return SetFromText(sub, *type.FindFieldByNumber(1), text, path);
      if (!google::protobuf::util::JsonStringToMessage(JsonQuote(text), &sub).ok()) {
        return InvalidField(path, absl::StrCat("cannot be read as a ", type.name()));
      }
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

std::string JsonPathOf(const std::vector<const FieldDescriptor*>& chain) {
  std::vector<std::string> names;
  for (const FieldDescriptor* field : chain) names.push_back(field->json_name());
  return absl::StrJoin(names, ".");
}

std::string ProtoPathOf(const std::vector<const FieldDescriptor*>& chain) {
  std::vector<std::string> names;
  for (const FieldDescriptor* field : chain) names.push_back(field->name());
  return absl::StrJoin(names, ".");
}

// Mutable message holding the last field of `chain`, creating intermediate messages.
Message& ParentOf(Message& root, const std::vector<const FieldDescriptor*>& chain) {
  Message* message = &root;
  for (size_t i = 0; i + 1 < chain.size(); ++i) {
    message = message->GetReflection()->MutableMessage(message, chain[i]);
  }
  return *message;
}

// Resolves a dotted path of names (JSON or proto) through singular message fields.
// Returns the chain, or an empty chain when a name is unknown.
std::vector<const FieldDescriptor*> ResolvePath(const Descriptor& root,
                                                const std::vector<std::string>& names) {
  std::vector<const FieldDescriptor*> chain;
  const Descriptor* message = &root;
  for (const std::string& name : names) {
    if (message == nullptr) return {};
    const FieldDescriptor* field = FindField(*message, name);
    if (field == nullptr) return {};
    chain.push_back(field);
    bool traversable = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
                       !field->is_repeated() && !IsWrapper(*field->message_type()) &&
                       !IsStringEncodedWellKnown(*field->message_type());
    message = traversable ? field->message_type() : nullptr;
  }
  return chain;
}

bool IsSameOrInside(absl::string_view path, absl::string_view bound) {
  return path == bound || (path.size() > bound.size() && path.substr(0, bound.size()) == bound &&
                           path[bound.size()] == '.');
}

absl::Status ApplyBody(const HttpRequestParts& parts, Message& request) {
  if (parts.body_field.empty()) return absl::OkStatus();
  const Descriptor& descriptor = *request.GetDescriptor();
  const FieldDescriptor* field = nullptr;
  if (parts.body_field != "*") {
    field = descriptor.FindFieldByName(std::string(parts.body_field));
    if (field == nullptr) {
      return absl::InternalError(
          absl::StrCat("body field '", parts.body_field, "' not in ", descriptor.full_name()));
    }
  }
  absl::string_view text = absl::StripAsciiWhitespace(parts.body);
  if (text.empty()) {
    if (field != nullptr && field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
      return absl::OkStatus();
    }
    text = "{}";
  }
  json::parser parser;
  boost::system::error_code ec;
  size_t consumed = parser.write(text.data(), text.size(), ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("request body is not valid JSON: ", ec.message(), " at offset ", consumed));
  }
  json::value body = parser.release();
  JsonChecker checker;
  std::string wrapped;
  if (field == nullptr) {
    if (!body.is_object()) return absl::InvalidArgumentError("request body must be a JSON object");
    QQ_RETURN_IF_ERROR(checker.CheckMessage(body, descriptor, ""));
  } else {
    // Field paths in errors are relative to the JSON the client sent, which here is
    // the field's value: "name", not "customer.name" (services name fields the same way).
    QQ_RETURN_IF_ERROR(checker.CheckField(body, *field, ""));
    // The body is the value of one field: hand protobuf {"field": body}.
    wrapped = absl::StrCat("{", JsonQuote(field->json_name()), ":", text, "}");
    text = wrapped;
  }
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(text.data(), text.size()), &request, options);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("request body does not match ", descriptor.full_name(), ": ",
                     absl::string_view(status.message().data(), status.message().size())));
  }
  return absl::OkStatus();
}

absl::Status ApplyPathBindings(const std::vector<PathBinding>& bindings, Message& request) {
  for (const PathBinding& binding : bindings) {
    std::vector<const FieldDescriptor*> chain =
        ResolvePath(*request.GetDescriptor(), binding.field_path);
    if (chain.empty()) {
      return absl::InternalError(absl::StrCat(
          "path variable '", absl::StrJoin(binding.field_path, "."), "' names no field"));
    }
    QQ_RETURN_IF_ERROR(
        SetFromText(ParentOf(request, chain), *chain.back(), binding.value, JsonPathOf(chain)));
  }
  return absl::OkStatus();
}

absl::Status ApplyQuery(const HttpRequestParts& parts, Message& request) {
  std::vector<std::string> bound;  // proto paths set by the path or the body
  for (const PathBinding& binding : parts.path_bindings) {
    bound.push_back(absl::StrJoin(binding.field_path, "."));
  }
  if (!parts.body_field.empty()) bound.emplace_back(parts.body_field);
  std::set<std::string> seen;
  for (absl::string_view pair : absl::StrSplit(parts.query, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(pair, absl::MaxSplits('=', 1));
    auto decode = [](absl::string_view text) {
      std::string plus_as_space(text);
      std::replace(plus_as_space.begin(), plus_as_space.end(), '+', ' ');
      return PercentDecode(plus_as_space);
    };
    std::string name = decode(kv.first);
    std::string value = decode(kv.second);
    std::vector<const FieldDescriptor*> chain =
        ResolvePath(*request.GetDescriptor(), absl::StrSplit(name, '.'));
    if (chain.empty()) return UnknownField(name, "query parameter");
    std::string path = JsonPathOf(chain);
    if (parts.body_field == "*") {
      return InvalidField(path, "send it in the JSON body; this route takes no query parameters");
    }
    std::string proto_path = ProtoPathOf(chain);
    for (const std::string& b : bound) {
      if (IsSameOrInside(proto_path, b)) {
        return InvalidField(
            path, b == parts.body_field ? "is set by the request body" : "is set by the URL path");
      }
    }
    const FieldDescriptor& leaf = *chain.back();
    if (!seen.insert(proto_path).second && !leaf.is_repeated()) {
      return InvalidField(path, "given more than once");
    }
    QQ_RETURN_IF_ERROR(SetFromText(ParentOf(request, chain), leaf, value, path));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status JsonTranscoder::ToRequest(const HttpRequestParts& parts, Message& request) {
  QQ_RETURN_IF_ERROR(ApplyBody(parts, request));
  QQ_RETURN_IF_ERROR(ApplyPathBindings(parts.path_bindings, request));
  return ApplyQuery(parts, request);
}

absl::StatusOr<std::string> JsonTranscoder::ToJson(const Message& response,
                                                   absl::string_view response_body_field) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  options.preserve_proto_field_names = false;
  std::string out;
  auto status = google::protobuf::util::MessageToJsonString(response, &out, options);
  if (!status.ok()) {
    return absl::InternalError(absl::StrCat(
        "cannot print ", response.GetDescriptor()->full_name(),
        " as JSON: ", absl::string_view(status.message().data(), status.message().size())));
  }
  if (response_body_field.empty()) return out;
  const FieldDescriptor* field =
      response.GetDescriptor()->FindFieldByName(std::string(response_body_field));
  if (field == nullptr) {
    return absl::InternalError(absl::StrCat("response_body '", response_body_field, "' not in ",
                                            response.GetDescriptor()->full_name()));
  }
  json::value whole = json::parse(out);
  const json::value* part = whole.as_object().if_contains(field->json_name());
  return part == nullptr ? std::string("null") : json::serialize(*part);
}

}  // namespace qq::gateway
