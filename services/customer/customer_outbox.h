// The customer service's own events, written to the outbox inside the transaction of the
// change that caused them (the stores call this; OutboxRelay in main.cc publishes them to
// qq:events:customer): customer.created / updated / status_changed / deleted carry the
// customer in full (CustomerChanged, with plain phones: personal data, an internal stream
// only), ledger.posted one ledger entry with the balance after it (LedgerPosted).
#pragma once

#include <pqxx/pqxx>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "qingquan/common/v1/events.pb.h"
#include "qingquan/customer/v1/customer.pb.h"
#include "services/common/outbox.h"
#include "services/customer/domain/pii_cipher.h"

namespace qq {
class PgPool;
}

namespace qq::customer {

inline constexpr char kCustomerCreatedEvent[] = "customer.created";
inline constexpr char kCustomerUpdatedEvent[] = "customer.updated";
inline constexpr char kCustomerStatusChangedEvent[] = "customer.status_changed";
inline constexpr char kCustomerDeletedEvent[] = "customer.deleted";
inline constexpr char kLedgerPostedEvent[] = "ledger.posted";

// The SQL expression of a customer's next version (CustomerChanged.version) in an UPDATE
// of customers: grows with every change, also within one microsecond.
#define QQ_NEXT_CUSTOMER_VERSION_SQL \
  "greatest(version + 1, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint)"

// The event payload of a customer as a store just read it back, at `version`.
qingquan::common::v1::CustomerChanged CustomerChangedOf(
    const qingquan::customer::v1::Customer& customer, int64_t version);
// The event payload of a posted ledger entry.
qingquan::common::v1::LedgerPosted LedgerPostedOf(const qingquan::customer::v1::LedgerEntry& entry);

OutgoingEvent CustomerEvent(const std::string& tenant, const std::string& type,
                            const qingquan::common::v1::CustomerChanged& payload);
OutgoingEvent LedgerEvent(const std::string& tenant,
                          const qingquan::common::v1::LedgerPosted& payload);

// Appends `events` to the outbox in one COPY (an import batch, a tag renamed on thousands
// of customers) instead of one INSERT each; one event goes through AppendToOutbox.
void AppendAllToOutbox(pqxx::work& txn, const std::vector<OutgoingEvent>& events);

class CustomerOutbox {
 public:
  // `relay` is woken after commits that wrote events; null in tests (nothing relays).
  CustomerOutbox(PgPool& pool, const PiiCipher& cipher, OutboxRelay* relay);

  // Moves the customer's last activity forward to `when_micros` (0: the transaction's
  // now()) and, when it moved, appends customer.status_changed if that changed the derived
  // status (a silent customer ordering again) or customer.updated otherwise. One statement
  // plus the outbox row; nothing for an unknown, deleted or already later customer.
  absl::Status RecordActivityIn(pqxx::work& txn, const std::string& tenant,
                                const std::string& customer_id, int64_t when_micros);

  // Appends one `type` event for each of `ids` as they stand in `txn` (after the caller's
  // statement changed them and their version). Deleted or unknown ids are skipped.
  absl::Status PublishIn(pqxx::work& txn, const std::string& tenant,
                         const std::vector<std::string>& ids, const std::string& type);

  // The area of the customer's first address ("" when none), locking the customer's row
  // so its addresses cannot change under the caller until commit. NOT_FOUND (customerId)
  // for an unknown or deleted customer.
  absl::StatusOr<std::string> LockFirstAreaIn(pqxx::work& txn, const std::string& tenant,
                                              const std::string& customer_id);
  // Appends customer.updated (with a new version) when the area of the customer's first
  // address is no longer `area_before` (an address moved, was deleted or got its area).
  absl::Status PublishIfFirstAreaChangedIn(pqxx::work& txn, const std::string& tenant,
                                           const std::string& customer_id,
                                           const std::string& area_before);

  // Tells the relay to publish now; call after a commit that appended events.
  void Wake();

 private:
  // Reads the rows of a query that returns the event columns into payloads.
  absl::StatusOr<std::vector<qingquan::common::v1::CustomerChanged>> PayloadsOf(
      const pqxx::result& rows, const std::string& tenant) const;

  PgPool& pool_;
  const PiiCipher& cipher_;
  OutboxRelay* relay_;
};

}  // namespace qq::customer
