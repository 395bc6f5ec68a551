#include "services/customer/dictionary_store.h"

#include <google/protobuf/util/json_util.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/pg_pool.h"
#include "services/common/status.h"
#include "services/customer/customer_outbox.h"

namespace qq::customer {
namespace {

namespace v1 = qingquan::customer::v1;

const NamedQuery kInsertTag{
    "InsertTag",
    "INSERT INTO tags (tenant_id, name, color, description) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (tenant_id, name) DO NOTHING RETURNING id"};
const NamedQuery kSelectTags{
    "SelectTags",
    "SELECT id, name, color, description FROM tags WHERE tenant_id = $1 ORDER BY name"};
const NamedQuery kSelectTag{
    "SelectTag",
    "SELECT id, name, color, description FROM tags WHERE tenant_id = $1 AND id = $2::uuid"};
// The row lock keeps two renames of one tag from racing over its customers.
const NamedQuery kLockTag{
    "LockTag", "SELECT name FROM tags WHERE tenant_id = $1 AND id = $2::uuid FOR UPDATE"};
const NamedQuery kTagNameTaken{
    "TagNameTaken", "SELECT 1 FROM tags WHERE tenant_id = $1 AND name = $2 AND id <> $3::uuid"};
const NamedQuery kUpdateTag{
    "UpdateTag",
    "UPDATE tags SET name = $3, color = $4, description = $5 WHERE tenant_id = $1 "
    "  AND id = $2::uuid"};
const NamedQuery kDeleteTag{"DeleteTag",
                            "DELETE FROM tags WHERE tenant_id = $1 AND id = $2::uuid "
                            "RETURNING id, name, color, description"};
// Customers keep their tags by name (the customers_tags GIN index finds the carriers).
const NamedQuery kRenameCustomersTag{
    "RenameCustomersTag",
    "UPDATE customers SET tags = array_replace(tags, $2, $3), "
    "  version = " QQ_NEXT_CUSTOMER_VERSION_SQL
    " WHERE tenant_id = $1 AND tags @> ARRAY[$2]::text[] AND deleted_at IS NULL RETURNING id"};
const NamedQuery kRemoveCustomersTag{
    "RemoveCustomersTag",
    "UPDATE customers SET tags = array_remove(tags, $2), "
    "  version = " QQ_NEXT_CUSTOMER_VERSION_SQL
    " WHERE tenant_id = $1 AND tags @> ARRAY[$2]::text[] AND deleted_at IS NULL RETURNING id"};

#define QQ_DEFINITION_COLUMNS                                                               \
  "id, entity, key, label, type, required, min_value, max_value, options::text, decimals, " \
  "active, position"
const NamedQuery kInsertDefinition{
    "InsertFieldDefinition",
    "INSERT INTO field_definitions (tenant_id, entity, key, label, type, required, min_value, "
    "  max_value, options, decimals, active, position) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7::float8, $8::float8, $9::jsonb, $10, $11, $12) "
    "RETURNING " QQ_DEFINITION_COLUMNS};
const NamedQuery kUpdateDefinition{
    "UpdateFieldDefinition",
    "UPDATE field_definitions SET label = $3, required = $4, min_value = $5::float8, "
    "  max_value = $6::float8, options = $7::jsonb, decimals = $8, active = $9, position = $10, "
    "  updated_at = now() WHERE tenant_id = $1 AND id = $2 RETURNING " QQ_DEFINITION_COLUMNS};
const NamedQuery kSelectDefinition{"SelectFieldDefinition",
                                   "SELECT " QQ_DEFINITION_COLUMNS
                                   " FROM field_definitions WHERE tenant_id = $1 AND id = $2"};
const NamedQuery kSelectDefinitions{
    "SelectFieldDefinitions",
    "SELECT " QQ_DEFINITION_COLUMNS
    " FROM field_definitions WHERE tenant_id = $1 "
    "  AND ($2 = 'ENTITY_UNSPECIFIED' OR entity = $2) ORDER BY entity, position, created_at"};

v1::Tag TagFromRow(const pqxx::row& row) {
  v1::Tag t;
  t.set_id(row[0].as<std::string>());
  t.set_name(row[1].as<std::string>());
  t.set_color(row[2].as<std::string>());
  t.set_description(row[3].as<std::string>());
  return t;
}

std::string OptionsJson(const v1::FieldDefinition& d) {
  // The options list as a JSON array of {value, label}.
  std::string out = "[";
  for (int i = 0; i < d.options_size(); ++i) {
    std::string one;
    (void)google::protobuf::util::MessageToJsonString(d.options(i), &one);
    absl::StrAppend(&out, i > 0 ? "," : "", one);
  }
  return out + "]";
}

v1::FieldDefinition DefinitionFromRow(const pqxx::row& row) {
  v1::FieldDefinition d;
  d.set_id(row[0].as<std::string>());
  v1::FieldDefinition::Entity entity;
  if (v1::FieldDefinition::Entity_Parse(row[1].as<std::string>(), &entity)) d.set_entity(entity);
  d.set_key(row[2].as<std::string>());
  d.set_label(row[3].as<std::string>());
  v1::FieldDefinition::Type type;
  if (v1::FieldDefinition::Type_Parse(row[4].as<std::string>(), &type)) d.set_type(type);
  d.set_required(row[5].as<bool>());
  if (!row[6].is_null()) d.set_min(row[6].as<double>());
  if (!row[7].is_null()) d.set_max(row[7].as<double>());
  // Options are stored as [{"value":..,"label":..}]; parse through a wrapper message.
  v1::FieldDefinition holder;
  const std::string json = absl::StrCat("{\"options\":", row[8].as<std::string>(), "}");
  if (google::protobuf::util::JsonStringToMessage(json, &holder).ok()) {
    *d.mutable_options() = holder.options();
  }
  if (int decimals = row[9].as<int>(); decimals >= 0) d.set_decimals(decimals);
  d.set_active(row[10].as<bool>());
  d.set_position(row[11].as<int>());
  return d;
}

// Which unique constraint a duplicate hit, as the field to name.
absl::Status DuplicateDefinition(const absl::Status& status) {
  if (status.code() != absl::StatusCode::kAlreadyExists) return status;
  return WithField(absl::AlreadyExistsError("this entity already has a field with that key "
                                            "or label"),
                   "key");
}

// The ids a statement returned in its first column.
std::vector<std::string> IdsOf(const pqxx::result& rows) {
  std::vector<std::string> ids;
  ids.reserve(rows.size());
  for (const auto& row : rows) ids.push_back(row[0].as<std::string>());
  return ids;
}

}  // namespace

DictionaryStore::DictionaryStore(PgPool& pool, CustomerOutbox& outbox)
    : pool_(pool), outbox_(outbox) {
  pool_.Prepare({kInsertTag, kSelectTags, kSelectTag, kLockTag, kTagNameTaken, kUpdateTag,
                 kDeleteTag, kRenameCustomersTag, kRemoveCustomersTag, kInsertDefinition,
                 kUpdateDefinition, kSelectDefinition, kSelectDefinitions});
}

absl::StatusOr<v1::Tag> DictionaryStore::CreateTag(const std::string& tenant, const v1::Tag& tag,
                                                   const IdempotencyScope& idempotency) {
  v1::Tag out;
  absl::Status status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    out.Clear();
    QQ_ASSIGN_OR_RETURN(bool replayed, ClaimIdempotencyKey(txn, idempotency, out));
    if (replayed) return absl::OkStatus();
    pqxx::result r =
        txn.exec_prepared(kInsertTag.name, tenant, tag.name(), tag.color(), tag.description());
    if (r.empty()) {
      return WithField(absl::AlreadyExistsError(absl::StrCat("tag '", tag.name(), "' exists")),
                       "name");
    }
    out = tag;
    out.set_id(r[0][0].as<std::string>());
    RecordIdempotentResponse(txn, idempotency, out);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<v1::Tag> DictionaryStore::GetTag(const std::string& tenant, const std::string& id) {
  v1::Tag out;
  absl::Status status = pool_.Read([&](pqxx::work& txn) -> absl::Status {
    pqxx::result r = txn.exec_prepared(kSelectTag.name, tenant, id);
    if (r.empty()) return WithField(absl::NotFoundError("no such tag"), "id");
    out = TagFromRow(r[0]);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<v1::Tag> DictionaryStore::UpdateTag(const std::string& tenant, const v1::Tag& tag) {
  absl::Status status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    pqxx::result locked = txn.exec_prepared(kLockTag.name, tenant, tag.id());
    if (locked.empty()) return WithField(absl::NotFoundError("no such tag"), "id");
    const std::string old_name = locked[0][0].as<std::string>();
    if (!txn.exec_prepared(kTagNameTaken.name, tenant, tag.name(), tag.id()).empty()) {
      return WithField(
          absl::AlreadyExistsError(absl::StrCat("another tag is called '", tag.name(), "'")),
          "name");
    }
    txn.exec_prepared(kUpdateTag.name, tenant, tag.id(), tag.name(), tag.color(),
                      tag.description());
    if (old_name != tag.name()) {
      QQ_RETURN_IF_ERROR(outbox_.PublishIn(
          txn, tenant,
          IdsOf(txn.exec_prepared(kRenameCustomersTag.name, tenant, old_name, tag.name())),
          kCustomerUpdatedEvent));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  outbox_.Wake();
  return tag;
}

absl::StatusOr<v1::Tag> DictionaryStore::DeleteTag(const std::string& tenant,
                                                   const std::string& id) {
  v1::Tag out;
  absl::Status status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    pqxx::result r = txn.exec_prepared(kDeleteTag.name, tenant, id);
    if (r.empty()) return WithField(absl::NotFoundError("no such tag"), "id");
    out = TagFromRow(r[0]);
    return outbox_.PublishIn(txn, tenant,
                             IdsOf(txn.exec_prepared(kRemoveCustomersTag.name, tenant, out.name())),
                             kCustomerUpdatedEvent);
  });
  if (!status.ok()) return status;
  outbox_.Wake();
  return out;
}

absl::StatusOr<std::vector<v1::Tag>> DictionaryStore::ListTags(const std::string& tenant) {
  std::vector<v1::Tag> out;
  absl::Status status = pool_.Read([&](pqxx::work& txn) -> absl::Status {
    out.clear();
    for (const auto& row : txn.exec_prepared(kSelectTags.name, tenant)) {
      out.push_back(TagFromRow(row));
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::vector<std::string>> DictionaryStore::TagNames(const std::string& tenant) {
  QQ_ASSIGN_OR_RETURN(auto tags, ListTags(tenant));
  std::vector<std::string> names;
  for (auto& t : tags) names.push_back(t.name());
  return names;
}

absl::StatusOr<v1::FieldDefinition> DictionaryStore::CreateFieldDefinition(
    const std::string& tenant, const v1::FieldDefinition& d, const IdempotencyScope& idempotency) {
  v1::FieldDefinition out;
  absl::Status status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    out.Clear();
    QQ_ASSIGN_OR_RETURN(bool replayed, ClaimIdempotencyKey(txn, idempotency, out));
    if (replayed) return absl::OkStatus();
    NullableParam min = d.has_min() ? NullableNumber(d.min()) : NullableParam{};
    NullableParam max = d.has_max() ? NullableNumber(d.max()) : NullableParam{};
    out = DefinitionFromRow(txn.exec_prepared(
        kInsertDefinition.name, tenant, v1::FieldDefinition::Entity_Name(d.entity()), d.key(),
        d.label(), v1::FieldDefinition::Type_Name(d.type()), d.required(), min.get(), max.get(),
        OptionsJson(d), d.has_decimals() ? d.decimals() : -1, d.active(), d.position())[0]);
    RecordIdempotentResponse(txn, idempotency, out);
    return absl::OkStatus();
  });
  if (!status.ok()) return DuplicateDefinition(status);
  return out;
}

absl::StatusOr<v1::FieldDefinition> DictionaryStore::UpdateFieldDefinition(
    const std::string& tenant, const v1::FieldDefinition& d) {
  v1::FieldDefinition out;
  absl::Status status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    NullableParam min = d.has_min() ? NullableNumber(d.min()) : NullableParam{};
    NullableParam max = d.has_max() ? NullableNumber(d.max()) : NullableParam{};
    pqxx::result r = txn.exec_prepared(
        kUpdateDefinition.name, tenant, d.id(), d.label(), d.required(), min.get(), max.get(),
        OptionsJson(d), d.has_decimals() ? d.decimals() : -1, d.active(), d.position());
    if (r.empty()) return WithField(absl::NotFoundError("no such field definition"), "id");
    out = DefinitionFromRow(r[0]);
    return absl::OkStatus();
  });
  if (!status.ok()) return DuplicateDefinition(status);
  return out;
}

absl::StatusOr<v1::FieldDefinition> DictionaryStore::GetFieldDefinition(const std::string& tenant,
                                                                        const std::string& id) {
  v1::FieldDefinition out;
  absl::Status status = pool_.Read([&](pqxx::work& txn) -> absl::Status {
    pqxx::result r = txn.exec_prepared(kSelectDefinition.name, tenant, id);
    if (r.empty()) return WithField(absl::NotFoundError("no such field definition"), "id");
    out = DefinitionFromRow(r[0]);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

std::vector<v1::FieldDefinition> DictionaryStore::ListFieldDefinitionsIn(
    pqxx::transaction_base& txn, const std::string& tenant, v1::FieldDefinition::Entity entity) {
  std::vector<v1::FieldDefinition> out;
  for (const auto& row : txn.exec_prepared(kSelectDefinitions.name, tenant,
                                           v1::FieldDefinition::Entity_Name(entity))) {
    out.push_back(DefinitionFromRow(row));
  }
  return out;
}

absl::StatusOr<std::vector<v1::FieldDefinition>> DictionaryStore::ListFieldDefinitions(
    const std::string& tenant, v1::FieldDefinition::Entity entity) {
  std::vector<v1::FieldDefinition> out;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) -> absl::Status {
    out = ListFieldDefinitionsIn(txn, tenant, entity);
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace qq::customer
