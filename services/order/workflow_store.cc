#include "services/order/workflow_store.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "services/common/pg_pool.h"
#include "services/common/status.h"

namespace qq::order {
namespace {

using google::protobuf::util::TimeUtil;

constexpr size_t kMaxCachedVersions = 10000;

const NamedQuery kSelectCurrentWorkflow{
    "SelectCurrentWorkflow",
    "SELECT version, definition, created_by, (extract(epoch FROM created_at) * 1000000)::bigint "
    "FROM workflow_versions WHERE tenant_id = $1 AND kind = $2 ORDER BY version DESC LIMIT 1"};
const NamedQuery kSelectWorkflowVersion{
    "SelectWorkflowVersion",
    "SELECT version, definition, created_by, (extract(epoch FROM created_at) * 1000000)::bigint "
    "FROM workflow_versions WHERE tenant_id = $1 AND kind = $2 AND version = $3"};
// One writer per tenant and kind at a time, so versions count up without gaps.
const NamedQuery kLockWorkflowKind{"LockWorkflowKind",
                                   "SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))"};
const NamedQuery kInsertWorkflowVersion{
    "InsertWorkflowVersion",
    "INSERT INTO workflow_versions (tenant_id, kind, version, definition, created_by) "
    "SELECT $1, $2, coalesce(max(version), 0) + 1, $3, $4 FROM workflow_versions "
    "WHERE tenant_id = $1 AND kind = $2 "
    "RETURNING version, (extract(epoch FROM created_at) * 1000000)::bigint"};

absl::StatusOr<Workflow> FromRow(const pqxx::row& row, const std::string& kind) {
  Workflow wf;
  auto parsed = google::protobuf::util::JsonStringToMessage(row[1].as<std::string>(), &wf);
  if (!parsed.ok()) {
    return absl::InternalError(
        absl::StrCat("stored workflow ", kind, " v", row[0].as<int>(), " does not parse"));
  }
  wf.set_kind(kind);
  wf.set_version(row[0].as<int>());
  wf.set_created_by(row[2].as<std::string>());
  *wf.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[3].as<long long>());
  return wf;
}

std::string CacheKey(const std::string& tenant, const std::string& kind, int version) {
  return absl::StrCat(tenant, "\x1f", kind, "\x1f", version);
}

}  // namespace

WorkflowStore::WorkflowStore(PgPool& pool) : pool_(pool) {
  pool_.Prepare(
      {kSelectCurrentWorkflow, kSelectWorkflowVersion, kLockWorkflowKind, kInsertWorkflowVersion});
}

absl::StatusOr<Workflow> WorkflowStore::Current(pqxx::work& txn, const std::string& tenant,
                                                const std::string& kind) {
  if (!IsWorkflowKind(kind)) return InvalidField("kind", "is not a workflow kind");
  pqxx::result rows = txn.exec_prepared(kSelectCurrentWorkflow.name, tenant, kind);
  if (rows.empty()) return DefaultWorkflow(kind);
  return FromRow(rows[0], kind);
}

absl::StatusOr<Workflow> WorkflowStore::Current(const std::string& tenant,
                                                const std::string& kind) {
  absl::StatusOr<Workflow> wf;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) -> absl::Status {
    wf = Current(txn, tenant, kind);
    return wf.status();
  }));
  return wf;
}

absl::StatusOr<Workflow> WorkflowStore::AtVersion(pqxx::work& txn, const std::string& tenant,
                                                  const std::string& kind, int version) {
  if (!IsWorkflowKind(kind)) return InvalidField("kind", "is not a workflow kind");
  if (version == 0) return DefaultWorkflow(kind);
  const std::string key = CacheKey(tenant, kind, version);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  }
  pqxx::result rows = txn.exec_prepared(kSelectWorkflowVersion.name, tenant, kind, version);
  if (rows.empty()) return WithField(absl::NotFoundError("no such workflow version"), "version");
  QQ_ASSIGN_OR_RETURN(Workflow wf, FromRow(rows[0], kind));
  std::lock_guard<std::mutex> lock(mu_);
  if (cache_.size() >= kMaxCachedVersions) cache_.clear();
  cache_.emplace(key, wf);
  return wf;
}

absl::StatusOr<Workflow> WorkflowStore::AtVersion(const std::string& tenant,
                                                  const std::string& kind, int version) {
  absl::StatusOr<Workflow> wf;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) -> absl::Status {
    wf = AtVersion(txn, tenant, kind, version);
    return wf.status();
  }));
  return wf;
}

absl::StatusOr<std::vector<Workflow>> WorkflowStore::ListCurrent(const std::string& tenant) {
  std::vector<Workflow> all;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) -> absl::Status {
    all.clear();
    for (const auto& kind : WorkflowKinds()) {
      QQ_ASSIGN_OR_RETURN(Workflow wf, Current(txn, tenant, kind));
      all.push_back(std::move(wf));
    }
    return absl::OkStatus();
  }));
  return all;
}

absl::StatusOr<Workflow> WorkflowStore::Save(const std::string& tenant, const std::string& actor,
                                             Workflow workflow) {
  workflow.clear_version();
  workflow.clear_create_time();
  workflow.clear_created_by();
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(workflow, &json).ok()) {
    return absl::InternalError("workflow does not serialise");
  }
  QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    txn.exec_prepared(kLockWorkflowKind.name, tenant, workflow.kind());
    pqxx::row row =
        txn.exec_prepared(kInsertWorkflowVersion.name, tenant, workflow.kind(), json, actor)[0];
    workflow.set_version(row[0].as<int>());
    *workflow.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[1].as<long long>());
    workflow.set_created_by(actor);
    return absl::OkStatus();
  }));
  return workflow;
}

}  // namespace qq::order
