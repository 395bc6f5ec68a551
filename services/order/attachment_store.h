// SQL for attachment metadata; the bytes live in a BlobStore under blob_key.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "qingquan/order/v1/order.pb.h"
#include "services/common/idempotency.h"

namespace qq {
class PgPool;
}

namespace qq::order {

struct StoredAttachment {
  qingquan::order::v1::Attachment attachment;
  std::string uploaded_by;
  std::string blob_key;
};

class AttachmentStore {
 public:
  explicit AttachmentStore(PgPool& pool);

  // `stored.attachment.id` is chosen by the caller (it names the blob too). With an
  // Idempotency-Key used before for the same upload, nothing is written and the first
  // attachment is answered (its id differs: the caller drops the new blob).
  absl::StatusOr<qingquan::order::v1::Attachment> Insert(const std::string& tenant,
                                                         const StoredAttachment& stored,
                                                         const IdempotencyScope& idempotency = {});

  // NOT_FOUND (field "id") when the tenant has no such attachment.
  absl::StatusOr<StoredAttachment> Get(const std::string& tenant, const std::string& id);

 private:
  PgPool& pool_;
};

}  // namespace qq::order
