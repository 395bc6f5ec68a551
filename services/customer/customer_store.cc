#include "services/customer/customer_store.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/page_token.h"
#include "services/common/pg_pool.h"
#include "services/common/status.h"

namespace qq::customer {
namespace {

namespace v1 = qingquan::customer::v1;
using google::protobuf::util::TimeUtil;

const NamedQuery kInsertCustomer{
    "InsertCustomer",
    "INSERT INTO customers (tenant_id, kind, name, notes) VALUES ($1, $2, $3, $4) "
    "RETURNING id, (extract(epoch FROM created_at) * 1000000)::bigint"};
const NamedQuery kInsertPhone{
    "InsertCustomerPhone",
    "INSERT INTO customer_phones (tenant_id, customer_id, position, phone) "
    "VALUES ($1, $2, $3, $4)"};
const NamedQuery kInsertAddress{
    "InsertAddress",
    "INSERT INTO addresses (tenant_id, customer_id, position, text, lat, lng, delivery_notes) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id"};
const NamedQuery kSelectCustomer{
    "SelectCustomer",
    "SELECT id, kind, name, notes, (extract(epoch FROM created_at) * 1000000)::bigint, "
    "  (extract(epoch FROM updated_at) * 1000000)::bigint "
    "FROM customers WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL"};
const NamedQuery kSelectPhones{
    "SelectCustomerPhones",
    "SELECT phone FROM customer_phones WHERE tenant_id = $1 AND customer_id = $2 "
    "ORDER BY position"};
const NamedQuery kSelectAddresses{"SelectAddresses",
                                  "SELECT id, text, lat, lng, delivery_notes FROM addresses "
                                  "WHERE tenant_id = $1 AND customer_id = $2 ORDER BY position"};
// Keyset paging on (created_at, id), newest first; $2 = 0 starts from the top.
const NamedQuery kListCustomers{
    "ListCustomers",
    "SELECT id, kind, name, notes, (extract(epoch FROM created_at) * 1000000)::bigint AS c, "
    "  (extract(epoch FROM updated_at) * 1000000)::bigint, "
    "  (SELECT coalesce(string_agg(phone, ',' ORDER BY position), '') FROM customer_phones p "
    "   WHERE p.customer_id = customers.id) "
    "FROM customers WHERE tenant_id = $1 AND deleted_at IS NULL "
    "  AND ($2::bigint = 0 OR (created_at, id) < (to_timestamp($2 / 1000000.0), $3::uuid)) "
    "ORDER BY created_at DESC, id DESC LIMIT $4"};
const NamedQuery kFindStaffAccount{
    "FindStaffAccount",
    "SELECT id, password_hash, array_to_string(roles, ','), disabled FROM qq_auth.users "
    "WHERE tenant_id = $1 AND username = $2"};
// Demo accounts get ids other services can derive too: md5('<tenant>/<username>').
const NamedQuery kInsertDemoStaffAccount{
    "InsertDemoStaffAccount",
    "INSERT INTO qq_auth.users (id, tenant_id, username, password_hash, roles) "
    "VALUES (md5($1 || '/' || $2)::uuid, $1, $2, $3, string_to_array($4, ',')) "
    "ON CONFLICT (tenant_id, username) DO NOTHING"};

void FillCustomerRow(const pqxx::row& row, v1::Customer& c) {
  c.set_id(row[0].as<std::string>());
  c.set_kind(row[1].as<std::string>() == "ORGANISATION" ? v1::Customer::ORGANISATION
                                                        : v1::Customer::PERSON);
  c.set_name(row[2].as<std::string>());
  c.set_notes(row[3].as<std::string>());
  *c.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[4].as<long long>());
  *c.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(row[5].as<long long>());
}

}  // namespace

CustomerStore::CustomerStore(PgPool& pool) : pool_(pool) {
  pool_.Prepare({kInsertCustomer, kInsertPhone, kInsertAddress, kSelectCustomer, kSelectPhones,
                 kSelectAddresses, kListCustomers, kFindStaffAccount, kInsertDemoStaffAccount});
}

absl::StatusOr<v1::Customer> CustomerStore::CreateCustomer(const std::string& tenant,
                                                           const CustomerDraft& draft,
                                                           const IdempotencyScope& idempotency) {
  v1::Customer customer;
  absl::Status status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    customer.Clear();
    QQ_ASSIGN_OR_RETURN(bool replayed, ClaimIdempotencyKey(txn, idempotency, customer));
    if (replayed) return absl::OkStatus();
    pqxx::row row =
        txn.exec_prepared(kInsertCustomer.name, tenant, draft.kind, draft.name, draft.notes)[0];
    const std::string id = row[0].as<std::string>();
    customer.set_id(id);
    customer.set_kind(draft.kind == "ORGANISATION" ? v1::Customer::ORGANISATION
                                                   : v1::Customer::PERSON);
    customer.set_name(draft.name);
    customer.set_notes(draft.notes);
    *customer.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[1].as<long long>());
    *customer.mutable_update_time() = customer.create_time();
    for (size_t i = 0; i < draft.phones.size(); ++i) {
      txn.exec_prepared(kInsertPhone.name, tenant, id, static_cast<int>(i), draft.phones[i]);
      customer.add_phones(draft.phones[i]);
    }
    for (size_t i = 0; i < draft.addresses.size(); ++i) {
      const AddressDraft& a = draft.addresses[i];
      NullableParam lat = NullableNumber(a.lat), lng = NullableNumber(a.lng);
      pqxx::result r = txn.exec_prepared(kInsertAddress.name, tenant, id, static_cast<int>(i),
                                         a.text, lat.get(), lng.get(), a.delivery_notes);
      auto* out = customer.add_addresses();
      out->set_id(r[0][0].as<std::string>());
      out->set_text(a.text);
      out->set_delivery_notes(a.delivery_notes);
      if (a.lat && a.lng) {
        out->mutable_location()->set_lat(*a.lat);
        out->mutable_location()->set_lng(*a.lng);
      }
    }
    RecordIdempotentResponse(txn, idempotency, customer);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return customer;
}

absl::StatusOr<v1::Customer> CustomerStore::GetCustomer(const std::string& tenant,
                                                        const std::string& id) {
  v1::Customer customer;
  absl::Status status = pool_.Read([&](pqxx::work& txn) -> absl::Status {
    pqxx::result rows = txn.exec_prepared(kSelectCustomer.name, tenant, id);
    if (rows.empty()) return WithField(absl::NotFoundError("no such customer"), "id");
    customer.Clear();
    FillCustomerRow(rows[0], customer);
    for (const auto& p : txn.exec_prepared(kSelectPhones.name, tenant, id)) {
      customer.add_phones(p[0].as<std::string>());
    }
    for (const auto& a : txn.exec_prepared(kSelectAddresses.name, tenant, id)) {
      auto* out = customer.add_addresses();
      out->set_id(a[0].as<std::string>());
      out->set_text(a[1].as<std::string>());
      if (!a[2].is_null() && !a[3].is_null()) {
        out->mutable_location()->set_lat(a[2].as<double>());
        out->mutable_location()->set_lng(a[3].as<double>());
      }
      out->set_delivery_notes(a[4].as<std::string>());
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return customer;
}

absl::StatusOr<CustomerPage> CustomerStore::ListCustomers(const std::string& tenant, int page_size,
                                                          const std::string& page_token) {
  QQ_ASSIGN_OR_RETURN(PageCursor cursor, DecodePageToken(page_token));
  CustomerPage page;
  absl::Status status = pool_.Read([&](pqxx::work& txn) -> absl::Status {
    page = {};
    // One extra row tells whether another page follows.
    pqxx::result rows = txn.exec_prepared(kListCustomers.name, tenant, cursor.after_micros,
                                          cursor.after_id, page_size + 1);
    for (int i = 0; i < static_cast<int>(rows.size()) && i < page_size; ++i) {
      v1::Customer c;
      FillCustomerRow(rows[i], c);
      for (absl::string_view phone :
           absl::StrSplit(rows[i][6].as<std::string>(), ',', absl::SkipEmpty())) {
        c.add_phones(std::string(phone));
      }
      page.customers.push_back(std::move(c));
    }
    if (static_cast<int>(rows.size()) > page_size) {
      const auto& last = rows[page_size - 1];
      page.next_page_token = EncodePageToken(last[4].as<long long>(), last[0].as<std::string>());
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return page;
}

absl::StatusOr<StaffAccount> CustomerStore::FindStaffAccount(const std::string& tenant,
                                                             const std::string& username) {
  StaffAccount account;
  absl::Status status = pool_.Read([&](pqxx::work& txn) -> absl::Status {
    pqxx::result rows = txn.exec_prepared(kFindStaffAccount.name, tenant, username);
    if (rows.empty()) return absl::NotFoundError("no such account");
    account.id = rows[0][0].as<std::string>();
    account.tenant = tenant;
    account.username = username;
    account.password_hash = rows[0][1].as<std::string>();
    account.roles = absl::StrSplit(rows[0][2].as<std::string>(), ',', absl::SkipEmpty());
    account.disabled = rows[0][3].as<bool>();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return account;
}

absl::Status CustomerStore::EnsureDemoStaffAccount(const StaffAccount& account) {
  return pool_.Transact([&](pqxx::work& txn) {
    txn.exec_prepared(kInsertDemoStaffAccount.name, account.tenant, account.username,
                      account.password_hash, absl::StrJoin(account.roles, ","));
    return absl::OkStatus();
  });
}

}  // namespace qq::customer
