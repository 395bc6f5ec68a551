#include "services/customer/customer_service.h"

#include "services/common/ids.h"
#include "services/common/status.h"
#include "services/customer/domain/customer_draft.h"
#include "services/customer/domain/password_hash.h"

namespace qq::customer {

namespace v1 = qingquan::customer::v1;

namespace {

constexpr int kDefaultPageSize = 20;
constexpr int kMaxPageSize = 100;

// Who may read and write the archive: everyone on staff who talks to customers or
// serves them, and other services acting for a tenant.
constexpr std::initializer_list<absl::string_view> kArchiveReaders = {
    roles::kAgent,   roles::kDispatcher, roles::kLeader,  roles::kWorker,
    roles::kCourier, roles::kManager,    roles::kFinance, roles::kService};

}  // namespace

grpc::ServerUnaryReactor* CustomerServiceImpl::CreateCustomer(
    grpc::CallbackServerContext* ctx, const v1::CreateCustomerRequest* request,
    v1::Customer* response) {
  return guard_.Unary(ctx, "CreateCustomer", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kAgent, roles::kDispatcher}));
    QQ_ASSIGN_OR_RETURN(CustomerDraft draft, CheckNewCustomer(request->customer()));
    QQ_ASSIGN_OR_RETURN(IdempotencyScope idempotency,
                        IdempotencyScopeOf(call, "CreateCustomer", *request));
    QQ_ASSIGN_OR_RETURN(*response, store_.CreateCustomer(call.identity.tenant, draft, idempotency));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CustomerServiceImpl::GetCustomer(grpc::CallbackServerContext* ctx,
                                                           const v1::GetCustomerRequest* request,
                                                           v1::Customer* response) {
  return guard_.Unary(ctx, "GetCustomer", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, kArchiveReaders));
    if (!LooksLikeUuid(request->id())) {
      return WithField(absl::NotFoundError("no such customer"), "id");
    }
    QQ_ASSIGN_OR_RETURN(*response, store_.GetCustomer(call.identity.tenant, request->id()));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CustomerServiceImpl::ListCustomers(
    grpc::CallbackServerContext* ctx, const v1::ListCustomersRequest* request,
    v1::ListCustomersResponse* response) {
  return guard_.Unary(ctx, "ListCustomers", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, kArchiveReaders));
    int page_size = request->page_size() == 0 ? kDefaultPageSize : request->page_size();
    if (page_size < 1 || page_size > kMaxPageSize) {
      return InvalidField("pageSize", "must be between 1 and 100");
    }
    QQ_ASSIGN_OR_RETURN(CustomerPage page, store_.ListCustomers(call.identity.tenant, page_size,
                                                                request->page_token()));
    for (auto& c : page.customers) *response->add_customers() = std::move(c);
    response->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* AuthServiceImpl::Login(grpc::CallbackServerContext* ctx,
                                                 const v1::LoginRequest* request,
                                                 v1::LoginResponse* response) {
  return guard_.PublicUnary(ctx, "Login", [&](const std::string&) -> absl::Status {
    if (request->tenant().empty()) return InvalidField("tenant", "is required");
    if (request->username().empty()) return InvalidField("username", "is required");
    if (request->password().empty()) return InvalidField("password", "is required");
    QQ_RETURN_IF_ERROR(throttle_.CheckAllowed(request->tenant(), request->username()));

    const absl::Status wrong = absl::UnauthenticatedError("wrong tenant, username or password");
    auto account = store_.FindStaffAccount(request->tenant(), request->username());
    if (!account.ok() && account.status().code() != absl::StatusCode::kNotFound) {
      return account.status();
    }
    // An unknown user costs a hash verification too, so timing does not reveal it.
    static const std::string kDummyHash = *HashPassword("not-a-real-password");
    bool verified =
        VerifyPassword(account.ok() ? account->password_hash : kDummyHash, request->password());
    if (!account.ok() || !verified) {
      throttle_.RecordFailure(request->tenant(), request->username());
      return wrong;
    }
    if (account->disabled) return absl::UnauthenticatedError("this account is disabled");
    throttle_.Reset(request->tenant(), request->username());
    Identity identity{account->tenant, account->id, account->username, account->roles};
    QQ_ASSIGN_OR_RETURN(std::string token, issuer_.Issue(identity, kTokenLifetime));
    response->set_access_token(token);
    response->set_expires_in(static_cast<int>(kTokenLifetime.count()));
    return absl::OkStatus();
  });
}

}  // namespace qq::customer
