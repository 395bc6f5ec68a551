#include "services/customer/domain/pii_cipher.h"

#include <cctype>

#include "absl/strings/str_cat.h"

namespace qq::customer {

std::string LastDigits(absl::string_view value, size_t n) {
  std::string digits;
  for (char c : value) {
    if (std::isdigit(static_cast<unsigned char>(c))) digits.push_back(c);
  }
  return digits.size() <= n ? digits : digits.substr(digits.size() - n);
}

std::string MaskIdNumber(absl::string_view id_number) {
  if (id_number.size() <= 10) return std::string(id_number.size(), '*');
  return absl::StrCat(id_number.substr(0, 6), std::string(id_number.size() - 10, '*'),
                      id_number.substr(id_number.size() - 4));
}

}  // namespace qq::customer
