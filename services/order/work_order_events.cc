#include "services/order/work_order_events.h"

#include <google/protobuf/util/time_util.h>

#include "qingquan/common/v1/events.pb.h"

namespace qq::order {
namespace {

OutgoingEvent Envelope(const std::string& tenant, const char* type, const WorkOrder& wo,
                       const google::protobuf::Message& payload) {
  return OutgoingEvent{EventStreamName("order"), tenant, type, wo.id(),
                       payload.SerializeAsString()};
}

}  // namespace

OutgoingEvent WorkOrderCreatedEvent(const std::string& tenant, const WorkOrder& wo) {
  qingquan::common::v1::WorkOrderCreated e;
  e.set_work_order_id(wo.id());
  e.set_number(wo.number());
  e.set_type(WorkOrder::Type_Name(wo.type()));
  e.set_channel(WorkOrder::Channel_Name(wo.channel()));
  e.set_customer_id(wo.customer_id());
  e.set_address_text(wo.address_text());
  if (wo.has_location()) *e.mutable_location() = wo.location();
  *e.mutable_create_time() = wo.create_time();
  return Envelope(tenant, kWorkOrderCreated, wo, e);
}

OutgoingEvent WorkOrderAcceptedEvent(const std::string& tenant, const WorkOrder& wo) {
  qingquan::common::v1::WorkOrderAccepted e;
  e.set_work_order_id(wo.id());
  e.set_worker_id(wo.assignee_id());
  *e.mutable_accept_time() = wo.update_time();
  return Envelope(tenant, kWorkOrderAccepted, wo, e);
}

OutgoingEvent WorkOrderResolvedEvent(const std::string& tenant, const WorkOrder& wo,
                                     const std::string& contact_phone) {
  qingquan::common::v1::WorkOrderResolved e;
  e.set_work_order_id(wo.id());
  e.set_number(wo.number());
  e.set_type(WorkOrder::Type_Name(wo.type()));
  e.set_customer_id(wo.customer_id());
  e.set_customer_name(wo.customer_name());
  e.set_contact_phone(contact_phone);
  e.set_result(wo.result());
  e.set_team_name(wo.team_name());
  *e.mutable_create_time() = wo.create_time();
  *e.mutable_resolve_time() = wo.resolve_time();
  return Envelope(tenant, kWorkOrderResolved, wo, e);
}

}  // namespace qq::order
