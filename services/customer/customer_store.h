// SQL of the customer archive: customers with encrypted phones and ID numbers,
// addresses, search terms, communication records, and the accounts in the qq_auth schema.
// (Ledger, utility data and the dictionaries have their own store classes beside it.)
#pragma once

#include <pqxx/pqxx>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "qingquan/customer/v1/customer.pb.h"
#include "services/common/idempotency.h"
#include "services/common/migrations.h"
#include "services/customer/domain/customer_draft.h"
#include "services/customer/domain/pii_cipher.h"
#include "services/customer/domain/search_query.h"

namespace qq {
class PgPool;
// Generated from services/customer/migrations/*.sql (cmake/EmbedSql.cmake).
std::vector<Migration> customer_migrations();
}  // namespace qq

namespace qq::customer {

class CustomerOutbox;

struct StaffAccount {
  std::string id;
  std::string tenant;
  std::string username;
  // The name people know them by (王师傅); may be empty.
  std::string display_name;
  std::string password_hash;
  std::vector<std::string> roles;
  bool disabled = false;
};

// A customer's search terms as the two parallel text[] literals (terms, kinds) written
// both as customer_search_terms rows and on the customer (search_terms,
// search_term_kinds), so that replacing them later deletes exactly these.
struct SearchTermArrays {
  std::string terms;
  std::string kinds;
};
SearchTermArrays SearchTermArraysOf(const std::vector<SearchTerm>& terms);

struct CustomerPage {
  std::vector<qingquan::customer::v1::Customer> customers;
  std::string next_page_token;
};

struct CustomerFilter {
  std::string status;   // Customer.Status name or ""
  std::string tag;      // or ""
  std::string channel;  // Customer.Channel name or ""
  std::string kind;     // Customer.Kind name or ""
  std::string area_id;  // or ""
  // JSON object the customer's custom_fields must contain ("{}" = no filter).
  std::string custom_fields_json = "{}";
};

// Where a stored address lies, as the dispatch service answered.
struct AreaAnswer {
  std::string area_id;
  std::string area_name;
  bool outside_areas = false;
};

struct PendingAddress {
  std::string tenant;
  std::string id;
  double lat = 0;
  double lng = 0;
};

class CustomerStore {
 public:
  // Every change of a customer appends its event through `outbox` in the same
  // transaction (customer.created, .updated, .status_changed, .deleted) and wakes the relay
  // after the commit.
  CustomerStore(PgPool& pool, const PiiCipher& cipher, CustomerOutbox& outbox);

  // With an enabled `idempotency` scope, a repeated request returns the customer the
  // first one created. ALREADY_EXISTS (field "phones[i]", message naming the customer)
  // when a phone belongs to another customer of the tenant.
  absl::StatusOr<qingquan::customer::v1::Customer> CreateCustomer(
      const std::string& tenant, const CustomerDraft& draft, const std::vector<SearchTerm>& terms,
      const IdempotencyScope& idempotency);

  // NOT_FOUND when the customer does not exist in `tenant` or was deleted.
  absl::StatusOr<qingquan::customer::v1::Customer> GetCustomer(const std::string& tenant,
                                                               const std::string& id);

  // Newest first. INVALID_ARGUMENT (pageToken) for a token this store did not issue.
  absl::StatusOr<CustomerPage> ListCustomers(const std::string& tenant,
                                             const CustomerFilter& filter, int page_size,
                                             const std::string& page_token);

  // Replaces the customer's own fields and phones (addresses are untouched).
  // NOT_FOUND, ALREADY_EXISTS as for create.
  absl::StatusOr<qingquan::customer::v1::Customer> UpdateCustomer(
      const std::string& tenant, const std::string& id, const CustomerDraft& draft,
      const std::vector<SearchTerm>& terms);

  // Soft delete: kept for history, gone from lists and search, phones free for reuse.
  absl::StatusOr<qingquan::customer::v1::Customer> DeleteCustomer(const std::string& tenant,
                                                                  const std::string& id);

  // Customers by id in the given order (missing or deleted ones are skipped).
  absl::StatusOr<std::vector<qingquan::customer::v1::Customer>> LoadCustomers(
      const std::string& tenant, const std::vector<std::string>& ids);

  // Search: candidates with a score, best first, at most `limit`.
  absl::StatusOr<std::vector<SearchCandidate>> FindByPhone(const std::string& tenant,
                                                           const std::string& normalised_phone);
  absl::StatusOr<std::vector<SearchCandidate>> FindByPhoneSuffix(const std::string& tenant,
                                                                 const std::string& digits,
                                                                 int limit);
  absl::StatusOr<std::vector<SearchCandidate>> FindByTermPrefix(const std::string& tenant,
                                                                SearchTerm::Kind kind,
                                                                const std::string& prefix,
                                                                int limit);
  absl::StatusOr<std::vector<SearchCandidate>> FindByAddressFragment(const std::string& tenant,
                                                                     const std::string& fragment,
                                                                     int limit);

  // Addresses. NOT_FOUND for an unknown or deleted customer/address. With an enabled
  // `idempotency` scope, a repeated request returns the address the first one added.
  absl::StatusOr<qingquan::customer::v1::Address> AddAddress(
      const std::string& tenant, const std::string& customer_id, const AddressDraft& draft,
      const IdempotencyScope& idempotency = {});
  absl::StatusOr<qingquan::customer::v1::Address> UpdateAddress(const std::string& tenant,
                                                                const std::string& customer_id,
                                                                const std::string& address_id,
                                                                const AddressDraft& draft,
                                                                bool location_changed);
  absl::StatusOr<qingquan::customer::v1::Address> DeleteAddress(const std::string& tenant,
                                                                const std::string& customer_id,
                                                                const std::string& address_id);
  absl::StatusOr<qingquan::customer::v1::Address> GetAddress(const std::string& tenant,
                                                             const std::string& customer_id,
                                                             const std::string& address_id);
  // Stores the area answer unless the location changed since it was asked (or the
  // address is gone).
  absl::Status SetAddressArea(const std::string& tenant, const std::string& address_id, double lat,
                              double lng, const AreaAnswer& answer);
  // Addresses with a location whose area is not known (new, or areas changed).
  absl::StatusOr<std::vector<PendingAddress>> PendingAddresses(int limit);
  // Marks every located address of the tenant for re-resolution (areas changed), inside
  // an event handler's transaction.
  void MarkAreasStaleIn(pqxx::work& txn, const std::string& tenant);

  // Communication records; NOT_FOUND (customerId) for a customer that is not the
  // tenant's or was deleted. With an enabled `idempotency` scope, a repeated request
  // returns the record the first one added.
  absl::StatusOr<qingquan::customer::v1::Communication> AddCommunication(
      const std::string& tenant, const std::string& customer_id,
      const qingquan::customer::v1::Communication& record,
      const IdempotencyScope& idempotency = {});
  absl::StatusOr<std::vector<qingquan::customer::v1::Communication>> ListCommunications(
      const std::string& tenant, const std::string& customer_id, int limit,
      const std::string& page_token, std::string* next_page_token);

  // Reads inside a transaction of the caller's (the 360 view reads in one): the customer
  // (NOT_FOUND, field id) and the newest `limit` communication records.
  absl::StatusOr<qingquan::customer::v1::Customer> GetCustomerIn(pqxx::work& txn,
                                                                 const std::string& tenant,
                                                                 const std::string& id);
  static std::vector<qingquan::customer::v1::Communication> RecentCommunicationsIn(
      pqxx::work& txn, const std::string& tenant, const std::string& customer_id, int limit);

  PgPool& pool() { return pool_; }

  // Moves last activity forward (orders, work orders) inside an event handler's
  // transaction, with its customer event; unknown customers are ignored. INTERNAL when a
  // stored phone does not open.
  absl::Status RecordActivityIn(pqxx::work& txn, const std::string& tenant,
                                const std::string& customer_id, long long when_micros);

  // Personal data maintenance: seals plain phones left by migration 0001 and re-seals
  // values under an older key with the current one. Returns how many rows changed
  // (0 when nothing is left); call until it returns 0.
  absl::StatusOr<int> SealPersonalDataBatch(int batch_size);

  // Customers saved before search terms existed (or whose terms were lost) get them
  // computed by `terms_of(name)`. Returns how many were done; call until it returns 0.
  absl::StatusOr<int> BackfillSearchTermsBatch(
      int batch_size, const std::function<std::vector<SearchTerm>(const std::string&)>& terms_of);

  // NOT_FOUND when there is no such account.
  absl::StatusOr<StaffAccount> FindStaffAccount(const std::string& tenant,
                                                const std::string& username);
  absl::StatusOr<StaffAccount> FindServiceAccount(const std::string& tenant,
                                                  const std::string& client_id);

  // The tenant's staff accounts with these ids (which must look like UUIDs), in the
  // order of `ids`, each once; unknown ids and other tenants' accounts are left out. One
  // primary-key lookup. `password_hash` is not read.
  absl::StatusOr<std::vector<StaffAccount>> LookupStaffAccounts(
      const std::string& tenant, const std::vector<std::string>& ids);

  // Creates a demo account (id derived from tenant and username, `account.id` is
  // ignored) unless that username exists; gives an existing one without a display name
  // `account.display_name`.
  absl::Status EnsureDemoStaffAccount(const StaffAccount& account);
  absl::Status EnsureDemoServiceAccount(const StaffAccount& account);

 private:
  absl::Status CheckPhonesFree(pqxx::work& txn, const std::string& tenant,
                               const std::string& customer_id,
                               const std::vector<std::string>& phones);
  void InsertPhones(pqxx::work& txn, const std::string& tenant, const std::string& customer_id,
                    const std::vector<std::string>& phones);
  void ReplaceSearchTerms(pqxx::work& txn, const std::string& tenant,
                          const std::string& customer_id, const std::vector<SearchTerm>& terms);
  // One statement: customers with their phones and addresses.
  absl::StatusOr<std::vector<qingquan::customer::v1::Customer>> LoadCustomersIn(
      pqxx::transaction_base& txn, const std::string& tenant, const std::vector<std::string>& ids);

  PgPool& pool_;
  const PiiCipher& cipher_;
  CustomerOutbox& outbox_;
};

}  // namespace qq::customer
