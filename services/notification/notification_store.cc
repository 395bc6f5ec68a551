#include "services/notification/notification_store.h"

#include <google/protobuf/util/time_util.h>

#include <boost/json.hpp>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "services/common/pg_pool.h"
#include "services/common/pii.h"
#include "services/common/status.h"

namespace qq::notification {
namespace {

namespace v1 = qingquan::notification::v1;
using google::protobuf::util::TimeUtil;

constexpr char kMessageColumns[] =
    "id, channel, recipient, customer_id, work_order_id, template, body, status, provider, "
    "(extract(epoch FROM created_at) * 1000000)::bigint, delivery_order_id, reason, "
    "(extract(epoch FROM send_after) * 1000000)::bigint, "
    "coalesce((extract(epoch FROM sent_at) * 1000000)::bigint, 0), "
    "coalesce((extract(epoch FROM delivered_at) * 1000000)::bigint, 0), attempts, "
    "provider_message_id, rule_id";

const NamedQuery kInsertMessage{
    "InsertMessage",
    "INSERT INTO messages (tenant_id, dedupe_key, source_event, channel, recipient, customer_id, "
    "  work_order_id, delivery_order_id, template, category, body, provider_template, params, "
    "  status, reason, send_after, next_attempt_at, local_day, rule_id) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13::jsonb, $14, $15, "
    "  to_timestamp($16::bigint / 1000000.0), to_timestamp($16::bigint / 1000000.0), $17::date, "
    "  $18) "
    "ON CONFLICT (tenant_id, dedupe_key) DO NOTHING RETURNING id"};
const NamedQuery kCountForDay{
    "CountForDay",
    "SELECT count(*) FROM messages WHERE tenant_id = $1 AND customer_id = $2 AND channel = $3 "
    "  AND local_day = $4::date AND status IN ('QUEUED', 'SENT', 'DELIVERED') "
    "  AND NOT (category = ANY ($5::text[]))"};
const NamedQuery kSelectPolicy{
    "SelectPolicy",
    "SELECT quiet_enabled, quiet_start, quiet_end, urgent_categories, daily_caps::text, "
    "  sms_signature, time_zone, (extract(epoch FROM updated_at) * 1000000)::bigint, updated_by "
    "FROM notification_settings WHERE tenant_id = $1"};
const NamedQuery kUpsertPolicy{
    "UpsertPolicy",
    "INSERT INTO notification_settings (tenant_id, quiet_enabled, quiet_start, quiet_end, "
    "  urgent_categories, daily_caps, sms_signature, time_zone, updated_at, updated_by) "
    "VALUES ($1, $2, $3, $4, $5::text[], $6::jsonb, $7, $8, now(), $9) "
    "ON CONFLICT (tenant_id) DO UPDATE SET quiet_enabled = $2, quiet_start = $3, "
    "  quiet_end = $4, urgent_categories = $5::text[], daily_caps = $6::jsonb, "
    "  sms_signature = $7, time_zone = $8, updated_at = now(), updated_by = $9"};
constexpr char kTemplateColumns[] =
    "event, channel, body, provider_template_code, enabled, "
    "(extract(epoch FROM updated_at) * 1000000)::bigint, updated_by";
const std::string kSelectTemplateSql =
    absl::StrCat("SELECT ", kTemplateColumns,
                 " FROM templates WHERE tenant_id = $1 AND event = $2 AND channel = $3");
const NamedQuery kSelectTemplate{"SelectTemplate", kSelectTemplateSql.c_str()};
const std::string kListTemplatesSql =
    absl::StrCat("SELECT ", kTemplateColumns, " FROM templates WHERE tenant_id = $1");
const NamedQuery kListTemplates{"ListTemplates", kListTemplatesSql.c_str()};
const std::string kUpsertTemplateSql = absl::StrCat(
    "INSERT INTO templates (tenant_id, event, channel, body, provider_template_code, enabled, "
    "  updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, now(), $7) "
    "ON CONFLICT (tenant_id, event, channel) DO UPDATE SET body = $4, "
    "  provider_template_code = $5, enabled = $6, updated_at = now(), updated_by = $7 "
    "RETURNING ",
    kTemplateColumns);
const NamedQuery kUpsertTemplate{"UpsertTemplate", kUpsertTemplateSql.c_str()};
const NamedQuery kDeleteTemplate{
    "DeleteTemplate", "DELETE FROM templates WHERE tenant_id = $1 AND event = $2 AND channel = $3"};
const NamedQuery kSelectOptedOut{
    "SelectOptedOut",
    "SELECT opted_out FROM customer_preferences WHERE tenant_id = $1 AND customer_id = $2 "
    "  AND channel = $3"};
const NamedQuery kSelectPreferences{
    "SelectPreferences",
    "SELECT channel, opted_out, source, (extract(epoch FROM updated_at) * 1000000)::bigint, "
    "  updated_by FROM customer_preferences WHERE tenant_id = $1 AND customer_id = $2"};
const NamedQuery kUpsertPreference{
    "UpsertPreference",
    "INSERT INTO customer_preferences (tenant_id, customer_id, channel, opted_out, source, "
    "  updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, now(), $6) "
    "ON CONFLICT (tenant_id, customer_id, channel) DO UPDATE SET opted_out = $4, source = $5, "
    "  updated_at = now(), updated_by = $6 "
    "WHERE customer_preferences.opted_out IS DISTINCT FROM $4"};
// Due messages of customers who opted out after they were queued.
const NamedQuery kSuppressOptedOut{
    "SuppressOptedOut",
    "UPDATE messages m SET status = 'SUPPRESSED', reason = 'opted out of ' || m.channel "
    "FROM customer_preferences p WHERE m.status = 'QUEUED' AND m.next_attempt_at <= now() "
    "  AND p.tenant_id = m.tenant_id AND p.customer_id = m.customer_id "
    "  AND p.channel = m.channel AND p.opted_out AND m.category <> 'outage'"};
const NamedQuery kClaim{
    "ClaimMessages",
    "UPDATE messages SET lease_until = now() + make_interval(secs => $2), "
    "  attempts = attempts + 1 "
    "WHERE id IN (SELECT id FROM messages WHERE status = 'QUEUED' AND next_attempt_at <= now() "
    "  AND (lease_until IS NULL OR lease_until < now()) ORDER BY next_attempt_at LIMIT $1 "
    "  FOR UPDATE SKIP LOCKED) "
    "RETURNING id, tenant_id, channel, recipient, body, provider_template, params::text, "
    "  attempts, (extract(epoch FROM created_at) * 1000000)::bigint, work_order_id, "
    "  delivery_order_id"};
const NamedQuery kMarkSent{
    "MarkSent",
    "UPDATE messages SET status = 'SENT', provider = $2, provider_message_id = $3, "
    "  sent_at = now(), lease_until = NULL, reason = '' WHERE id = $1 AND status = 'QUEUED'"};
const NamedQuery kReschedule{
    "Reschedule",
    "UPDATE messages SET next_attempt_at = to_timestamp($3::bigint / 1000000.0), provider = $2, "
    "  lease_until = NULL, reason = $4 WHERE id = $1 AND status = 'QUEUED'"};
const NamedQuery kMarkFailed{
    "MarkFailed",
    "UPDATE messages SET status = 'FAILED', provider = $2, reason = $3, lease_until = NULL "
    "WHERE id = $1 AND status = 'QUEUED'"};
const NamedQuery kInsertDevDelivery{
    "InsertDevDelivery",
    "INSERT INTO dev_sms_sent (message_id, phone, body, channel) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (message_id) DO NOTHING"};
constexpr char kProviderColumns[] =
    "channel, provider, key_id, secret_key_id, secret_sealed, sign_name, sdk_app_id, region, "
    "(extract(epoch FROM updated_at) * 1000000)::bigint, updated_by";
const std::string kListProvidersSql = absl::StrCat(
    "SELECT ", kProviderColumns, " FROM provider_accounts WHERE tenant_id = $1 ORDER BY channel");
const NamedQuery kListProviders{"ListProviderAccounts", kListProvidersSql.c_str()};
const std::string kSelectProviderSql = absl::StrCat(
    "SELECT ", kProviderColumns, " FROM provider_accounts WHERE tenant_id = $1 AND channel = $2");
const NamedQuery kSelectProvider{"SelectProviderAccount", kSelectProviderSql.c_str()};
const std::string kUpsertProviderSql = absl::StrCat(
    "INSERT INTO provider_accounts (tenant_id, channel, provider, key_id, secret_key_id, "
    "  secret_sealed, sign_name, sdk_app_id, region, updated_at, updated_by) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now(), $10) "
    "ON CONFLICT (tenant_id, channel) DO UPDATE SET provider = $3, key_id = $4, "
    "  secret_key_id = CASE WHEN $6 = '' THEN provider_accounts.secret_key_id ELSE $5 END, "
    "  secret_sealed = CASE WHEN $6 = '' THEN provider_accounts.secret_sealed ELSE $6 END, "
    "  sign_name = $7, sdk_app_id = $8, region = $9, updated_at = now(), updated_by = $10 "
    "RETURNING ",
    kProviderColumns);
const NamedQuery kUpsertProvider{"UpsertProviderAccount", kUpsertProviderSql.c_str()};

const std::string kListMessagesSql = absl::StrCat(
    "SELECT ", kMessageColumns,
    " FROM messages WHERE tenant_id = $1 AND ($2 = '' OR customer_id = $2) "
    "  AND ($3 = '' OR work_order_id = $3) AND ($4 = '' OR delivery_order_id = $4) "
    "  AND ($5::bigint = 0 OR (created_at, id) < (to_timestamp($5::bigint / 1000000.0), $6::uuid)) "
    "ORDER BY created_at DESC, id DESC LIMIT $7");
const NamedQuery kListMessages{"ListMessages", kListMessagesSql.c_str()};

std::string ParamsJson(const Params& params) {
  boost::json::array out;
  for (const auto& [name, value] : params) out.push_back(boost::json::array{name, value});
  return boost::json::serialize(out);
}

Params ParseParams(const std::string& text) {
  Params params;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_array()) return params;
  for (const auto& pair : v.as_array()) {
    if (!pair.is_array() || pair.as_array().size() != 2) continue;
    const auto& a = pair.as_array();
    if (!a[0].is_string() || !a[1].is_string()) continue;
    params.emplace_back(std::string(a[0].as_string()), std::string(a[1].as_string()));
  }
  return params;
}

std::string CapsJson(const std::map<std::string, int>& caps) {
  boost::json::object out;
  for (const auto& [channel, cap] : caps) out[channel] = cap;
  return boost::json::serialize(out);
}

std::map<std::string, int> ParseCaps(const std::string& text) {
  std::map<std::string, int> caps;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec || !v.is_object()) return caps;
  for (const auto& [channel, cap] : v.as_object()) {
    if (cap.is_int64()) caps[std::string(channel)] = static_cast<int>(cap.as_int64());
  }
  return caps;
}

ProviderAccountRow ProviderFrom(const pqxx::row& row) {
  ProviderAccountRow a;
  a.channel = row[0].as<std::string>();
  a.provider = row[1].as<std::string>();
  a.key_id = row[2].as<std::string>();
  a.secret_key_id = row[3].as<std::string>();
  a.secret_sealed = absl::Base64Unescape(row[4].as<std::string>(), &a.secret_sealed)
                        ? a.secret_sealed
                        : std::string();
  a.sign_name = row[5].as<std::string>();
  a.sdk_app_id = row[6].as<std::string>();
  a.region = row[7].as<std::string>();
  a.updated_micros = row[8].as<long long>();
  a.updated_by = row[9].as<std::string>();
  return a;
}

TemplateRow TemplateFrom(const pqxx::row& row) {
  return TemplateRow{row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                     row[3].as<std::string>(), row[4].as<bool>(),        row[5].as<long long>(),
                     row[6].as<std::string>()};
}

std::string MaskRecipient(const std::string& channel, const std::string& recipient) {
  if (channel == "SMS") return MaskPhone(recipient);
  if (channel == "WECHAT" && recipient.size() > 8) return recipient.substr(0, 6) + "…";
  return recipient;
}

google::protobuf::Timestamp Micros(long long micros) {
  return TimeUtil::MicrosecondsToTimestamp(micros);
}

v1::Message MessageFrom(const pqxx::row& row) {
  v1::Message m;
  m.set_id(row[0].as<std::string>());
  const std::string channel_name = row[1].as<std::string>();
  v1::Channel channel;
  m.set_channel(v1::Channel_Parse(channel_name, &channel) ? channel : v1::CHANNEL_UNSPECIFIED);
  m.set_recipient(MaskRecipient(channel_name, row[2].as<std::string>()));
  m.set_customer_id(row[3].as<std::string>());
  m.set_work_order_id(row[4].as<std::string>());
  m.set_template_(row[5].as<std::string>());
  m.set_body(row[6].as<std::string>());
  v1::Message::Status st;
  m.set_status(v1::Message::Status_Parse(row[7].as<std::string>(), &st)
                   ? st
                   : v1::Message::STATUS_UNSPECIFIED);
  m.set_provider(row[8].as<std::string>());
  *m.mutable_create_time() = Micros(row[9].as<long long>());
  m.set_delivery_order_id(row[10].as<std::string>());
  m.set_reason(row[11].as<std::string>());
  *m.mutable_send_after() = Micros(row[12].as<long long>());
  if (long long sent = row[13].as<long long>(); sent != 0) *m.mutable_sent_time() = Micros(sent);
  if (long long delivered = row[14].as<long long>(); delivered != 0) {
    *m.mutable_delivered_time() = Micros(delivered);
  }
  m.set_attempts(row[15].as<int>());
  m.set_provider_message_id(row[16].as<std::string>());
  m.set_rule_id(row[17].as<std::string>());
  return m;
}

}  // namespace

NotificationStore::NotificationStore(PgPool& pool) : pool_(pool) {
  pool_.Prepare(
      {kInsertMessage,    kCountForDay,       kSelectPolicy,   kUpsertPolicy,   kSelectTemplate,
       kListTemplates,    kUpsertTemplate,    kDeleteTemplate, kSelectOptedOut, kSelectPreferences,
       kUpsertPreference, kSuppressOptedOut,  kClaim,          kMarkSent,       kReschedule,
       kMarkFailed,       kInsertDevDelivery, kListMessages,   kListProviders,  kSelectProvider,
       kUpsertProvider});
}

StoredPolicy NotificationStore::PolicyIn(pqxx::work& txn, const std::string& tenant) {
  StoredPolicy stored;
  pqxx::result r = txn.exec_prepared(kSelectPolicy.name, tenant);
  if (r.empty()) return stored;
  const pqxx::row& row = r[0];
  SendPolicy& p = stored.policy;
  p.quiet_enabled = row[0].as<bool>();
  p.quiet_start = row[1].as<std::string>();
  p.quiet_end = row[2].as<std::string>();
  p.urgent_categories = TextArrayOf(row[3]);
  p.daily_caps = ParseCaps(row[4].as<std::string>());
  p.sms_signature = row[5].as<std::string>();
  p.time_zone = row[6].as<std::string>();
  stored.updated_micros = row[7].as<long long>();
  stored.updated_by = row[8].as<std::string>();
  return stored;
}

std::optional<TemplateRow> NotificationStore::TemplateIn(pqxx::work& txn, const std::string& tenant,
                                                         const std::string& event,
                                                         const std::string& channel) {
  pqxx::result r = txn.exec_prepared(kSelectTemplate.name, tenant, event, channel);
  if (r.empty()) return std::nullopt;
  return TemplateFrom(r[0]);
}

bool NotificationStore::OptedOutIn(pqxx::work& txn, const std::string& tenant,
                                   const std::string& customer_id, const std::string& channel) {
  if (customer_id.empty()) return false;
  pqxx::result r = txn.exec_prepared(kSelectOptedOut.name, tenant, customer_id, channel);
  return !r.empty() && r[0][0].as<bool>();
}

int NotificationStore::CountForDayIn(pqxx::work& txn, const std::string& tenant,
                                     const std::string& customer_id, const std::string& channel,
                                     absl::CivilDay day,
                                     const std::vector<std::string>& uncounted) {
  return txn
      .exec_prepared(kCountForDay.name, tenant, customer_id, channel, absl::FormatCivilTime(day),
                     PgTextArray(uncounted))[0][0]
      .as<int>();
}

std::string NotificationStore::InsertMessageIn(pqxx::work& txn, const QueuedMessage& m) {
  pqxx::result r = txn.exec_prepared(kInsertMessage.name, m.tenant, m.dedupe_key, m.source_event,
                                     m.channel, m.recipient, m.customer_id, m.work_order_id,
                                     m.delivery_order_id, m.template_event, m.category, m.body,
                                     m.provider_template, ParamsJson(m.params), m.status, m.reason,
                                     static_cast<long long>(absl::ToUnixMicros(m.send_after)),
                                     absl::FormatCivilTime(m.local_day), m.rule_id);
  return r.empty() ? "" : r[0][0].as<std::string>();
}

void NotificationStore::SetPreferenceIn(pqxx::work& txn, const std::string& tenant,
                                        const std::string& customer_id, const std::string& channel,
                                        bool opted_out, const std::string& source,
                                        const std::string& by) {
  txn.exec_prepared(kUpsertPreference.name, tenant, customer_id, channel, opted_out, source, by);
}

absl::StatusOr<StoredPolicy> NotificationStore::GetPolicy(const std::string& tenant) {
  StoredPolicy stored;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) {
    stored = PolicyIn(txn, tenant);
    return absl::OkStatus();
  }));
  return stored;
}

absl::StatusOr<StoredPolicy> NotificationStore::SavePolicy(const std::string& tenant,
                                                           const SendPolicy& p,
                                                           const std::string& by) {
  StoredPolicy stored;
  QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) {
    txn.exec_prepared(kUpsertPolicy.name, tenant, p.quiet_enabled, p.quiet_start, p.quiet_end,
                      PgTextArray(p.urgent_categories), CapsJson(p.daily_caps), p.sms_signature,
                      p.time_zone, by);
    stored = PolicyIn(txn, tenant);
    return absl::OkStatus();
  }));
  return stored;
}

absl::StatusOr<std::vector<TemplateRow>> NotificationStore::ListTemplates(
    const std::string& tenant) {
  std::vector<TemplateRow> rows;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) {
    rows.clear();
    for (const auto& row : txn.exec_prepared(kListTemplates.name, tenant)) {
      rows.push_back(TemplateFrom(row));
    }
    return absl::OkStatus();
  }));
  return rows;
}

absl::StatusOr<TemplateRow> NotificationStore::SaveTemplate(const std::string& tenant,
                                                            const TemplateRow& t,
                                                            const std::string& by) {
  TemplateRow saved;
  QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) {
    saved = TemplateFrom(txn.exec_prepared(kUpsertTemplate.name, tenant, t.event, t.channel, t.body,
                                           t.provider_template_code, t.enabled, by)[0]);
    return absl::OkStatus();
  }));
  return saved;
}

absl::Status NotificationStore::DeleteTemplate(const std::string& tenant, const std::string& event,
                                               const std::string& channel) {
  return pool_.Transact([&](pqxx::work& txn) {
    txn.exec_prepared(kDeleteTemplate.name, tenant, event, channel);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<PreferenceRow>> NotificationStore::GetPreferences(
    const std::string& tenant, const std::string& customer_id) {
  std::vector<PreferenceRow> rows;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) {
    rows.clear();
    for (const auto& row : txn.exec_prepared(kSelectPreferences.name, tenant, customer_id)) {
      rows.push_back({row[0].as<std::string>(), row[1].as<bool>(), row[2].as<std::string>(),
                      row[3].as<long long>(), row[4].as<std::string>()});
    }
    return absl::OkStatus();
  }));
  return rows;
}

absl::Status NotificationStore::SetPreferences(const std::string& tenant,
                                               const std::string& customer_id,
                                               const std::vector<PreferenceRow>& changes,
                                               const std::string& by) {
  return pool_.Transact([&](pqxx::work& txn) {
    for (const auto& c : changes) {
      SetPreferenceIn(txn, tenant, customer_id, c.channel, c.opted_out, c.source, by);
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<ProviderAccountRow>> NotificationStore::ListProviderAccounts(
    const std::string& tenant) {
  std::vector<ProviderAccountRow> rows;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) {
    rows.clear();
    for (const auto& row : txn.exec_prepared(kListProviders.name, tenant)) {
      rows.push_back(ProviderFrom(row));
    }
    return absl::OkStatus();
  }));
  return rows;
}

absl::StatusOr<std::optional<ProviderAccountRow>> NotificationStore::GetProviderAccount(
    const std::string& tenant, const std::string& channel) {
  std::optional<ProviderAccountRow> found;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) {
    pqxx::result r = txn.exec_prepared(kSelectProvider.name, tenant, channel);
    found = r.empty() ? std::nullopt : std::optional<ProviderAccountRow>(ProviderFrom(r[0]));
    return absl::OkStatus();
  }));
  return found;
}

absl::StatusOr<ProviderAccountRow> NotificationStore::SaveProviderAccount(
    const std::string& tenant, const ProviderAccountRow& a, const std::string& by) {
  ProviderAccountRow saved;
  QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) {
    saved = ProviderFrom(txn.exec_prepared(
        kUpsertProvider.name, tenant, a.channel, a.provider, a.key_id, a.secret_key_id,
        a.secret_sealed.empty() ? std::string() : absl::Base64Escape(a.secret_sealed), a.sign_name,
        a.sdk_app_id, a.region, by)[0]);
    return absl::OkStatus();
  }));
  return saved;
}

absl::StatusOr<std::vector<ClaimedMessage>> NotificationStore::Claim(int limit,
                                                                     absl::Duration lease) {
  std::vector<ClaimedMessage> claimed;
  QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) {
    claimed.clear();
    txn.exec_prepared(kSuppressOptedOut.name);
    for (const auto& row : txn.exec_prepared(kClaim.name, limit, absl::ToDoubleSeconds(lease))) {
      ClaimedMessage m;
      m.id = row[0].as<std::string>();
      m.tenant = row[1].as<std::string>();
      m.channel = row[2].as<std::string>();
      m.recipient = row[3].as<std::string>();
      m.body = row[4].as<std::string>();
      m.provider_template = row[5].as<std::string>();
      m.params = ParseParams(row[6].as<std::string>());
      m.attempts = row[7].as<int>();
      m.created = absl::FromUnixMicros(row[8].as<long long>());
      m.work_order_id = row[9].as<std::string>();
      m.delivery_order_id = row[10].as<std::string>();
      claimed.push_back(std::move(m));
    }
    return absl::OkStatus();
  }));
  return claimed;
}

absl::Status NotificationStore::MarkSent(const std::string& id, const std::string& provider,
                                         const std::string& provider_message_id) {
  return pool_.Transact([&](pqxx::work& txn) {
    txn.exec_prepared(kMarkSent.name, id, provider, provider_message_id);
    return absl::OkStatus();
  });
}

absl::Status NotificationStore::Reschedule(const std::string& id, const std::string& provider,
                                           absl::Time at, const std::string& reason) {
  return pool_.Transact([&](pqxx::work& txn) {
    txn.exec_prepared(kReschedule.name, id, provider,
                      static_cast<long long>(absl::ToUnixMicros(at)), reason);
    return absl::OkStatus();
  });
}

absl::Status NotificationStore::MarkFailed(const std::string& id, const std::string& provider,
                                           const std::string& reason) {
  return pool_.Transact([&](pqxx::work& txn) {
    txn.exec_prepared(kMarkFailed.name, id, provider, reason);
    return absl::OkStatus();
  });
}

absl::Status NotificationStore::RecordDevDelivery(const std::string& message_id,
                                                  const std::string& channel,
                                                  const std::string& recipient,
                                                  const std::string& body) {
  return pool_.Transact([&](pqxx::work& txn) {
    txn.exec_prepared(kInsertDevDelivery.name, message_id, recipient, body, channel);
    return absl::OkStatus();
  });
}

absl::StatusOr<MessagePage> NotificationStore::ListMessages(const std::string& tenant,
                                                            const MessageFilter& filter,
                                                            int page_size,
                                                            const PageCursor& cursor) {
  MessagePage page;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) {
    page = MessagePage();
    pqxx::result rows = txn.exec_prepared(kListMessages.name, tenant, filter.customer_id,
                                          filter.work_order_id, filter.delivery_order_id,
                                          cursor.after_micros, cursor.after_id, page_size + 1);
    for (int i = 0; i < static_cast<int>(rows.size()) && i < page_size; ++i) {
      page.messages.push_back(MessageFrom(rows[i]));
    }
    page.next_page_token = NextPageTokenOf(rows, page_size, 9);
    return absl::OkStatus();
  }));
  return page;
}

}  // namespace qq::notification
