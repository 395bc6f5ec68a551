// Events customer-svc listens to. area.changed (dispatch): the stored service areas of the
// tenant's located addresses may be stale, so they are marked for re-resolution (the
// AreaResolver then asks dispatch again). workorder.created and order.created (order): the
// customer's last activity moves forward, which keeps the derived status
// (active/silent/churned) true, and publishes customer.updated (customer.status_changed
// when a silent or churned customer becomes active) in the same transaction.
#pragma once

#include <pqxx/pqxx>

#include "absl/status/status.h"
#include "services/common/event_consumer.h"

namespace qq::customer {

inline constexpr char kAreaChangedEvent[] = "area.changed";
inline constexpr char kWorkOrderCreatedEvent[] = "workorder.created";
inline constexpr char kDeliveryOrderCreatedEvent[] = "order.created";

class CustomerStore;

class CustomerEventHandler {
 public:
  explicit CustomerEventHandler(CustomerStore& store) : store_(store) {}

  // Other event types are ignored. INVALID_ARGUMENT for a payload that does not parse
  // (after five tries it goes to the dead-letter stream).
  absl::Status Handle(pqxx::work& txn, const StreamEvent& event);

 private:
  CustomerStore& store_;
};

}  // namespace qq::customer
