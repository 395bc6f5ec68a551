// The events the order service publishes about work orders, built from the order as
// stored after the change (stream qq:events:order).
#pragma once

#include <optional>
#include <string>

#include "services/common/outbox.h"
#include "services/order/order_store.h"

namespace qq::order {

inline constexpr char kWorkOrderCreated[] = "workorder.created";
inline constexpr char kWorkOrderAccepted[] = "workorder.accepted";
inline constexpr char kWorkOrderResolved[] = "workorder.resolved";

OutgoingEvent WorkOrderCreatedEvent(const std::string& tenant, const WorkOrder& wo);
OutgoingEvent WorkOrderAcceptedEvent(const std::string& tenant, const WorkOrder& wo);
OutgoingEvent WorkOrderResolvedEvent(const std::string& tenant, const WorkOrder& wo,
                                     const std::string& contact_phone);

}  // namespace qq::order
