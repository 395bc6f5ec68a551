#include "services/customer/import_store.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>
#include <sodium.h>

#include <optional>
#include <tuple>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/pg_pool.h"
#include "services/common/status.h"
#include "services/customer/customer_outbox.h"
#include "services/customer/customer_store.h"
#include "services/customer/domain/pii_cipher.h"

namespace qq::customer {
namespace {

// The transaction's now(), which the rows' created_at and last_activity_at default to:
// the events say the same times without reading the rows back.
const NamedQuery kImportNow{"ImportNow", "SELECT (extract(epoch FROM now()) * 1000000)::bigint"};
const NamedQuery kImportPhoneOwners{
    "ImportPhoneOwners",
    "SELECT encode(blind_index, 'hex'), customer_id FROM customer_phones "
    "WHERE tenant_id = $1 AND active "
    "  AND blind_index IN (SELECT decode(x, 'hex') FROM unnest($2::text[]) x)"};

// Time-ordered ids (UUID version 7: milliseconds since 1970, then random bits). Rows of
// one import get neighbouring ids, so the B-trees keyed by them (the customers' and the
// addresses' primary keys, phones, ledger entries and balances by customer) take them on
// a few pages at their right edge instead of one random page per row. The random bits
// come from one seed per call (three per batch): a system call per id was 3 % of an
// import.
std::vector<std::string> NewUuids(size_t count) {
  std::vector<unsigned char> bytes(16 * count);
  unsigned char seed[randombytes_SEEDBYTES];
  randombytes_buf(seed, sizeof seed);
  randombytes_buf_deterministic(bytes.data(), bytes.size(), seed);
  const uint64_t millis = static_cast<uint64_t>(absl::ToUnixMillis(absl::Now()));
  std::vector<std::string> ids;
  ids.reserve(count);
  for (size_t n = 0; n < count; ++n) {
    unsigned char* b = bytes.data() + 16 * n;
    for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(millis >> (40 - 8 * i));
    b[6] = (b[6] & 0x0f) | 0x70;  // version 7
    b[8] = (b[8] & 0x3f) | 0x80;  // RFC 4122 variant
    std::string hex =
        absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(b), 16));
    ids.push_back(absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-", hex.substr(12, 4), "-",
                               hex.substr(16, 4), "-", hex.substr(20)));
  }
  return ids;
}

std::string Bytea(const std::string& bytes) { return "\\x" + absl::BytesToHexString(bytes); }

std::string Json(const google::protobuf::Struct& s) {
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(s, &json).ok()) return "{}";
  return json;
}

// The events of a written batch, from what was written: customer.created for each
// customer (active, no area yet: imported addresses have no location), ledger.posted for
// each opening ticket balance.
std::vector<OutgoingEvent> EventsOf(const std::string& tenant, const std::string& actor_id,
                                    const std::vector<std::string>& customer_ids,
                                    const std::vector<std::string>& ticket_entry_ids,
                                    const std::vector<NewImportedCustomer>& customers,
                                    int64_t now_micros) {
  using google::protobuf::util::TimeUtil;
  const auto now = TimeUtil::MicrosecondsToTimestamp(now_micros);
  std::vector<OutgoingEvent> events;
  events.reserve(customers.size() * 2);
  for (size_t i = 0; i < customers.size(); ++i) {
    const ImportedRow& row = *customers[i].row;
    const CustomerDraft& d = row.draft;
    qingquan::common::v1::CustomerChanged c;
    c.set_customer_id(customer_ids[i]);
    c.set_name(d.name);
    for (const std::string& phone : d.phones) c.add_phones(phone);
    c.set_birthday(d.birthday);
    for (const std::string& tag : d.tags) c.add_tags(tag);
    c.set_status("ACTIVE");
    c.set_channel(d.channel);
    c.set_kind(d.kind);
    *c.mutable_create_time() = now;
    *c.mutable_last_activity_time() = now;
    c.set_version(now_micros);
    events.push_back(CustomerEvent(tenant, kCustomerCreatedEvent, c));
    if (row.tickets <= 0) continue;
    qingquan::common::v1::LedgerPosted e;
    e.set_entry_id(ticket_entry_ids[i]);
    e.set_customer_id(customer_ids[i]);
    e.set_kind("ADJUSTMENT");
    e.set_asset_kind("TICKET");
    e.set_product(kImportTicketProduct);
    e.set_quantity_delta(static_cast<int32_t>(row.tickets));
    e.set_quantity_after(static_cast<int32_t>(row.tickets));
    e.set_actor(actor_id);
    *e.mutable_time() = now;
    events.push_back(LedgerEvent(tenant, e));
  }
  return events;
}

}  // namespace

ImportStore::ImportStore(PgPool& pool, const PiiCipher& cipher, CustomerOutbox& outbox)
    : pool_(pool), cipher_(cipher), outbox_(outbox) {
  pool_.Prepare({kImportNow, kImportPhoneOwners});
}

absl::StatusOr<std::map<std::string, std::string>> ImportStore::PhoneOwners(
    const std::string& tenant, const std::vector<std::string>& phones) {
  std::map<std::string, std::string> phone_by_index;
  std::vector<std::string> indexes;
  for (const std::string& phone : phones) {
    for (const std::string& index : cipher_.LookupIndexes(tenant, phone)) {
      std::string hex = absl::BytesToHexString(index);
      phone_by_index[hex] = phone;
      indexes.push_back(std::move(hex));
    }
  }
  std::map<std::string, std::string> owners;
  if (indexes.empty()) return owners;
  absl::Status status = pool_.Read([&](pqxx::work& txn) -> absl::Status {
    owners.clear();
    for (const auto& row :
         txn.exec_prepared(kImportPhoneOwners.name, tenant, PgTextArray(indexes))) {
      owners[phone_by_index[row[0].as<std::string>()]] = row[1].as<std::string>();
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return owners;
}

absl::Status ImportStore::CopyNewCustomers(const std::string& tenant, const std::string& actor_id,
                                           const std::string& file_name,
                                           const std::vector<NewImportedCustomer>& customers) {
  if (customers.empty()) return absl::OkStatus();
  const std::vector<std::string> customer_ids = NewUuids(customers.size());
  const std::vector<std::string> address_ids = NewUuids(customers.size());
  const std::vector<std::string> ticket_entry_ids = NewUuids(customers.size());
  const std::string key_id = cipher_.current_key_id();

  absl::Status status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    const int64_t now_micros = txn.exec_prepared(kImportNow.name)[0][0].as<int64_t>();
    {
      pqxx::stream_to out(
          txn, "customers",
          std::vector<std::string>{"id", "tenant_id", "kind", "name", "notes", "channel", "tags",
                                   "custom_fields", "id_number_ciphertext", "id_number_index",
                                   "id_number_last4", "pii_key_id", "birthday", "search_terms",
                                   "search_term_kinds", "version"});
      using Nullable = std::optional<std::string>;
      for (size_t i = 0; i < customers.size(); ++i) {
        const CustomerDraft& d = customers[i].row->draft;
        const bool has_id = !d.id_number.empty();
        SearchTermArrays terms = SearchTermArraysOf(customers[i].terms);
        out << std::make_tuple(
            customer_ids[i], tenant, d.kind, d.name, d.notes, d.channel, PgTextArray(d.tags),
            Json(d.custom_fields),
            has_id ? Nullable(Bytea(cipher_.Seal(tenant, d.id_number))) : std::nullopt,
            has_id ? Nullable(Bytea(cipher_.BlindIndex(tenant, d.id_number))) : std::nullopt,
            has_id ? Nullable(LastDigits(d.id_number)) : std::nullopt,
            has_id ? Nullable(key_id) : std::nullopt,
            d.birthday.empty() ? std::nullopt : Nullable(d.birthday), terms.terms, terms.kinds,
            now_micros);
      }
      out.complete();
    }
    {
      pqxx::stream_to out(txn, "customer_phones",
                          std::vector<std::string>{"tenant_id", "customer_id", "position",
                                                   "ciphertext", "blind_index", "last4", "key_id"});
      for (size_t i = 0; i < customers.size(); ++i) {
        const auto& phones = customers[i].row->draft.phones;
        for (size_t p = 0; p < phones.size(); ++p) {
          out << std::make_tuple(
              tenant, customer_ids[i], static_cast<int>(p), Bytea(cipher_.Seal(tenant, phones[p])),
              Bytea(cipher_.BlindIndex(tenant, phones[p])), LastDigits(phones[p]), key_id);
        }
      }
      out.complete();
    }
    {
      pqxx::stream_to out(txn, "addresses",
                          std::vector<std::string>{"id", "tenant_id", "customer_id", "position",
                                                   "text", "delivery_notes", "area_pending"});
      for (size_t i = 0; i < customers.size(); ++i) {
        const auto& addresses = customers[i].row->draft.addresses;
        if (addresses.empty()) continue;
        out << std::make_tuple(address_ids[i], tenant, customer_ids[i], 0, addresses[0].text,
                               addresses[0].delivery_notes, "false");
      }
      out.complete();
    }
    {
      pqxx::stream_to out(txn, "customer_search_terms",
                          std::vector<std::string>{"tenant_id", "term", "customer_id", "kind"});
      for (size_t i = 0; i < customers.size(); ++i) {
        for (const SearchTerm& t : customers[i].terms) {
          out << std::make_tuple(tenant, t.text, customer_ids[i], static_cast<int>(t.kind));
        }
      }
      out.complete();
    }
    {
      pqxx::stream_to entries(
          txn, "ledger_entries",
          std::vector<std::string>{"id", "tenant_id", "customer_id", "kind", "asset_kind",
                                   "product", "quantity_delta", "amount_fen_delta",
                                   "quantity_after", "amount_fen_after", "reason", "actor_id"});
      for (size_t i = 0; i < customers.size(); ++i) {
        const int64_t tickets = customers[i].row->tickets;
        if (tickets <= 0) continue;
        entries << std::make_tuple(
            ticket_entry_ids[i], tenant, customer_ids[i], "ADJUSTMENT", "TICKET",
            kImportTicketProduct, tickets, 0, tickets, 0,
            absl::StrCat("导入期初水票：", file_name, " 第 ", customers[i].row->row, " 行"),
            actor_id);
      }
      entries.complete();
    }
    {
      pqxx::stream_to balances(txn, "ledger_balances",
                               std::vector<std::string>{"tenant_id", "customer_id", "asset_kind",
                                                        "product", "quantity", "amount_fen"});
      for (size_t i = 0; i < customers.size(); ++i) {
        const int64_t tickets = customers[i].row->tickets;
        if (tickets <= 0) continue;
        balances << std::make_tuple(tenant, customer_ids[i], "TICKET", kImportTicketProduct,
                                    tickets, 0);
      }
      balances.complete();
    }
    AppendAllToOutbox(
        txn, EventsOf(tenant, actor_id, customer_ids, ticket_entry_ids, customers, now_micros));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  outbox_.Wake();
  return status;
}

}  // namespace qq::customer
