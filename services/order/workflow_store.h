// The tenants' workflow versions. Versions are immutable once written, so a version read
// once is cached for good; the current version is looked up in the database each time
// (several replicas may store new ones). The shipped defaults are version 0.
#pragma once

#include <pqxx/pqxx>

#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "services/order/domain/workflow.h"

namespace qq {
class PgPool;
}

namespace qq::order {

class WorkflowStore {
 public:
  explicit WorkflowStore(PgPool& pool);

  // The newest version of `kind` for the tenant (its default when it has none).
  absl::StatusOr<Workflow> Current(pqxx::work& txn, const std::string& tenant,
                                   const std::string& kind);
  absl::StatusOr<Workflow> Current(const std::string& tenant, const std::string& kind);

  // A given version; NOT_FOUND (field "version") when the tenant never had it.
  absl::StatusOr<Workflow> AtVersion(pqxx::work& txn, const std::string& tenant,
                                     const std::string& kind, int version);
  absl::StatusOr<Workflow> AtVersion(const std::string& tenant, const std::string& kind,
                                     int version);

  // The current version of every kind.
  absl::StatusOr<std::vector<Workflow>> ListCurrent(const std::string& tenant);

  // Stores `workflow` (already validated) as the kind's next version.
  absl::StatusOr<Workflow> Save(const std::string& tenant, const std::string& actor,
                                Workflow workflow);

 private:
  PgPool& pool_;
  std::mutex mu_;
  absl::flat_hash_map<std::string, Workflow> cache_;  // "tenant\x1fkind\x1fversion"
};

}  // namespace qq::order
