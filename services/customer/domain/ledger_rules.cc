#include "services/customer/domain/ledger_rules.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/common/status.h"
#include "services/common/text_limits.h"

namespace qq::customer {
namespace {

constexpr int64_t kMaxQuantity = 1'000'000;
constexpr int64_t kMaxAmountFen = 100'000'000'00;  // 一亿元

}  // namespace

absl::Status CheckStaffEntry(const LedgerEntryDraft& e) {
  if (e.asset_kind != "TICKET" && e.asset_kind != "DEPOSIT" && e.asset_kind != "COUPON") {
    return InvalidField("entry.asset.kind", "must be TICKET, DEPOSIT or COUPON");
  }
  if ((e.asset_kind == "TICKET" || e.asset_kind == "COUPON") && e.product.empty()) {
    return InvalidField("entry.asset.product",
                        "is required: the ticket product (e.g. 18.9L) or the coupon code");
  }
  QQ_RETURN_IF_ERROR(CheckTextLength("entry.asset.product", e.product, kMaxLedgerProductChars));
  QQ_RETURN_IF_ERROR(CheckTextLength("entry.reason", e.reason, kMaxLedgerReasonChars));
  if (e.delta.quantity < -kMaxQuantity || e.delta.quantity > kMaxQuantity) {
    return InvalidField("entry.quantityDelta", "is out of range");
  }
  if (e.delta.amount_fen < -kMaxAmountFen || e.delta.amount_fen > kMaxAmountFen) {
    return InvalidField("entry.amountFenDelta", "is out of range");
  }
  const bool has_reason = !absl::StripAsciiWhitespace(e.reason).empty();
  if (e.kind == "PURCHASE") {
    if (e.delta.quantity <= 0) return InvalidField("entry.quantityDelta", "a purchase adds: > 0");
    if (e.delta.amount_fen < 0) {
      return InvalidField("entry.amountFenDelta", "a purchase holds money: >= 0");
    }
  } else if (e.kind == "RETURN") {
    if (e.asset_kind != "DEPOSIT") {
      return InvalidField("entry.kind", "RETURN is for deposit barrels; use REFUND for tickets");
    }
    if (e.delta.quantity >= 0) {
      return InvalidField("entry.quantityDelta", "returned barrels are taken off: < 0");
    }
    if (e.delta.amount_fen > 0) {
      return InvalidField("entry.amountFenDelta", "a return pays the deposit back: <= 0");
    }
  } else if (e.kind == "REFUND") {
    if (e.delta.quantity > 0 || e.delta.amount_fen > 0 ||
        (e.delta.quantity == 0 && e.delta.amount_fen == 0)) {
      return InvalidField("entry.quantityDelta", "a refund takes off quantity or money: <= 0");
    }
    if (!has_reason) return InvalidField("entry.reason", "is required for a refund");
  } else if (e.kind == "ADJUSTMENT") {
    if (e.delta.quantity == 0 && e.delta.amount_fen == 0) {
      return InvalidField("entry.quantityDelta", "an adjustment changes something");
    }
    if (!has_reason) return InvalidField("entry.reason", "is required for an adjustment");
  } else {
    return InvalidField("entry.kind",
                        "staff post PURCHASE, RETURN, REFUND or ADJUSTMENT (deductions come "
                        "from delivered orders, reversals from :reverse)");
  }
  return absl::OkStatus();
}

absl::StatusOr<LedgerAmounts> ApplyToBalance(const LedgerAmounts& balance,
                                             const LedgerAmounts& delta, const std::string& asset,
                                             const std::string& field) {
  LedgerAmounts after{balance.quantity + delta.quantity, balance.amount_fen + delta.amount_fen};
  if (after.quantity < 0 || after.amount_fen < 0) {
    return WithField(absl::FailedPreconditionError(absl::StrCat(
                         "balance of ", asset, " is ", balance.quantity, " (", balance.amount_fen,
                         " fen held); this change (", delta.quantity, ", ", delta.amount_fen,
                         " fen) would take it below zero")),
                     field);
  }
  return after;
}

int64_t AmountForQuantity(const LedgerAmounts& balance, int64_t quantity) {
  if (balance.quantity <= 0 || quantity <= 0) return 0;
  if (quantity >= balance.quantity) return balance.amount_fen;
  return balance.amount_fen * quantity / balance.quantity;
}

std::string AssetLabel(const std::string& asset_kind, const std::string& product) {
  return product.empty() ? asset_kind : absl::StrCat(asset_kind, " ", product);
}

}  // namespace qq::customer
