#include "services/notification/sms_provider.h"

#include "services/notification/notification_store.h"

namespace qq::notification {

absl::Status DevSmsProvider::Send(pqxx::work& txn, const std::string& message_id,
                                  const std::string& phone, const std::string& body) {
  NotificationStore::RecordDevSms(txn, message_id, phone, body);
  return absl::OkStatus();
}

}  // namespace qq::notification
