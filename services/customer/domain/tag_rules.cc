#include "services/customer/domain/tag_rules.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/field_mask.pb.h"
#include "services/common/status.h"
#include "services/common/text/utf8_text.h"
#include "services/common/text_limits.h"

namespace qq::customer {

namespace v1 = qingquan::customer::v1;

absl::StatusOr<v1::Tag> CheckTag(const v1::Tag& in) {
  v1::Tag tag = in;
  tag.set_name(std::string(text::TrimSpaces(in.name())));
  if (tag.name().empty()) return InvalidField("name", "is required");
  QQ_RETURN_IF_ERROR(CheckTextLength("name", tag.name(), kMaxTagNameChars));
  if (tag.name().find_first_of(",;") != std::string::npos) {
    return InvalidField("name", "may not contain , or ; (they separate tags in imports)");
  }
  tag.set_color(std::string(absl::StripAsciiWhitespace(in.color())));
  if (!tag.color().empty()) {
    bool hex = tag.color().size() == 7 && tag.color()[0] == '#';
    for (size_t i = 1; hex && i < tag.color().size(); ++i) {
      hex = absl::ascii_isxdigit(static_cast<unsigned char>(tag.color()[i]));
    }
    if (!hex) return InvalidField("color", "expected #rrggbb");
  }
  tag.set_description(std::string(text::TrimSpaces(in.description())));
  QQ_RETURN_IF_ERROR(CheckTextLength("description", tag.description(), kMaxTagDescriptionChars));
  return tag;
}

absl::StatusOr<v1::Tag> ApplyTagUpdate(const v1::Tag& current, const v1::Tag& patch,
                                       const google::protobuf::FieldMask& mask) {
  if (mask.paths_size() == 0) {
    return InvalidField("updateMask", "name the fields to change: name, color, description");
  }
  v1::Tag after = current;
  for (const std::string& path : mask.paths()) {
    if (path == "name") {
      after.set_name(patch.name());
    } else if (path == "color") {
      after.set_color(patch.color());
    } else if (path == "description") {
      after.set_description(patch.description());
    } else {
      return InvalidField("updateMask", absl::StrCat("'", path,
                                                     "' cannot be changed; changeable: name, "
                                                     "color, description"));
    }
  }
  return CheckTag(after);
}

}  // namespace qq::customer
