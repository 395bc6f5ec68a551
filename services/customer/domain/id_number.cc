#include "services/customer/domain/id_number.h"

#include <cctype>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/time/civil_time.h"
#include "services/common/status.h"
#include "services/common/text/utf8_text.h"

namespace qq::customer {
namespace {

// Full-width digits and letters (NFKC) as ASCII, without spaces and dashes, upper case.
std::string Compact(absl::string_view typed) {
  const std::string raw = text::NormalizeNfkc(typed);
  std::string out;
  for (char c : raw) {
    if (c == ' ' || c == '-') continue;
    out.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

}  // namespace

absl::StatusOr<std::string> NormalisePersonIdNumber(const std::string& field,
                                                    absl::string_view raw) {
  std::string id = Compact(raw);
  if (id.size() != 18) return InvalidField(field, "an ID card number has 18 characters");
  for (size_t i = 0; i < 17; ++i) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(id[i]))) {
      return InvalidField(field, "the first 17 characters of an ID card number are digits");
    }
  }
  int year = 0, month = 0, day = 0;
  (void)absl::SimpleAtoi(id.substr(6, 4), &year);
  (void)absl::SimpleAtoi(id.substr(10, 2), &month);
  (void)absl::SimpleAtoi(id.substr(12, 2), &day);
  absl::CivilDay birth(year, month, day);
  if (year < 1900 || birth.year() != year || birth.month() != month || birth.day() != day) {
    return InvalidField(field, "the birth date inside the ID card number is not a date");
  }
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[] = "10X98765432";
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (id[i] - '0') * kWeights[i];
  if (id[17] != kCheck[sum % 11]) {
    return InvalidField(field, "the check character of the ID card number is wrong");
  }
  return id;
}

absl::StatusOr<std::string> NormaliseCreditCode(const std::string& field, absl::string_view raw) {
  std::string code = Compact(raw);
  if (code.size() != 18)
    return InvalidField(field, "a unified social credit code has 18 characters");
  static constexpr absl::string_view kAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  static constexpr int kWeights[17] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                       29, 25, 13, 8,  24, 10, 30, 28};
  int sum = 0;
  for (int i = 0; i < 18; ++i) {
    size_t value = kAlphabet.find(code[i]);
    if (value == absl::string_view::npos) {
      return InvalidField(field,
                          "a unified social credit code uses digits and the letters "
                          "ABCDEFGHJKLMNPQRTUWXY");
    }
    if (i < 17) sum += static_cast<int>(value) * kWeights[i];
  }
  int check = (31 - sum % 31) % 31;
  if (code[17] != kAlphabet[check]) {
    return InvalidField(field, "the check character of the unified social credit code is wrong");
  }
  return code;
}

}  // namespace qq::customer
