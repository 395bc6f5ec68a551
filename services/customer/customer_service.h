// gRPC handlers of the customer service: archive, search and 360 view; dictionaries;
// utility data and billing ingest; prepaid ledger; login.
#pragma once

#include <chrono>
#include <memory>

#include "qingquan/customer/v1/customer.grpc.pb.h"
#include "qingquan/order/v1/order.grpc.pb.h"
#include "services/common/auth.h"
#include "services/common/call_guard.h"
#include "services/common/forms/field_values.h"
#include "services/customer/area_resolver.h"
#include "services/customer/customer_importer.h"
#include "services/customer/customer_store.h"
#include "services/customer/dictionary_store.h"
#include "services/customer/ledger_store.h"
#include "services/customer/login_throttle.h"
#include "services/customer/utility_store.h"

namespace qq::customer {

class CustomerServiceImpl final : public qingquan::customer::v1::CustomerService::CallbackService {
 public:
  // `work_orders` and `delivery_orders` may be null (the 360 view then lists those parts
  // as missing).
  // `scratch_dir` holds uploads and exports while they are processed.
  CustomerServiceImpl(
      CallGuard& guard, CustomerStore& store, DictionaryStore& dictionary, UtilityStore& utility,
      LedgerStore& ledger, AreaResolver& areas, CustomerImporter& importer,
      std::shared_ptr<qingquan::order::v1::WorkOrderService::StubInterface> work_orders,
      std::shared_ptr<qingquan::order::v1::DeliveryOrderService::StubInterface> delivery_orders,
      std::chrono::milliseconds view_deadline, std::string scratch_dir, int64_t max_upload_bytes)
      : guard_(guard),
        store_(store),
        dictionary_(dictionary),
        utility_(utility),
        ledger_(ledger),
        areas_(areas),
        importer_(importer),
        work_orders_(std::move(work_orders)),
        delivery_orders_(std::move(delivery_orders)),
        view_deadline_(view_deadline),
        scratch_dir_(std::move(scratch_dir)),
        max_upload_bytes_(max_upload_bytes) {}

  grpc::ServerUnaryReactor* CreateCustomer(
      grpc::CallbackServerContext* ctx,
      const qingquan::customer::v1::CreateCustomerRequest* request,
      qingquan::customer::v1::Customer* response) override;
  grpc::ServerUnaryReactor* GetCustomer(grpc::CallbackServerContext* ctx,
                                        const qingquan::customer::v1::GetCustomerRequest* request,
                                        qingquan::customer::v1::Customer* response) override;
  grpc::ServerUnaryReactor* ListCustomers(
      grpc::CallbackServerContext* ctx, const qingquan::customer::v1::ListCustomersRequest* request,
      qingquan::customer::v1::ListCustomersResponse* response) override;
  grpc::ServerUnaryReactor* UpdateCustomer(
      grpc::CallbackServerContext* ctx,
      const qingquan::customer::v1::UpdateCustomerRequest* request,
      qingquan::customer::v1::Customer* response) override;
  grpc::ServerUnaryReactor* DeleteCustomer(
      grpc::CallbackServerContext* ctx,
      const qingquan::customer::v1::DeleteCustomerRequest* request,
      qingquan::customer::v1::Customer* response) override;
  grpc::ServerUnaryReactor* SearchCustomers(
      grpc::CallbackServerContext* ctx,
      const qingquan::customer::v1::SearchCustomersRequest* request,
      qingquan::customer::v1::SearchCustomersResponse* response) override;
  grpc::ServerUnaryReactor* GetCustomerView(
      grpc::CallbackServerContext* ctx,
      const qingquan::customer::v1::GetCustomerViewRequest* request,
      qingquan::customer::v1::CustomerView* response) override;
  grpc::ServerReadReactor<qingquan::customer::v1::ImportCustomersRequest>* ImportCustomers(
      grpc::CallbackServerContext* ctx,
      qingquan::customer::v1::ImportCustomersResponse* response) override;
  grpc::ServerWriteReactor<qingquan::common::v1::HttpBody>* ExportCustomers(
      grpc::CallbackServerContext* ctx,
      const qingquan::customer::v1::ExportCustomersRequest* request) override;
  grpc::ServerUnaryReactor* AddAddress(grpc::CallbackServerContext* ctx,
                                       const qingquan::customer::v1::AddAddressRequest* request,
                                       qingquan::customer::v1::Address* response) override;
  grpc::ServerUnaryReactor* UpdateAddress(
      grpc::CallbackServerContext* ctx, const qingquan::customer::v1::UpdateAddressRequest* request,
      qingquan::customer::v1::Address* response) override;
  grpc::ServerUnaryReactor* DeleteAddress(
      grpc::CallbackServerContext* ctx, const qingquan::customer::v1::DeleteAddressRequest* request,
      qingquan::customer::v1::Address* response) override;
  grpc::ServerUnaryReactor* AddCommunication(
      grpc::CallbackServerContext* ctx,
      const qingquan::customer::v1::AddCommunicationRequest* request,
      qingquan::customer::v1::Communication* response) override;
  grpc::ServerUnaryReactor* ListCommunications(
      grpc::CallbackServerContext* ctx,
      const qingquan::customer::v1::ListCommunicationsRequest* request,
      qingquan::customer::v1::ListCommunicationsResponse* response) override;

 private:
  class ImportReactor;
  class ExportReactor;

  // List and export filters; INVALID_ARGUMENT (customField) for a bad custom field filter.
  absl::StatusOr<CustomerFilter> FilterOf(
      const std::string& tenant, qingquan::customer::v1::Customer::Status status,
      const std::string& tag, qingquan::customer::v1::Customer::Channel channel,
      qingquan::customer::v1::Customer::Kind kind, const std::string& area_id,
      const google::protobuf::RepeatedPtrField<std::string>& custom_fields);
  // The rules and field definitions of the caller's tenant.
  absl::StatusOr<ArchiveRules> RulesOf(const std::string& tenant);
  absl::Status CheckCustomFields(const std::string& tenant,
                                 qingquan::customer::v1::FieldDefinition::Entity entity,
                                 google::protobuf::Struct* values, forms::WriteMode mode,
                                 const google::protobuf::Struct* current,
                                 const std::string& field_path);
  // Hides the ID number from callers who are not admin.
  static void RedactFor(const CallContext& call, qingquan::customer::v1::Customer& customer);

  CallGuard& guard_;
  CustomerStore& store_;
  DictionaryStore& dictionary_;
  UtilityStore& utility_;
  LedgerStore& ledger_;
  AreaResolver& areas_;
  CustomerImporter& importer_;
  std::shared_ptr<qingquan::order::v1::WorkOrderService::StubInterface> work_orders_;
  std::shared_ptr<qingquan::order::v1::DeliveryOrderService::StubInterface> delivery_orders_;
  std::chrono::milliseconds view_deadline_;
  std::string scratch_dir_;
  int64_t max_upload_bytes_;
};

class DictionaryServiceImpl final
    : public qingquan::customer::v1::DictionaryService::CallbackService {
 public:
  DictionaryServiceImpl(CallGuard& guard, DictionaryStore& store) : guard_(guard), store_(store) {}

  grpc::ServerUnaryReactor* CreateTag(grpc::CallbackServerContext* ctx,
                                      const qingquan::customer::v1::CreateTagRequest* request,
                                      qingquan::customer::v1::Tag* response) override;
  grpc::ServerUnaryReactor* ListTags(grpc::CallbackServerContext* ctx,
                                     const qingquan::customer::v1::ListTagsRequest* request,
                                     qingquan::customer::v1::ListTagsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateTag(grpc::CallbackServerContext* ctx,
                                      const qingquan::customer::v1::UpdateTagRequest* request,
                                      qingquan::customer::v1::Tag* response) override;
  grpc::ServerUnaryReactor* DeleteTag(grpc::CallbackServerContext* ctx,
                                      const qingquan::customer::v1::DeleteTagRequest* request,
                                      qingquan::customer::v1::Tag* response) override;
  grpc::ServerUnaryReactor* CreateFieldDefinition(
      grpc::CallbackServerContext* ctx,
      const qingquan::customer::v1::CreateFieldDefinitionRequest* request,
      qingquan::customer::v1::FieldDefinition* response) override;
  grpc::ServerUnaryReactor* UpdateFieldDefinition(
      grpc::CallbackServerContext* ctx,
      const qingquan::customer::v1::UpdateFieldDefinitionRequest* request,
      qingquan::customer::v1::FieldDefinition* response) override;
  grpc::ServerUnaryReactor* ListFieldDefinitions(
      grpc::CallbackServerContext* ctx,
      const qingquan::customer::v1::ListFieldDefinitionsRequest* request,
      qingquan::customer::v1::ListFieldDefinitionsResponse* response) override;

 private:
  CallGuard& guard_;
  DictionaryStore& store_;
};

class UtilityServiceImpl final : public qingquan::customer::v1::UtilityService::CallbackService {
 public:
  UtilityServiceImpl(CallGuard& guard, UtilityStore& store) : guard_(guard), store_(store) {}

  grpc::ServerUnaryReactor* AddMeter(grpc::CallbackServerContext* ctx,
                                     const qingquan::customer::v1::AddMeterRequest* request,
                                     qingquan::customer::v1::Meter* response) override;
  grpc::ServerUnaryReactor* RecordMeterReading(
      grpc::CallbackServerContext* ctx,
      const qingquan::customer::v1::RecordMeterReadingRequest* request,
      qingquan::customer::v1::Meter* response) override;
  grpc::ServerUnaryReactor* AddContract(grpc::CallbackServerContext* ctx,
                                        const qingquan::customer::v1::AddContractRequest* request,
                                        qingquan::customer::v1::Contract* response) override;
  grpc::ServerUnaryReactor* ListPayments(
      grpc::CallbackServerContext* ctx, const qingquan::customer::v1::ListPaymentsRequest* request,
      qingquan::customer::v1::ListPaymentsResponse* response) override;
  grpc::ServerReadReactor<qingquan::customer::v1::PaymentRecord>* IngestPayments(
      grpc::CallbackServerContext* ctx,
      qingquan::customer::v1::IngestPaymentsResponse* response) override;

 private:
  CallGuard& guard_;
  UtilityStore& store_;
};

class LedgerServiceImpl final : public qingquan::customer::v1::LedgerService::CallbackService {
 public:
  LedgerServiceImpl(CallGuard& guard, LedgerStore& store) : guard_(guard), store_(store) {}

  grpc::ServerUnaryReactor* GetBalances(
      grpc::CallbackServerContext* ctx, const qingquan::customer::v1::GetBalancesRequest* request,
      qingquan::customer::v1::GetBalancesResponse* response) override;
  grpc::ServerUnaryReactor* ListLedgerEntries(
      grpc::CallbackServerContext* ctx,
      const qingquan::customer::v1::ListLedgerEntriesRequest* request,
      qingquan::customer::v1::ListLedgerEntriesResponse* response) override;
  grpc::ServerUnaryReactor* PostLedgerEntry(
      grpc::CallbackServerContext* ctx,
      const qingquan::customer::v1::PostLedgerEntryRequest* request,
      qingquan::customer::v1::LedgerEntry* response) override;
  grpc::ServerUnaryReactor* ReverseLedgerEntry(
      grpc::CallbackServerContext* ctx,
      const qingquan::customer::v1::ReverseLedgerEntryRequest* request,
      qingquan::customer::v1::LedgerEntry* response) override;
  grpc::ServerUnaryReactor* DeductForOrder(
      grpc::CallbackServerContext* ctx,
      const qingquan::customer::v1::DeductForOrderRequest* request,
      qingquan::customer::v1::LedgerEntry* response) override;
  grpc::ServerUnaryReactor* RefundForOrder(
      grpc::CallbackServerContext* ctx,
      const qingquan::customer::v1::RefundForOrderRequest* request,
      qingquan::customer::v1::LedgerEntry* response) override;

 private:
  CallGuard& guard_;
  LedgerStore& store_;
};

class AuthServiceImpl final : public qingquan::customer::v1::AuthService::CallbackService {
 public:
  static constexpr std::chrono::seconds kTokenLifetime{3600};

  AuthServiceImpl(CallGuard& guard, CustomerStore& store, LoginThrottle& throttle,
                  const TokenIssuer& issuer)
      : guard_(guard), store_(store), throttle_(throttle), issuer_(issuer) {}

  grpc::ServerUnaryReactor* Login(grpc::CallbackServerContext* ctx,
                                  const qingquan::customer::v1::LoginRequest* request,
                                  qingquan::customer::v1::LoginResponse* response) override;
  grpc::ServerUnaryReactor* ServiceAccountLogin(
      grpc::CallbackServerContext* ctx,
      const qingquan::customer::v1::ServiceAccountLoginRequest* request,
      qingquan::customer::v1::LoginResponse* response) override;
  grpc::ServerUnaryReactor* LookupUsers(
      grpc::CallbackServerContext* ctx, const qingquan::customer::v1::LookupUsersRequest* request,
      qingquan::customer::v1::LookupUsersResponse* response) override;

  // Ids per LookupUsers call; more is INVALID_ARGUMENT.
  static constexpr int kMaxLookupIds = 200;

 private:
  // Verifies a secret against `account` (or a dummy hash when it is missing, so timing
  // does not reveal unknown names), throttled per name; issues the token.
  absl::Status IssueFor(const std::string& tenant, const std::string& name,
                        const std::string& secret, const absl::StatusOr<StaffAccount>& account,
                        qingquan::customer::v1::LoginResponse* response);

  CallGuard& guard_;
  CustomerStore& store_;
  LoginThrottle& throttle_;
  const TokenIssuer& issuer_;
};

}  // namespace qq::customer
