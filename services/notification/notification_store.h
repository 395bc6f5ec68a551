// The only place with SQL for the notification service: the message queue (an outbox of
// its own, drained by the sender), templates, settings, customer preferences and what
// the development provider recorded.
#pragma once

#include <pqxx/pqxx>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "qingquan/notification/v1/notification.pb.h"
#include "services/common/migrations.h"
#include "services/common/page_token.h"
#include "services/notification/domain/send_policy.h"

namespace qq {
class PgPool;
// Generated from services/notification/migrations/*.sql (cmake/EmbedSql.cmake).
std::vector<Migration> notification_migrations();
}  // namespace qq

namespace qq::notification {

using Params = std::vector<std::pair<std::string, std::string>>;

// A message on its way into the queue.
struct QueuedMessage {
  std::string tenant;
  std::string dedupe_key;
  std::string source_event;
  std::string channel;    // SMS, WECHAT, IN_APP
  std::string recipient;  // full phone, openid, staff role or user; shown masked
  std::string customer_id;
  std::string work_order_id;
  std::string delivery_order_id;
  std::string template_event;
  std::string category;
  std::string body;
  std::string provider_template;
  Params params;
  std::string status = "QUEUED";  // or SUPPRESSED
  std::string reason;
  absl::Time send_after;
  absl::CivilDay local_day;
  std::string rule_id;
};

// A message the sender took off the queue (leased, so a crashed sender's messages come
// back after the lease).
struct ClaimedMessage {
  std::string id;
  std::string tenant;
  std::string channel;
  std::string recipient;
  std::string body;
  std::string provider_template;
  Params params;
  int attempts = 0;  // including this one
  absl::Time created;
  std::string work_order_id;
  std::string delivery_order_id;
};

struct TemplateRow {
  std::string event;
  std::string channel;
  std::string body;
  std::string provider_template_code;
  bool enabled = true;
  long long updated_micros = 0;
  std::string updated_by;
};

struct StoredPolicy {
  SendPolicy policy;
  long long updated_micros = 0;  // 0: the defaults, never saved
  std::string updated_by;
};

struct PreferenceRow {
  std::string channel;
  bool opted_out = false;
  std::string source;
  long long updated_micros = 0;
  std::string updated_by;
};

// A tenant's provider on a channel; the secret stays sealed here (AtRestCipher).
struct ProviderAccountRow {
  std::string channel;
  std::string provider;  // ProviderAccount.Provider name
  std::string key_id;
  std::string secret_key_id;  // which at-rest key sealed it
  std::string secret_sealed;  // raw bytes; empty: none
  std::string sign_name;
  std::string sdk_app_id;
  std::string region;
  long long updated_micros = 0;
  std::string updated_by;
};

struct MessageFilter {
  std::string customer_id;
  std::string work_order_id;
  std::string delivery_order_id;
};

struct MessagePage {
  std::vector<qingquan::notification::v1::Message> messages;
  std::string next_page_token;
};

class NotificationStore {
 public:
  explicit NotificationStore(PgPool& pool);

  // --- inside the caller's transaction (event handlers, rules) ---
  static StoredPolicy PolicyIn(pqxx::work& txn, const std::string& tenant);
  static std::optional<TemplateRow> TemplateIn(pqxx::work& txn, const std::string& tenant,
                                               const std::string& event,
                                               const std::string& channel);
  static bool OptedOutIn(pqxx::work& txn, const std::string& tenant, const std::string& customer_id,
                         const std::string& channel);
  // Messages queued or sent to the customer on the channel for the tenant day, not
  // counting categories in `uncounted` (urgent ones).
  static int CountForDayIn(pqxx::work& txn, const std::string& tenant,
                           const std::string& customer_id, const std::string& channel,
                           absl::CivilDay day, const std::vector<std::string>& uncounted);
  // Queues the message unless its dedupe key exists; returns its id, or "" when it existed.
  static std::string InsertMessageIn(pqxx::work& txn, const QueuedMessage& message);
  static void SetPreferenceIn(pqxx::work& txn, const std::string& tenant,
                              const std::string& customer_id, const std::string& channel,
                              bool opted_out, const std::string& source, const std::string& by);

  // --- settings, templates, preferences ---
  absl::StatusOr<StoredPolicy> GetPolicy(const std::string& tenant);
  absl::StatusOr<StoredPolicy> SavePolicy(const std::string& tenant, const SendPolicy& policy,
                                          const std::string& by);
  absl::StatusOr<std::vector<TemplateRow>> ListTemplates(const std::string& tenant);
  absl::StatusOr<TemplateRow> SaveTemplate(const std::string& tenant, const TemplateRow& row,
                                           const std::string& by);
  absl::Status DeleteTemplate(const std::string& tenant, const std::string& event,
                              const std::string& channel);
  absl::StatusOr<std::vector<PreferenceRow>> GetPreferences(const std::string& tenant,
                                                            const std::string& customer_id);
  // Applies every change in one transaction.
  absl::Status SetPreferences(const std::string& tenant, const std::string& customer_id,
                              const std::vector<PreferenceRow>& changes, const std::string& by);

  // --- provider accounts ---
  absl::StatusOr<std::vector<ProviderAccountRow>> ListProviderAccounts(const std::string& tenant);
  absl::StatusOr<std::optional<ProviderAccountRow>> GetProviderAccount(const std::string& tenant,
                                                                       const std::string& channel);
  // Saves the account; a row without secret_sealed keeps the stored secret.
  absl::StatusOr<ProviderAccountRow> SaveProviderAccount(const std::string& tenant,
                                                         const ProviderAccountRow& row,
                                                         const std::string& by);

  // --- the sender ---
  // Suppresses due messages of customers who opted out since they were queued, then
  // leases up to `limit` due messages for `lease`.
  absl::StatusOr<std::vector<ClaimedMessage>> Claim(int limit, absl::Duration lease);
  absl::Status MarkSent(const std::string& id, const std::string& provider,
                        const std::string& provider_message_id);
  absl::Status Reschedule(const std::string& id, const std::string& provider, absl::Time at,
                          const std::string& reason);
  absl::Status MarkFailed(const std::string& id, const std::string& provider,
                          const std::string& reason);
  // What the development provider "sends": one row per message id, whatever the retries.
  absl::Status RecordDevDelivery(const std::string& message_id, const std::string& channel,
                                 const std::string& recipient, const std::string& body);

  // Newest first.
  absl::StatusOr<MessagePage> ListMessages(const std::string& tenant, const MessageFilter& filter,
                                           int page_size, const PageCursor& cursor);

 private:
  PgPool& pool_;
};

}  // namespace qq::notification
