#include "services/customer/ledger_store.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "services/common/page_token.h"
#include "services/common/pg_pool.h"
#include "services/common/status.h"
#include "services/customer/customer_outbox.h"

namespace qq::customer {
namespace {

namespace v1 = qingquan::customer::v1;
using google::protobuf::util::TimeUtil;

const NamedQuery kLedgerCustomerExists{
    "LedgerCustomerExists",
    "SELECT 1 FROM customers WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL"};
const NamedQuery kEnsureBalance{
    "EnsureLedgerBalance",
    "INSERT INTO ledger_balances (tenant_id, customer_id, asset_kind, product) "
    "VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING"};
// The row lock serialises every change of one balance.
const NamedQuery kLockBalance{
    "LockLedgerBalance",
    "SELECT quantity, amount_fen FROM ledger_balances "
    "WHERE tenant_id = $1 AND customer_id = $2 AND asset_kind = $3 AND product = $4 FOR UPDATE"};
const NamedQuery kSetBalance{
    "SetLedgerBalance",
    "UPDATE ledger_balances SET quantity = $5, amount_fen = $6, updated_at = now() "
    "WHERE tenant_id = $1 AND customer_id = $2 AND asset_kind = $3 AND product = $4"};
#define QQ_ENTRY_COLUMNS                                                                   \
  "id, customer_id, kind, asset_kind, product, quantity_delta, amount_fen_delta, reason, " \
  "actor_id, order_id, coalesce(reverses_entry_id::text, ''), "                            \
  "(extract(epoch FROM created_at) * 1000000)::bigint, quantity_after, amount_fen_after, " \
  "caused_by_rule"
const NamedQuery kInsertEntry{
    "InsertLedgerEntry",
    "INSERT INTO ledger_entries (tenant_id, customer_id, kind, asset_kind, product, "
    "  quantity_delta, amount_fen_delta, quantity_after, amount_fen_after, reason, actor_id, "
    "  order_id, reverses_entry_id, idempotency_key, caused_by_rule) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::uuid, $14, $15) "
    "RETURNING " QQ_ENTRY_COLUMNS};
const NamedQuery kSelectEntry{"SelectLedgerEntry",
                              "SELECT " QQ_ENTRY_COLUMNS
                              " FROM ledger_entries WHERE tenant_id = $1 AND id = $2"};
const NamedQuery kSelectReversalOf{"SelectLedgerReversalOf",
                                   "SELECT " QQ_ENTRY_COLUMNS
                                   " FROM ledger_entries WHERE tenant_id = $1 "
                                   "  AND reverses_entry_id = $2"};
const NamedQuery kSelectOrderDeduction{
    "SelectOrderDeduction", "SELECT " QQ_ENTRY_COLUMNS
                            " FROM ledger_entries WHERE tenant_id = $1 AND order_id = $2 "
                            "  AND kind = 'DELIVERY_DEDUCTION'"};
const NamedQuery kSelectBalances{
    "SelectLedgerBalances",
    "SELECT asset_kind, product, quantity, amount_fen FROM ledger_balances "
    "WHERE tenant_id = $1 AND customer_id = $2 ORDER BY asset_kind, product"};
const NamedQuery kSelectEntries{
    "SelectLedgerEntries",
    "SELECT " QQ_ENTRY_COLUMNS
    " FROM ledger_entries WHERE tenant_id = $1 AND customer_id = $2 "
    "  AND ($3::bigint = 0 OR (created_at, id) < (to_timestamp($3 / 1000000.0), $4::uuid)) "
    "ORDER BY created_at DESC, id DESC LIMIT $5"};
const NamedQuery kTicketTotals{
    "LedgerTicketTotals",
    "SELECT customer_id, sum(quantity)::bigint FROM ledger_balances WHERE tenant_id = $1 "
    "  AND customer_id = ANY($2::uuid[]) AND asset_kind = 'TICKET' GROUP BY customer_id"};

v1::LedgerEntry EntryFromRow(const pqxx::row& row) {
  v1::LedgerEntry e;
  e.set_id(row[0].as<std::string>());
  e.set_customer_id(row[1].as<std::string>());
  v1::LedgerEntry::Kind kind;
  if (v1::LedgerEntry::Kind_Parse(row[2].as<std::string>(), &kind)) e.set_kind(kind);
  v1::LedgerAsset::Kind asset;
  if (v1::LedgerAsset::Kind_Parse(row[3].as<std::string>(), &asset)) {
    e.mutable_asset()->set_kind(asset);
  }
  e.mutable_asset()->set_product(row[4].as<std::string>());
  e.set_quantity_delta(row[5].as<long long>());
  e.set_amount_fen_delta(row[6].as<long long>());
  e.set_reason(row[7].as<std::string>());
  e.set_actor_id(row[8].as<std::string>());
  e.set_order_id(row[9].as<std::string>());
  e.set_reverses_entry_id(row[10].as<std::string>());
  *e.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[11].as<long long>());
  e.set_quantity_after(row[12].as<long long>());
  e.set_amount_fen_after(row[13].as<long long>());
  e.set_caused_by_rule(row[14].as<std::string>());
  return e;
}

}  // namespace

LedgerStore::LedgerStore(PgPool& pool, CustomerOutbox& outbox) : pool_(pool), outbox_(outbox) {
  pool_.Prepare({kLedgerCustomerExists, kEnsureBalance, kLockBalance, kSetBalance, kInsertEntry,
                 kSelectEntry, kSelectReversalOf, kSelectOrderDeduction, kSelectBalances,
                 kSelectEntries, kTicketTotals});
}

absl::StatusOr<v1::LedgerEntry> LedgerStore::Append(pqxx::work& txn, const std::string& tenant,
                                                    const std::string& customer_id,
                                                    const LedgerEntryDraft& entry,
                                                    const std::string& actor_id,
                                                    const std::string& reverses_entry_id,
                                                    const std::string& idempotency_key,
                                                    const std::string& delta_field) {
  if (txn.exec_prepared(kLedgerCustomerExists.name, tenant, customer_id).empty()) {
    return WithField(absl::NotFoundError("no such customer"), "customerId");
  }
  txn.exec_prepared(kEnsureBalance.name, tenant, customer_id, entry.asset_kind, entry.product);
  pqxx::row locked =
      txn.exec_prepared(kLockBalance.name, tenant, customer_id, entry.asset_kind, entry.product)[0];
  LedgerAmounts balance{locked[0].as<int64_t>(), locked[1].as<int64_t>()};
  LedgerAmounts delta = entry.delta;
  if (entry.kind == "DELIVERY_DEDUCTION") {
    delta.amount_fen = -AmountForQuantity(balance, -delta.quantity);
  }
  QQ_ASSIGN_OR_RETURN(
      LedgerAmounts after,
      ApplyToBalance(balance, delta, AssetLabel(entry.asset_kind, entry.product), delta_field));
  txn.exec_prepared(kSetBalance.name, tenant, customer_id, entry.asset_kind, entry.product,
                    after.quantity, after.amount_fen);
  NullableParam reverses = NullIfEmpty(reverses_entry_id);
  pqxx::row row = txn.exec_prepared(
      kInsertEntry.name, tenant, customer_id, entry.kind, entry.asset_kind, entry.product,
      delta.quantity, delta.amount_fen, after.quantity, after.amount_fen, entry.reason, actor_id,
      entry.order_id, reverses.get(), idempotency_key, entry.caused_by_rule)[0];
  v1::LedgerEntry posted = EntryFromRow(row);
  AppendToOutbox(txn, LedgerEvent(tenant, LedgerPostedOf(posted)));
  QQ_RETURN_IF_ERROR(outbox_.RecordActivityIn(txn, tenant, customer_id, /*now*/ 0));
  return posted;
}

absl::StatusOr<v1::LedgerEntry> LedgerStore::PostEntry(const std::string& tenant,
                                                       const std::string& customer_id,
                                                       const LedgerEntryDraft& entry,
                                                       const std::string& actor_id,
                                                       const IdempotencyScope& idempotency) {
  v1::LedgerEntry out;
  absl::Status status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    out.Clear();
    QQ_ASSIGN_OR_RETURN(bool replayed, ClaimIdempotencyKey(txn, idempotency, out));
    if (replayed) return absl::OkStatus();
    QQ_ASSIGN_OR_RETURN(out, Append(txn, tenant, customer_id, entry, actor_id, "", idempotency.key,
                                    "entry.quantityDelta"));
    RecordIdempotentResponse(txn, idempotency, out);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  outbox_.Wake();
  return out;
}

absl::StatusOr<v1::LedgerEntry> LedgerStore::Reverse(const std::string& tenant,
                                                     const std::string& entry_id,
                                                     const std::string& reason,
                                                     const std::string& actor_id) {
  v1::LedgerEntry out;
  auto attempt = [&](pqxx::work& txn) -> absl::Status {
    pqxx::result original = txn.exec_prepared(kSelectEntry.name, tenant, entry_id);
    if (original.empty()) return WithField(absl::NotFoundError("no such entry"), "entryId");
    v1::LedgerEntry first = EntryFromRow(original[0]);
    if (first.kind() == v1::LedgerEntry::REVERSAL) {
      return WithField(absl::FailedPreconditionError(
                           "this entry is a reversal; post a new entry instead of reversing it"),
                       "entryId");
    }
    pqxx::result done = txn.exec_prepared(kSelectReversalOf.name, tenant, entry_id);
    if (!done.empty()) {
      out = EntryFromRow(done[0]);
      return absl::OkStatus();
    }
    LedgerEntryDraft opposite;
    opposite.kind = "REVERSAL";
    opposite.asset_kind = v1::LedgerAsset::Kind_Name(first.asset().kind());
    opposite.product = first.asset().product();
    opposite.delta = {-first.quantity_delta(), -first.amount_fen_delta()};
    opposite.reason = reason;
    opposite.order_id = first.order_id();
    QQ_ASSIGN_OR_RETURN(
        out, Append(txn, tenant, first.customer_id(), opposite, actor_id, entry_id, "", "entryId"));
    return absl::OkStatus();
  };
  absl::Status status = pool_.Transact(attempt);
  // Two reversals at once: the unique reverses_entry_id lets one in; the other returns it.
  if (status.code() == absl::StatusCode::kAlreadyExists) status = pool_.Transact(attempt);
  if (!status.ok()) return status;
  outbox_.Wake();
  return out;
}

absl::StatusOr<v1::LedgerEntry> LedgerStore::DeductForOrder(
    const std::string& tenant, const std::string& customer_id, const std::string& order_id,
    const std::string& product, int64_t quantity, const std::string& actor_id) {
  v1::LedgerEntry out;
  auto attempt = [&](pqxx::work& txn) -> absl::Status {
    pqxx::result existing = txn.exec_prepared(kSelectOrderDeduction.name, tenant, order_id);
    if (!existing.empty()) {
      out = EntryFromRow(existing[0]);
      return absl::OkStatus();
    }
    LedgerEntryDraft deduction;
    deduction.kind = "DELIVERY_DEDUCTION";
    deduction.asset_kind = "TICKET";
    deduction.product = product;
    deduction.delta = {-quantity, 0};
    deduction.reason = "delivered order";
    deduction.order_id = order_id;
    QQ_ASSIGN_OR_RETURN(
        out, Append(txn, tenant, customer_id, deduction, actor_id, "", order_id, "quantity"));
    return absl::OkStatus();
  };
  absl::Status status = pool_.Transact(attempt);
  // Two deductions for one order at once: the unique index lets one in; the other
  // returns it.
  if (status.code() == absl::StatusCode::kAlreadyExists) status = pool_.Transact(attempt);
  if (!status.ok()) return status;
  outbox_.Wake();
  return out;
}

absl::StatusOr<v1::LedgerEntry> LedgerStore::RefundForOrder(const std::string& tenant,
                                                            const std::string& order_id,
                                                            const std::string& reason,
                                                            const std::string& actor_id) {
  std::string deduction_id;
  absl::Status status = pool_.Read([&](pqxx::work& txn) -> absl::Status {
    pqxx::result existing = txn.exec_prepared(kSelectOrderDeduction.name, tenant, order_id);
    if (!existing.empty()) deduction_id = existing[0][0].as<std::string>();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  if (deduction_id.empty()) return v1::LedgerEntry();
  return Reverse(tenant, deduction_id, reason.empty() ? "order cancelled" : reason, actor_id);
}

std::vector<v1::LedgerBalance> LedgerStore::BalancesIn(pqxx::transaction_base& txn,
                                                       const std::string& tenant,
                                                       const std::string& customer_id) {
  std::vector<v1::LedgerBalance> out;
  for (const auto& row : txn.exec_prepared(kSelectBalances.name, tenant, customer_id)) {
    v1::LedgerBalance b;
    v1::LedgerAsset::Kind kind;
    if (v1::LedgerAsset::Kind_Parse(row[0].as<std::string>(), &kind)) {
      b.mutable_asset()->set_kind(kind);
    }
    b.mutable_asset()->set_product(row[1].as<std::string>());
    b.set_quantity(row[2].as<long long>());
    b.set_amount_fen(row[3].as<long long>());
    out.push_back(std::move(b));
  }
  return out;
}

absl::StatusOr<std::vector<v1::LedgerBalance>> LedgerStore::Balances(
    const std::string& tenant, const std::string& customer_id) {
  std::vector<v1::LedgerBalance> out;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) -> absl::Status {
    if (txn.exec_prepared(kLedgerCustomerExists.name, tenant, customer_id).empty()) {
      return WithField(absl::NotFoundError("no such customer"), "customerId");
    }
    out = BalancesIn(txn, tenant, customer_id);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<std::map<std::string, int64_t>> LedgerStore::TicketTotals(
    const std::string& tenant, const std::vector<std::string>& customer_ids) {
  std::map<std::string, int64_t> out;
  if (customer_ids.empty()) return out;
  absl::Status status = pool_.Read([&](pqxx::work& txn) -> absl::Status {
    out.clear();
    for (const auto& row :
         txn.exec_prepared(kTicketTotals.name, tenant, PgTextArray(customer_ids))) {
      out[row[0].as<std::string>()] = row[1].as<int64_t>();
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<v1::LedgerEntry>> LedgerStore::Entries(const std::string& tenant,
                                                                  const std::string& customer_id,
                                                                  int limit,
                                                                  const std::string& page_token,
                                                                  std::string* next_page_token) {
  QQ_ASSIGN_OR_RETURN(PageCursor cursor, DecodePageToken(page_token));
  std::vector<v1::LedgerEntry> out;
  absl::Status status = pool_.Read([&](pqxx::work& txn) -> absl::Status {
    out.clear();
    if (next_page_token != nullptr) next_page_token->clear();
    if (txn.exec_prepared(kLedgerCustomerExists.name, tenant, customer_id).empty()) {
      return WithField(absl::NotFoundError("no such customer"), "customerId");
    }
    pqxx::result rows = txn.exec_prepared(kSelectEntries.name, tenant, customer_id,
                                          cursor.after_micros, cursor.after_id, limit + 1);
    for (int i = 0; i < static_cast<int>(rows.size()) && i < limit; ++i) {
      out.push_back(EntryFromRow(rows[i]));
    }
    if (static_cast<int>(rows.size()) > limit && next_page_token != nullptr) {
      *next_page_token = EncodePageToken(rows[limit - 1][11].as<long long>(),
                                         rows[limit - 1][0].as<std::string>());
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

}  // namespace qq::customer
