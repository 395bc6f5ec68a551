#include "services/customer/utility_store.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/pg_pool.h"
#include "services/common/status.h"
#include "services/customer/customer_outbox.h"

namespace qq::customer {
namespace {

namespace v1 = qingquan::customer::v1;
using google::protobuf::util::TimeUtil;

const NamedQuery kUtilityCustomerExists{
    "UtilityCustomerExists",
    "SELECT 1 FROM customers WHERE tenant_id = $1 AND id = $2 AND deleted_at IS NULL"};
const NamedQuery kAddressOfCustomer{
    "AddressOfCustomer",
    "SELECT 1 FROM addresses WHERE tenant_id = $1 AND customer_id = $2 AND id = $3::uuid "
    "  AND deleted_at IS NULL"};
#define QQ_METER_COLUMNS                                                                     \
  "id, customer_id, number, caliber_mm, coalesce(to_char(install_date, 'YYYY-MM-DD'), ''), " \
  "coalesce(address_id::text, ''), coalesce(last_reading, 0)::float8, "                      \
  "coalesce((extract(epoch FROM last_reading_at) * 1000000)::bigint, 0)"
const NamedQuery kInsertMeter{
    "InsertMeter",
    "INSERT INTO meters (tenant_id, customer_id, number, caliber_mm, install_date, address_id) "
    "VALUES ($1, $2, $3, $4, $5::date, $6::uuid) ON CONFLICT (tenant_id, number) DO NOTHING "
    "RETURNING " QQ_METER_COLUMNS};
const NamedQuery kRecordReading{
    "RecordMeterReading",
    "UPDATE meters SET last_reading = CASE WHEN last_reading_at IS NULL OR last_reading_at <= "
    "    to_timestamp($4 / 1000000.0) THEN $3::numeric ELSE last_reading END, "
    "  last_reading_at = greatest(coalesce(last_reading_at, to_timestamp(0)), "
    "    to_timestamp($4 / 1000000.0)) "
    "WHERE tenant_id = $1 AND id = $2 RETURNING " QQ_METER_COLUMNS};
const NamedQuery kSelectMeters{"SelectMeters",
                               "SELECT " QQ_METER_COLUMNS
                               " FROM meters WHERE tenant_id = $1 AND customer_id = $2 "
                               "ORDER BY created_at"};
#define QQ_CONTRACT_COLUMNS                           \
  "id, customer_id, account_number, water_use, "      \
  "coalesce(to_char(start_date, 'YYYY-MM-DD'), ''), " \
  "coalesce(to_char(end_date, 'YYYY-MM-DD'), ''), coalesce(address_id::text, '')"
const NamedQuery kInsertContract{
    "InsertContract",
    "INSERT INTO contracts (tenant_id, customer_id, account_number, water_use, start_date, "
    "  end_date, address_id) VALUES ($1, $2, $3, $4, $5::date, $6::date, $7::uuid) "
    "ON CONFLICT (tenant_id, account_number) DO NOTHING RETURNING " QQ_CONTRACT_COLUMNS};
const NamedQuery kSelectContracts{"SelectContracts",
                                  "SELECT " QQ_CONTRACT_COLUMNS
                                  " FROM contracts WHERE tenant_id = $1 AND customer_id = $2 "
                                  "ORDER BY created_at"};
const NamedQuery kContractByAccount{
    "ContractByAccount",
    "SELECT customer_id FROM contracts WHERE tenant_id = $1 AND account_number = $2"};
const NamedQuery kInsertPayment{
    "InsertPayment",
    "INSERT INTO payments (tenant_id, source, record_id, customer_id, account_number, "
    "  amount_fen, paid_at, period, method, content_hash) "
    "VALUES ($1, $2, $3, $4, $5, $6, to_timestamp($7 / 1000000.0), $8, $9, $10) "
    "ON CONFLICT (tenant_id, source, record_id) DO NOTHING RETURNING 1"};
const NamedQuery kPaymentHash{
    "PaymentHash",
    "SELECT content_hash FROM payments WHERE tenant_id = $1 AND source = $2 AND record_id = $3"};
const NamedQuery kSelectPayments{
    "SelectPayments",
    "SELECT record_id, source, account_number, amount_fen, "
    "  (extract(epoch FROM paid_at) * 1000000)::bigint, period, method, customer_id "
    "FROM payments WHERE tenant_id = $1 AND customer_id = $2 "
    "ORDER BY paid_at DESC, record_id LIMIT $3 OFFSET $4"};

v1::Meter MeterFromRow(const pqxx::row& row) {
  v1::Meter m;
  m.set_id(row[0].as<std::string>());
  m.set_customer_id(row[1].as<std::string>());
  m.set_number(row[2].as<std::string>());
  m.set_caliber_mm(row[3].as<int>());
  m.set_install_date(row[4].as<std::string>());
  m.set_address_id(row[5].as<std::string>());
  m.set_last_reading(row[6].as<double>());
  if (long long micros = row[7].as<long long>(); micros != 0) {
    *m.mutable_last_reading_time() = TimeUtil::MicrosecondsToTimestamp(micros);
  }
  return m;
}

v1::Contract ContractFromRow(const pqxx::row& row) {
  v1::Contract c;
  c.set_id(row[0].as<std::string>());
  c.set_customer_id(row[1].as<std::string>());
  c.set_account_number(row[2].as<std::string>());
  c.set_water_use(row[3].as<std::string>());
  c.set_start_date(row[4].as<std::string>());
  c.set_end_date(row[5].as<std::string>());
  c.set_address_id(row[6].as<std::string>());
  return c;
}

absl::Status CheckOwner(pqxx::work& txn, const std::string& tenant, const std::string& customer_id,
                        const std::string& address_id, const std::string& address_field) {
  if (txn.exec_prepared(kUtilityCustomerExists.name, tenant, customer_id).empty()) {
    return WithField(absl::NotFoundError("no such customer"), "customerId");
  }
  if (!address_id.empty() &&
      txn.exec_prepared(kAddressOfCustomer.name, tenant, customer_id, address_id).empty()) {
    return WithField(absl::NotFoundError("no such address of this customer"), address_field);
  }
  return absl::OkStatus();
}

}  // namespace

UtilityStore::UtilityStore(PgPool& pool, CustomerOutbox& outbox) : pool_(pool), outbox_(outbox) {
  pool_.Prepare({kUtilityCustomerExists, kAddressOfCustomer, kInsertMeter, kRecordReading,
                 kSelectMeters, kInsertContract, kSelectContracts, kContractByAccount,
                 kInsertPayment, kPaymentHash, kSelectPayments});
}

absl::StatusOr<v1::Meter> UtilityStore::AddMeter(const std::string& tenant,
                                                 const std::string& customer_id,
                                                 const v1::Meter& meter,
                                                 const IdempotencyScope& idempotency) {
  v1::Meter out;
  absl::Status status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    out.Clear();
    QQ_ASSIGN_OR_RETURN(bool replayed, ClaimIdempotencyKey(txn, idempotency, out));
    if (replayed) return absl::OkStatus();
    QQ_RETURN_IF_ERROR(CheckOwner(txn, tenant, customer_id, meter.address_id(), "meter.addressId"));
    NullableParam install = NullIfEmpty(meter.install_date());
    NullableParam address = NullIfEmpty(meter.address_id());
    pqxx::result r = txn.exec_prepared(kInsertMeter.name, tenant, customer_id, meter.number(),
                                       meter.caliber_mm(), install.get(), address.get());
    if (r.empty()) {
      return WithField(absl::AlreadyExistsError(
                           absl::StrCat("meter ", meter.number(), " is already registered")),
                       "meter.number");
    }
    out = MeterFromRow(r[0]);
    RecordIdempotentResponse(txn, idempotency, out);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<v1::Meter> UtilityStore::RecordReading(const std::string& tenant,
                                                      const std::string& meter_id, double reading,
                                                      long long time_micros,
                                                      const IdempotencyScope& idempotency) {
  v1::Meter out;
  absl::Status status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    out.Clear();
    QQ_ASSIGN_OR_RETURN(bool replayed, ClaimIdempotencyKey(txn, idempotency, out));
    if (replayed) return absl::OkStatus();
    pqxx::result r = txn.exec_prepared(kRecordReading.name, tenant, meter_id,
                                       absl::StrFormat("%.3f", reading), time_micros);
    if (r.empty()) return WithField(absl::NotFoundError("no such meter"), "meterId");
    out = MeterFromRow(r[0]);
    RecordIdempotentResponse(txn, idempotency, out);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

std::vector<v1::Meter> UtilityStore::MetersIn(pqxx::transaction_base& txn,
                                              const std::string& tenant,
                                              const std::string& customer_id) {
  std::vector<v1::Meter> out;
  for (const auto& row : txn.exec_prepared(kSelectMeters.name, tenant, customer_id)) {
    out.push_back(MeterFromRow(row));
  }
  return out;
}

absl::StatusOr<std::vector<v1::Meter>> UtilityStore::Meters(const std::string& tenant,
                                                            const std::string& customer_id) {
  std::vector<v1::Meter> out;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) -> absl::Status {
    out = MetersIn(txn, tenant, customer_id);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<v1::Contract> UtilityStore::AddContract(const std::string& tenant,
                                                       const std::string& customer_id,
                                                       const v1::Contract& contract,
                                                       const IdempotencyScope& idempotency) {
  v1::Contract out;
  absl::Status status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    out.Clear();
    QQ_ASSIGN_OR_RETURN(bool replayed, ClaimIdempotencyKey(txn, idempotency, out));
    if (replayed) return absl::OkStatus();
    QQ_RETURN_IF_ERROR(
        CheckOwner(txn, tenant, customer_id, contract.address_id(), "contract.addressId"));
    NullableParam start = NullIfEmpty(contract.start_date());
    NullableParam end = NullIfEmpty(contract.end_date());
    NullableParam address = NullIfEmpty(contract.address_id());
    pqxx::result r =
        txn.exec_prepared(kInsertContract.name, tenant, customer_id, contract.account_number(),
                          contract.water_use(), start.get(), end.get(), address.get());
    if (r.empty()) {
      return WithField(absl::AlreadyExistsError(absl::StrCat(
                           "account number ", contract.account_number(), " is already in use")),
                       "contract.accountNumber");
    }
    out = ContractFromRow(r[0]);
    RecordIdempotentResponse(txn, idempotency, out);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return out;
}

std::vector<v1::Contract> UtilityStore::ContractsIn(pqxx::transaction_base& txn,
                                                    const std::string& tenant,
                                                    const std::string& customer_id) {
  std::vector<v1::Contract> out;
  for (const auto& row : txn.exec_prepared(kSelectContracts.name, tenant, customer_id)) {
    out.push_back(ContractFromRow(row));
  }
  return out;
}

absl::StatusOr<std::vector<v1::Contract>> UtilityStore::Contracts(const std::string& tenant,
                                                                  const std::string& customer_id) {
  std::vector<v1::Contract> out;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) -> absl::Status {
    out = ContractsIn(txn, tenant, customer_id);
    return absl::OkStatus();
  }));
  return out;
}

absl::StatusOr<v1::PaymentResult> UtilityStore::IngestPayment(const std::string& tenant,
                                                              const v1::PaymentRecord& record,
                                                              const std::string& content_hash) {
  v1::PaymentResult result;
  result.set_record_id(record.record_id());
  absl::Status status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    pqxx::result owner =
        txn.exec_prepared(kContractByAccount.name, tenant, record.account_number());
    if (owner.empty()) {
      // A resend of a stored record whose contract has since gone still counts as stored.
      pqxx::result known =
          txn.exec_prepared(kPaymentHash.name, tenant, record.source(), record.record_id());
      if (known.empty()) {
        result.set_outcome(v1::PaymentResult::REJECTED);
        result.set_field("accountNumber");
        result.set_reason(
            absl::StrCat("no supply contract has account number ", record.account_number()));
        return absl::OkStatus();
      }
    }
    const long long paid_micros = TimeUtil::TimestampToMicroseconds(record.paid_time());
    pqxx::result inserted;
    if (!owner.empty()) {
      inserted = txn.exec_prepared(kInsertPayment.name, tenant, record.source(), record.record_id(),
                                   owner[0][0].as<std::string>(), record.account_number(),
                                   record.amount_fen(), paid_micros, record.period(),
                                   record.method(), content_hash);
    }
    if (!inserted.empty()) {
      QQ_RETURN_IF_ERROR(
          outbox_.RecordActivityIn(txn, tenant, owner[0][0].as<std::string>(), paid_micros));
      result.set_outcome(v1::PaymentResult::ACCEPTED);
      return absl::OkStatus();
    }
    pqxx::result stored =
        txn.exec_prepared(kPaymentHash.name, tenant, record.source(), record.record_id());
    if (!stored.empty() && stored[0][0].as<std::string>() == content_hash) {
      result.set_outcome(v1::PaymentResult::DUPLICATE);
    } else {
      result.set_outcome(v1::PaymentResult::CONFLICT);
      result.set_field("recordId");
      result.set_reason("a record with this id was stored with different content; it was kept");
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  outbox_.Wake();
  return result;
}

std::vector<v1::PaymentRecord> UtilityStore::PaymentsIn(pqxx::transaction_base& txn,
                                                        const std::string& tenant,
                                                        const std::string& customer_id, int limit,
                                                        int offset) {
  std::vector<v1::PaymentRecord> out;
  for (const auto& row :
       txn.exec_prepared(kSelectPayments.name, tenant, customer_id, limit, offset)) {
    v1::PaymentRecord p;
    p.set_record_id(row[0].as<std::string>());
    p.set_source(row[1].as<std::string>());
    p.set_account_number(row[2].as<std::string>());
    p.set_amount_fen(row[3].as<long long>());
    *p.mutable_paid_time() = TimeUtil::MicrosecondsToTimestamp(row[4].as<long long>());
    p.set_period(row[5].as<std::string>());
    p.set_method(row[6].as<std::string>());
    p.set_customer_id(row[7].as<std::string>());
    out.push_back(std::move(p));
  }
  return out;
}

absl::StatusOr<std::vector<v1::PaymentRecord>> UtilityStore::Payments(
    const std::string& tenant, const std::string& customer_id, int limit, int offset) {
  std::vector<v1::PaymentRecord> out;
  QQ_RETURN_IF_ERROR(pool_.Read([&](pqxx::work& txn) -> absl::Status {
    if (txn.exec_prepared(kUtilityCustomerExists.name, tenant, customer_id).empty()) {
      return WithField(absl::NotFoundError("no such customer"), "customerId");
    }
    out = PaymentsIn(txn, tenant, customer_id, limit, offset);
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace qq::customer
