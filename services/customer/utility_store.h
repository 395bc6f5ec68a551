// SQL of the water utility data: meters, supply contracts and the payment records that
// billing systems push (idempotent by their own record id).
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

class UtilityStore {
 public:
  // A payment moves its customer's last activity: customer.updated through `outbox`.
  UtilityStore(PgPool& pool, CustomerOutbox& outbox);

  // Creates below take an `idempotency` scope: when enabled, a repeated request returns
  // what the first one answered.
  // NOT_FOUND (customerId / meter.addressId); ALREADY_EXISTS (meter.number).
  absl::StatusOr<qingquan::customer::v1::Meter> AddMeter(const std::string& tenant,
                                                         const std::string& customer_id,
                                                         const qingquan::customer::v1::Meter& meter,
                                                         const IdempotencyScope& idempotency = {});
  // The reading becomes the last one when it is newer. NOT_FOUND (meterId).
  absl::StatusOr<qingquan::customer::v1::Meter> RecordReading(
      const std::string& tenant, const std::string& meter_id, double reading, long long time_micros,
      const IdempotencyScope& idempotency = {});
  absl::StatusOr<std::vector<qingquan::customer::v1::Meter>> Meters(const std::string& tenant,
                                                                    const std::string& customer_id);
  // The same reads inside a transaction of the caller's (the 360 view reads in one).
  static std::vector<qingquan::customer::v1::Meter> MetersIn(pqxx::transaction_base& txn,
                                                             const std::string& tenant,
                                                             const std::string& customer_id);
  static std::vector<qingquan::customer::v1::Contract> ContractsIn(pqxx::transaction_base& txn,
                                                                   const std::string& tenant,
                                                                   const std::string& customer_id);
  static std::vector<qingquan::customer::v1::PaymentRecord> PaymentsIn(
      pqxx::transaction_base& txn, const std::string& tenant, const std::string& customer_id,
      int limit, int offset);

  // NOT_FOUND (customerId / contract.addressId); ALREADY_EXISTS (contract.accountNumber).
  absl::StatusOr<qingquan::customer::v1::Contract> AddContract(
      const std::string& tenant, const std::string& customer_id,
      const qingquan::customer::v1::Contract& contract, const IdempotencyScope& idempotency = {});
  absl::StatusOr<std::vector<qingquan::customer::v1::Contract>> Contracts(
      const std::string& tenant, const std::string& customer_id);

  // Stores one checked payment record in its own transaction and says what happened
  // (ACCEPTED, DUPLICATE, CONFLICT, or REJECTED for an unknown account number).
  absl::StatusOr<qingquan::customer::v1::PaymentResult> IngestPayment(
      const std::string& tenant, const qingquan::customer::v1::PaymentRecord& record,
      const std::string& content_hash);
  // Newest payment first. NOT_FOUND (customerId) for a customer that is not the tenant's
  // or was deleted.
  absl::StatusOr<std::vector<qingquan::customer::v1::PaymentRecord>> Payments(
      const std::string& tenant, const std::string& customer_id, int limit, int offset);

 private:
  PgPool& pool_;
  CustomerOutbox& outbox_;
};

}  // namespace qq::customer
