// The tenants' SLA settings (the shipped defaults until a manager saves their own).
#pragma once

#include <pqxx/pqxx>

#include <string>

#include "absl/status/statusor.h"
#include "services/order/domain/sla_policy.h"

namespace qq {
class PgPool;
}

namespace qq::order {

class SlaSettingsStore {
 public:
  explicit SlaSettingsStore(PgPool& pool);

  absl::StatusOr<SlaSettings> Get(pqxx::work& txn, const std::string& tenant);
  absl::StatusOr<SlaSettings> Get(const std::string& tenant);

  // Stores validated settings.
  absl::StatusOr<SlaSettings> Save(const std::string& tenant, const std::string& actor,
                                   SlaSettings settings);

 private:
  PgPool& pool_;
};

}  // namespace qq::order
