#include "services/customer/customer_store.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <map>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/common/forms/form_messages.h"
#include "services/common/log.h"
#include "services/common/page_token.h"
#include "services/common/pg_pool.h"
#include "services/common/status.h"
#include "services/customer/customer_outbox.h"
#include "services/customer/domain/delivery_preferences.h"
#include "services/customer/domain/pii_cipher.h"

namespace qq::customer {
namespace {

namespace v1 = qingquan::customer::v1;
using google::protobuf::util::TimeUtil;

// Status is derived from the last activity: active within 90 days, silent within a year.
#define QQ_CUSTOMER_STATUS_SQL                                               \
  "CASE WHEN c.last_activity_at > now() - interval '90 days' THEN 'ACTIVE' " \
  "WHEN c.last_activity_at > now() - interval '365 days' THEN 'SILENT' "     \
  "ELSE 'CHURNED' END"

#define QQ_CUSTOMER_COLUMNS                                                               \
  "c.id, c.kind, c.name, c.notes, (extract(epoch FROM c.created_at) * 1000000)::bigint, " \
  "(extract(epoch FROM c.updated_at) * 1000000)::bigint, "                                \
  "encode(c.id_number_ciphertext, 'hex'), c.pii_key_id, "                                 \
  "coalesce(to_char(c.birthday, 'YYYY-MM-DD'), ''), c.channel, "                          \
  "array_to_string(c.tags, chr(31)), c.custom_fields::text, " QQ_CUSTOMER_STATUS_SQL      \
  ", (extract(epoch FROM c.last_activity_at) * 1000000)::bigint, "                        \
  "(extract(epoch FROM c.deleted_at) * 1000000)::bigint"

const NamedQuery kInsertCustomer{
    "InsertCustomer",
    "INSERT INTO customers (tenant_id, kind, name, notes, id_number_ciphertext, "
    "  id_number_index, id_number_last4, birthday, channel, tags, custom_fields, pii_key_id, "
    "  delivery_preferences) "
    "VALUES ($1, $2, $3, $4, decode($5, 'hex'), decode($6, 'hex'), $7, $8::date, $9, "
    "  $10::text[], $11::jsonb, $12, $13::jsonb) "
    "RETURNING id, version"};
// $14 NULL leaves the delivery preferences as they are (an imported row has none to say).
const NamedQuery kUpdateCustomer{
    "UpdateCustomer",
    "UPDATE customers SET kind = $3, name = $4, notes = $5, "
    "  id_number_ciphertext = decode($6, 'hex'), id_number_index = decode($7, 'hex'), "
    "  id_number_last4 = $8, birthday = $9::date, channel = $10, tags = $11::text[], "
    "  custom_fields = $12::jsonb, pii_key_id = $13, "
    "  delivery_preferences = coalesce($14::jsonb, delivery_preferences), updated_at = now(), "
    "  version = " QQ_NEXT_CUSTOMER_VERSION_SQL
    " WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL RETURNING version"};
const NamedQuery kDeleteCustomer{"DeleteCustomer",
                                 "UPDATE customers SET deleted_at = now(), updated_at = now(), "
                                 "  version = " QQ_NEXT_CUSTOMER_VERSION_SQL
                                 " WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL "
                                 "RETURNING version"};
const NamedQuery kReleasePhones{"ReleaseCustomerPhones",
                                "UPDATE customer_phones SET active = false "
                                "WHERE tenant_id = $1 AND customer_id = $2"};
const NamedQuery kDeletePhones{"DeleteCustomerPhones",
                               "DELETE FROM customer_phones WHERE tenant_id = $1 AND "
                               "customer_id = $2"};
const NamedQuery kInsertPhone{
    "InsertCustomerPhone",
    "INSERT INTO customer_phones (tenant_id, customer_id, position, ciphertext, blind_index, "
    "  last4, key_id) VALUES ($1, $2, $3, decode($4, 'hex'), decode($5, 'hex'), $6, $7)"};
const NamedQuery kPhoneOwners{
    "PhoneOwners",
    "SELECT customer_id FROM customer_phones WHERE tenant_id = $1 AND active "
    "  AND blind_index IN (SELECT decode(x, 'hex') FROM unnest($2::text[]) x) "
    "  AND customer_id <> $3::uuid LIMIT 1"};
// The terms a customer was last given are kept on its row (migration 0006): deleting
// exactly those goes through the prefix index.
const NamedQuery kDeleteSearchTerms{
    "DeleteSearchTerms",
    "DELETE FROM customer_search_terms t USING customers c, "
    "  unnest(c.search_terms, c.search_term_kinds) AS old(term, kind) "
    "WHERE c.tenant_id = $1 AND c.id = $2 AND t.tenant_id = $1 AND t.kind = old.kind "
    "  AND t.term = old.term AND t.customer_id = $2"};
const NamedQuery kInsertSearchTerms{
    "InsertSearchTerms",
    "WITH kept AS (UPDATE customers SET search_terms = $3::text[], "
    "  search_term_kinds = $4::smallint[] WHERE tenant_id = $1 AND id = $2) "
    "INSERT INTO customer_search_terms (tenant_id, term, customer_id, kind) "
    "SELECT $1, t.term, $2, t.kind FROM unnest($3::text[], $4::smallint[]) AS t(term, kind)"};
// A customer with its phones and addresses in one statement (a get is then one round
// trip): phones as "<ciphertext hex> <key id>" joined by chr(31) in position order,
// addresses as a JSON array in the Address message's JSON form, then the delivery
// preferences (stored in the DeliveryPreferences message's JSON form).
const NamedQuery kSelectCustomers{
    "SelectCustomers",
    "SELECT " QQ_CUSTOMER_COLUMNS
    ", (SELECT string_agg(encode(p.ciphertext, 'hex') || ' ' || coalesce(p.key_id, ''), "
    "     chr(31) ORDER BY p.position) FROM customer_phones p "
    "   WHERE p.tenant_id = c.tenant_id AND p.customer_id = c.id "
    "     AND p.ciphertext IS NOT NULL), "
    "  (SELECT json_agg(json_build_object('id', a.id, 'text', a.text, 'location', "
    "     CASE WHEN a.lat IS NOT NULL AND a.lng IS NOT NULL "
    "       THEN json_build_object('lat', a.lat, 'lng', a.lng) END, "
    "     'deliveryNotes', a.delivery_notes, 'areaId', a.area_id, 'areaName', a.area_name, "
    "     'outsideAreas', a.outside_areas, 'areaPending', a.area_pending, "
    "     'customFields', a.custom_fields) ORDER BY a.position) FROM addresses a "
    "   WHERE a.tenant_id = c.tenant_id AND a.customer_id = c.id AND a.deleted_at IS NULL), "
    "  c.delivery_preferences::text "
    "FROM customers c WHERE c.tenant_id = $1 AND c.id = ANY($2::uuid[]) "
    "  AND c.deleted_at IS NULL"};
// Kept in step with the addresses' JSON form in kSelectCustomers.
#define QQ_ADDRESS_COLUMNS                                                                \
  "a.id, a.customer_id, a.text, a.lat, a.lng, a.delivery_notes, a.area_id, a.area_name, " \
  "a.outside_areas, a.area_pending, a.custom_fields::text"
const NamedQuery kSelectAddresses{"SelectAddresses",
                                  "SELECT " QQ_ADDRESS_COLUMNS
                                  " FROM addresses a WHERE a.tenant_id = $1 "
                                  "  AND a.customer_id = ANY($2::uuid[]) AND a.deleted_at IS NULL "
                                  "ORDER BY a.customer_id, a.position"};
const NamedQuery kSelectAddress{"SelectAddress",
                                "SELECT " QQ_ADDRESS_COLUMNS
                                " FROM addresses a WHERE a.tenant_id = $1 AND a.customer_id = $2 "
                                "  AND a.id = $3 AND a.deleted_at IS NULL"};
const NamedQuery kInsertAddress{
    "InsertAddress",
    "INSERT INTO addresses (tenant_id, customer_id, position, text, lat, lng, delivery_notes, "
    "  custom_fields, area_pending) "
    "VALUES ($1, $2, (SELECT coalesce(max(position) + 1, 0) FROM addresses WHERE customer_id = "
    "  $2), $3, $4::float8, $5::float8, $6, $7::jsonb, $4::float8 IS NOT NULL) RETURNING id"};
const NamedQuery kUpdateAddress{
    "UpdateAddress",
    "UPDATE addresses SET text = $4, lat = $5::float8, lng = $6::float8, delivery_notes = $7, "
    "  custom_fields = $8::jsonb, "
    "  area_pending = CASE WHEN $9::boolean THEN $5::float8 IS NOT NULL ELSE area_pending END, "
    "  area_id = CASE WHEN $9::boolean THEN '' ELSE area_id END, "
    "  area_name = CASE WHEN $9::boolean THEN '' ELSE area_name END, "
    "  outside_areas = CASE WHEN $9::boolean THEN false ELSE outside_areas END "
    "WHERE tenant_id = $1 AND customer_id = $2 AND id = $3 AND deleted_at IS NULL"};
const NamedQuery kDeleteAddress{"DeleteAddress",
                                "UPDATE addresses SET deleted_at = now() "
                                "WHERE tenant_id = $1 AND customer_id = $2 AND id = $3 "
                                "  AND deleted_at IS NULL"};
const NamedQuery kCustomerExists{"CustomerExists",
                                 "SELECT 1 FROM customers WHERE tenant_id = $1 AND id = $2 "
                                 "  AND deleted_at IS NULL FOR SHARE"};
// The same without the lock, for reads: a list under a customer answers NOT_FOUND for a
// customer that is not the tenant's instead of an empty list.
const NamedQuery kCustomerVisible{"CustomerVisible",
                                  "SELECT 1 FROM customers WHERE tenant_id = $1 AND id = $2 "
                                  "  AND deleted_at IS NULL"};
const NamedQuery kAddressCustomer{
    "AddressCustomer",
    "SELECT customer_id FROM addresses WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL"};
const NamedQuery kSetAddressArea{
    "SetAddressArea",
    "UPDATE addresses SET area_id = $5, area_name = $6, outside_areas = $7, area_pending = false "
    "WHERE tenant_id = $1 AND id = $2 AND lat = $3::float8 AND lng = $4::float8"};
const NamedQuery kPendingAddresses{
    "PendingAddresses",
    "SELECT tenant_id, id, lat, lng FROM addresses "
    "WHERE area_pending AND lat IS NOT NULL AND lng IS NOT NULL AND deleted_at IS NULL "
    "LIMIT $1"};
const NamedQuery kMarkAreasStale{
    "MarkAreasStale",
    "UPDATE addresses SET area_pending = true "
    "WHERE tenant_id = $1 AND lat IS NOT NULL AND deleted_at IS NULL AND NOT area_pending"};
// Keyset paging on (created_at, id), newest first; $2 = 0 starts from the top.
const NamedQuery kListCustomers{
    "ListCustomers",
    "SELECT c.id FROM customers c WHERE c.tenant_id = $1 AND c.deleted_at IS NULL "
    "  AND ($2::bigint = 0 OR (c.created_at, c.id) < (to_timestamp($2 / 1000000.0), $3::uuid)) "
    "  AND ($5 = '' OR " QQ_CUSTOMER_STATUS_SQL
    " = $5) "
    "  AND ($6 = '' OR c.tags @> ARRAY[$6]) "
    "  AND ($7 = '' OR c.channel = $7) "
    "  AND ($8 = '' OR c.kind = $8) "
    "  AND ($9 = '' OR EXISTS (SELECT 1 FROM addresses a WHERE a.customer_id = c.id "
    "       AND a.area_id = $9 AND a.deleted_at IS NULL)) "
    "  AND ($10::jsonb = '{}'::jsonb OR c.custom_fields @> $10::jsonb) "
    "ORDER BY c.created_at DESC, c.id DESC LIMIT $4"};
const NamedQuery kCustomerCreatedMicros{
    "CustomerCreatedMicros",
    "SELECT (extract(epoch FROM created_at) * 1000000)::bigint FROM customers WHERE id = $1"};

// Search lookups.
const NamedQuery kFindByPhoneIndex{
    "FindByPhoneIndex",
    "SELECT DISTINCT customer_id FROM customer_phones WHERE tenant_id = $1 AND active "
    "  AND blind_index IN (SELECT decode(x, 'hex') FROM unnest($2::text[]) x)"};
const NamedQuery kPhoneSuffixCandidates{
    "PhoneSuffixCandidates",
    "SELECT customer_id, encode(ciphertext, 'hex'), key_id FROM customer_phones "
    "WHERE tenant_id = $1 AND last4 = $2 AND active LIMIT $3"};
// Exact matches first, then prefixes in term order (the index order), so the scan stops
// after a page however many terms share the prefix ("zs" matches thousands).
const NamedQuery kFindByTermPrefix{
    "FindByTermPrefix",
    "(SELECT customer_id, true FROM customer_search_terms "
    "  WHERE tenant_id = $1 AND kind = $2 AND term = $3 LIMIT $5) "
    "UNION ALL "
    "(SELECT customer_id, false FROM customer_search_terms "
    "  WHERE tenant_id = $1 AND kind = $2 AND term LIKE $4 ORDER BY term LIMIT $5 * 4)"};
const NamedQuery kFindByAddress{
    "FindByAddressFragment",
    "SELECT a.customer_id, max(similarity(a.text, $2)) AS s FROM addresses a "
    "WHERE a.tenant_id = $1 AND a.text LIKE $3 AND a.deleted_at IS NULL "
    "GROUP BY a.customer_id ORDER BY s DESC, a.customer_id LIMIT $4"};

const NamedQuery kInsertCommunication{
    "InsertCommunication",
    "INSERT INTO communications (tenant_id, customer_id, kind, summary, happened_at, staff_id, "
    "  staff_name, order_id, duration_seconds) "
    "VALUES ($1, $2, $3, $4, to_timestamp($5 / 1000000.0), $6, $7, $8, $9) RETURNING id"};
const NamedQuery kListCommunications{
    "ListCommunications",
    "SELECT id, kind, summary, (extract(epoch FROM happened_at) * 1000000)::bigint AS t, "
    "  staff_id, staff_name, order_id, duration_seconds FROM communications "
    "WHERE tenant_id = $1 AND customer_id = $2 "
    "  AND ($3::bigint = 0 OR (happened_at, id) < (to_timestamp($3 / 1000000.0), $4::uuid)) "
    "ORDER BY happened_at DESC, id DESC LIMIT $5"};

// Personal data maintenance.
const NamedQuery kPlainPhones{"PlainPhones",
                              "SELECT tenant_id, customer_id, position, phone FROM customer_phones "
                              "WHERE phone IS NOT NULL LIMIT $1 FOR UPDATE SKIP LOCKED"};
const NamedQuery kStalePhones{
    "StalePhones",
    "SELECT tenant_id, customer_id, position, encode(ciphertext, 'hex'), key_id "
    "FROM customer_phones WHERE key_id <> $1 LIMIT $2 FOR UPDATE SKIP LOCKED"};
const NamedQuery kSealPhone{
    "SealPhone",
    "UPDATE customer_phones SET phone = NULL, ciphertext = decode($4, 'hex'), "
    "  blind_index = decode($5, 'hex'), last4 = $6, key_id = $7 "
    "WHERE tenant_id = $1 AND customer_id = $2 AND position = $3"};
const NamedQuery kStaleIdNumbers{
    "StaleIdNumbers",
    "SELECT tenant_id, id, encode(id_number_ciphertext, 'hex'), pii_key_id FROM customers "
    "WHERE id_number_ciphertext IS NOT NULL AND pii_key_id <> $1 LIMIT $2 "
    "FOR UPDATE SKIP LOCKED"};
const NamedQuery kSealIdNumber{
    "SealIdNumber",
    "UPDATE customers SET id_number_ciphertext = decode($3, 'hex'), "
    "  id_number_index = decode($4, 'hex'), pii_key_id = $5 WHERE tenant_id = $1 AND id = $2"};

const NamedQuery kCustomersWithoutTerms{
    "CustomersWithoutSearchTerms",
    "SELECT c.tenant_id, c.id, c.name FROM customers c "
    "WHERE c.search_terms IS NULL AND c.deleted_at IS NULL LIMIT $1 FOR UPDATE SKIP LOCKED"};
const NamedQuery kFindStaffAccount{
    "FindStaffAccount",
    "SELECT id, password_hash, array_to_string(roles, ','), disabled, display_name "
    "FROM qq_auth.users WHERE tenant_id = $1 AND username = $2"};
const NamedQuery kLookupStaffAccounts{
    "LookupStaffAccounts",
    "SELECT id, username, display_name, array_to_string(roles, ','), disabled "
    "FROM qq_auth.users WHERE tenant_id = $1 AND id = ANY($2::uuid[])"};
const NamedQuery kFindServiceAccount{
    "FindServiceAccount",
    "SELECT id, secret_hash, array_to_string(roles, ','), disabled, '' "
    "FROM qq_auth.service_accounts WHERE tenant_id = $1 AND client_id = $2"};
// Demo accounts get ids other services can derive too: md5('<tenant>/<username>').
const NamedQuery kInsertDemoStaffAccount{
    "InsertDemoStaffAccount",
    "INSERT INTO qq_auth.users (id, tenant_id, username, password_hash, roles, display_name) "
    "VALUES (md5($1 || '/' || $2)::uuid, $1, $2, $3, string_to_array($4, ','), $5) "
    "ON CONFLICT (tenant_id, username) DO UPDATE SET display_name = EXCLUDED.display_name "
    "  WHERE qq_auth.users.display_name = ''"};
const NamedQuery kInsertDemoServiceAccount{
    "InsertDemoServiceAccount",
    "INSERT INTO qq_auth.service_accounts (id, tenant_id, client_id, secret_hash, roles) "
    "VALUES (md5($1 || '/service/' || $2)::uuid, $1, $2, $3, string_to_array($4, ',')) "
    "ON CONFLICT (tenant_id, client_id) DO NOTHING"};

std::string Hex(const std::string& bytes) { return absl::BytesToHexString(bytes); }

v1::Customer::Kind KindOf(const std::string& name) {
  return name == "ORGANISATION" ? v1::Customer::ORGANISATION : v1::Customer::PERSON;
}

void FillAddressRow(const pqxx::row& a, v1::Address& out) {
  out.set_id(a[0].as<std::string>());
  out.set_text(a[2].as<std::string>());
  if (!a[3].is_null() && !a[4].is_null()) {
    out.mutable_location()->set_lat(a[3].as<double>());
    out.mutable_location()->set_lng(a[4].as<double>());
  }
  out.set_delivery_notes(a[5].as<std::string>());
  out.set_area_id(a[6].as<std::string>());
  out.set_area_name(a[7].as<std::string>());
  out.set_outside_areas(a[8].as<bool>());
  out.set_area_pending(a[9].as<bool>());
  forms::JsonToStruct(a[10].as<std::string>(), out.mutable_custom_fields());
}

// The sealed form of an optional value: ciphertext, index and last four as hex/text, or
// NULLs when the value is empty.
struct SealedValue {
  NullableParam ciphertext, index, last4, key_id;
};

// The stored (JSON) form of checked preferences; NULL when the draft says nothing.
NullableParam DeliveryPreferencesJson(const std::optional<DeliveryPreferencesDraft>& draft) {
  if (!draft) return {};
  std::string json;
  // Defaults are left out: no preferences are stored as {}.
  (void)google::protobuf::util::MessageToJsonString(DeliveryPreferencesMessageOf(*draft), &json);
  return {json};
}

SealedValue SealOptional(const PiiCipher& cipher, const std::string& tenant,
                         const std::string& value) {
  if (value.empty()) return {};
  return {NullableParam{Hex(cipher.Seal(tenant, value))},
          NullableParam{Hex(cipher.BlindIndex(tenant, value))}, NullableParam{LastDigits(value)},
          NullableParam{cipher.current_key_id()}};
}

}  // namespace

SearchTermArrays SearchTermArraysOf(const std::vector<SearchTerm>& terms) {
  std::vector<std::string> texts, kinds;
  for (const SearchTerm& t : terms) {
    texts.push_back(t.text);
    kinds.push_back(absl::StrCat(static_cast<int>(t.kind)));
  }
  return {PgTextArray(texts), PgTextArray(kinds)};
}

CustomerStore::CustomerStore(PgPool& pool, const PiiCipher& cipher, CustomerOutbox& outbox)
    : pool_(pool), cipher_(cipher), outbox_(outbox) {
  pool_.Prepare({kInsertCustomer,
                 kUpdateCustomer,
                 kDeleteCustomer,
                 kReleasePhones,
                 kDeletePhones,
                 kInsertPhone,
                 kPhoneOwners,
                 kDeleteSearchTerms,
                 kInsertSearchTerms,
                 kSelectCustomers,
                 kSelectAddress,
                 kInsertAddress,
                 kUpdateAddress,
                 kDeleteAddress,
                 kCustomerExists,
                 kCustomerVisible,
                 kAddressCustomer,
                 kSetAddressArea,
                 kPendingAddresses,
                 kMarkAreasStale,
                 kListCustomers,
                 kCustomerCreatedMicros,
                 kFindByPhoneIndex,
                 kPhoneSuffixCandidates,
                 kFindByTermPrefix,
                 kFindByAddress,
                 kInsertCommunication,
                 kListCommunications,
                 kPlainPhones,
                 kStalePhones,
                 kSealPhone,
                 kStaleIdNumbers,
                 kSealIdNumber,
                 kCustomersWithoutTerms,
                 kFindStaffAccount,
                 kFindServiceAccount,
                 kLookupStaffAccounts,
                 kInsertDemoStaffAccount,
                 kInsertDemoServiceAccount});
}

absl::Status CustomerStore::CheckPhonesFree(pqxx::work& txn, const std::string& tenant,
                                            const std::string& customer_id,
                                            const std::vector<std::string>& phones) {
  const std::string self =
      customer_id.empty() ? "00000000-0000-0000-0000-000000000000" : customer_id;
  for (size_t i = 0; i < phones.size(); ++i) {
    std::vector<std::string> indexes;
    for (const std::string& index : cipher_.LookupIndexes(tenant, phones[i])) {
      indexes.push_back(Hex(index));
    }
    pqxx::result owner = txn.exec_prepared(kPhoneOwners.name, tenant, PgTextArray(indexes), self);
    if (!owner.empty()) {
      return WithField(
          absl::AlreadyExistsError(absl::StrCat(
              "phone ", phones[i], " already belongs to customer ", owner[0][0].as<std::string>())),
          absl::StrCat("phones[", i, "]"));
    }
  }
  return absl::OkStatus();
}

void CustomerStore::InsertPhones(pqxx::work& txn, const std::string& tenant,
                                 const std::string& customer_id,
                                 const std::vector<std::string>& phones) {
  for (size_t i = 0; i < phones.size(); ++i) {
    txn.exec_prepared(kInsertPhone.name, tenant, customer_id, static_cast<int>(i),
                      Hex(cipher_.Seal(tenant, phones[i])),
                      Hex(cipher_.BlindIndex(tenant, phones[i])), LastDigits(phones[i]),
                      cipher_.current_key_id());
  }
}

void CustomerStore::ReplaceSearchTerms(pqxx::work& txn, const std::string& tenant,
                                       const std::string& customer_id,
                                       const std::vector<SearchTerm>& terms) {
  txn.exec_prepared(kDeleteSearchTerms.name, tenant, customer_id);
  SearchTermArrays arrays = SearchTermArraysOf(terms);
  txn.exec_prepared(kInsertSearchTerms.name, tenant, customer_id, arrays.terms, arrays.kinds);
}

absl::StatusOr<v1::Customer> CustomerStore::CreateCustomer(const std::string& tenant,
                                                           const CustomerDraft& draft,
                                                           const std::vector<SearchTerm>& terms,
                                                           const IdempotencyScope& idempotency) {
  v1::Customer customer;
  absl::Status status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    customer.Clear();
    QQ_ASSIGN_OR_RETURN(bool replayed, ClaimIdempotencyKey(txn, idempotency, customer));
    if (replayed) return absl::OkStatus();
    QQ_RETURN_IF_ERROR(CheckPhonesFree(txn, tenant, "", draft.phones));
    SealedValue id_number = SealOptional(cipher_, tenant, draft.id_number);
    NullableParam birthday = NullIfEmpty(draft.birthday);
    const std::string preferences =
        DeliveryPreferencesJson(draft.delivery_preferences).text.value_or("{}");
    pqxx::row inserted = txn.exec_prepared(
        kInsertCustomer.name, tenant, draft.kind, draft.name, draft.notes,
        id_number.ciphertext.get(), id_number.index.get(), id_number.last4.get(), birthday.get(),
        draft.channel, PgTextArray(draft.tags), forms::StructToJson(draft.custom_fields),
        id_number.key_id.get(), preferences)[0];
    const std::string id = inserted[0].as<std::string>();
    InsertPhones(txn, tenant, id, draft.phones);
    for (const AddressDraft& a : draft.addresses) {
      NullableParam lat = NullableNumber(a.lat), lng = NullableNumber(a.lng);
      txn.exec_prepared(kInsertAddress.name, tenant, id, a.text, lat.get(), lng.get(),
                        a.delivery_notes, forms::StructToJson(a.custom_fields));
    }
    ReplaceSearchTerms(txn, tenant, id, terms);
    QQ_ASSIGN_OR_RETURN(auto loaded, LoadCustomersIn(txn, tenant, {id}));
    customer = std::move(loaded.front());
    // The event is built from the read-back the answer needs anyway: one more INSERT.
    AppendToOutbox(txn, CustomerEvent(tenant, kCustomerCreatedEvent,
                                      CustomerChangedOf(customer, inserted[1].as<int64_t>())));
    RecordIdempotentResponse(txn, idempotency, customer);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  outbox_.Wake();
  return customer;
}

absl::StatusOr<std::vector<v1::Customer>> CustomerStore::LoadCustomersIn(
    pqxx::transaction_base& txn, const std::string& tenant, const std::vector<std::string>& ids) {
  std::vector<v1::Customer> out;
  if (ids.empty()) return out;
  std::map<std::string, v1::Customer> by_id;
  for (const auto& row : txn.exec_prepared(kSelectCustomers.name, tenant, PgTextArray(ids))) {
    v1::Customer c;
    c.set_id(row[0].as<std::string>());
    c.set_kind(KindOf(row[1].as<std::string>()));
    c.set_name(row[2].as<std::string>());
    c.set_notes(row[3].as<std::string>());
    *c.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[4].as<long long>());
    *c.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(row[5].as<long long>());
    if (!row[6].is_null()) {
      QQ_ASSIGN_OR_RETURN(std::string id_number,
                          cipher_.Open(row[7].as<std::string>(), tenant,
                                       absl::HexStringToBytes(row[6].as<std::string>())));
      c.set_id_number(id_number);
    }
    c.set_birthday(row[8].as<std::string>());
    v1::Customer::Channel channel;
    if (v1::Customer::Channel_Parse(row[9].as<std::string>(), &channel)) c.set_channel(channel);
    for (absl::string_view tag :
         absl::StrSplit(row[10].as<std::string>(), '\x1f', absl::SkipEmpty())) {
      c.add_tags(std::string(tag));
    }
    forms::JsonToStruct(row[11].as<std::string>(), c.mutable_custom_fields());
    v1::Customer::Status customer_status;
    if (v1::Customer::Status_Parse(row[12].as<std::string>(), &customer_status)) {
      c.set_status(customer_status);
    }
    *c.mutable_last_activity_time() = TimeUtil::MicrosecondsToTimestamp(row[13].as<long long>());
    if (!row[15].is_null()) {
      for (absl::string_view sealed : absl::StrSplit(row[15].c_str(), '\x1f')) {
        std::pair<std::string, std::string> hex_and_key = absl::StrSplit(sealed, ' ');
        QQ_ASSIGN_OR_RETURN(
            std::string phone,
            cipher_.Open(hex_and_key.second, tenant, absl::HexStringToBytes(hex_and_key.first)));
        c.add_phones(phone);
      }
    }
    if (!row[16].is_null()) {
      v1::Customer addresses;
      auto parsed = google::protobuf::util::JsonStringToMessage(
          absl::StrCat(R"({"addresses":)", row[16].c_str(), "}"), &addresses);
      if (!parsed.ok()) {
        return absl::InternalError(absl::StrCat("addresses of ", c.id(), ": ", parsed.ToString()));
      }
      c.mutable_addresses()->Swap(addresses.mutable_addresses());
    }
    google::protobuf::util::JsonParseOptions lenient;
    lenient.ignore_unknown_fields = true;
    auto preferences = google::protobuf::util::JsonStringToMessage(
        row[17].c_str(), c.mutable_delivery_preferences(), lenient);
    if (!preferences.ok()) {
      return absl::InternalError(
          absl::StrCat("delivery preferences of ", c.id(), ": ", preferences.ToString()));
    }
    // Derived here, where every read of a customer passes (get, list, search, the 360
    // view, the answers of create, update and delete), so no answer can lack them.
    for (std::string& tag : PreferenceTagsOf(c.delivery_preferences())) {
      c.add_preference_tags(std::move(tag));
    }
    by_id[c.id()] = std::move(c);
  }
  for (const std::string& id : ids) {
    auto it = by_id.find(id);
    if (it != by_id.end()) out.push_back(std::move(it->second));
  }
  return out;
}

absl::StatusOr<std::vector<v1::Customer>> CustomerStore::LoadCustomers(
    const std::string& tenant, const std::vector<std::string>& ids) {
  std::vector<v1::Customer> out;
  absl::Status status = pool_.ReadStatement([&](pqxx::nontransaction& txn) -> absl::Status {
    QQ_ASSIGN_OR_RETURN(out, LoadCustomersIn(txn, tenant, ids));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<v1::Customer> CustomerStore::GetCustomer(const std::string& tenant,
                                                        const std::string& id) {
  QQ_ASSIGN_OR_RETURN(auto customers, LoadCustomers(tenant, {id}));
  if (customers.empty()) return WithField(absl::NotFoundError("no such customer"), "id");
  return std::move(customers.front());
}

absl::StatusOr<v1::Customer> CustomerStore::GetCustomerIn(pqxx::work& txn,
                                                          const std::string& tenant,
                                                          const std::string& id) {
  QQ_ASSIGN_OR_RETURN(auto customers, LoadCustomersIn(txn, tenant, {id}));
  if (customers.empty()) return WithField(absl::NotFoundError("no such customer"), "id");
  return std::move(customers.front());
}

absl::StatusOr<CustomerPage> CustomerStore::ListCustomers(const std::string& tenant,
                                                          const CustomerFilter& filter,
                                                          int page_size,
                                                          const std::string& page_token) {
  QQ_ASSIGN_OR_RETURN(PageCursor cursor, DecodePageToken(page_token));
  CustomerPage page;
  absl::Status status = pool_.Read([&](pqxx::work& txn) -> absl::Status {
    page = {};
    // One extra row tells whether another page follows.
    pqxx::result rows =
        txn.exec_prepared(kListCustomers.name, tenant, cursor.after_micros, cursor.after_id,
                          page_size + 1, filter.status, filter.tag, filter.channel, filter.kind,
                          filter.area_id, filter.custom_fields_json);
    std::vector<std::string> ids;
    for (int i = 0; i < static_cast<int>(rows.size()) && i < page_size; ++i) {
      ids.push_back(rows[i][0].as<std::string>());
    }
    QQ_ASSIGN_OR_RETURN(page.customers, LoadCustomersIn(txn, tenant, ids));
    if (static_cast<int>(rows.size()) > page_size) {
      const std::string& last = ids.back();
      long long micros = txn.exec_prepared(kCustomerCreatedMicros.name, last)[0][0].as<long long>();
      page.next_page_token = EncodePageToken(micros, last);
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return page;
}

absl::StatusOr<v1::Customer> CustomerStore::UpdateCustomer(const std::string& tenant,
                                                           const std::string& id,
                                                           const CustomerDraft& draft,
                                                           const std::vector<SearchTerm>& terms) {
  v1::Customer customer;
  absl::Status status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    QQ_RETURN_IF_ERROR(CheckPhonesFree(txn, tenant, id, draft.phones));
    SealedValue id_number = SealOptional(cipher_, tenant, draft.id_number);
    NullableParam birthday = NullIfEmpty(draft.birthday);
    NullableParam preferences = DeliveryPreferencesJson(draft.delivery_preferences);
    pqxx::result r = txn.exec_prepared(
        kUpdateCustomer.name, tenant, id, draft.kind, draft.name, draft.notes,
        id_number.ciphertext.get(), id_number.index.get(), id_number.last4.get(), birthday.get(),
        draft.channel, PgTextArray(draft.tags), forms::StructToJson(draft.custom_fields),
        id_number.key_id.get(), preferences.get());
    if (r.empty()) return WithField(absl::NotFoundError("no such customer"), "id");
    txn.exec_prepared(kDeletePhones.name, tenant, id);
    InsertPhones(txn, tenant, id, draft.phones);
    ReplaceSearchTerms(txn, tenant, id, terms);
    QQ_ASSIGN_OR_RETURN(auto loaded, LoadCustomersIn(txn, tenant, {id}));
    customer = std::move(loaded.front());
    AppendToOutbox(txn, CustomerEvent(tenant, kCustomerUpdatedEvent,
                                      CustomerChangedOf(customer, r[0][0].as<int64_t>())));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  outbox_.Wake();
  return customer;
}

absl::StatusOr<v1::Customer> CustomerStore::DeleteCustomer(const std::string& tenant,
                                                           const std::string& id) {
  v1::Customer customer;
  absl::Status status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    QQ_ASSIGN_OR_RETURN(auto loaded, LoadCustomersIn(txn, tenant, {id}));
    if (loaded.empty()) return WithField(absl::NotFoundError("no such customer"), "id");
    customer = std::move(loaded.front());
    pqxx::result deleted = txn.exec_prepared(kDeleteCustomer.name, tenant, id);
    if (deleted.empty()) return WithField(absl::NotFoundError("no such customer"), "id");
    txn.exec_prepared(kReleasePhones.name, tenant, id);
    txn.exec_prepared(kDeleteSearchTerms.name, tenant, id);
    *customer.mutable_delete_time() = TimeUtil::GetCurrentTime();
    auto payload = CustomerChangedOf(customer, deleted[0][0].as<int64_t>());
    payload.set_deleted(true);
    AppendToOutbox(txn, CustomerEvent(tenant, kCustomerDeletedEvent, payload));
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  outbox_.Wake();
  return customer;
}

absl::StatusOr<std::vector<SearchCandidate>> CustomerStore::FindByPhone(
    const std::string& tenant, const std::string& normalised_phone) {
  std::vector<SearchCandidate> out;
  absl::Status status = pool_.Read([&](pqxx::work& txn) -> absl::Status {
    out.clear();
    std::vector<std::string> indexes;
    for (const std::string& index : cipher_.LookupIndexes(tenant, normalised_phone)) {
      indexes.push_back(Hex(index));
    }
    for (const auto& row :
         txn.exec_prepared(kFindByPhoneIndex.name, tenant, PgTextArray(indexes))) {
      out.push_back({row[0].as<std::string>(), kScorePhone, "PHONE"});
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<SearchCandidate>> CustomerStore::FindByPhoneSuffix(
    const std::string& tenant, const std::string& digits, int limit) {
  std::vector<SearchCandidate> out;
  absl::Status status = pool_.Read([&](pqxx::work& txn) -> absl::Status {
    out.clear();
    // The last four digits pick the candidates (about 1 in 10,000 phones); the rest of
    // the suffix is checked on the decrypted numbers.
    constexpr int kMaxCandidates = 5000;
    for (const auto& row : txn.exec_prepared(kPhoneSuffixCandidates.name, tenant,
                                             LastDigits(digits), kMaxCandidates)) {
      if (static_cast<int>(out.size()) >= limit) break;
      if (digits.size() > 4) {
        QQ_ASSIGN_OR_RETURN(std::string phone,
                            cipher_.Open(row[2].as<std::string>(), tenant,
                                         absl::HexStringToBytes(row[1].as<std::string>())));
        std::string phone_digits = LastDigits(phone, 64);
        if (phone_digits.size() < digits.size() ||
            phone_digits.compare(phone_digits.size() - digits.size(), digits.size(), digits) != 0) {
          continue;
        }
      }
      out.push_back({row[0].as<std::string>(), kScorePhoneSuffix, "PHONE_SUFFIX"});
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<SearchCandidate>> CustomerStore::FindByTermPrefix(
    const std::string& tenant, SearchTerm::Kind kind, const std::string& prefix, int limit) {
  std::vector<SearchCandidate> out;
  const bool pinyin = kind == SearchTerm::kPinyin;
  absl::Status status = pool_.Read([&](pqxx::work& txn) -> absl::Status {
    out.clear();
    std::set<std::string> seen;
    for (const auto& row : txn.exec_prepared(kFindByTermPrefix.name, tenant, static_cast<int>(kind),
                                             prefix, EscapeLike(prefix) + "%", limit)) {
      if (static_cast<int>(out.size()) >= limit) break;
      std::string id = row[0].as<std::string>();
      if (!seen.insert(id).second) continue;
      const bool exact = row[1].as<bool>();
      double score = pinyin ? (exact ? kScorePinyinExact : kScorePinyinPrefix)
                            : (exact ? kScoreNameExact : kScoreNamePrefix);
      out.push_back({std::move(id), score, pinyin ? "PINYIN" : "NAME"});
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<SearchCandidate>> CustomerStore::FindByAddressFragment(
    const std::string& tenant, const std::string& fragment, int limit) {
  std::vector<SearchCandidate> out;
  absl::Status status = pool_.Read([&](pqxx::work& txn) -> absl::Status {
    out.clear();
    for (const auto& row : txn.exec_prepared(kFindByAddress.name, tenant, fragment,
                                             "%" + EscapeLike(fragment) + "%", limit)) {
      out.push_back(
          {row[0].as<std::string>(), kScoreAddress + 10 * row[1].as<double>(), "ADDRESS"});
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<v1::Address> CustomerStore::GetAddress(const std::string& tenant,
                                                      const std::string& customer_id,
                                                      const std::string& address_id) {
  v1::Address address;
  absl::Status status = pool_.Read([&](pqxx::work& txn) -> absl::Status {
    pqxx::result rows = txn.exec_prepared(kSelectAddress.name, tenant, customer_id, address_id);
    if (rows.empty()) return WithField(absl::NotFoundError("no such address"), "addressId");
    FillAddressRow(rows[0], address);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return address;
}

absl::StatusOr<v1::Address> CustomerStore::AddAddress(const std::string& tenant,
                                                      const std::string& customer_id,
                                                      const AddressDraft& draft,
                                                      const IdempotencyScope& idempotency) {
  v1::Address address;
  absl::Status status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    address.Clear();
    QQ_ASSIGN_OR_RETURN(bool replayed, ClaimIdempotencyKey(txn, idempotency, address));
    if (replayed) return absl::OkStatus();
    if (txn.exec_prepared(kCustomerExists.name, tenant, customer_id).empty()) {
      return WithField(absl::NotFoundError("no such customer"), "customerId");
    }
    NullableParam lat = NullableNumber(draft.lat), lng = NullableNumber(draft.lng);
    const std::string id = txn.exec_prepared(kInsertAddress.name, tenant, customer_id, draft.text,
                                             lat.get(), lng.get(), draft.delivery_notes,
                                             forms::StructToJson(draft.custom_fields))[0][0]
                               .as<std::string>();
    FillAddressRow(txn.exec_prepared(kSelectAddress.name, tenant, customer_id, id)[0], address);
    RecordIdempotentResponse(txn, idempotency, address);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return address;
}

absl::StatusOr<v1::Address> CustomerStore::UpdateAddress(const std::string& tenant,
                                                         const std::string& customer_id,
                                                         const std::string& address_id,
                                                         const AddressDraft& draft,
                                                         bool location_changed) {
  v1::Address address;
  absl::Status status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    // A moved first address loses its area (until resolved again): customer.updated.
    auto area_before = outbox_.LockFirstAreaIn(txn, tenant, customer_id);
    if (!area_before.ok()) return WithField(absl::NotFoundError("no such address"), "address.id");
    NullableParam lat = NullableNumber(draft.lat), lng = NullableNumber(draft.lng);
    pqxx::result r = txn.exec_prepared(kUpdateAddress.name, tenant, customer_id, address_id,
                                       draft.text, lat.get(), lng.get(), draft.delivery_notes,
                                       forms::StructToJson(draft.custom_fields), location_changed);
    if (r.affected_rows() == 0) {
      return WithField(absl::NotFoundError("no such address"), "address.id");
    }
    FillAddressRow(txn.exec_prepared(kSelectAddress.name, tenant, customer_id, address_id)[0],
                   address);
    return outbox_.PublishIfFirstAreaChangedIn(txn, tenant, customer_id, *area_before);
  });
  if (!status.ok()) return status;
  outbox_.Wake();
  return address;
}

absl::StatusOr<v1::Address> CustomerStore::DeleteAddress(const std::string& tenant,
                                                         const std::string& customer_id,
                                                         const std::string& address_id) {
  v1::Address address;
  absl::Status status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    // Deleting the first address makes the next one first, with its own area.
    auto area_before = outbox_.LockFirstAreaIn(txn, tenant, customer_id);
    if (!area_before.ok()) return WithField(absl::NotFoundError("no such address"), "addressId");
    pqxx::result rows = txn.exec_prepared(kSelectAddress.name, tenant, customer_id, address_id);
    if (rows.empty()) return WithField(absl::NotFoundError("no such address"), "addressId");
    FillAddressRow(rows[0], address);
    txn.exec_prepared(kDeleteAddress.name, tenant, customer_id, address_id);
    return outbox_.PublishIfFirstAreaChangedIn(txn, tenant, customer_id, *area_before);
  });
  if (!status.ok()) return status;
  outbox_.Wake();
  return address;
}

absl::Status CustomerStore::SetAddressArea(const std::string& tenant, const std::string& address_id,
                                           double lat, double lng, const AreaAnswer& answer) {
  absl::Status status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    pqxx::result owner = txn.exec_prepared(kAddressCustomer.name, tenant, address_id);
    if (owner.empty()) return absl::OkStatus();  // deleted meanwhile: nothing to keep
    const std::string customer_id = owner[0][0].as<std::string>();
    // The first address getting its area (new, moved, or areas changed): customer.updated.
    QQ_ASSIGN_OR_RETURN(std::string area_before, outbox_.LockFirstAreaIn(txn, tenant, customer_id));
    txn.exec_prepared(kSetAddressArea.name, tenant, address_id,
                      NullableNumber(lat).text.value_or(""), NullableNumber(lng).text.value_or(""),
                      answer.area_id, answer.area_name, answer.outside_areas);
    return outbox_.PublishIfFirstAreaChangedIn(txn, tenant, customer_id, area_before);
  });
  if (!status.ok()) return status;
  outbox_.Wake();
  return status;
}

absl::StatusOr<std::vector<PendingAddress>> CustomerStore::PendingAddresses(int limit) {
  std::vector<PendingAddress> out;
  absl::Status status = pool_.Read([&](pqxx::work& txn) -> absl::Status {
    out.clear();
    for (const auto& row : txn.exec_prepared(kPendingAddresses.name, limit)) {
      out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<double>(),
                     row[3].as<double>()});
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

void CustomerStore::MarkAreasStaleIn(pqxx::work& txn, const std::string& tenant) {
  txn.exec_prepared(kMarkAreasStale.name, tenant);
}

absl::StatusOr<v1::Communication> CustomerStore::AddCommunication(
    const std::string& tenant, const std::string& customer_id, const v1::Communication& record,
    const IdempotencyScope& idempotency) {
  v1::Communication out;
  absl::Status status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    out.Clear();
    QQ_ASSIGN_OR_RETURN(bool replayed, ClaimIdempotencyKey(txn, idempotency, out));
    if (replayed) return absl::OkStatus();
    out = record;
    if (txn.exec_prepared(kCustomerExists.name, tenant, customer_id).empty()) {
      return WithField(absl::NotFoundError("no such customer"), "customerId");
    }
    const long long micros = TimeUtil::TimestampToMicroseconds(record.time());
    out.set_id(txn.exec_prepared(kInsertCommunication.name, tenant, customer_id,
                                 v1::Communication::Kind_Name(record.kind()), record.summary(),
                                 micros, record.staff_id(), record.staff_name(), record.order_id(),
                                 record.duration_seconds())[0][0]
                   .as<std::string>());
    QQ_RETURN_IF_ERROR(outbox_.RecordActivityIn(txn, tenant, customer_id, micros));
    RecordIdempotentResponse(txn, idempotency, out);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  outbox_.Wake();
  return out;
}

namespace {

// A page of communication records, newest first, after `cursor`.
std::vector<v1::Communication> CommunicationsIn(pqxx::work& txn, const std::string& tenant,
                                                const std::string& customer_id,
                                                const PageCursor& cursor, int limit,
                                                std::string* next_page_token) {
  std::vector<v1::Communication> out;
  if (next_page_token != nullptr) next_page_token->clear();
  pqxx::result rows = txn.exec_prepared(kListCommunications.name, tenant, customer_id,
                                        cursor.after_micros, cursor.after_id, limit + 1);
  for (int i = 0; i < static_cast<int>(rows.size()) && i < limit; ++i) {
    const auto& row = rows[i];
    v1::Communication c;
    c.set_id(row[0].as<std::string>());
    v1::Communication::Kind kind;
    if (v1::Communication::Kind_Parse(row[1].as<std::string>(), &kind)) c.set_kind(kind);
    c.set_summary(row[2].as<std::string>());
    *c.mutable_time() = TimeUtil::MicrosecondsToTimestamp(row[3].as<long long>());
    c.set_staff_id(row[4].as<std::string>());
    c.set_staff_name(row[5].as<std::string>());
    c.set_order_id(row[6].as<std::string>());
    c.set_duration_seconds(row[7].as<int>());
    out.push_back(std::move(c));
  }
  if (static_cast<int>(rows.size()) > limit && next_page_token != nullptr) {
    const auto& last = rows[limit - 1];
    *next_page_token = EncodePageToken(last[3].as<long long>(), last[0].as<std::string>());
  }
  return out;
}

}  // namespace

absl::StatusOr<std::vector<v1::Communication>> CustomerStore::ListCommunications(
    const std::string& tenant, const std::string& customer_id, int limit,
    const std::string& page_token, std::string* next_page_token) {
  QQ_ASSIGN_OR_RETURN(PageCursor cursor, DecodePageToken(page_token));
  std::vector<v1::Communication> out;
  absl::Status status = pool_.Read([&](pqxx::work& txn) -> absl::Status {
    if (txn.exec_prepared(kCustomerVisible.name, tenant, customer_id).empty()) {
      return WithField(absl::NotFoundError("no such customer"), "customerId");
    }
    out = CommunicationsIn(txn, tenant, customer_id, cursor, limit, next_page_token);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

std::vector<v1::Communication> CustomerStore::RecentCommunicationsIn(pqxx::work& txn,
                                                                     const std::string& tenant,
                                                                     const std::string& customer_id,
                                                                     int limit) {
  return CommunicationsIn(txn, tenant, customer_id, PageCursor{}, limit, nullptr);
}

absl::Status CustomerStore::RecordActivityIn(pqxx::work& txn, const std::string& tenant,
                                             const std::string& customer_id,
                                             long long when_micros) {
  return outbox_.RecordActivityIn(txn, tenant, customer_id, when_micros);
}

absl::StatusOr<int> CustomerStore::SealPersonalDataBatch(int batch_size) {
  int changed = 0;
  absl::Status status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    changed = 0;
    const std::string& key_id = cipher_.current_key_id();
    auto seal_phone = [&](const pqxx::row& row, const std::string& phone) {
      const std::string tenant = row[0].as<std::string>();
      txn.exec_prepared(kSealPhone.name, tenant, row[1].as<std::string>(), row[2].as<int>(),
                        Hex(cipher_.Seal(tenant, phone)), Hex(cipher_.BlindIndex(tenant, phone)),
                        LastDigits(phone), key_id);
      ++changed;
    };
    for (const auto& row : txn.exec_prepared(kPlainPhones.name, batch_size)) {
      seal_phone(row, row[3].as<std::string>());
    }
    for (const auto& row : txn.exec_prepared(kStalePhones.name, key_id, batch_size)) {
      QQ_ASSIGN_OR_RETURN(std::string phone,
                          cipher_.Open(row[4].as<std::string>(), row[0].as<std::string>(),
                                       absl::HexStringToBytes(row[3].as<std::string>())));
      seal_phone(row, phone);
    }
    for (const auto& row : txn.exec_prepared(kStaleIdNumbers.name, key_id, batch_size)) {
      const std::string tenant = row[0].as<std::string>();
      QQ_ASSIGN_OR_RETURN(std::string id_number,
                          cipher_.Open(row[3].as<std::string>(), tenant,
                                       absl::HexStringToBytes(row[2].as<std::string>())));
      txn.exec_prepared(kSealIdNumber.name, tenant, row[1].as<std::string>(),
                        Hex(cipher_.Seal(tenant, id_number)),
                        Hex(cipher_.BlindIndex(tenant, id_number)), key_id);
      ++changed;
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return changed;
}

absl::StatusOr<int> CustomerStore::BackfillSearchTermsBatch(
    int batch_size, const std::function<std::vector<SearchTerm>(const std::string&)>& terms_of) {
  int done = 0;
  absl::Status status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    done = 0;
    for (const auto& row : txn.exec_prepared(kCustomersWithoutTerms.name, batch_size)) {
      // Also a name with nothing searchable in it: its empty list marks it done.
      std::vector<SearchTerm> terms = terms_of(row[2].as<std::string>());
      ReplaceSearchTerms(txn, row[0].as<std::string>(), row[1].as<std::string>(), terms);
      ++done;
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return done;
}

namespace {

absl::StatusOr<StaffAccount> FindAccount(PgPool& pool, const NamedQuery& query,
                                         const std::string& tenant, const std::string& name) {
  StaffAccount account;
  absl::Status status = pool.Read([&](pqxx::work& txn) -> absl::Status {
    pqxx::result rows = txn.exec_prepared(query.name, tenant, name);
    if (rows.empty()) return absl::NotFoundError("no such account");
    account.id = rows[0][0].as<std::string>();
    account.tenant = tenant;
    account.username = name;
    account.password_hash = rows[0][1].as<std::string>();
    account.roles = absl::StrSplit(rows[0][2].as<std::string>(), ',', absl::SkipEmpty());
    account.disabled = rows[0][3].as<bool>();
    account.display_name = rows[0][4].as<std::string>();
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return account;
}

}  // namespace

absl::StatusOr<StaffAccount> CustomerStore::FindStaffAccount(const std::string& tenant,
                                                             const std::string& username) {
  return FindAccount(pool_, kFindStaffAccount, tenant, username);
}

absl::StatusOr<StaffAccount> CustomerStore::FindServiceAccount(const std::string& tenant,
                                                               const std::string& client_id) {
  return FindAccount(pool_, kFindServiceAccount, tenant, client_id);
}

absl::StatusOr<std::vector<StaffAccount>> CustomerStore::LookupStaffAccounts(
    const std::string& tenant, const std::vector<std::string>& ids) {
  std::vector<StaffAccount> out;
  if (ids.empty()) return out;
  std::map<std::string, StaffAccount> by_id;
  absl::Status status = pool_.ReadStatement([&](pqxx::nontransaction& txn) -> absl::Status {
    by_id.clear();
    for (const auto& row : txn.exec_prepared(kLookupStaffAccounts.name, tenant, PgTextArray(ids))) {
      StaffAccount account;
      account.id = row[0].as<std::string>();
      account.tenant = tenant;
      account.username = row[1].as<std::string>();
      account.display_name = row[2].as<std::string>();
      account.roles = absl::StrSplit(row[3].as<std::string>(), ',', absl::SkipEmpty());
      account.disabled = row[4].as<bool>();
      by_id[account.id] = std::move(account);
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  for (const std::string& id : ids) {
    auto it = by_id.find(id);
    if (it == by_id.end()) continue;
    out.push_back(std::move(it->second));
    by_id.erase(it);  // each account once, however often it was asked for
  }
  return out;
}

absl::Status CustomerStore::EnsureDemoStaffAccount(const StaffAccount& account) {
  return pool_.Transact([&](pqxx::work& txn) {
    txn.exec_prepared(kInsertDemoStaffAccount.name, account.tenant, account.username,
                      account.password_hash, absl::StrJoin(account.roles, ","),
                      account.display_name);
    return absl::OkStatus();
  });
}

absl::Status CustomerStore::EnsureDemoServiceAccount(const StaffAccount& account) {
  return pool_.Transact([&](pqxx::work& txn) {
    txn.exec_prepared(kInsertDemoServiceAccount.name, account.tenant, account.username,
                      account.password_hash, absl::StrJoin(account.roles, ","));
    return absl::OkStatus();
  });
}

}  // namespace qq::customer
