#include "services/order/work_order_events.h"

#include <google/protobuf/util/time_util.h>

#include "absl/time/clock.h"
#include "qingquan/common/v1/events.pb.h"

namespace qq::order {
namespace {

using google::protobuf::util::TimeUtil;

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
  e.set_channel(qingquan::order::v1::Channel_Name(wo.channel()));
  e.set_customer_id(wo.customer_id());
  e.set_address_text(wo.address_text());
  if (wo.has_location()) *e.mutable_location() = wo.location();
  *e.mutable_create_time() = wo.create_time();
  e.set_routing(qingquan::order::v1::Workflow::Routing_Name(wo.routing()));
  return Envelope(tenant, kWorkOrderCreated, wo, e);
}

OutgoingEvent WorkOrderTransitionedEvent(const std::string& tenant, const WorkOrder& wo,
                                         const WorkOrderChange& change,
                                         const std::string& from_state,
                                         const std::string& contact_phone) {
  qingquan::common::v1::WorkOrderTransitioned e;
  e.set_work_order_id(wo.id());
  e.set_number(wo.number());
  e.set_type(WorkOrder::Type_Name(wo.type()));
  e.set_transition(change.transition);
  e.set_from_state(from_state);
  e.set_to_state(wo.state());
  e.set_actor(change.actor);
  *e.mutable_time() = wo.update_time();
  e.set_customer_id(wo.customer_id());
  e.set_customer_name(wo.customer_name());
  e.set_contact_phone(contact_phone);
  e.set_assignee_id(wo.assignee_id());
  e.set_team_id(wo.team_id());
  e.set_team_name(wo.team_name());
  e.set_comment(change.comment);
  e.set_result(wo.result());
  *e.mutable_create_time() = wo.create_time();
  if (wo.has_resolve_time()) *e.mutable_resolve_time() = wo.resolve_time();
  e.set_reopen_count(wo.reopen_count());
  e.set_workflow_version(wo.workflow_version());
  e.set_channel(qingquan::order::v1::Channel_Name(wo.channel()));
  e.set_urgency(WorkOrder::Urgency_Name(wo.urgency()));
  e.set_step_kind(change.step_kind);
  e.set_assignee_name(wo.assignee_name());
  return OutgoingEvent{EventStreamName("order"), tenant, change.event_type, wo.id(),
                       e.SerializeAsString()};
}

OutgoingEvent SlaAlertEvent(const std::string& tenant, const WorkOrder& wo,
                            const SlaAlertDue& alert) {
  qingquan::common::v1::SlaAlert e;
  e.set_work_order_id(wo.id());
  e.set_number(wo.number());
  e.set_type(WorkOrder::Type_Name(wo.type()));
  e.set_clock(alert.clock);
  e.set_level(alert.level);
  e.set_notify_role(alert.notify_role);
  *e.mutable_due_time() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(alert.due));
  *e.mutable_time() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now()));
  e.set_team_id(wo.team_id());
  e.set_assignee_id(wo.assignee_id());
  e.set_urgency(WorkOrder::Urgency_Name(wo.urgency()));
  e.set_customer_id(wo.customer_id());
  return Envelope(tenant, alert.type.c_str(), wo, e);
}

OutgoingEvent SurveyOfferedEvent(const std::string& tenant, const std::string& order_id,
                                 const std::string& order_kind, const std::string& number,
                                 const std::string& customer_id, const std::string& customer_name,
                                 const std::string& contact_phone) {
  qingquan::common::v1::SurveyOffered e;
  e.set_order_id(order_id);
  e.set_order_kind(order_kind);
  e.set_number(number);
  e.set_customer_id(customer_id);
  e.set_customer_name(customer_name);
  e.set_contact_phone(contact_phone);
  return OutgoingEvent{EventStreamName("order"), tenant, "survey.offered", order_id,
                       e.SerializeAsString()};
}

}  // namespace qq::order
