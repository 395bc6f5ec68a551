// Keeps the service area of every located address: asks the dispatch service's
// ResolveArea (short deadline) and stores the answer. Addresses whose area is not known
// (dispatch was down, or areas changed) stay marked pending and a background loop
// retries them, so an address never waits on dispatch to be saved.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "qingquan/dispatch/v1/dispatch.grpc.pb.h"
#include "services/common/auth.h"
#include "services/common/wakeable_loop.h"

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
  void Wake() { loop_.Wake(); }
  void Stop() { loop_.Stop(); }

 private:
  // One pass over the pending addresses.
  void RetryPending();
  absl::StatusOr<std::string> TokenFor(const std::string& tenant) const;

  CustomerStore& store_;
  std::shared_ptr<qingquan::dispatch::v1::DispatchService::StubInterface> dispatch_;
  const TokenIssuer& issuer_;
  std::chrono::milliseconds deadline_;
  WakeableLoop loop_;  // last: stopped before the members it uses go
};

}  // namespace qq::customer
