#include "services/notification/notification_service.h"

#include "qingquan/common/v1/events.pb.h"
#include "services/common/status.h"
#include "services/notification/domain/message_templates.h"

namespace qq::notification {

namespace v1 = qingquan::notification::v1;

grpc::ServerUnaryReactor* NotificationServiceImpl::ListMessages(
    grpc::CallbackServerContext* ctx, const v1::ListMessagesRequest* request,
    v1::ListMessagesResponse* response) {
  // Captures by value: the handler runs on a worker thread after this function returned.
  return guard_.Offloaded(
      ctx, "ListMessages", [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(
            call, {roles::kAgent, roles::kDispatcher, roles::kLeader, roles::kManager}));
        int limit = request->page_size() == 0 ? 50 : request->page_size();
        if (limit < 1 || limit > 200) return InvalidField("pageSize", "must be between 1 and 200");
        QQ_RETURN_IF_ERROR(filters_.Check(call, request->customer_id(), request->work_order_id()));
        QQ_ASSIGN_OR_RETURN(
            auto messages,
            store_.ListMessages(call.identity.tenant,
                                {request->customer_id(), request->work_order_id()}, limit));
        for (auto& m : messages) *response->add_messages() = std::move(m);
        return absl::OkStatus();
      });
}

absl::Status HandleOrderEvent(SmsProvider& sms, pqxx::work& txn, const StreamEvent& event) {
  if (event.type == "survey.offered") {
    qingquan::common::v1::SurveyOffered survey;
    if (!survey.ParseFromString(event.payload)) {
      return absl::InvalidArgumentError("survey.offered payload does not parse");
    }
    if (survey.contact_phone().empty()) return absl::OkStatus();
    NewMessage message{
        .tenant = event.tenant,
        .source_event = event.event_id,
        .channel = "SMS",
        .recipient = survey.contact_phone(),
        .customer_id = survey.customer_id(),
        .work_order_id = survey.order_kind() == "WORK_ORDER" ? survey.order_id() : "",
        .template_name = kSatisfactionSurveyTemplate,
        .body = SatisfactionSurveySms(survey.customer_name(), survey.number())};
    std::string id = NotificationStore::InsertMessageOnce(txn, message, "SENT", sms.name());
    if (id.empty()) return absl::OkStatus();  // already sent for this event
    return sms.Send(txn, id, message.recipient, message.body);
  }
  if (event.type != "workorder.resolved") return absl::OkStatus();
  qingquan::common::v1::WorkOrderTransitioned resolved;
  if (!resolved.ParseFromString(event.payload)) {
    return absl::InvalidArgumentError("workorder.resolved payload does not parse");
  }
  if (resolved.contact_phone().empty()) return absl::OkStatus();
  NewMessage message{.tenant = event.tenant,
                     .source_event = event.event_id,
                     .channel = "SMS",
                     .recipient = resolved.contact_phone(),
                     .customer_id = resolved.customer_id(),
                     .work_order_id = resolved.work_order_id(),
                     .template_name = kWorkOrderResolvedTemplate,
                     .body = WorkOrderResolvedSms(resolved.customer_name(), resolved.type(),
                                                  resolved.number(), resolved.result())};
  std::string id = NotificationStore::InsertMessageOnce(txn, message, "SENT", sms.name());
  if (id.empty()) return absl::OkStatus();  // already sent for this event
  return sms.Send(txn, id, message.recipient, message.body);
}

}  // namespace qq::notification
