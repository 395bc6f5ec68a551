// What the order service asks the customer service: the customer behind an order (with
// the caller's identity, or as the order service itself for background work such as
// standing orders) and the tenant's custom field definitions for orders (form engine),
// all with a short deadline.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "qingquan/customer/v1/customer.grpc.pb.h"
#include "services/common/forms/field_values.h"
#include "services/order/domain/workflow.h"

namespace google::protobuf {
class Struct;
}

namespace qq {
struct CallContext;
class TokenIssuer;
}  // namespace qq

namespace qq::order {

using FieldEntity = qingquan::customer::v1::FieldDefinition::Entity;

class CustomerDirectory {
 public:
  // `definitions_ttl`: how long fetched field definitions are used before asking again (a
  // value with a key the cached definitions lack always asks again first).
  CustomerDirectory(const std::string& customer_addr, const TokenIssuer& issuer,
                    std::chrono::milliseconds timeout = std::chrono::milliseconds(2000),
                    absl::Duration definitions_ttl = absl::Seconds(5));

  // NOT_FOUND (field "customerId") for an unknown customer; UNAVAILABLE or
  // DEADLINE_EXCEEDED when the customer service does not answer in time.
  absl::StatusOr<qingquan::customer::v1::Customer> GetCustomer(const CallContext& call,
                                                               const std::string& customer_id);
  // The same, asked as the order service of `tenant` (no caller behind the request).
  absl::StatusOr<qingquan::customer::v1::Customer> GetCustomerAsService(
      const std::string& tenant, const std::string& customer_id);

  // Checks and normalises custom field `values` of an order against the tenant's
  // definitions for `entity` (forms::ValidateValues; errors name "<field_path>.<key>").
  // A patch that is empty needs no definitions and is not sent anywhere.
  absl::Status CheckCustomFields(const std::string& tenant, FieldEntity entity,
                                 google::protobuf::Struct* values, forms::WriteMode mode,
                                 const google::protobuf::Struct* current,
                                 const std::string& field_path);

  // The tenant's staff accounts among `ids` (asked as the order service of `tenant`);
  // ids of no account of the tenant are absent. UNAVAILABLE or DEADLINE_EXCEEDED when the
  // customer service does not answer in time.
  absl::StatusOr<std::vector<qingquan::customer::v1::StaffUser>> LookupUsers(
      const std::string& tenant, const std::vector<std::string>& ids);

  // Ids of the caller's tenant's customers with this phone number (NFKC-normalised by the
  // customer service's search), for finding a caller's orders; empty when none has it.
  absl::StatusOr<std::vector<std::string>> CustomerIdsWithPhone(const CallContext& call,
                                                                const std::string& phone);

  // The account behind an assignee id someone typed or picked, for CheckTransition (not
  // found: not an account of the tenant, or not an id at all).
  absl::StatusOr<AssigneeAccount> AssigneeAccountOf(const std::string& tenant,
                                                    const std::string& user_id);

  // List filters "key=value" as a JSON object for JSONB containment ("{}" for none).
  absl::StatusOr<std::string> CustomFieldFilter(const std::string& tenant, FieldEntity entity,
                                                const std::vector<std::string>& filters,
                                                const std::string& field);

 private:
  using Definitions = std::vector<qingquan::customer::v1::FieldDefinition>;
  struct CachedDefinitions {
    absl::Time fetched;
    Definitions definitions;
  };

  absl::StatusOr<qingquan::customer::v1::Customer> Fetch(grpc::ClientContext& ctx,
                                                         const std::string& customer_id);
  // Cached unless older than the TTL or `fresh`.
  absl::StatusOr<Definitions> DefinitionsFor(const std::string& tenant, FieldEntity entity,
                                             bool fresh);
  absl::StatusOr<std::string> ServiceToken(const std::string& tenant) const;

  std::unique_ptr<qingquan::customer::v1::CustomerService::Stub> customers_;
  std::unique_ptr<qingquan::customer::v1::DictionaryService::Stub> dictionary_;
  std::unique_ptr<qingquan::customer::v1::AuthService::Stub> auth_;
  const TokenIssuer& issuer_;
  std::chrono::milliseconds timeout_;
  absl::Duration definitions_ttl_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::pair<std::string, int>, CachedDefinitions> definitions_
      ABSL_GUARDED_BY(mu_);
};

// The customer's address `address_id`, or the first one when it is empty; nullptr when
// the customer has no address. NOT_FOUND (field "addressId") for an id the customer lacks.
absl::StatusOr<const qingquan::customer::v1::Address*> ChooseAddress(
    const qingquan::customer::v1::Customer& customer, const std::string& address_id);

}  // namespace qq::order
