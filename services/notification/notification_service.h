// gRPC handlers of the notification service, and the handler of order-service events
// that turns them into customer messages.
#pragma once

#include <pqxx/pqxx>

#include "qingquan/notification/v1/notification.grpc.pb.h"
#include "services/common/call_guard.h"
#include "services/common/event_consumer.h"
#include "services/notification/message_filters.h"
#include "services/notification/notification_store.h"
#include "services/notification/sms_provider.h"

namespace qq::notification {

class NotificationServiceImpl final
    : public qingquan::notification::v1::NotificationService::CallbackService {
 public:
  NotificationServiceImpl(CallGuard& guard, NotificationStore& store, MessageFilters& filters)
      : guard_(guard), store_(store), filters_(filters) {}

  grpc::ServerUnaryReactor* ListMessages(
      grpc::CallbackServerContext* ctx,
      const qingquan::notification::v1::ListMessagesRequest* request,
      qingquan::notification::v1::ListMessagesResponse* response) override;

 private:
  CallGuard& guard_;
  NotificationStore& store_;
  MessageFilters& filters_;
};

// "workorder.resolved" → an SMS to the customer's contact phone (none when the
// customer has no phone). Each event yields its message once, however often delivered.
absl::Status HandleOrderEvent(SmsProvider& sms, pqxx::work& txn, const StreamEvent& event);

}  // namespace qq::notification
