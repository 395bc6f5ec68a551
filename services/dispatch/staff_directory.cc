#include "services/dispatch/staff_directory.h"

#include <grpcpp/grpcpp.h>

#include "absl/strings/str_cat.h"
#include "qingquan/customer/v1/customer.grpc.pb.h"
#include "services/common/auth.h"
#include "services/common/client.h"
#include "services/common/grpc_status.h"
#include "services/common/ids.h"
#include "services/common/status.h"

namespace qq::dispatch {

namespace customer_v1 = qingquan::customer::v1;

namespace {
// LookupUsers takes at most this many ids per call.
constexpr size_t kLookupBatch = 200;
}  // namespace

struct CustomerStaffDirectory::Stub {
  std::unique_ptr<customer_v1::AuthService::Stub> auth;
};

CustomerStaffDirectory::CustomerStaffDirectory(std::shared_ptr<grpc::Channel> channel,
                                               const TokenIssuer& issuer,
                                               std::chrono::milliseconds timeout)
    : stub_(new Stub{customer_v1::AuthService::NewStub(std::move(channel))}),
      issuer_(issuer),
      timeout_(timeout) {}

CustomerStaffDirectory::~CustomerStaffDirectory() = default;

absl::StatusOr<std::vector<StaffAccount>> CustomerStaffDirectory::LookupUsers(
    const std::string& tenant, const std::vector<std::string>& ids) {
  std::vector<StaffAccount> accounts;
  absl::StatusOr<std::string> token =
      issuer_.Issue(Identity{tenant, "system:dispatch", "dispatch", {std::string(roles::kService)}},
                    std::chrono::seconds(300));
  if (!token.ok()) return token.status();
  for (size_t start = 0; start < ids.size(); start += kLookupBatch) {
    customer_v1::LookupUsersRequest request;
    for (size_t i = start; i < ids.size() && i < start + kLookupBatch; ++i) {
      request.add_ids(ids[i]);
    }
    customer_v1::LookupUsersResponse response;
    grpc::ClientContext ctx;
    PrepareServiceCall(ctx, *token, timeout_);
    absl::Status status = FromGrpcStatus(stub_->auth->LookupUsers(&ctx, request, &response));
    if (!status.ok()) {
      // Whatever went wrong there, the caller's input was not judged: retry later.
      return absl::UnavailableError(
          absl::StrCat("cannot check staff accounts now: the customer service answered ",
                       absl::StatusCodeToString(status.code()), " (", status.message(), ")"));
    }
    for (const auto& user : response.users()) {
      accounts.push_back(StaffAccount{.id = user.id(),
                                      .username = user.username(),
                                      .display_name = user.display_name(),
                                      .roles = {user.roles().begin(), user.roles().end()},
                                      .disabled = user.disabled()});
    }
  }
  return accounts;
}

absl::StatusOr<std::vector<StaffAccount>> CheckStaff(StaffDirectory& directory,
                                                     const std::string& tenant,
                                                     const std::vector<StaffToCheck>& checks) {
  std::vector<std::string> ids;
  for (const StaffToCheck& check : checks) {
    // A malformed id is no account: refused below without asking.
    if (LooksLikeUuid(check.id)) ids.push_back(check.id);
  }
  std::vector<StaffAccount> accounts;
  if (!ids.empty()) {
    absl::StatusOr<std::vector<StaffAccount>> found = directory.LookupUsers(tenant, ids);
    if (!found.ok()) return found.status();
    accounts = *std::move(found);
  }
  for (const StaffToCheck& check : checks) {
    absl::Status fits =
        CheckStaffAccount(check.field, FindAccount(accounts, check.id), *check.place);
    if (!fits.ok()) return fits;
  }
  return accounts;
}

}  // namespace qq::dispatch
