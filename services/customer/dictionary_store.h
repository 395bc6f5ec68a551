// SQL of the tenant's dictionaries: the tag dictionary and the custom field definitions
// of the form engine.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "qingquan/customer/v1/customer.pb.h"
#include "services/common/idempotency.h"

namespace pqxx {
class transaction_base;
}
namespace qq {
class PgPool;
}

namespace qq::customer {

class CustomerOutbox;

class DictionaryStore {
 public:
  // Renaming or deleting a tag changes its customers: customer.updated for each, through
  // `outbox`.
  DictionaryStore(PgPool& pool, CustomerOutbox& outbox);

  // ALREADY_EXISTS (field "name") when the tenant has the tag. With an enabled
  // `idempotency` scope, a repeated request returns the tag the first one created.
  absl::StatusOr<qingquan::customer::v1::Tag> CreateTag(const std::string& tenant,
                                                        const qingquan::customer::v1::Tag& tag,
                                                        const IdempotencyScope& idempotency = {});
  // NOT_FOUND (field "id") when the tenant has no such tag.
  absl::StatusOr<qingquan::customer::v1::Tag> GetTag(const std::string& tenant,
                                                     const std::string& id);
  // Writes name, color and description of tag `tag.id()`; a new name replaces the old one
  // on every customer carrying it, in the same transaction. NOT_FOUND (field "id");
  // ALREADY_EXISTS (field "name") when another tag of the tenant has the new name.
  absl::StatusOr<qingquan::customer::v1::Tag> UpdateTag(const std::string& tenant,
                                                        const qingquan::customer::v1::Tag& tag);
  // Removes the tag and takes it off every customer carrying it, in one transaction;
  // returns the removed tag. NOT_FOUND (field "id").
  absl::StatusOr<qingquan::customer::v1::Tag> DeleteTag(const std::string& tenant,
                                                        const std::string& id);
  absl::StatusOr<std::vector<qingquan::customer::v1::Tag>> ListTags(const std::string& tenant);
  absl::StatusOr<std::vector<std::string>> TagNames(const std::string& tenant);

  // ALREADY_EXISTS (field "key" or "label") when the entity has the key or label. With an
  // enabled `idempotency` scope, a repeated request returns the first definition.
  absl::StatusOr<qingquan::customer::v1::FieldDefinition> CreateFieldDefinition(
      const std::string& tenant, const qingquan::customer::v1::FieldDefinition& definition,
      const IdempotencyScope& idempotency = {});
  // Writes label, required, min, max, options, decimals, active, position.
  // NOT_FOUND (field "id"); ALREADY_EXISTS (field "label").
  absl::StatusOr<qingquan::customer::v1::FieldDefinition> UpdateFieldDefinition(
      const std::string& tenant, const qingquan::customer::v1::FieldDefinition& definition);
  absl::StatusOr<qingquan::customer::v1::FieldDefinition> GetFieldDefinition(
      const std::string& tenant, const std::string& id);
  // In position order; ENTITY_UNSPECIFIED lists every entity.
  absl::StatusOr<std::vector<qingquan::customer::v1::FieldDefinition>> ListFieldDefinitions(
      const std::string& tenant, qingquan::customer::v1::FieldDefinition::Entity entity);
  // The same inside a transaction of the caller's (the 360 view reads in one).
  static std::vector<qingquan::customer::v1::FieldDefinition> ListFieldDefinitionsIn(
      pqxx::transaction_base& txn, const std::string& tenant,
      qingquan::customer::v1::FieldDefinition::Entity entity);

 private:
  PgPool& pool_;
  CustomerOutbox& outbox_;
};

}  // namespace qq::customer
