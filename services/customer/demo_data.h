// Demo tenants' staff accounts, dictionaries and customers (README: "Try it"). Only with
// --load_demo_data. Loading again changes nothing.
#pragma once

#include "absl/status/status.h"

namespace qq::customer {

class CustomerStore;
class DictionaryStore;
class LedgerStore;
class UtilityStore;

// utility-demo: agent, dispatcher, leader, worker, manager, admin; station-demo: the
// same plus courier; each with the role of its name and the password "demo12345".
// utility-demo also has the billing service account "billing-demo" with the secret
// "demo-billing-secret". Existing accounts are left alone.
absl::Status LoadDemoAccounts(CustomerStore& store);

// Tags (高层无电梯, 下午3点后送, …) and a few custom fields per demo tenant.
absl::Status LoadDemoDictionaries(DictionaryStore& dictionary);

// A few customers per demo tenant, with addresses inside the demo service areas; the
// utility customer has a meter and a supply contract (account 3100012345), the station
// customer 20 water tickets.
absl::Status LoadDemoCustomers(CustomerStore& store, UtilityStore& utility, LedgerStore& ledger);

}  // namespace qq::customer
