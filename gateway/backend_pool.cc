// Generic unary calls over grpc::GenericStub's callback API; the health check request
// and response are encoded by hand (no health.proto is shipped for C++ on Debian).
#include "gateway/backend_pool.h"

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>

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

void BackendPool::Call(BackendCall call, BackendCallDone done) {
  for (const std::unique_ptr<Backend>& backend : backends_) {
    if (backend->package != call.package) continue;
    Start(*backend, call.grpc_method, call.request, call.metadata, call.timeout,
          [done = std::move(done)](const absl::Status& status, std::string response) {
            if (status.ok()) {
              done(std::move(response));
            } else {
              done(status);
            }
          });
    return;
  }
  done(absl::UnimplementedError(absl::StrCat("no backend serves ", call.package)));
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
  bool refused = false;
  {
    absl::MutexLock lock(&mu_);
    refused = shut_down_;
    if (!refused) in_flight_.emplace(call.get(), call);
  }
  if (refused) {
    done(absl::UnavailableError("the gateway is shutting down"), "");
    return;
  }
  call->context.set_deadline(std::chrono::system_clock::now() + timeout);
  for (const auto& [key, value] : metadata) call->context.AddMetadata(key, value);
  grpc::Slice slice(request);
  call->request = grpc::ByteBuffer(&slice, 1);
  backend.stub->UnaryCall(&call->context, method, grpc::StubOptions(), &call->request,
                          &call->response,
                          [this, call, done = std::move(done)](grpc::Status status) {
                            if (status.ok()) {
                              done(absl::OkStatus(), ToBytes(call->response));
                            } else {
                              done(FromGrpcStatus(status), "");
                            }
                            Finished(call.get());
                          });
}

void BackendPool::Finished(PendingCall* call) {
  absl::MutexLock lock(&mu_);
  in_flight_.erase(call);
}

void BackendPool::Shutdown(std::chrono::milliseconds wait) {
  std::vector<std::shared_ptr<PendingCall>> calls;
  {
    absl::MutexLock lock(&mu_);
    shut_down_ = true;
    for (auto& [raw, weak] : in_flight_) {
      if (std::shared_ptr<PendingCall> call = weak.lock()) calls.push_back(std::move(call));
    }
  }
  // Outside the lock: a cancelled call's callback takes it in Finished().
  for (const std::shared_ptr<PendingCall>& call : calls) call->context.TryCancel();
  calls.clear();
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithTimeout(absl::Condition(
                           +[](std::map<PendingCall*, std::weak_ptr<PendingCall>>* in_flight) {
                             return in_flight->empty();
                           },
                           &in_flight_),
                       absl::FromChrono(wait));
}

}  // namespace qq::gateway
