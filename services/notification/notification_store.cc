#include "services/notification/notification_store.h"

#include <google/protobuf/util/time_util.h>

#include "services/common/pg_pool.h"
#include "services/common/pii.h"

namespace qq::notification {
namespace {

namespace v1 = qingquan::notification::v1;
using google::protobuf::util::TimeUtil;

const NamedQuery kInsertMessage{
    "InsertMessage",
    "INSERT INTO messages (tenant_id, source_event, channel, recipient, customer_id, "
    "  work_order_id, template, body, status, provider) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
    "ON CONFLICT (tenant_id, source_event, template) DO NOTHING RETURNING id"};
const NamedQuery kInsertDevSms{
    "InsertDevSms", "INSERT INTO dev_sms_sent (message_id, phone, body) VALUES ($1, $2, $3)"};
const NamedQuery kListMessages{
    "ListMessages",
    "SELECT id, channel, recipient, customer_id, work_order_id, template, body, status, "
    "  provider, (extract(epoch FROM created_at) * 1000000)::bigint "
    "FROM messages WHERE tenant_id = $1 AND ($2 = '' OR customer_id = $2) "
    "  AND ($3 = '' OR work_order_id = $3) ORDER BY created_at DESC, id LIMIT $4"};

}  // namespace

NotificationStore::NotificationStore(PgPool& pool) : pool_(pool) {
  pool_.Prepare({kInsertMessage, kInsertDevSms, kListMessages});
}

std::string NotificationStore::InsertMessageOnce(pqxx::work& txn, const NewMessage& m,
                                                 const std::string& status,
                                                 const std::string& provider) {
  pqxx::result r =
      txn.exec_prepared(kInsertMessage.name, m.tenant, m.source_event, m.channel, m.recipient,
                        m.customer_id, m.work_order_id, m.template_name, m.body, status, provider);
  return r.empty() ? "" : r[0][0].as<std::string>();
}

void NotificationStore::RecordDevSms(pqxx::work& txn, const std::string& message_id,
                                     const std::string& phone, const std::string& body) {
  txn.exec_prepared(kInsertDevSms.name, message_id, phone, body);
}

absl::StatusOr<std::vector<v1::Message>> NotificationStore::ListMessages(
    const std::string& tenant, const MessageFilter& filter, int limit) {
  std::vector<v1::Message> messages;
  absl::Status status = pool_.Read([&](pqxx::work& txn) {
    messages.clear();
    for (const auto& row : txn.exec_prepared(kListMessages.name, tenant, filter.customer_id,
                                             filter.work_order_id, limit)) {
      v1::Message m;
      m.set_id(row[0].as<std::string>());
      v1::Message::Channel channel;
      m.set_channel(v1::Message::Channel_Parse(row[1].as<std::string>(), &channel)
                        ? channel
                        : v1::Message::CHANNEL_UNSPECIFIED);
      m.set_recipient(MaskPhone(row[2].as<std::string>()));
      m.set_customer_id(row[3].as<std::string>());
      m.set_work_order_id(row[4].as<std::string>());
      m.set_template_(row[5].as<std::string>());
      m.set_body(row[6].as<std::string>());
      v1::Message::Status st;
      m.set_status(v1::Message::Status_Parse(row[7].as<std::string>(), &st)
                       ? st
                       : v1::Message::STATUS_UNSPECIFIED);
      m.set_provider(row[8].as<std::string>());
      *m.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[9].as<long long>());
      messages.push_back(std::move(m));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return messages;
}

}  // namespace qq::notification
