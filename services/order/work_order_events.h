// The events the order service publishes about work orders, built from the order as
// stored after the change (stream qq:events:order).
#pragma once

#include <string>

#include "services/common/outbox.h"
#include "services/order/order_store.h"

namespace qq::order {

inline constexpr char kWorkOrderCreated[] = "workorder.created";

OutgoingEvent WorkOrderCreatedEvent(const std::string& tenant, const WorkOrder& wo);

// Under change.event_type with a WorkOrderTransitioned payload. `contact_phone` is sent
// on resolving steps only (for the customer's SMS), empty otherwise.
OutgoingEvent WorkOrderTransitionedEvent(const std::string& tenant, const WorkOrder& wo,
                                         const WorkOrderChange& change,
                                         const std::string& from_state,
                                         const std::string& contact_phone);

}  // namespace qq::order
