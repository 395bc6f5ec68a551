#include "services/order/attachment_store.h"

#include <google/protobuf/util/time_util.h>

#include "services/common/pg_pool.h"
#include "services/common/status.h"

namespace qq::order {
namespace {

using google::protobuf::util::TimeUtil;

const NamedQuery kInsertAttachment{
    "InsertAttachment",
    "INSERT INTO attachments (id, tenant_id, uploaded_by, content_type, size_bytes, sha256, "
    "  file_name, blob_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
    "RETURNING (extract(epoch FROM created_at) * 1000000)::bigint"};
const NamedQuery kSelectAttachment{
    "SelectAttachment",
    "SELECT content_type, size_bytes, sha256, file_name, blob_key, uploaded_by, "
    "  (extract(epoch FROM created_at) * 1000000)::bigint "
    "FROM attachments WHERE tenant_id = $1 AND id = $2"};

}  // namespace

AttachmentStore::AttachmentStore(PgPool& pool) : pool_(pool) {
  pool_.Prepare({kInsertAttachment, kSelectAttachment});
}

absl::StatusOr<qingquan::order::v1::Attachment> AttachmentStore::Insert(
    const std::string& tenant, const StoredAttachment& stored,
    const IdempotencyScope& idempotency) {
  qingquan::order::v1::Attachment out;
  QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    out = stored.attachment;
    QQ_ASSIGN_OR_RETURN(bool replayed, ClaimIdempotencyKey(txn, idempotency, out));
    if (replayed) return absl::OkStatus();
    const auto& a = stored.attachment;
    pqxx::row row = txn.exec_prepared(kInsertAttachment.name, a.id(), tenant, stored.uploaded_by,
                                      a.content_type(), a.size_bytes(), a.sha256(), a.file_name(),
                                      stored.blob_key)[0];
    *out.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(row[0].as<long long>());
    RecordIdempotentResponse(txn, idempotency, out);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<StoredAttachment> AttachmentStore::Get(const std::string& tenant,
                                                      const std::string& id) {
  StoredAttachment stored;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) -> absl::Status {
    pqxx::result rows = txn.exec_prepared(kSelectAttachment.name, tenant, id);
    if (rows.empty()) return WithField(absl::NotFoundError("no such attachment"), "id");
    const auto& r = rows[0];
    auto& a = stored.attachment;
    a.set_id(id);
    a.set_content_type(r[0].as<std::string>());
    a.set_size_bytes(r[1].as<long long>());
    a.set_sha256(r[2].as<std::string>());
    a.set_file_name(r[3].as<std::string>());
    stored.blob_key = r[4].as<std::string>();
    stored.uploaded_by = r[5].as<std::string>();
    *a.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(r[6].as<long long>());
    return absl::OkStatus();
  }));
  return stored;
}

}  // namespace qq::order
