// What dispatch asks the customer service about people: which user ids are staff
// accounts of a tenant, with their roles and names (AuthService.LookupUsers), so a
// profile, a team's leader or its members can only be the tenant's own, fitting staff.
// Asked as the dispatch service of the tenant, with a deadline.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/dispatch/domain/staff_account.h"

namespace grpc {
class Channel;
}
namespace qq {
class TokenIssuer;
}

namespace qq::dispatch {

class StaffDirectory {
 public:
  virtual ~StaffDirectory() = default;

  // The tenant's staff accounts among `ids`; ids of no account of the tenant (unknown,
  // another tenant's, malformed) are left out. UNAVAILABLE when the customer service does
  // not answer in time or fails: the caller must not treat that as "unknown".
  virtual absl::StatusOr<std::vector<StaffAccount>> LookupUsers(
      const std::string& tenant, const std::vector<std::string>& ids) = 0;
};

// The directory the service uses: the customer service over gRPC.
class CustomerStaffDirectory final : public StaffDirectory {
 public:
  CustomerStaffDirectory(std::shared_ptr<grpc::Channel> channel, const TokenIssuer& issuer,
                         std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));
  ~CustomerStaffDirectory() override;

  absl::StatusOr<std::vector<StaffAccount>> LookupUsers(
      const std::string& tenant, const std::vector<std::string>& ids) override;

 private:
  struct Stub;
  std::unique_ptr<Stub> stub_;
  const TokenIssuer& issuer_;
  std::chrono::milliseconds timeout_;
};

// One id to check and where it goes: the field that names it and the place it takes.
struct StaffToCheck {
  std::string field{};
  std::string id{};
  const StaffPlace* place = nullptr;
};

// Checks every id in one lookup: OK and the accounts found, or the first misfit as
// INVALID_ARGUMENT naming its field (CheckStaffAccount), or UNAVAILABLE when the customer
// service cannot answer. Nothing to check asks nothing.
absl::StatusOr<std::vector<StaffAccount>> CheckStaff(StaffDirectory& directory,
                                                     const std::string& tenant,
                                                     const std::vector<StaffToCheck>& checks);

}  // namespace qq::dispatch
