#include "services/notification/domain/rules/json_support.h"

#include <algorithm>
#include <limits>

#include "absl/strings/str_cat.h"
#include "services/common/status.h"

namespace qq::notification::rules::internal {

absl::StatusOr<boost::json::value> ParseJsonText(absl::string_view text, absl::string_view what) {
  if (text.size() > kMaxJsonBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " is larger than ", kMaxJsonBytes / 1024, " KiB"));
  }
  boost::json::parse_options options;
  // Deep enough for kMaxConditionDepth levels (two JSON levels each) so that the nesting
  // error names the node; deeper text fails here.
  options.max_depth = 64;
  boost::system::error_code ec;
  boost::json::value value =
      boost::json::parse(boost::json::string_view(text.data(), text.size()), ec, {}, options);
  if (ec)
    return absl::InvalidArgumentError(absl::StrCat(what, " is not valid JSON: ", ec.message()));
  return value;
}

absl::string_view JsonKindName(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::null:
      return "null";
    case boost::json::kind::bool_:
      return "a bool";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
      return "an integer";
    case boost::json::kind::double_:
      return "a number";
    case boost::json::kind::string:
      return "a string";
    case boost::json::kind::array:
      return "an array";
    case boost::json::kind::object:
      return "an object";
  }
  return "a value";
}

absl::Status RejectUnknownMembers(const boost::json::object& object,
                                  std::initializer_list<absl::string_view> known,
                                  const std::string& path) {
  for (const auto& member : object) {
    const absl::string_view name(member.key().data(), member.key().size());
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      return InvalidField(Child(path, name), absl::StrCat("unknown member '", name, "'"));
    }
  }
  return absl::OkStatus();
}

std::string Child(const std::string& parent, absl::string_view member) {
  return parent.empty() ? std::string(member) : absl::StrCat(parent, ".", member);
}

std::string Index(const std::string& parent, size_t i) { return absl::StrCat(parent, "[", i, "]"); }

bool AsInt64(const boost::json::value& value, int64_t* out) {
  if (value.is_int64()) {
    *out = value.get_int64();
    return true;
  }
  if (value.is_uint64() && value.get_uint64() <= uint64_t{std::numeric_limits<int64_t>::max()}) {
    *out = static_cast<int64_t>(value.get_uint64());
    return true;
  }
  return false;
}

}  // namespace qq::notification::rules::internal
