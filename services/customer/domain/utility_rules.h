// Water utility data as people type it: meter numbers and account numbers (户号) are
// identifiers, read in their NFKC form so full-width digits typed by Chinese input
// methods (３１０００１２３４５) mean the same as ASCII ones. Pure: no I/O.
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qq::customer {

// In characters (code points), as users count them.
inline constexpr size_t kMaxMeterNumberChars = 40;
inline constexpr size_t kMaxAccountNumberChars = 40;
inline constexpr size_t kMaxWaterUseChars = 40;
inline constexpr size_t kMaxPaymentRecordIdChars = 100;
inline constexpr size_t kMaxPaymentLabelChars = 40;  // period, method

// `typed` in NFKC form without surrounding spaces. INVALID_ARGUMENT naming `field` when
// it is empty ("is required") or longer than `max_chars` characters.
absl::StatusOr<std::string> NormaliseIdentifier(absl::string_view field, absl::string_view typed,
                                                size_t max_chars);

}  // namespace qq::customer
