// Demo tenants' staff accounts and customers (README: "Try it"). Only with
// --load_demo_data.
#pragma once

#include "absl/status/status.h"

namespace qq::customer {

class CustomerStore;

// utility-demo: agent, dispatcher, leader, worker, manager, admin; station-demo: the
// same plus courier; each with the role of its name and the password "demo12345".
// Existing accounts are left alone.
absl::Status LoadDemoAccounts(CustomerStore& store);

// A few customers per demo tenant, with addresses inside the demo service areas. Loading
// again changes nothing.
absl::Status LoadDemoCustomers(CustomerStore& store);

}  // namespace qq::customer
