// The only place with SQL for the customer service: customers, phones, addresses and
// the staff accounts in the qq_auth schema.
#pragma once

#include <pqxx/pqxx>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "qingquan/customer/v1/customer.pb.h"
#include "services/common/idempotency.h"
#include "services/common/migrations.h"
#include "services/customer/domain/customer_draft.h"

namespace qq {
class PgPool;
// Generated from services/customer/migrations/*.sql (cmake/EmbedSql.cmake).
std::vector<Migration> customer_migrations();
}  // namespace qq

namespace qq::customer {

struct StaffAccount {
  std::string id;
  std::string tenant;
  std::string username;
  std::string password_hash;
  std::vector<std::string> roles;
  bool disabled = false;
};

struct CustomerPage {
  std::vector<qingquan::customer::v1::Customer> customers;
  std::string next_page_token;
};

class CustomerStore {
 public:
  explicit CustomerStore(PgPool& pool);

  // With an enabled `idempotency` scope, a repeated request returns the customer the
  // first one created (see services/common/idempotency.h).
  absl::StatusOr<qingquan::customer::v1::Customer> CreateCustomer(
      const std::string& tenant, const CustomerDraft& draft, const IdempotencyScope& idempotency);

  // NOT_FOUND when the customer does not exist in `tenant` or was deleted.
  absl::StatusOr<qingquan::customer::v1::Customer> GetCustomer(const std::string& tenant,
                                                               const std::string& id);

  // Newest first. INVALID_ARGUMENT (pageToken) for a token this store did not issue.
  absl::StatusOr<CustomerPage> ListCustomers(const std::string& tenant, int page_size,
                                             const std::string& page_token);

  // NOT_FOUND when there is no such account.
  absl::StatusOr<StaffAccount> FindStaffAccount(const std::string& tenant,
                                                const std::string& username);

  // Creates a demo account (id derived from tenant and username, `account.id` is
  // ignored) unless that username exists.
  absl::Status EnsureDemoStaffAccount(const StaffAccount& account);

 private:
  PgPool& pool_;
};

}  // namespace qq::customer
