#include "services/customer/customer_outbox.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/escaping.h"
#include "absl/strings/str_split.h"
#include "services/common/pg_pool.h"
#include "services/common/status.h"
#include "services/customer/domain/pii_cipher.h"

namespace qq::customer {
namespace {

namespace v1 = qingquan::customer::v1;
namespace events = qingquan::common::v1;
using google::protobuf::util::TimeUtil;

// Kept in step with QQ_CUSTOMER_STATUS_SQL in customer_store.cc.
#define QQ_STATUS_OF(at)                                         \
  "CASE WHEN " at                                                \
  " > now() - interval '90 days' THEN 'ACTIVE' "                 \
  "WHEN " at                                                     \
  " > now() - interval '365 days' THEN 'SILENT' ELSE 'CHURNED' " \
  "END"

// What CustomerChanged carries, of customers `c`: phones as "<ciphertext hex> <key id>"
// joined by chr(31) in position order, the area of the first live address.
#define QQ_CUSTOMER_EVENT_COLUMNS \
  "c.id, c.name, "                                                                           \
  "(SELECT string_agg(encode(p.ciphertext, 'hex') || ' ' || coalesce(p.key_id, ''), "       \
  "   chr(31) ORDER BY p.position) FROM customer_phones p "                                  \
  " WHERE p.tenant_id = c.tenant_id AND p.customer_id = c.id AND p.ciphertext IS NOT NULL), " \
  "coalesce(to_char(c.birthday, 'YYYY-MM-DD'), ''), array_to_string(c.tags, chr(31)), "      \
  QQ_STATUS_OF("c.last_activity_at") ", c.channel, c.kind, "                                 \
  "coalesce((SELECT a.area_id FROM addresses a WHERE a.tenant_id = c.tenant_id "            \
  "  AND a.customer_id = c.id AND a.deleted_at IS NULL ORDER BY a.position LIMIT 1), ''), "  \
  "(extract(epoch FROM c.created_at) * 1000000)::bigint, "                                   \
  "(extract(epoch FROM c.last_activity_at) * 1000000)::bigint, c.version"

#define QQ_FIRST_AREA_OF_C                                                       \
  "coalesce((SELECT a.area_id FROM addresses a WHERE a.tenant_id = c.tenant_id " \
  "  AND a.customer_id = c.id AND a.deleted_at IS NULL ORDER BY a.position LIMIT 1), '')"

// The old row is read (and locked) in the CTE: its last activity gives the status before,
// also when a concurrent change made this statement wait. $3 NULL = now().
const NamedQuery kMoveActivity{
    "MoveCustomerActivity",
    "WITH t AS (SELECT coalesce(to_timestamp($3::bigint / 1000000.0), now()) AS at), "
    "old AS (SELECT o.id, o.last_activity_at FROM customers o, t WHERE o.tenant_id = $1 "
    "  AND o.id = $2::uuid AND o.deleted_at IS NULL AND o.last_activity_at < t.at "
    "  FOR NO KEY UPDATE OF o) "
    "UPDATE customers c SET last_activity_at = t.at, version = " QQ_NEXT_CUSTOMER_VERSION_SQL
    " FROM old, t WHERE c.id = old.id "
    "RETURNING " QQ_CUSTOMER_EVENT_COLUMNS ", " QQ_STATUS_OF("old.last_activity_at")};
const NamedQuery kCustomerEvents{"CustomerEvents",
                                 "SELECT " QQ_CUSTOMER_EVENT_COLUMNS
                                 " FROM customers c WHERE c.tenant_id = $1 "
                                 "  AND c.id = ANY($2::uuid[]) AND c.deleted_at IS NULL "
                                 "ORDER BY c.id"};
const NamedQuery kLockFirstArea{"LockCustomerFirstArea",
                                "SELECT " QQ_FIRST_AREA_OF_C
                                " FROM customers c WHERE c.tenant_id = $1 AND c.id = $2::uuid "
                                "  AND c.deleted_at IS NULL FOR NO KEY UPDATE OF c"};
const NamedQuery kFirstAreaChanged{
    "CustomerFirstAreaChanged",
    "UPDATE customers c SET version = " QQ_NEXT_CUSTOMER_VERSION_SQL
    " WHERE c.tenant_id = $1 AND c.id = $2::uuid AND c.deleted_at IS NULL "
    "  AND " QQ_FIRST_AREA_OF_C " <> $3 RETURNING " QQ_CUSTOMER_EVENT_COLUMNS};

std::string Bytea(const std::string& bytes) { return "\\x" + absl::BytesToHexString(bytes); }

}  // namespace

events::CustomerChanged CustomerChangedOf(const v1::Customer& customer, int64_t version) {
  events::CustomerChanged out;
  out.set_customer_id(customer.id());
  out.set_name(customer.name());
  for (const std::string& phone : customer.phones()) out.add_phones(phone);
  out.set_birthday(customer.birthday());
  for (const std::string& tag : customer.tags()) out.add_tags(tag);
  out.set_status(v1::Customer::Status_Name(customer.status()));
  out.set_channel(v1::Customer::Channel_Name(customer.channel()));
  out.set_kind(v1::Customer::Kind_Name(customer.kind()));
  if (!customer.addresses().empty()) out.set_area_id(customer.addresses(0).area_id());
  *out.mutable_create_time() = customer.create_time();
  *out.mutable_last_activity_time() = customer.last_activity_time();
  out.set_version(version);
  return out;
}

events::LedgerPosted LedgerPostedOf(const v1::LedgerEntry& entry) {
  events::LedgerPosted out;
  out.set_entry_id(entry.id());
  out.set_customer_id(entry.customer_id());
  out.set_kind(v1::LedgerEntry::Kind_Name(entry.kind()));
  out.set_asset_kind(v1::LedgerAsset::Kind_Name(entry.asset().kind()));
  out.set_product(entry.asset().product());
  out.set_quantity_delta(entry.quantity_delta());
  out.set_amount_fen_delta(entry.amount_fen_delta());
  out.set_quantity_after(entry.quantity_after());
  out.set_amount_fen_after(entry.amount_fen_after());
  out.set_order_id(entry.order_id());
  out.set_actor(entry.actor_id());
  *out.mutable_time() = entry.create_time();
  out.set_caused_by_rule(entry.caused_by_rule());
  return out;
}

OutgoingEvent CustomerEvent(const std::string& tenant, const std::string& type,
                            const events::CustomerChanged& payload) {
  return {EventStreamName("customer"), tenant, type, payload.customer_id(),
          payload.SerializeAsString()};
}

OutgoingEvent LedgerEvent(const std::string& tenant, const events::LedgerPosted& payload) {
  // Keyed by the customer: a consumer's balances are per customer.
  return {EventStreamName("customer"), tenant, kLedgerPostedEvent, payload.customer_id(),
          payload.SerializeAsString()};
}

void AppendAllToOutbox(pqxx::work& txn, const std::vector<OutgoingEvent>& events) {
  if (events.size() == 1) AppendToOutbox(txn, events.front());
  if (events.size() <= 1) return;
  pqxx::stream_to out(
      txn, "qq_outbox",
      std::vector<std::string>{"stream", "tenant_id", "event_type", "aggregate_id", "payload"});
  for (const OutgoingEvent& e : events) {
    out << std::make_tuple(e.stream, e.tenant, e.type, e.aggregate_id, Bytea(e.payload));
  }
  out.complete();
}

CustomerOutbox::CustomerOutbox(PgPool& pool, const PiiCipher& cipher, OutboxRelay* relay)
    : pool_(pool), cipher_(cipher), relay_(relay) {
  pool_.Prepare({kMoveActivity, kCustomerEvents, kLockFirstArea, kFirstAreaChanged});
}

void CustomerOutbox::Wake() {
  if (relay_ != nullptr) relay_->Wake();
}

absl::StatusOr<std::vector<events::CustomerChanged>> CustomerOutbox::PayloadsOf(
    const pqxx::result& rows, const std::string& tenant) const {
  std::vector<events::CustomerChanged> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    events::CustomerChanged c;
    c.set_customer_id(row[0].as<std::string>());
    c.set_name(row[1].as<std::string>());
    if (!row[2].is_null()) {
      for (absl::string_view sealed : absl::StrSplit(row[2].c_str(), '\x1f')) {
        std::pair<std::string, std::string> hex_and_key = absl::StrSplit(sealed, ' ');
        QQ_ASSIGN_OR_RETURN(
            std::string phone,
            cipher_.Open(hex_and_key.second, tenant, absl::HexStringToBytes(hex_and_key.first)));
        c.add_phones(std::move(phone));
      }
    }
    c.set_birthday(row[3].as<std::string>());
    for (absl::string_view tag :
         absl::StrSplit(row[4].as<std::string>(), '\x1f', absl::SkipEmpty())) {
      c.add_tags(std::string(tag));
    }
    c.set_status(row[5].as<std::string>());
    c.set_channel(row[6].as<std::string>());
    c.set_kind(row[7].as<std::string>());
    c.set_area_id(row[8].as<std::string>());
    *c.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[9].as<int64_t>());
    *c.mutable_last_activity_time() = TimeUtil::MicrosecondsToTimestamp(row[10].as<int64_t>());
    c.set_version(row[11].as<int64_t>());
    out.push_back(std::move(c));
  }
  return out;
}

absl::Status CustomerOutbox::RecordActivityIn(pqxx::work& txn, const std::string& tenant,
                                              const std::string& customer_id, int64_t when_micros) {
  NullableParam when;
  if (when_micros != 0) when.text = std::to_string(when_micros);
  pqxx::result rows = txn.exec_prepared(kMoveActivity.name, tenant, customer_id, when.get());
  if (rows.empty()) return absl::OkStatus();
  QQ_ASSIGN_OR_RETURN(auto payloads, PayloadsOf(rows, tenant));
  events::CustomerChanged& payload = payloads.front();
  const std::string previous = rows[0][12].as<std::string>();
  if (previous != payload.status()) {
    payload.set_previous_status(previous);
    AppendToOutbox(txn, CustomerEvent(tenant, kCustomerStatusChangedEvent, payload));
  } else {
    AppendToOutbox(txn, CustomerEvent(tenant, kCustomerUpdatedEvent, payload));
  }
  return absl::OkStatus();
}

absl::Status CustomerOutbox::PublishIn(pqxx::work& txn, const std::string& tenant,
                                       const std::vector<std::string>& ids,
                                       const std::string& type) {
  if (ids.empty()) return absl::OkStatus();
  QQ_ASSIGN_OR_RETURN(
      auto payloads,
      PayloadsOf(txn.exec_prepared(kCustomerEvents.name, tenant, PgTextArray(ids)), tenant));
  std::vector<OutgoingEvent> out;
  out.reserve(payloads.size());
  for (const auto& payload : payloads) out.push_back(CustomerEvent(tenant, type, payload));
  AppendAllToOutbox(txn, out);
  return absl::OkStatus();
}

absl::StatusOr<std::string> CustomerOutbox::LockFirstAreaIn(pqxx::work& txn,
                                                            const std::string& tenant,
                                                            const std::string& customer_id) {
  pqxx::result rows = txn.exec_prepared(kLockFirstArea.name, tenant, customer_id);
  if (rows.empty()) return WithField(absl::NotFoundError("no such customer"), "customerId");
  return rows[0][0].as<std::string>();
}

absl::Status CustomerOutbox::PublishIfFirstAreaChangedIn(pqxx::work& txn, const std::string& tenant,
                                                         const std::string& customer_id,
                                                         const std::string& area_before) {
  pqxx::result rows = txn.exec_prepared(kFirstAreaChanged.name, tenant, customer_id, area_before);
  if (rows.empty()) return absl::OkStatus();
  QQ_ASSIGN_OR_RETURN(auto payloads, PayloadsOf(rows, tenant));
  AppendToOutbox(txn, CustomerEvent(tenant, kCustomerUpdatedEvent, payloads.front()));
  return absl::OkStatus();
}

}  // namespace qq::customer
