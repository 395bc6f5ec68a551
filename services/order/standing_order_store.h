// SQL for standing orders (定期送水). A standing order keeps its spec (what each
// occurrence's order gets, and when) as proto JSON next to the bookkeeping the generator
// needs: the next delivery day, when to create its order, and a lease so replicas share
// the work. An occurrence's order and the advance to the next day commit together (see
// RecordOccurrenceIn), and the delivery orders' unique index on (standing order, day)
// makes a second order for a day impossible.
#pragma once

#include <pqxx/pqxx>

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "qingquan/order/v1/order.pb.h"
#include "services/common/idempotency.h"
#include "services/order/domain/standing_order.h"

namespace qq {
class PgPool;
}

namespace qq::order {

// The next occurrence to create an order for; nullopt when the schedule is over.
using NextOccurrence = std::optional<Occurrence>;

struct StandingOrderPage {
  std::vector<StandingOrder> standing_orders;
  std::string next_page_token;
};

// What an update or a state change does to a locked standing order.
struct StandingOrderChange {
  StandingOrder spec;  // the new spec (the current one when unchanged)
  StandingOrder::State state = StandingOrder::ACTIVE;
  std::string state_reason;
  NextOccurrence next;  // ignored unless state is ACTIVE
};
using DecideStandingChange =
    std::function<absl::StatusOr<StandingOrderChange>(const StandingOrder& current)>;

struct DueStandingOrder {
  std::string tenant;
  StandingOrder order;  // spec plus bookkeeping, as Get returns it
};

class StandingOrderStore {
 public:
  explicit StandingOrderStore(PgPool& pool);

  // ACTIVE with its first occurrence `next` (which must be set).
  absl::StatusOr<StandingOrder> Create(const std::string& tenant, const std::string& actor,
                                       const StandingOrder& spec, const Occurrence& next,
                                       const IdempotencyScope& idempotency);
  // NOT_FOUND (field "id") when the tenant has no such standing order.
  absl::StatusOr<StandingOrder> Get(const std::string& tenant, const std::string& id);
  // Oldest first.
  absl::StatusOr<StandingOrderPage> List(const std::string& tenant, const std::string& customer_id,
                                         const std::string& state, int page_size,
                                         const std::string& page_token);
  absl::StatusOr<StandingOrder> Change(const std::string& tenant, const std::string& id,
                                       const DecideStandingChange& decide);

  // Leases up to `limit` active standing orders whose next order is due, for `lease`.
  absl::StatusOr<std::vector<DueStandingOrder>> ClaimDue(int limit, absl::Duration lease);

  // Inside the transaction that creates the order of delivery day `day`: moves on to
  // `next` (ENDED when none) and frees the lease. ABORTED when the standing order no
  // longer waits for `day` or is no longer active (someone else created it, or it was
  // paused or rescheduled meanwhile): the caller's transaction must roll back.
  static absl::Status RecordOccurrenceIn(pqxx::work& txn, const std::string& tenant,
                                         const std::string& id, absl::CivilDay day,
                                         const NextOccurrence& next, const std::string& order_id);
  // Moves past `day` without an order (its window had passed); `note` becomes last_error.
  absl::Status Skip(const std::string& tenant, const std::string& id, absl::CivilDay day,
                    const NextOccurrence& next, const std::string& note);
  // Stops creating orders until someone resumes it, saying why.
  absl::Status PauseForProblem(const std::string& tenant, const std::string& id,
                               const std::string& reason);
  // A failure worth retrying: keeps the lease `retry_after` longer and records the error.
  absl::Status Postpone(const std::string& tenant, const std::string& id, const std::string& error,
                        absl::Duration retry_after);

 private:
  PgPool& pool_;
};

// The spec of `order`: only what a client sets (no ids, state or bookkeeping).
StandingOrder SpecOf(const StandingOrder& order);

}  // namespace qq::order
