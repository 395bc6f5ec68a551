// Checks a customer as a client sent it and brings it into the stored form (phones and
// ID numbers normalised, text trimmed, tags checked against the tenant's dictionary).
// Pure: no I/O. Field paths are those of the JSON body (lowerCamelCase).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/struct.pb.h"
#include "services/customer/domain/delivery_preferences.h"

namespace qingquan::customer::v1 {
class Address;
class Customer;
}  // namespace qingquan::customer::v1
namespace google::protobuf {
class FieldMask;
}

namespace qq::customer {

struct AddressDraft {
  std::string text;
  std::optional<double> lat;
  std::optional<double> lng;
  std::string delivery_notes;
  google::protobuf::Struct custom_fields;
};

struct CustomerDraft {
  std::string kind;  // "PERSON" or "ORGANISATION"
  std::string name;
  std::vector<std::string> phones;
  std::vector<AddressDraft> addresses;
  std::string notes;
  std::string id_number;  // normalised; empty = none
  std::string birthday;   // YYYY-MM-DD; empty = none
  std::string channel;    // Customer.Channel name
  std::vector<std::string> tags;
  google::protobuf::Struct custom_fields;
  // Set by CheckNewCustomer (all defaults = no preference). Unset (drafts of imported
  // rows): a new customer has none and an update leaves the stored ones as they are.
  std::optional<DeliveryPreferencesDraft> delivery_preferences;
};

// What a tenant allows beyond the fixed rules.
struct ArchiveRules {
  // The tenant's tag dictionary.
  std::vector<std::string> tag_names;
};

inline constexpr size_t kMaxPhones = 10;
inline constexpr size_t kMaxAddresses = 20;
inline constexpr size_t kMaxTags = 30;
// Text limits, in characters (code points), as users count them.
inline constexpr size_t kMaxNameChars = 100;
inline constexpr size_t kMaxNotesChars = 2000;
inline constexpr size_t kMaxAddressTextChars = 200;
inline constexpr size_t kMaxDeliveryNotesChars = 500;

// INVALID_ARGUMENT naming the first offending field: "name" (required, at most 100
// characters), "phones[i]" (format, duplicates; full-width digits accepted),
// "idNumber" (ID card or credit code by kind), "birthday" (YYYY-MM-DD, not before 1900),
// "tags[i]" (not in the dictionary), "notes" (at most 2000 characters),
// "addresses[i].text" (required, at most 200 characters), "addresses[i].deliveryNotes"
// (at most 500 characters), "addresses[i].location.lat"/".lng" (range),
// "deliveryPreferences.<field>" (see CheckDeliveryPreferences). Custom fields are checked
// by the caller against the tenant's definitions (services/common/forms).
absl::StatusOr<CustomerDraft> CheckNewCustomer(const qingquan::customer::v1::Customer& in,
                                               const ArchiveRules& rules);

// One address; `prefix` is the field path of the address, e.g. "addresses[0]" or "".
absl::StatusOr<AddressDraft> CheckAddress(const qingquan::customer::v1::Address& in,
                                          const std::string& prefix);

// The customer as it will be after an update: `current` with the fields named in `mask`
// taken from `patch` (kind, name, phones, id_number, birthday, channel, tags, notes,
// delivery_preferences, custom_fields, custom_fields.<key>). INVALID_ARGUMENT (field
// "updateMask") for an empty mask or a path that cannot be changed this way.
absl::StatusOr<qingquan::customer::v1::Customer> ApplyCustomerUpdate(
    const qingquan::customer::v1::Customer& current, const qingquan::customer::v1::Customer& patch,
    const google::protobuf::FieldMask& mask);

}  // namespace qq::customer
