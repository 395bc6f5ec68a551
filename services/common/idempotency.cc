#include "services/common/idempotency.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/message.h>

#include "absl/strings/escaping.h"
#include "services/common/call_guard.h"
#include "services/common/sha256.h"
#include "services/common/status.h"

namespace qq {
namespace {

constexpr size_t kMaxKeyLength = 128;

std::string DeterministicBytes(const google::protobuf::Message& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream output(&bytes);
    google::protobuf::io::CodedOutputStream coded(&output);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return bytes;
}

}  // namespace

absl::StatusOr<IdempotencyScope> IdempotencyScopeOf(const CallContext& call,
                                                    const std::string& operation,
                                                    const google::protobuf::Message& request) {
  IdempotencyScope scope{call.identity.tenant, call.identity.user_id, operation,
                         call.idempotency_key, ""};
  if (!scope.enabled()) return scope;
  if (scope.key.size() > kMaxKeyLength) {
    return InvalidField("Idempotency-Key", "is longer than 128 characters");
  }
  scope.request_hash = Sha256Hex(DeterministicBytes(request));
  return scope;
}

absl::StatusOr<bool> ClaimIdempotencyKey(pqxx::work& txn, const IdempotencyScope& scope,
                                         google::protobuf::Message& first_response) {
  if (!scope.enabled()) return false;
  // One attempt per key at a time: a duplicate arriving while the first still runs gets
  // 409 at once instead of queueing behind it (the lock ends with either transaction).
  pqxx::result locked = txn.exec_params(
      "SELECT pg_try_advisory_xact_lock(hashtextextended($1 || chr(31) || $2 || chr(31) || $3 "
      "  || chr(31) || $4, 0))",
      scope.tenant, scope.user, scope.operation, scope.key);
  if (!locked[0][0].as<bool>()) {
    return WithHttpStatus(
        WithField(absl::AbortedError("a request with this Idempotency-Key is still in progress; "
                                     "retry in a moment to get its result"),
                  "Idempotency-Key"),
        409);
  }
  // Keys live 48 h; expired ones of this user go first, which keeps the table bounded
  // without a sweeper.
  txn.exec_params(
      "DELETE FROM qq_idempotency WHERE tenant_id = $1 AND user_id = $2 "
      "AND created_at < now() - interval '48 hours'",
      scope.tenant, scope.user);
  pqxx::result inserted = txn.exec_params(
      "INSERT INTO qq_idempotency (tenant_id, user_id, operation, key, request_hash) "
      "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING 1",
      scope.tenant, scope.user, scope.operation, scope.key, scope.request_hash);
  if (!inserted.empty()) return false;
  pqxx::result prior = txn.exec_params(
      "SELECT request_hash, encode(response, 'hex') FROM qq_idempotency "
      "WHERE tenant_id = $1 AND user_id = $2 AND operation = $3 AND key = $4",
      scope.tenant, scope.user, scope.operation, scope.key);
  if (prior.empty()) {
    // Expired and removed between the two statements: treat as a conflict to retry.
    return absl::AbortedError("idempotency key changed hands; retry");
  }
  if (prior[0][0].as<std::string>() != scope.request_hash) {
    return WithErrorCode(
        WithHttpStatus(WithField(absl::FailedPreconditionError(
                                     "this Idempotency-Key was used for a different request"),
                                 "Idempotency-Key"),
                       422),
        "IDEMPOTENCY_KEY_REUSED");
  }
  if (!first_response.ParseFromString(absl::HexStringToBytes(prior[0][1].as<std::string>()))) {
    return absl::InternalError("stored response of the idempotency key is unreadable");
  }
  return true;
}

void RecordIdempotentResponse(pqxx::work& txn, const IdempotencyScope& scope,
                              const google::protobuf::Message& response) {
  if (!scope.enabled()) return;
  txn.exec_params(
      "UPDATE qq_idempotency SET response = decode($5, 'hex') "
      "WHERE tenant_id = $1 AND user_id = $2 AND operation = $3 AND key = $4",
      scope.tenant, scope.user, scope.operation, scope.key,
      absl::BytesToHexString(response.SerializeAsString()));
}

}  // namespace qq
