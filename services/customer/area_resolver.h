// Keeps the service area of every located address: asks the dispatch service's
// ResolveArea (short deadline) and stores the answer. Addresses whose area is not known
// (dispatch was down, or areas changed) stay marked pending and a background loop
// retries them, so an address never waits on dispatch to be saved.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "qingquan/dispatch/v1/dispatch.grpc.pb.h"
#include "services/common/auth.h"

namespace qq::customer {

class CustomerStore;

class AreaResolver {
 public:
  AreaResolver(CustomerStore& store,
               std::shared_ptr<qingquan::dispatch::v1::DispatchService::StubInterface> dispatch,
               const TokenIssuer& issuer, std::chrono::milliseconds deadline);
  ~AreaResolver();

  // Resolves one address now with the service's own token for `tenant`. UNAVAILABLE /
  // DEADLINE_EXCEEDED when dispatch does not answer (the address stays pending).
  absl::Status ResolveNow(const std::string& tenant, const std::string& address_id, double lat,
                          double lng);

  // Background retries of pending addresses, every `interval` or on Wake().
  void Start(std::chrono::milliseconds interval);
  void Wake();
  void Stop();

 private:
  void Loop(std::chrono::milliseconds interval);
  absl::StatusOr<std::string> TokenFor(const std::string& tenant) const;

  CustomerStore& store_;
  std::shared_ptr<qingquan::dispatch::v1::DispatchService::StubInterface> dispatch_;
  const TokenIssuer& issuer_;
  std::chrono::milliseconds deadline_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool woken_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace qq::customer
