// Rules of the prepaid ledger (水票, 押金, coupons): which entries staff may post, with
// which signs, and how an entry changes a balance. Balances never go below zero. Pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace qq::customer {

// In characters (code points), as users count them.
inline constexpr size_t kMaxLedgerProductChars = 40;
inline constexpr size_t kMaxLedgerReasonChars = 500;

struct LedgerAmounts {
  int64_t quantity = 0;
  int64_t amount_fen = 0;
};

struct LedgerEntryDraft {
  std::string kind;        // LedgerEntry.Kind name
  std::string asset_kind;  // LedgerAsset.Kind name
  std::string product;
  LedgerAmounts delta;
  std::string reason;
  std::string order_id;
  // The notification rule whose action posts it ("" = none); set only by services.
  std::string caused_by_rule;
};

// Checks an entry posted by staff (PURCHASE, RETURN, REFUND, ADJUSTMENT). Field paths as
// in the JSON body: "entry.kind", "entry.asset.kind", "entry.asset.product",
// "entry.quantityDelta", "entry.amountFenDelta", "entry.reason". INVALID_ARGUMENT.
// The product (e.g. "农夫山泉·19L桶装水（含押金）") has at most 40 characters, the reason
// at most 500.
//   PURCHASE:   quantity > 0, amount >= 0 (tickets or coupons bought, barrels lent out
//               against a deposit; the money is held)
//   RETURN:     DEPOSIT only; quantity < 0 (barrels back), amount <= 0 (deposit paid back)
//   REFUND:     quantity <= 0, amount <= 0, not both zero, reason required
//   ADJUSTMENT: any non-zero change, reason required
absl::Status CheckStaffEntry(const LedgerEntryDraft& entry);

// The balance after `delta`. FAILED_PRECONDITION naming the balance when either part
// would go below zero (field `field`).
absl::StatusOr<LedgerAmounts> ApplyToBalance(const LedgerAmounts& balance,
                                             const LedgerAmounts& delta, const std::string& asset,
                                             const std::string& field);

// The money part of using `quantity` tickets out of `balance`: proportional to what is
// held, and everything when the last tickets go, so the held amount ends at zero.
int64_t AmountForQuantity(const LedgerAmounts& balance, int64_t quantity);

// "TICKET 18.9L", "DEPOSIT", "COUPON SPRING10" for messages.
std::string AssetLabel(const std::string& asset_kind, const std::string& product);

}  // namespace qq::customer
