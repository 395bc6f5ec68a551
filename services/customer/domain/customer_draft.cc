#include "services/customer/domain/customer_draft.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "qingquan/customer/v1/customer.pb.h"
#include "services/common/status.h"
#include "services/customer/domain/phone_number.h"

namespace qq::customer {
namespace {

size_t Utf8Length(const std::string& s) {
  return std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; });
}

}  // namespace

absl::StatusOr<CustomerDraft> CheckNewCustomer(const qingquan::customer::v1::Customer& in) {
  CustomerDraft draft;
  draft.kind =
      in.kind() == qingquan::customer::v1::Customer::ORGANISATION ? "ORGANISATION" : "PERSON";
  draft.name = std::string(absl::StripAsciiWhitespace(in.name()));
  if (draft.name.empty()) return InvalidField("name", "is required");
  if (Utf8Length(draft.name) > 100) return InvalidField("name", "is longer than 100 characters");

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

  if (static_cast<size_t>(in.addresses_size()) > kMaxAddresses) {
    return InvalidField("addresses", absl::StrCat("at most ", kMaxAddresses, " addresses"));
  }
  for (int i = 0; i < in.addresses_size(); ++i) {
    const auto& a = in.addresses(i);
    std::string prefix = absl::StrCat("addresses[", i, "]");
    AddressDraft address;
    address.text = std::string(absl::StripAsciiWhitespace(a.text()));
    if (address.text.empty()) return InvalidField(prefix + ".text", "is required");
    if (a.has_location()) {
      if (a.location().lat() < -90 || a.location().lat() > 90) {
        return InvalidField(prefix + ".location.lat", "must be between -90 and 90");
      }
      if (a.location().lng() < -180 || a.location().lng() > 180) {
        return InvalidField(prefix + ".location.lng", "must be between -180 and 180");
      }
      address.lat = a.location().lat();
      address.lng = a.location().lng();
    }
    address.delivery_notes = a.delivery_notes();
    draft.addresses.push_back(std::move(address));
  }
  draft.notes = in.notes();
  return draft;
}

}  // namespace qq::customer
