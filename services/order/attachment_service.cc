#include "services/order/attachment_service.h"

#include <sodium.h>

#include <chrono>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/grpc_status.h"
#include "services/common/ids.h"
#include "services/common/status.h"
#include "services/common/text/utf8_text.h"
#include "services/order/attachments/image_type.h"

namespace qq::order {

namespace v1 = qingquan::order::v1;

namespace {

constexpr std::initializer_list<absl::string_view> kUploaders = {
    roles::kAgent,   roles::kDispatcher, roles::kLeader, roles::kWorker,
    roles::kCourier, roles::kManager,    roles::kService};
// Kept in characters; the name is only shown, never used as a path.
constexpr size_t kMaxFileNameChars = 200;
constexpr size_t kDownloadChunkBytes = 256 * 1024;

// A random (version 4) UUID: names the attachment and its blob.
std::string NewUuid() {
  unsigned char b[16];
  randombytes_buf(b, sizeof b);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  std::string hex = absl::BytesToHexString(absl::string_view(reinterpret_cast<char*>(b), 16));
  return absl::StrCat(hex.substr(0, 8), "-", hex.substr(8, 4), "-", hex.substr(12, 4), "-",
                      hex.substr(16, 4), "-", hex.substr(20));
}

}  // namespace

// Streams the body into a blob writer while hashing it and keeping its head for the type
// check; commits the blob and records the attachment only when everything passed. An
// abandoned writer removes what it wrote, so a rejected upload leaves nothing behind.
class AttachmentServiceImpl::UploadReactor final
    : public grpc::ServerReadReactor<v1::UploadAttachmentRequest> {
 public:
  UploadReactor(AttachmentServiceImpl& service, grpc::CallbackServerContext* ctx,
                v1::Attachment* response)
      : service_(service), response_(response) {
    auto call = service_.guard_.AuthenticateStream(ctx);
    absl::Status status = call.status();
    if (status.ok()) status = RequireRole(*call, kUploaders);
    if (!status.ok()) {
      Done(status);
      return;
    }
    call_ = *std::move(call);
    id_ = NewUuid();
    auto writer = service_.blobs_.Create(id_);
    if (!writer.ok()) {
      Done(absl::InternalError("no room for the upload"));
      return;
    }
    writer_ = *std::move(writer);
    crypto_hash_sha256_init(&digest_);
    StartRead(&chunk_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the whole body is here
      Done(Complete());
      return;
    }
    if (first_) {
      first_ = false;
      file_name_ = text::SafeFileName(chunk_.file_name(), kMaxFileNameChars);
    }
    const std::string& data = chunk_.file().data();
    received_ += static_cast<int64_t>(data.size());
    if (received_ > service_.max_bytes_) {
      Done(WithHttpStatus(absl::ResourceExhaustedError(
                              absl::StrFormat("the photo is larger than the limit of %.1f MiB",
                                              service_.max_bytes_ / double(1 << 20))),
                          413));
      return;
    }
    if (head_.size() < kImageSniffBytes) {
      head_.append(data, 0, std::min(data.size(), kImageSniffBytes - head_.size()));
    }
    crypto_hash_sha256_update(&digest_, reinterpret_cast<const unsigned char*>(data.data()),
                              data.size());
    if (absl::Status s = writer_->Append(data); !s.ok()) {
      Done(absl::InternalError("could not store the upload"));
      return;
    }
    StartRead(&chunk_);
  }

  void OnDone() override { delete this; }

 private:
  absl::Status Complete() {
    if (received_ == 0) {
      return InvalidField("file", "the upload is empty: send a JPEG, PNG, WebP or HEIC photo");
    }
    auto type = SniffImageType(head_);
    if (!type.ok()) {
      if (type.status().code() == absl::StatusCode::kInvalidArgument) {
        return WithHttpStatus(WithField(type.status(), "file"), 415);
      }
      return type.status();
    }
    if (!writer_->Commit().ok()) return absl::InternalError("could not store the upload");
    unsigned char hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&digest_, hash);
    StoredAttachment stored{.uploaded_by = call_.identity.user_id, .blob_key = id_};
    stored.attachment.set_id(id_);
    stored.attachment.set_content_type(*type);
    stored.attachment.set_size_bytes(received_);
    stored.attachment.set_sha256(absl::BytesToHexString(
        absl::string_view(reinterpret_cast<const char*>(hash), sizeof hash)));
    stored.attachment.set_file_name(file_name_);
    // The same photo under the same name with the same key is the same upload.
    qingquan::order::v1::Attachment what;
    what.set_file_name(file_name_);
    what.set_sha256(stored.attachment.sha256());
    auto idempotency = IdempotencyScopeOf(call_, "UploadAttachment", what);
    if (!idempotency.ok()) {
      (void)service_.blobs_.Delete(id_);
      return idempotency.status();
    }
    auto inserted = service_.store_.Insert(call_.identity.tenant, stored, *idempotency);
    if (!inserted.ok() || inserted->id() != id_) {
      (void)service_.blobs_.Delete(id_);  // no row names it (a failure, or a retry): take it back
    }
    if (!inserted.ok()) return inserted.status();
    *response_ = *std::move(inserted);
    return absl::OkStatus();
  }

  void Done(const absl::Status& status) {
    writer_.reset();  // uncommitted bytes go away here
    service_.guard_.RecordOutcome("UploadAttachment", status, start_);
    Finish(ToGrpcStatus(status));  // last: OnDone may delete this right after
  }

  AttachmentServiceImpl& service_;
  v1::Attachment* response_;
  CallContext call_;
  v1::UploadAttachmentRequest chunk_;
  bool first_ = true;
  std::string id_;
  std::string file_name_;
  std::unique_ptr<BlobWriter> writer_;
  std::string head_;
  int64_t received_ = 0;
  crypto_hash_sha256_state digest_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

grpc::ServerReadReactor<v1::UploadAttachmentRequest>* AttachmentServiceImpl::UploadAttachment(
    grpc::CallbackServerContext* ctx, v1::Attachment* response) {
  return new UploadReactor(*this, ctx, response);
}

// Sends the blob in chunks, the first with its content type and file name.
class AttachmentServiceImpl::DownloadReactor final
    : public grpc::ServerWriteReactor<qingquan::common::v1::HttpBody> {
 public:
  DownloadReactor(AttachmentServiceImpl& service, grpc::CallbackServerContext* ctx,
                  const v1::DownloadAttachmentRequest* request)
      : service_(service) {
    absl::Status status = Open(ctx, request->id());
    if (!status.ok()) {
      Done(status);
      return;
    }
    WriteNext();
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Done(absl::CancelledError("the client went away"));
      return;
    }
    if (!more_) {
      Done(absl::OkStatus());
      return;
    }
    WriteNext();
  }

  void OnDone() override { delete this; }

 private:
  absl::Status Open(grpc::CallbackServerContext* ctx, const std::string& id) {
    QQ_ASSIGN_OR_RETURN(CallContext call, service_.guard_.AuthenticateStream(ctx));
    if (!LooksLikeUuid(id)) return WithField(absl::NotFoundError("no such attachment"), "id");
    QQ_ASSIGN_OR_RETURN(StoredAttachment stored, service_.store_.Get(call.identity.tenant, id));
    // Staff see their tenant's photos; anyone else only what they uploaded themselves.
    if (!RequireRole(call, kUploaders).ok() && stored.uploaded_by != call.identity.user_id) {
      return WithField(absl::NotFoundError("no such attachment"), "id");
    }
    auto reader = service_.blobs_.Open(stored.blob_key);
    if (!reader.ok()) return absl::InternalError("the attachment's bytes are missing");
    reader_ = *std::move(reader);
    chunk_.set_content_type(stored.attachment.content_type());
    chunk_.set_file_name(stored.attachment.file_name().empty() ? id
                                                               : stored.attachment.file_name());
    return absl::OkStatus();
  }

  void WriteNext() {
    if (!first_) {  // later chunks carry only data
      chunk_.clear_content_type();
      chunk_.clear_file_name();
    }
    first_ = false;
    auto more = reader_->Read(kDownloadChunkBytes, *chunk_.mutable_data());
    if (!more.ok()) {
      Done(absl::InternalError("the attachment could not be read"));
      return;
    }
    more_ = *more;
    StartWrite(&chunk_);
  }

  void Done(const absl::Status& status) {
    service_.guard_.RecordOutcome("DownloadAttachment", status, start_);
    Finish(ToGrpcStatus(status));  // last: OnDone may delete this right after
  }

  AttachmentServiceImpl& service_;
  std::unique_ptr<BlobReader> reader_;
  qingquan::common::v1::HttpBody chunk_;
  bool first_ = true;
  bool more_ = false;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

grpc::ServerWriteReactor<qingquan::common::v1::HttpBody>* AttachmentServiceImpl::DownloadAttachment(
    grpc::CallbackServerContext* ctx, const v1::DownloadAttachmentRequest* request) {
  return new DownloadReactor(*this, ctx, request);
}

}  // namespace qq::order
