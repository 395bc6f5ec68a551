#include "services/order/sla_store.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include "services/common/pg_pool.h"
#include "services/common/status.h"

namespace qq::order {
namespace {

using google::protobuf::util::TimeUtil;

const NamedQuery kSelectSlaSettings{
    "SelectSlaSettings",
    "SELECT settings, updated_by, (extract(epoch FROM updated_at) * 1000000)::bigint "
    "FROM sla_settings WHERE tenant_id = $1"};
const NamedQuery kUpsertSlaSettings{
    "UpsertSlaSettings",
    "INSERT INTO sla_settings (tenant_id, settings, updated_by) VALUES ($1, $2, $3) "
    "ON CONFLICT (tenant_id) DO UPDATE SET settings = $2, updated_by = $3, updated_at = now() "
    "RETURNING (extract(epoch FROM updated_at) * 1000000)::bigint"};

}  // namespace

SlaSettingsStore::SlaSettingsStore(PgPool& pool) : pool_(pool) {
  pool_.Prepare({kSelectSlaSettings, kUpsertSlaSettings});
}

absl::StatusOr<SlaSettings> SlaSettingsStore::Get(pqxx::work& txn, const std::string& tenant) {
  pqxx::result rows = txn.exec_prepared(kSelectSlaSettings.name, tenant);
  if (rows.empty()) return DefaultSlaSettings();
  SlaSettings settings;
  if (!google::protobuf::util::JsonStringToMessage(rows[0][0].as<std::string>(), &settings).ok()) {
    return absl::InternalError("stored SLA settings do not parse");
  }
  settings.set_updated_by(rows[0][1].as<std::string>());
  *settings.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(rows[0][2].as<long long>());
  return settings;
}

absl::StatusOr<SlaSettings> SlaSettingsStore::Get(const std::string& tenant) {
  absl::StatusOr<SlaSettings> settings;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) -> absl::Status {
    settings = Get(txn, tenant);
    return settings.status();
  }));
  return settings;
}

absl::StatusOr<SlaSettings> SlaSettingsStore::Save(const std::string& tenant,
                                                   const std::string& actor, SlaSettings settings) {
  settings.clear_update_time();
  settings.clear_updated_by();
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(settings, &json).ok()) {
    return absl::InternalError("SLA settings do not serialise");
  }
  QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    pqxx::row row = txn.exec_prepared(kUpsertSlaSettings.name, tenant, json, actor)[0];
    *settings.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(row[0].as<long long>());
    settings.set_updated_by(actor);
    return absl::OkStatus();
  }));
  return settings;
}

}  // namespace qq::order
