#include "services/customer/demo_data.h"

#include <string>
#include <vector>

#include "services/common/log.h"
#include "services/common/status.h"
#include "services/customer/customer_store.h"
#include "services/customer/domain/password_hash.h"

namespace qq::customer {

absl::Status LoadDemoAccounts(CustomerStore& store) {
  const std::vector<std::string> utility_roles = {"agent",  "dispatcher", "leader",
                                                  "worker", "manager",    "admin"};
  std::vector<std::string> station_roles = utility_roles;
  station_roles.push_back("courier");
  // One hash for all: hashing is deliberately slow and the password is the same.
  QQ_ASSIGN_OR_RETURN(std::string hash, HashPassword("demo12345"));
  for (const auto& [tenant, names] : {std::pair{std::string("utility-demo"), utility_roles},
                                      std::pair{std::string("station-demo"), station_roles}}) {
    for (const std::string& name : names) {
      StaffAccount account;
      account.tenant = tenant;
      account.username = name;
      account.password_hash = hash;
      account.roles = {name};
      QQ_RETURN_IF_ERROR(store.EnsureDemoStaffAccount(account));
    }
  }
  LogInfo("demo accounts ready");
  return absl::OkStatus();
}

}  // namespace qq::customer
