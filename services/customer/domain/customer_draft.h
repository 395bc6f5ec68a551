// Checks a customer as a client sent it and brings it into the stored form (phones
// normalised, text trimmed). Pure: no I/O. Field paths are those of the JSON body.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace qingquan::customer::v1 {
class Customer;
}

namespace qq::customer {

struct AddressDraft {
  std::string text;
  std::optional<double> lat;
  std::optional<double> lng;
  std::string delivery_notes;
};

struct CustomerDraft {
  std::string kind;  // "PERSON" or "ORGANISATION"
  std::string name;
  std::vector<std::string> phones;
  std::vector<AddressDraft> addresses;
  std::string notes;
};

inline constexpr size_t kMaxPhones = 10;
inline constexpr size_t kMaxAddresses = 20;

// INVALID_ARGUMENT naming the first offending field: "name" (required, at most 100
// characters), "phones[i]" (format, duplicates), "addresses[i].text" (required),
// "addresses[i].location.lat"/".lng" (range).
absl::StatusOr<CustomerDraft> CheckNewCustomer(const qingquan::customer::v1::Customer& in);

}  // namespace qq::customer
