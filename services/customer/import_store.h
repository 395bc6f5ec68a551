// SQL of customer imports: who already has which phone, and new customers written in bulk
// through COPY (customers, phones, first address, search terms, opening ticket balances),
// one transaction per batch.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/customer/domain/import_mapping.h"
#include "services/customer/domain/pii_cipher.h"
#include "services/customer/domain/search_query.h"

namespace qq {
class PgPool;
}

namespace qq::customer {

class CustomerOutbox;

struct NewImportedCustomer {
  const ImportedRow* row = nullptr;
  std::vector<SearchTerm> terms;
};

class ImportStore {
 public:
  // Each written customer appends customer.created, each opening ticket balance
  // ledger.posted, in the batch's transaction (one COPY for all of them); `outbox` wakes the
  // relay after the commit.
  ImportStore(PgPool& pool, const PiiCipher& cipher, CustomerOutbox& outbox);

  // The tenant's active customers holding any of `phones` (normalised): phone -> id.
  absl::StatusOr<std::map<std::string, std::string>> PhoneOwners(
      const std::string& tenant, const std::vector<std::string>& phones);

  // Writes the customers in one transaction. ALREADY_EXISTS (nothing written) when a
  // phone was taken by someone else in the meantime; the caller then goes row by row.
  absl::Status CopyNewCustomers(const std::string& tenant, const std::string& actor_id,
                                const std::string& file_name,
                                const std::vector<NewImportedCustomer>& customers);

 private:
  PgPool& pool_;
  const PiiCipher& cipher_;
  CustomerOutbox& outbox_;
};

}  // namespace qq::customer
