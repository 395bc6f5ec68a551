// Automatic assignment of work orders to workers (per tenant, off by default): after a
// work order is routed to a team, the best worker of the team on duty (WorkerChoice) is
// offered it; the order service assigns them. An offer not accepted in time, or turned
// down, goes to the next candidate; a leader's own choice ends the offers. Every offer is
// kept with its score breakdown ("why this worker") and announced as
// "workorder.worker_offered".
#pragma once

#include <pqxx/pqxx>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "qingquan/common/v1/events.pb.h"
#include "qingquan/dispatch/v1/dispatch.pb.h"
#include "services/dispatch/domain/geo_point.h"

namespace qq {
class PgPool;
}

namespace qq::dispatch {

using qingquan::dispatch::v1::DispatchSettings;
using qingquan::dispatch::v1::WorkerOffer;

// A worker's reason for turning an offer down, in characters.
inline constexpr size_t kMaxRejectReasonChars = 500;

// Work-order types a worker goes out for (the others are handled at the desk).
bool IsFieldWorkType(const std::string& type);

// The shipped defaults: automatic assignment off, 15 minutes to accept, REPAIR → 管网维修,
// NEW_CONNECTION → 水表, DISPENSER_REPAIR → 饮水机, WATER_CHANGE → 送水.
DispatchSettings DefaultDispatchSettings();
// INVALID_ARGUMENT naming "acceptTimeoutMinutes" or "skillByType".
absl::Status CheckDispatchSettings(const DispatchSettings& settings);

class WorkerOfferStore {
 public:
  explicit WorkerOfferStore(PgPool& pool);

  static DispatchSettings SettingsIn(pqxx::work& txn, const std::string& tenant);
  absl::StatusOr<DispatchSettings> Settings(const std::string& tenant);
  absl::StatusOr<DispatchSettings> SaveSettings(const std::string& tenant,
                                                DispatchSettings settings);

  // Keeps what later offers and the dispatch board need to know of a routed work order.
  static void RememberOrderIn(pqxx::work& txn, const std::string& tenant,
                              const qingquan::common::v1::WorkOrderCreated& created,
                              const std::string& work_order_id);

  // Offers the order to the best worker not offered it yet (automatic mode, field work,
  // no offer accepted or overridden), or announces that none is left (once).
  // `previous_outcome` goes in front of the reason (e.g. "上一位超时未接单").
  static absl::Status OfferNextIn(pqxx::work& txn, const std::string& tenant,
                                  const std::string& work_order_id, absl::Time now,
                                  const std::string& previous_outcome = "");

  // Every offer of the order, first to last.
  absl::StatusOr<std::vector<WorkerOffer>> Offers(const std::string& tenant,
                                                  const std::string& work_order_id);

  // The worker turns the waiting offer down: FAILED_PRECONDITION (field "workOrderId") when
  // no offer of this order waits for them.
  absl::Status Reject(const std::string& tenant, const std::string& work_order_id,
                      const std::string& worker_id, const std::string& reason, absl::Time now);

  // Offers past their time: expired, and the next candidate offered. One transaction per
  // offer; replicas share the work (SKIP LOCKED). Returns how many expired.
  absl::StatusOr<int> ExpireDue(int limit, absl::Time now);

  // Follows the order service's work-order steps: accepted, assigned by a person
  // (overrides), resolved/closed/cancelled (done); and who holds the order, for the board.
  static void ApplyWorkOrderStepIn(pqxx::work& txn, const std::string& tenant,
                                   const std::string& type,
                                   const qingquan::common::v1::WorkOrderTransitioned& step);

 private:
  PgPool& pool_;
};

}  // namespace qq::dispatch
