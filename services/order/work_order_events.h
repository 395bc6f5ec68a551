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

// sla.warning / sla.breached / sla.escalated (payload SlaAlert).
OutgoingEvent SlaAlertEvent(const std::string& tenant, const WorkOrder& wo,
                            const SlaAlertDue& alert);

// survey.offered (payload SurveyOffered): ask the customer for a score.
OutgoingEvent SurveyOfferedEvent(const std::string& tenant, const std::string& order_id,
                                 const std::string& order_kind, const std::string& number,
                                 const std::string& customer_id, const std::string& customer_name,
                                 const std::string& contact_phone);

}  // namespace qq::order
