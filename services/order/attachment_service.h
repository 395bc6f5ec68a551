// Photo upload and download (POST /v1/attachments with the raw body, GET
// /v1/attachments/{id}). The type is judged by the bytes, the size is capped, and the
// bytes go to the blob store only once the whole upload is in and checked.
#pragma once

#include <cstdint>

#include "qingquan/order/v1/order.grpc.pb.h"
#include "services/common/call_guard.h"
#include "services/order/attachment_store.h"
#include "services/order/attachments/blob_store.h"

namespace qq::order {

class AttachmentServiceImpl final : public qingquan::order::v1::AttachmentService::CallbackService {
 public:
  AttachmentServiceImpl(CallGuard& guard, AttachmentStore& store, BlobStore& blobs,
                        int64_t max_bytes)
      : guard_(guard), store_(store), blobs_(blobs), max_bytes_(max_bytes) {}

  grpc::ServerReadReactor<qingquan::order::v1::UploadAttachmentRequest>* UploadAttachment(
      grpc::CallbackServerContext* ctx, qingquan::order::v1::Attachment* response) override;
  grpc::ServerWriteReactor<qingquan::common::v1::HttpBody>* DownloadAttachment(
      grpc::CallbackServerContext* ctx,
      const qingquan::order::v1::DownloadAttachmentRequest* request) override;

 private:
  class UploadReactor;
  class DownloadReactor;

  CallGuard& guard_;
  AttachmentStore& store_;
  BlobStore& blobs_;
  int64_t max_bytes_;
};

}  // namespace qq::order
