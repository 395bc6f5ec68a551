#include "services/customer/domain/customer_draft.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/field_mask.pb.h"
#include "qingquan/customer/v1/customer.pb.h"
#include "services/common/status.h"
#include "services/common/text/utf8_text.h"
#include "services/common/text_limits.h"
#include "services/customer/domain/id_number.h"
#include "services/customer/domain/phone_number.h"
#include "services/customer/domain/tag_rules.h"

namespace qq::customer {
namespace {

namespace v1 = qingquan::customer::v1;

std::string Trimmed(const std::string& s) { return std::string(text::TrimSpaces(s)); }

absl::StatusOr<std::string> CheckBirthday(const std::string& raw) {
  // A date typed with full-width digits (１９９０-０５-０１) is still a date.
  std::string date = Trimmed(text::NormalizeNfkc(raw));
  if (date.empty()) return date;
  int y = 0, m = 0, d = 0;
  if (date.size() != 10 || date[4] != '-' || date[7] != '-' ||
      !absl::SimpleAtoi(date.substr(0, 4), &y) || !absl::SimpleAtoi(date.substr(5, 2), &m) ||
      !absl::SimpleAtoi(date.substr(8, 2), &d)) {
    return InvalidField("birthday", "expected a date as YYYY-MM-DD");
  }
  absl::CivilDay day(y, m, d);
  if (day.year() != y || day.month() != m || day.day() != d) {
    return InvalidField("birthday", "is not a calendar date");
  }
  if (y < 1900) return InvalidField("birthday", "is before 1900");
  return date;
}

}  // namespace

absl::StatusOr<AddressDraft> CheckAddress(const v1::Address& a, const std::string& prefix) {
  const std::string dot = prefix.empty() ? "" : prefix + ".";
  AddressDraft address;
  address.text = Trimmed(a.text());
  if (address.text.empty()) return InvalidField(dot + "text", "is required");
  QQ_RETURN_IF_ERROR(CheckTextLength(dot + "text", address.text, kMaxAddressTextChars));
  if (a.has_location()) {
    if (!(a.location().lat() >= -90 && a.location().lat() <= 90)) {
      return InvalidField(dot + "location.lat", "must be between -90 and 90");
    }
    if (!(a.location().lng() >= -180 && a.location().lng() <= 180)) {
      return InvalidField(dot + "location.lng", "must be between -180 and 180");
    }
    address.lat = a.location().lat();
    address.lng = a.location().lng();
  }
  address.delivery_notes = Trimmed(a.delivery_notes());
  QQ_RETURN_IF_ERROR(
      CheckTextLength(dot + "deliveryNotes", address.delivery_notes, kMaxDeliveryNotesChars));
  address.custom_fields = a.custom_fields();
  return address;
}

absl::StatusOr<CustomerDraft> CheckNewCustomer(const v1::Customer& in, const ArchiveRules& rules) {
  CustomerDraft draft;
  draft.kind = in.kind() == v1::Customer::ORGANISATION ? "ORGANISATION" : "PERSON";
  draft.name = Trimmed(in.name());
  if (draft.name.empty()) return InvalidField("name", "is required");
  QQ_RETURN_IF_ERROR(CheckTextLength("name", draft.name, kMaxNameChars));

  if (static_cast<size_t>(in.phones_size()) > kMaxPhones) {
    return InvalidField("phones", absl::StrCat("at most ", kMaxPhones, " phone numbers"));
  }
  for (int i = 0; i < in.phones_size(); ++i) {
    std::string field = absl::StrCat("phones[", i, "]");
    QQ_ASSIGN_OR_RETURN(std::string phone, NormalisePhone(field, in.phones(i)));
    if (std::find(draft.phones.begin(), draft.phones.end(), phone) != draft.phones.end()) {
      return InvalidField(field, "is listed twice");
    }
    draft.phones.push_back(std::move(phone));
  }

  if (!Trimmed(in.id_number()).empty()) {
    if (draft.kind == "ORGANISATION") {
      QQ_ASSIGN_OR_RETURN(draft.id_number, NormaliseCreditCode("idNumber", in.id_number()));
    } else {
      QQ_ASSIGN_OR_RETURN(draft.id_number, NormalisePersonIdNumber("idNumber", in.id_number()));
    }
  }
  QQ_ASSIGN_OR_RETURN(draft.birthday, CheckBirthday(in.birthday()));
  draft.channel = v1::Customer::Channel_Name(in.channel());

  if (static_cast<size_t>(in.tags_size()) > kMaxTags) {
    return InvalidField("tags", absl::StrCat("at most ", kMaxTags, " tags"));
  }
  for (int i = 0; i < in.tags_size(); ++i) {
    std::string tag = Trimmed(in.tags(i));
    QQ_RETURN_IF_ERROR(CheckTextLength(absl::StrCat("tags[", i, "]"), tag, kMaxTagNameChars));
    if (std::find(rules.tag_names.begin(), rules.tag_names.end(), tag) == rules.tag_names.end()) {
      return InvalidField(absl::StrCat("tags[", i, "]"),
                          absl::StrCat("unknown tag '", tag,
                                       "'; add it to the tag dictionary (POST /v1/tags) first"));
    }
    if (std::find(draft.tags.begin(), draft.tags.end(), tag) == draft.tags.end()) {
      draft.tags.push_back(std::move(tag));
    }
  }

  if (static_cast<size_t>(in.addresses_size()) > kMaxAddresses) {
    return InvalidField("addresses", absl::StrCat("at most ", kMaxAddresses, " addresses"));
  }
  for (int i = 0; i < in.addresses_size(); ++i) {
    QQ_ASSIGN_OR_RETURN(AddressDraft address,
                        CheckAddress(in.addresses(i), absl::StrCat("addresses[", i, "]")));
    draft.addresses.push_back(std::move(address));
  }
  draft.notes = Trimmed(in.notes());
  QQ_RETURN_IF_ERROR(CheckTextLength("notes", draft.notes, kMaxNotesChars));
  draft.custom_fields = in.custom_fields();
  QQ_ASSIGN_OR_RETURN(draft.delivery_preferences,
                      CheckDeliveryPreferences(in.delivery_preferences(), "deliveryPreferences"));
  return draft;
}

absl::StatusOr<v1::Customer> ApplyCustomerUpdate(const v1::Customer& current,
                                                 const v1::Customer& patch,
                                                 const google::protobuf::FieldMask& mask) {
  // clang-format off
  static constexpr absl::string_view kChangeable[] = {
      "kind", "name", "phones", "id_number", "birthday", "channel", "tags", "notes",
      "delivery_preferences", "custom_fields"};
  // clang-format on
  if (mask.paths_size() == 0) {
    return InvalidField("updateMask", absl::StrCat("name the fields to change, e.g. name,phones; "
                                                   "changeable: ",
                                                   absl::StrJoin(kChangeable, ",")));
  }
  v1::Customer merged = current;
  for (const std::string& path : mask.paths()) {
    if (path == "kind") {
      merged.set_kind(patch.kind());
    } else if (path == "name") {
      merged.set_name(patch.name());
    } else if (path == "phones") {
      *merged.mutable_phones() = patch.phones();
    } else if (path == "id_number") {
      merged.set_id_number(patch.id_number());
    } else if (path == "birthday") {
      merged.set_birthday(patch.birthday());
    } else if (path == "channel") {
      merged.set_channel(patch.channel());
    } else if (path == "tags") {
      *merged.mutable_tags() = patch.tags();
    } else if (path == "notes") {
      merged.set_notes(patch.notes());
    } else if (path == "delivery_preferences") {
      *merged.mutable_delivery_preferences() = patch.delivery_preferences();
    } else if (path == "custom_fields") {
      *merged.mutable_custom_fields() = patch.custom_fields();
    } else if (absl::StartsWith(path, "custom_fields.") && path.size() > 14) {
      const std::string key = path.substr(14);
      auto& fields = *merged.mutable_custom_fields()->mutable_fields();
      auto it = patch.custom_fields().fields().find(key);
      if (it == patch.custom_fields().fields().end()) {
        fields.erase(key);
      } else {
        fields[key] = it->second;
      }
    } else {
      return InvalidField(
          "updateMask",
          absl::StrCat("'", path, "' cannot be changed here; changeable: ",
                       absl::StrJoin(kChangeable, ","), " (addresses have their own endpoints)"));
    }
  }
  return merged;
}

}  // namespace qq::customer
