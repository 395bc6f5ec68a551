// The only place with SQL for the notification service: messages and what the
// development SMS provider recorded.
#pragma once

#include <pqxx/pqxx>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "qingquan/notification/v1/notification.pb.h"
#include "services/common/migrations.h"

namespace qq {
class PgPool;
// Generated from services/notification/migrations/*.sql (cmake/EmbedSql.cmake).
std::vector<Migration> notification_migrations();
}  // namespace qq

namespace qq::notification {

struct NewMessage {
  std::string tenant;
  std::string source_event;
  std::string channel;    // "SMS"
  std::string recipient;  // full number; shown masked
  std::string customer_id;
  std::string work_order_id;
  std::string template_name;
  std::string body;
};

struct MessageFilter {
  std::string customer_id;
  std::string work_order_id;
};

class NotificationStore {
 public:
  explicit NotificationStore(PgPool& pool);

  // Inserts the message unless this event already produced it; returns its id, or ""
  // when it existed.
  static std::string InsertMessageOnce(pqxx::work& txn, const NewMessage& message,
                                       const std::string& status, const std::string& provider);
  static void RecordDevSms(pqxx::work& txn, const std::string& message_id, const std::string& phone,
                           const std::string& body);

  // Newest first, at most `limit`.
  absl::StatusOr<std::vector<qingquan::notification::v1::Message>> ListMessages(
      const std::string& tenant, const MessageFilter& filter, int limit);

 private:
  PgPool& pool_;
};

}  // namespace qq::notification
