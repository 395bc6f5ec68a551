#include "services/order/customer_directory.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/struct.pb.h"
#include "services/common/auth.h"
#include "services/common/call_guard.h"
#include "services/common/client.h"
#include "services/common/forms/form_messages.h"
#include "services/common/grpc_status.h"
#include "services/common/ids.h"
#include "services/common/status.h"

namespace qq::order {

namespace customer_v1 = qingquan::customer::v1;

CustomerDirectory::CustomerDirectory(const std::string& customer_addr, const TokenIssuer& issuer,
                                     std::chrono::milliseconds timeout,
                                     absl::Duration definitions_ttl)
    : customers_(customer_v1::CustomerService::NewStub(MakeChannel(customer_addr))),
      dictionary_(customer_v1::DictionaryService::NewStub(MakeChannel(customer_addr))),
      auth_(customer_v1::AuthService::NewStub(MakeChannel(customer_addr))),
      issuer_(issuer),
      timeout_(timeout),
      definitions_ttl_(definitions_ttl) {}

absl::StatusOr<customer_v1::Customer> CustomerDirectory::GetCustomer(
    const CallContext& call, const std::string& customer_id) {
  grpc::ClientContext ctx;
  PrepareOutgoingCall(ctx, call, timeout_);
  return Fetch(ctx, customer_id);
}

absl::StatusOr<customer_v1::Customer> CustomerDirectory::GetCustomerAsService(
    const std::string& tenant, const std::string& customer_id) {
  QQ_ASSIGN_OR_RETURN(std::string token, ServiceToken(tenant));
  grpc::ClientContext ctx;
  PrepareServiceCall(ctx, token, timeout_);
  return Fetch(ctx, customer_id);
}

absl::StatusOr<customer_v1::Customer> CustomerDirectory::Fetch(grpc::ClientContext& ctx,
                                                               const std::string& customer_id) {
  if (!LooksLikeUuid(customer_id)) {
    return WithField(absl::NotFoundError("no such customer"), "customerId");
  }
  customer_v1::GetCustomerRequest request;
  request.set_id(customer_id);
  customer_v1::Customer customer;
  absl::Status status = FromGrpcStatus(customers_->GetCustomer(&ctx, request, &customer));
  if (status.code() == absl::StatusCode::kNotFound) {
    return WithField(absl::NotFoundError("no such customer"), "customerId");
  }
  if (!status.ok()) {
    return absl::Status(status.code(), absl::StrCat("customer service: ", status.message()));
  }
  return customer;
}

absl::StatusOr<std::vector<customer_v1::StaffUser>> CustomerDirectory::LookupUsers(
    const std::string& tenant, const std::vector<std::string>& ids) {
  std::vector<customer_v1::StaffUser> users;
  if (ids.empty()) return users;
  QQ_ASSIGN_OR_RETURN(std::string token, ServiceToken(tenant));
  grpc::ClientContext ctx;
  PrepareServiceCall(ctx, token, timeout_);
  customer_v1::LookupUsersRequest request;
  for (const auto& id : ids) request.add_ids(id);
  customer_v1::LookupUsersResponse response;
  absl::Status status = FromGrpcStatus(auth_->LookupUsers(&ctx, request, &response));
  if (!status.ok()) {
    return absl::Status(status.code(), absl::StrCat("customer service: ", status.message()));
  }
  users.assign(response.users().begin(), response.users().end());
  return users;
}

absl::StatusOr<std::vector<std::string>> CustomerDirectory::CustomerIdsWithPhone(
    const CallContext& call, const std::string& phone) {
  grpc::ClientContext ctx;
  PrepareOutgoingCall(ctx, call, timeout_);
  customer_v1::SearchCustomersRequest request;
  request.set_q(phone);
  request.set_page_size(50);
  customer_v1::SearchCustomersResponse response;
  absl::Status status = FromGrpcStatus(customers_->SearchCustomers(&ctx, request, &response));
  if (status.code() == absl::StatusCode::kInvalidArgument) return WithField(status, "phone");
  if (!status.ok()) {
    return absl::Status(status.code(), absl::StrCat("customer service: ", status.message()));
  }
  std::vector<std::string> ids;
  for (const auto& hit : response.hits()) {
    if (hit.matched() == "PHONE") ids.push_back(hit.customer().id());
  }
  return ids;
}

absl::StatusOr<AssigneeAccount> CustomerDirectory::AssigneeAccountOf(const std::string& tenant,
                                                                     const std::string& user_id) {
  AssigneeAccount account;
  if (!LooksLikeUuid(user_id)) return account;
  QQ_ASSIGN_OR_RETURN(auto users, LookupUsers(tenant, {user_id}));
  for (const auto& user : users) {
    if (user.id() != user_id) continue;
    account.found = true;
    account.disabled = user.disabled();
    account.roles.assign(user.roles().begin(), user.roles().end());
    account.display_name = user.display_name();
  }
  return account;
}

absl::StatusOr<std::string> CustomerDirectory::ServiceToken(const std::string& tenant) const {
  return issuer_.Issue(Identity{tenant, "system:order", "order", {std::string(roles::kService)}},
                       std::chrono::seconds(300));
}

absl::StatusOr<CustomerDirectory::Definitions> CustomerDirectory::DefinitionsFor(
    const std::string& tenant, FieldEntity entity, bool fresh) {
  const auto key = std::make_pair(tenant, static_cast<int>(entity));
  const absl::Time now = absl::Now();
  if (!fresh) {
    absl::MutexLock lock(&mu_);
    auto it = definitions_.find(key);
    if (it != definitions_.end() && now - it->second.fetched < definitions_ttl_) {
      return it->second.definitions;
    }
  }
  QQ_ASSIGN_OR_RETURN(std::string token, ServiceToken(tenant));
  grpc::ClientContext ctx;
  PrepareServiceCall(ctx, token, timeout_);
  customer_v1::ListFieldDefinitionsRequest request;
  request.set_entity(entity);
  customer_v1::ListFieldDefinitionsResponse response;
  absl::Status status = FromGrpcStatus(dictionary_->ListFieldDefinitions(&ctx, request, &response));
  if (!status.ok()) {
    return absl::Status(status.code(), absl::StrCat("customer service (custom field definitions): ",
                                                    status.message()));
  }
  Definitions definitions(response.definitions().begin(), response.definitions().end());
  absl::MutexLock lock(&mu_);
  definitions_[key] = CachedDefinitions{now, definitions};
  return definitions;
}

absl::Status CustomerDirectory::CheckCustomFields(const std::string& tenant, FieldEntity entity,
                                                  google::protobuf::Struct* values,
                                                  forms::WriteMode mode,
                                                  const google::protobuf::Struct* current,
                                                  const std::string& field_path) {
  if (mode == forms::WriteMode::kPatch && values->fields().empty()) return absl::OkStatus();
  QQ_ASSIGN_OR_RETURN(Definitions definitions, DefinitionsFor(tenant, entity, false));
  // A field added a moment ago is not in the cache yet: ask again before refusing it.
  for (const auto& [key, value] : values->fields()) {
    bool known = false;
    for (const auto& d : definitions) known = known || d.key() == key;
    if (!known) {
      QQ_ASSIGN_OR_RETURN(definitions, DefinitionsFor(tenant, entity, true));
      break;
    }
  }
  return forms::ValidateCustomFieldValues(definitions, values, mode, current, field_path);
}

absl::StatusOr<std::string> CustomerDirectory::CustomFieldFilter(
    const std::string& tenant, FieldEntity entity, const std::vector<std::string>& filters,
    const std::string& field) {
  if (filters.empty()) return std::string("{}");
  QQ_ASSIGN_OR_RETURN(Definitions definitions, DefinitionsFor(tenant, entity, false));
  return forms::CustomFieldFilterJson(definitions, filters, field);
}

absl::StatusOr<const customer_v1::Address*> ChooseAddress(const customer_v1::Customer& customer,
                                                          const std::string& address_id) {
  for (const auto& a : customer.addresses()) {
    if (address_id.empty() || a.id() == address_id) return &a;
  }
  if (!address_id.empty()) {
    return WithField(absl::NotFoundError("the customer has no such address"), "addressId");
  }
  return nullptr;
}

}  // namespace qq::order
