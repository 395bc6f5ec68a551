// Generic unary and streaming calls over grpc::GenericStub's callback API (streams in
// either direction use its bidi reactor, which is what both look like on the wire); the
// health check request and response are encoded by hand (no health.proto is shipped for
// C++ on Debian).
#include "gateway/backend_pool.h"

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/client_callback.h>

#include <atomic>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "services/common/client.h"
#include "services/common/grpc_status.h"
#include "services/common/status.h"

namespace qq::gateway {
namespace {

constexpr char kHealthCheckMethod[] = "/grpc.health.v1.Health/Check";

// grpc.health.v1.HealthCheckResponse.ServingStatus, by number.
std::string ServingStatusName(uint64_t status) {
  switch (status) {
    case 1:
      return "SERVING";
    case 2:
      return "NOT_SERVING";
    case 3:
      return "SERVICE_UNKNOWN";
    default:
      return "UNKNOWN";
  }
}

// Field 1 (an enum varint) of a HealthCheckResponse; absent means 0 (UNKNOWN).
absl::StatusOr<uint64_t> DecodeServingStatus(const std::string& bytes) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                            static_cast<int>(bytes.size()));
  uint64_t status = 0;
  while (uint32_t tag = in.ReadTag()) {
    uint32_t field = tag >> 3;
    uint64_t varint = 0;
    uint32_t length = 0;
    bool ok = true;
    switch (tag & 7) {
      case 0:
        ok = in.ReadVarint64(&varint);
        if (ok && field == 1) status = varint;
        break;
      case 1:
        ok = in.Skip(8);
        break;
      case 2:
        ok = in.ReadVarint32(&length) && in.Skip(static_cast<int>(length));
        break;
      case 5:
        ok = in.Skip(4);
        break;
      default:
        ok = false;
    }
    if (!ok) return absl::InternalError("malformed HealthCheckResponse");
  }
  return status;
}

std::string ToBytes(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  out.reserve(buffer.Length());
  for (const grpc::Slice& slice : slices) {
    out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return out;
}

grpc::ByteBuffer ToByteBuffer(const std::string& bytes) {
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

void Prepare(grpc::ClientContext& context, const BackendCall& call) {
  context.set_deadline(std::chrono::system_clock::now() + call.timeout);
  for (const auto& [key, value] : call.metadata) context.AddMetadata(key, value);
}

}  // namespace

struct BackendPool::Backend {
  std::string package;
  std::string address;
  std::shared_ptr<grpc::Channel> channel;
  std::unique_ptr<grpc::GenericStub> stub;
};

// Everything one call needs alive until its callback has returned.
struct BackendPool::PendingCall {
  grpc::ClientContext context;
  grpc::ByteBuffer request;
  grpc::ByteBuffer response;
};

// A call that never started: every operation reports `status` at once.
class BackendPool::FailedCall final : public UploadCall, public DownloadCall {
 public:
  explicit FailedCall(absl::Status status) : status_(std::move(status)) {}
  void Write(std::string, std::function<void(bool)> done) override { done(false); }
  void Finish(BackendCallDone done) override { done(status_); }
  void Next(DownloadCall::NextDone done) override { done(status_); }
  void Cancel() override {}

 private:
  absl::Status status_;
};

// One streaming call. Its owner starts operations from outside the reactions (from the
// HTTP side), so the stream holds one hold for the owner, given back once (Release) when
// the owner will start nothing more; only then can OnDone come. The stream keeps itself
// alive until OnDone.
class BackendPool::Stream : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  explicit Stream(BackendPool& pool) : pool_(pool) {}

  // Operations to start with the call (before StartCall).
  virtual void Prime() {}
  // The call's outcome, after every operation has completed.
  virtual void Done(const grpc::Status& status) = 0;

  void Release() {
    if (!released_.exchange(true)) RemoveHold();
  }

  void OnDone(const grpc::Status& status) final {
    Done(status);
    pool_.Finished(&context_);
    std::shared_ptr<Stream> last = std::move(self_);  // may be the last reference
  }

  BackendPool& pool_;
  grpc::ClientContext context_;
  std::atomic<bool> released_{false};
  std::shared_ptr<Stream> self_;
};

// Client streaming: writes, then half-close and the single response.
class BackendPool::UploadStream final : public Stream, public UploadCall {
 public:
  using Stream::Stream;

  void Write(std::string message, std::function<void(bool)> done) override {
    if (released_.load()) return done(false);
    write_done_ = std::move(done);
    request_ = ToByteBuffer(message);
    StartWrite(&request_);
  }

  void OnWriteDone(bool ok) override {
    std::function<void(bool)> done = std::move(write_done_);
    done(ok);
  }

  void Finish(BackendCallDone done) override {
    if (released_.load()) return done(absl::CancelledError("the upload was cancelled"));
    finish_done_ = std::move(done);
    StartWritesDone();
    StartRead(&response_);
    Release();
  }

  void OnReadDone(bool ok) override { got_response_ = ok; }

  void Cancel() override {
    context_.TryCancel();
    Release();
  }

  void Done(const grpc::Status& status) override {
    // Moved out: the callback may hold the call's owner, which holds this stream.
    BackendCallDone done = std::move(finish_done_);
    if (!done) return;  // cancelled: nobody is waiting
    if (!status.ok()) {
      done(FromGrpcStatus(status));
    } else if (!got_response_) {
      done(absl::InternalError("the backend ended the upload without a response"));
    } else {
      done(ToBytes(response_));
    }
  }

 private:
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  std::function<void(bool)> write_done_;
  BackendCallDone finish_done_;
  bool got_response_ = false;
};

// Server streaming: the request goes out with the half-close; responses are read on
// demand. The read that comes back empty gives the hold back, and the pending Next gets
// the call's status from OnDone.
class BackendPool::DownloadStream final : public Stream, public DownloadCall {
 public:
  DownloadStream(BackendPool& pool, const std::string& request)
      : Stream(pool), request_(ToByteBuffer(request)) {}

  void Prime() override { StartWriteLast(&request_, grpc::WriteOptions()); }

  void Next(NextDone done) override {
    if (released_.load()) return done(absl::CancelledError("the download was cancelled"));
    {
      absl::MutexLock lock(&mu_);
      next_done_ = std::move(done);
      reading_ = true;
    }
    StartRead(&response_);
  }

  void OnReadDone(bool ok) override {
    NextDone done;
    {
      absl::MutexLock lock(&mu_);
      reading_ = false;
      if (ok) done = std::move(next_done_);  // else kept for the status in Done
    }
    if (ok) return done(ToBytes(response_));
    Release();
  }

  void Cancel() override {
    context_.TryCancel();
    bool reading = false;
    {
      absl::MutexLock lock(&mu_);
      reading = reading_;
    }
    if (!reading) Release();  // else the failing read gives it back
  }

  void Done(const grpc::Status& status) override {
    NextDone done;
    {
      absl::MutexLock lock(&mu_);
      done = std::move(next_done_);
    }
    if (!done) return;
    if (status.ok()) {
      done(std::nullopt);
    } else {
      done(FromGrpcStatus(status));
    }
  }

 private:
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  absl::Mutex mu_;
  NextDone next_done_ ABSL_GUARDED_BY(mu_);
  bool reading_ ABSL_GUARDED_BY(mu_) = false;
};

BackendPool::BackendPool(const std::vector<BackendAddress>& backends) {
  for (const BackendAddress& address : backends) {
    auto backend = std::make_unique<Backend>();
    backend->package = address.package;
    backend->address = address.address;
    backend->channel = MakeChannel(address.address);
    backend->stub = std::make_unique<grpc::GenericStub>(backend->channel);
    backends_.push_back(std::move(backend));
  }
}

BackendPool::~BackendPool() { Shutdown(std::chrono::seconds(5)); }

BackendPool::Backend* BackendPool::Find(const std::string& package) {
  for (const std::unique_ptr<Backend>& backend : backends_) {
    if (backend->package == package) return backend.get();
  }
  return nullptr;
}

void BackendPool::Call(BackendCall call, BackendCallDone done) {
  Backend* backend = Find(call.package);
  if (backend == nullptr) {
    return done(absl::UnimplementedError(absl::StrCat("no backend serves ", call.package)));
  }
  Start(*backend, call.grpc_method, call.request, call.metadata, call.timeout,
        [done = std::move(done)](const absl::Status& status, std::string response) {
          if (status.ok()) {
            done(std::move(response));
          } else {
            done(status);
          }
        });
}

std::shared_ptr<UploadCall> BackendPool::StartUpload(const BackendCall& call) {
  if (Find(call.package) == nullptr) {
    return std::make_shared<FailedCall>(
        absl::UnimplementedError(absl::StrCat("no backend serves ", call.package)));
  }
  auto stream = std::make_shared<UploadStream>(*this);
  if (!StartStream(stream, call)) {
    return std::make_shared<FailedCall>(absl::UnavailableError("the gateway is shutting down"));
  }
  return stream;
}

std::shared_ptr<DownloadCall> BackendPool::StartDownload(const BackendCall& call) {
  if (Find(call.package) == nullptr) {
    return std::make_shared<FailedCall>(
        absl::UnimplementedError(absl::StrCat("no backend serves ", call.package)));
  }
  auto stream = std::make_shared<DownloadStream>(*this, call.request);
  if (!StartStream(stream, call)) {
    return std::make_shared<FailedCall>(absl::UnavailableError("the gateway is shutting down"));
  }
  return stream;
}

bool BackendPool::StartStream(const std::shared_ptr<Stream>& stream, const BackendCall& call) {
  if (!Track(std::shared_ptr<grpc::ClientContext>(stream, &stream->context_))) return false;
  Prepare(stream->context_, call);
  Find(call.package)
      ->stub->PrepareBidiStreamingCall(&stream->context_, call.grpc_method, grpc::StubOptions(),
                                       stream.get());
  stream->self_ = stream;
  stream->AddHold();
  stream->Prime();
  stream->StartCall();
  return true;
}

bool BackendPool::Track(const std::shared_ptr<grpc::ClientContext>& context) {
  absl::MutexLock lock(&mu_);
  if (shut_down_) return false;
  in_flight_.emplace(context.get(), context);
  return true;
}

void BackendPool::CheckHealth(std::chrono::milliseconds timeout, HealthDone done) {
  struct Gather {
    absl::Mutex mu;
    std::vector<BackendHealth> results;
    size_t remaining = 0;
    HealthDone done;
  };
  auto gather = std::make_shared<Gather>();
  gather->done = std::move(done);
  gather->remaining = backends_.size();
  for (const std::unique_ptr<Backend>& backend : backends_) {
    gather->results.push_back({backend->package, backend->address, "UNKNOWN", ""});
  }
  if (backends_.empty()) {
    gather->done({});
    return;
  }
  for (size_t i = 0; i < backends_.size(); ++i) {
    Start(*backends_[i], kHealthCheckMethod, /*request=*/"", {}, timeout,
          [gather, i](const absl::Status& status, std::string response) {
            BackendHealth health;
            if (status.ok()) {
              absl::StatusOr<uint64_t> serving = DecodeServingStatus(response);
              health.state = serving.ok() ? ServingStatusName(*serving) : "UNKNOWN";
              if (!serving.ok()) health.error = std::string(serving.status().message());
            } else {
              health.state = CodeName(status.code());
              health.error = std::string(status.message());
            }
            bool last = false;
            {
              absl::MutexLock lock(&gather->mu);
              gather->results[i].state = std::move(health.state);
              gather->results[i].error = std::move(health.error);
              last = --gather->remaining == 0;
            }
            if (last) gather->done(std::move(gather->results));
          });
  }
}

void BackendPool::Start(Backend& backend, const std::string& method, const std::string& request,
                        const std::vector<std::pair<std::string, std::string>>& metadata,
                        std::chrono::milliseconds timeout, RawDone done) {
  auto call = std::make_shared<PendingCall>();
  if (!Track(std::shared_ptr<grpc::ClientContext>(call, &call->context))) {
    done(absl::UnavailableError("the gateway is shutting down"), "");
    return;
  }
  call->context.set_deadline(std::chrono::system_clock::now() + timeout);
  for (const auto& [key, value] : metadata) call->context.AddMetadata(key, value);
  call->request = ToByteBuffer(request);
  backend.stub->UnaryCall(&call->context, method, grpc::StubOptions(), &call->request,
                          &call->response,
                          [this, call, done = std::move(done)](grpc::Status status) {
                            if (status.ok()) {
                              done(absl::OkStatus(), ToBytes(call->response));
                            } else {
                              done(FromGrpcStatus(status), "");
                            }
                            Finished(&call->context);
                          });
}

void BackendPool::Finished(const grpc::ClientContext* context) {
  absl::MutexLock lock(&mu_);
  in_flight_.erase(context);
}

void BackendPool::Shutdown(std::chrono::milliseconds wait) {
  std::vector<std::shared_ptr<grpc::ClientContext>> calls;
  {
    absl::MutexLock lock(&mu_);
    shut_down_ = true;
    for (auto& [raw, weak] : in_flight_) {
      if (std::shared_ptr<grpc::ClientContext> call = weak.lock()) calls.push_back(std::move(call));
    }
  }
  // Outside the lock: a cancelled call's callback takes it in Finished(). A stream ends
  // once its owner, seeing its operations fail, gives it up.
  for (const std::shared_ptr<grpc::ClientContext>& call : calls) call->TryCancel();
  calls.clear();
  absl::MutexLock lock(&mu_);
  using InFlight = std::map<const grpc::ClientContext*, std::weak_ptr<grpc::ClientContext>>;
  mu_.AwaitWithTimeout(absl::Condition(
                           +[](InFlight* in_flight) { return in_flight->empty(); }, &in_flight_),
                       absl::FromChrono(wait));
}

}  // namespace qq::gateway
