// Idempotency keys for creates. The key is claimed inside the create's own transaction
// under a transaction-scoped advisory lock: a retry that arrives while the first attempt
// still runs gets 409 (ABORTED) at once, one that arrives after it committed gets the
// first response, so nothing is ever created twice and no "still running" state can be
// left behind by a crash. Keys are kept for 48 hours.
#pragma once

#include <pqxx/pqxx>

#include <string>

#include "absl/status/statusor.h"

namespace google::protobuf {
class Message;
}

namespace qq {

struct CallContext;

// Who retries what: empty `key` means the client sent none (no deduplication).
struct IdempotencyScope {
  std::string tenant;
  std::string user;
  std::string operation;
  std::string key;
  std::string request_hash;

  bool enabled() const { return !key.empty(); }
};

// The scope of `call` for `operation` with `request` (hashed in its deterministic
// serialization). INVALID_ARGUMENT (field "Idempotency-Key") for a key longer than 128
// characters.
absl::StatusOr<IdempotencyScope> IdempotencyScopeOf(const CallContext& call,
                                                    const std::string& operation,
                                                    const google::protobuf::Message& request);

// Claims the key in `txn`. True when the key was used before with the same request:
// `first_response` then holds that request's response, which the caller returns without
// changing anything. False when this is the first use (or no key was sent): the caller
// goes on and calls RecordIdempotentResponse in the same transaction. The same key with
// a different request: FAILED_PRECONDITION, HTTP 422. While another transaction holds the
// same key (the first request still running): ABORTED, HTTP 409.
absl::StatusOr<bool> ClaimIdempotencyKey(pqxx::work& txn, const IdempotencyScope& scope,
                                         google::protobuf::Message& first_response);

void RecordIdempotentResponse(pqxx::work& txn, const IdempotencyScope& scope,
                              const google::protobuf::Message& response);

}  // namespace qq
