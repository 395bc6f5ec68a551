// SQL of the prepaid ledger: entries (never changed; a trigger refuses UPDATE and DELETE)
// and balances, their running sums, changed under the balance row's lock so concurrent
// deductions cannot overdraw.
#pragma once

#include <pqxx/pqxx>

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "qingquan/customer/v1/customer.pb.h"
#include "services/common/idempotency.h"
#include "services/customer/domain/ledger_rules.h"

namespace qq {
class PgPool;
}

namespace qq::customer {

class CustomerOutbox;

class LedgerStore {
 public:
  // Every entry posted appends ledger.posted (with the balance after it) and the
  // customer's moved last activity (customer.updated) through `outbox` in its transaction.
  LedgerStore(PgPool& pool, CustomerOutbox& outbox);

  // Posts a checked staff entry. NOT_FOUND (customerId), FAILED_PRECONDITION naming the
  // balance when it would go below zero; a retried idempotency key returns the first entry.
  absl::StatusOr<qingquan::customer::v1::LedgerEntry> PostEntry(
      const std::string& tenant, const std::string& customer_id, const LedgerEntryDraft& entry,
      const std::string& actor_id, const IdempotencyScope& idempotency);

  // Posts the opposite of an entry, once: a second call returns the first reversal.
  // NOT_FOUND (entryId); FAILED_PRECONDITION for a reversal of a reversal or when the
  // balance no longer covers it.
  absl::StatusOr<qingquan::customer::v1::LedgerEntry> Reverse(const std::string& tenant,
                                                              const std::string& entry_id,
                                                              const std::string& reason,
                                                              const std::string& actor_id);

  // Deducts `quantity` tickets of `product` for an order, once per order id (a repeat
  // returns the first deduction). FAILED_PRECONDITION naming the balance when short.
  absl::StatusOr<qingquan::customer::v1::LedgerEntry> DeductForOrder(
      const std::string& tenant, const std::string& customer_id, const std::string& order_id,
      const std::string& product, int64_t quantity, const std::string& actor_id);

  // Reverses the order's deduction, once; an entry without id when there was none.
  absl::StatusOr<qingquan::customer::v1::LedgerEntry> RefundForOrder(const std::string& tenant,
                                                                     const std::string& order_id,
                                                                     const std::string& reason,
                                                                     const std::string& actor_id);

  // NOT_FOUND (customerId) for a customer that is not the tenant's or was deleted.
  absl::StatusOr<std::vector<qingquan::customer::v1::LedgerBalance>> Balances(
      const std::string& tenant, const std::string& customer_id);
  // The same inside a transaction of the caller's (the 360 view reads in one).
  static std::vector<qingquan::customer::v1::LedgerBalance> BalancesIn(
      pqxx::transaction_base& txn, const std::string& tenant, const std::string& customer_id);

  // Water tickets held by each of `customer_ids` (all products), for exports.
  absl::StatusOr<std::map<std::string, int64_t>> TicketTotals(
      const std::string& tenant, const std::vector<std::string>& customer_ids);

  // Newest first. NOT_FOUND (customerId) as for Balances.
  absl::StatusOr<std::vector<qingquan::customer::v1::LedgerEntry>> Entries(
      const std::string& tenant, const std::string& customer_id, int limit,
      const std::string& page_token, std::string* next_page_token);

 private:
  absl::StatusOr<qingquan::customer::v1::LedgerEntry> Append(
      pqxx::work& txn, const std::string& tenant, const std::string& customer_id,
      const LedgerEntryDraft& entry, const std::string& actor_id,
      const std::string& reverses_entry_id, const std::string& idempotency_key,
      const std::string& delta_field);

  PgPool& pool_;
  CustomerOutbox& outbox_;
};

}  // namespace qq::customer
