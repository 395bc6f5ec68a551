#include "services/customer/domain/phone_number.h"

#include <cctype>

#include "services/common/status.h"
#include "services/common/text/utf8_text.h"

namespace qq::customer {
namespace {

bool AllDigits(const std::string& s) {
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

// Two-digit area codes: Beijing 010, Shanghai 021, Tianjin 022, Chongqing 023 and the
// 02x big cities; all others have three digits after the 0.
bool IsTwoDigitAreaCode(const std::string& digits) {
  return digits.size() >= 3 && digits[0] == '0' && (digits[1] == '1' || digits[1] == '2');
}

}  // namespace

absl::StatusOr<std::string> NormalisePhone(const std::string& field, const std::string& typed) {
  // Chinese input methods type full-width digits and punctuation (１３９－１２３４): NFKC
  // makes them ASCII before anything is parsed.
  const std::string raw = text::NormalizeNfkc(typed);
  std::string digits;
  bool plus = false;
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == ' ' || c == '-' || c == '(' || c == ')') continue;
    if (c == '+' && digits.empty() && !plus) {
      plus = true;
      continue;
    }
    digits.push_back(c);
  }
  if (!AllDigits(digits)) return InvalidField(field, "a phone number has only digits");
  if (plus || digits.rfind("0086", 0) == 0) {
    if (digits.rfind("0086", 0) == 0)
      digits.erase(0, 4);
    else if (digits.rfind("86", 0) == 0)
      digits.erase(0, 2);
    else
      return InvalidField(field, "only mainland China (+86) numbers are supported");
  } else if (digits.size() == 13 && digits.rfind("86", 0) == 0) {
    digits.erase(0, 2);
  }
  if (digits[0] == '1') {
    if (digits.size() != 11 || digits[1] < '3') {
      return InvalidField(field, "a mobile number has 11 digits and starts with 13-19");
    }
    return digits;
  }
  if (digits[0] == '0') {
    size_t area_len = IsTwoDigitAreaCode(digits) ? 3 : 4;
    if (digits.size() <= area_len) return InvalidField(field, "landline number is too short");
    std::string local = digits.substr(area_len);
    if (local.size() < 7 || local.size() > 8 || local[0] == '0' || local[0] == '1') {
      return InvalidField(field, "a landline has an area code and a 7 or 8 digit number");
    }
    return digits.substr(0, area_len) + "-" + local;
  }
  return InvalidField(field, "not a mainland mobile or landline number");
}

}  // namespace qq::customer
