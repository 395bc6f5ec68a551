// Demo tenants' staff accounts (README: "Demo logins"). Only with --load_demo_data.
#pragma once

#include "absl/status/status.h"

namespace qq::customer {

class CustomerStore;

// utility-demo: agent, dispatcher, leader, worker, manager, admin; station-demo: the
// same plus courier; each with the role of its name and the password "demo12345".
// Existing accounts are left alone.
absl::Status LoadDemoAccounts(CustomerStore& store);

}  // namespace qq::customer
