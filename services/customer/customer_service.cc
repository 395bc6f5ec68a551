#include "services/customer/customer_service.h"

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <sodium.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <future>
#include <map>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/common/client.h"
#include "services/common/grpc_status.h"
#include "services/common/ids.h"
#include "services/common/log.h"
#include "services/common/page_token.h"
#include "services/common/pg_pool.h"
#include "services/common/sha256.h"
#include "services/common/status.h"
#include "services/common/text/utf8_text.h"
#include "services/common/text_limits.h"
#include "services/customer/domain/custom_fields.h"
#include "services/customer/domain/customer_draft.h"
#include "services/customer/domain/password_hash.h"
#include "services/customer/domain/pii_cipher.h"
#include "services/customer/domain/pinyin/pinyin_search_keys.h"
#include "services/customer/domain/search_query.h"
#include "services/customer/domain/tag_rules.h"
#include "services/customer/domain/utility_rules.h"

namespace qq::customer {

namespace v1 = qingquan::customer::v1;
namespace order_v1 = qingquan::order::v1;
using google::protobuf::util::TimeUtil;

namespace {

constexpr int kMaxPageSize = 100;
constexpr int kMaxSearchPageSize = 50;
// Search ranks at most this many hits; nobody pages past them on a hotline.
constexpr int kMaxSearchHits = 500;
constexpr int kViewItems = 10;
// Text limits of the handlers' own fields, in characters.
constexpr size_t kMaxSummaryChars = 4000;
constexpr size_t kMaxOrderIdChars = 100;
constexpr size_t kMaxUploadNameChars = 200;

// Who may read and write the archive: everyone on staff who talks to customers or
// serves them, and other services acting for a tenant.
constexpr std::initializer_list<absl::string_view> kArchiveReaders = {
    roles::kAgent,   roles::kDispatcher, roles::kLeader,  roles::kWorker,
    roles::kCourier, roles::kManager,    roles::kFinance, roles::kService};
constexpr std::initializer_list<absl::string_view> kArchiveWriters = {roles::kAgent,
                                                                      roles::kDispatcher};
// Services too: a notification rule's action posts coupons (with causedByRule).
constexpr std::initializer_list<absl::string_view> kLedgerWriters = {
    roles::kAgent, roles::kDispatcher, roles::kFinance, roles::kManager, roles::kService};
// A rule id; generous.
constexpr size_t kMaxCausedByRuleChars = 128;

absl::Status CheckId(const std::string& id, const std::string& field, absl::string_view what) {
  if (!LooksLikeUuid(id))
    return WithField(absl::NotFoundError(absl::StrCat("no such ", what)), field);
  return absl::OkStatus();
}

std::vector<std::string> IdsOf(const std::vector<SearchCandidate>& candidates, size_t from,
                               size_t count) {
  std::vector<std::string> ids;
  for (size_t i = from; i < candidates.size() && ids.size() < count; ++i) {
    ids.push_back(candidates[i].customer_id);
  }
  return ids;
}

// Resolves the areas of new or moved addresses right away; the resolver's loop retries
// whatever this could not do.
void ResolveAreasOf(AreaResolver& areas, const std::string& tenant,
                    const google::protobuf::RepeatedPtrField<v1::Address>& addresses) {
  for (const v1::Address& a : addresses) {
    if (!a.area_pending() || !a.has_location()) continue;
    absl::Status status = areas.ResolveNow(tenant, a.id(), a.location().lat(), a.location().lng());
    if (!status.ok()) {
      LogWarn("area resolution deferred", {{"error", std::string(status.message())}});
      areas.Wake();
      return;
    }
  }
}

}  // namespace

void CustomerServiceImpl::RedactFor(const CallContext& call, v1::Customer& customer) {
  if (!call.identity.HasRole(roles::kAdmin) && !customer.id_number().empty()) {
    customer.set_id_number(MaskIdNumber(customer.id_number()));
  }
}

absl::StatusOr<CustomerFilter> CustomerServiceImpl::FilterOf(
    const std::string& tenant, v1::Customer::Status status, const std::string& tag,
    v1::Customer::Channel channel, v1::Customer::Kind kind, const std::string& area_id,
    const google::protobuf::RepeatedPtrField<std::string>& custom_fields) {
  CustomerFilter filter;
  if (status != v1::Customer::STATUS_UNSPECIFIED) filter.status = v1::Customer::Status_Name(status);
  filter.tag = tag;
  if (channel != v1::Customer::CHANNEL_UNSPECIFIED) {
    filter.channel = v1::Customer::Channel_Name(channel);
  }
  if (kind != v1::Customer::KIND_UNSPECIFIED) filter.kind = v1::Customer::Kind_Name(kind);
  filter.area_id = area_id;
  if (!custom_fields.empty()) {
    QQ_ASSIGN_OR_RETURN(auto definitions,
                        dictionary_.ListFieldDefinitions(tenant, v1::FieldDefinition::CUSTOMER));
    std::vector<std::string> filters(custom_fields.begin(), custom_fields.end());
    QQ_ASSIGN_OR_RETURN(filter.custom_fields_json,
                        forms::CustomFieldFilterJson(definitions, filters, "customField"));
  }
  return filter;
}

absl::StatusOr<ArchiveRules> CustomerServiceImpl::RulesOf(const std::string& tenant) {
  ArchiveRules rules;
  QQ_ASSIGN_OR_RETURN(rules.tag_names, dictionary_.TagNames(tenant));
  return rules;
}

absl::Status CustomerServiceImpl::CheckCustomFields(
    const std::string& tenant, v1::FieldDefinition::Entity entity, google::protobuf::Struct* values,
    forms::WriteMode mode, const google::protobuf::Struct* current, const std::string& field_path) {
  QQ_ASSIGN_OR_RETURN(auto definitions, dictionary_.ListFieldDefinitions(tenant, entity));
  return forms::ValidateCustomFieldValues(definitions, values, mode, current, field_path);
}

grpc::ServerUnaryReactor* CustomerServiceImpl::CreateCustomer(
    grpc::CallbackServerContext* ctx, const v1::CreateCustomerRequest* request,
    v1::Customer* response) {
  return guard_.Unary(ctx, "CreateCustomer", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, kArchiveWriters));
    const std::string& tenant = call.identity.tenant;
    QQ_ASSIGN_OR_RETURN(ArchiveRules rules, RulesOf(tenant));
    QQ_ASSIGN_OR_RETURN(CustomerDraft draft, CheckNewCustomer(request->customer(), rules));
    QQ_RETURN_IF_ERROR(CheckCustomFields(tenant, v1::FieldDefinition::CUSTOMER,
                                         &draft.custom_fields, forms::WriteMode::kCreate, nullptr,
                                         "customFields"));
    for (size_t i = 0; i < draft.addresses.size(); ++i) {
      QQ_RETURN_IF_ERROR(CheckCustomFields(
          tenant, v1::FieldDefinition::ADDRESS, &draft.addresses[i].custom_fields,
          forms::WriteMode::kCreate, nullptr, absl::StrCat("addresses[", i, "].customFields")));
    }
    QQ_ASSIGN_OR_RETURN(IdempotencyScope idempotency,
                        IdempotencyScopeOf(call, "CreateCustomer", *request));
    QQ_ASSIGN_OR_RETURN(*response, store_.CreateCustomer(
                                       tenant, draft, SearchTermsForName(draft.name), idempotency));
    ResolveAreasOf(areas_, tenant, response->addresses());
    QQ_ASSIGN_OR_RETURN(*response, store_.GetCustomer(tenant, response->id()));
    RedactFor(call, *response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CustomerServiceImpl::GetCustomer(grpc::CallbackServerContext* ctx,
                                                           const v1::GetCustomerRequest* request,
                                                           v1::Customer* response) {
  return guard_.Unary(ctx, "GetCustomer", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, kArchiveReaders));
    QQ_RETURN_IF_ERROR(CheckId(request->id(), "id", "customer"));
    QQ_ASSIGN_OR_RETURN(*response, store_.GetCustomer(call.identity.tenant, request->id()));
    RedactFor(call, *response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CustomerServiceImpl::ListCustomers(
    grpc::CallbackServerContext* ctx, const v1::ListCustomersRequest* request,
    v1::ListCustomersResponse* response) {
  return guard_.Unary(ctx, "ListCustomers", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, kArchiveReaders));
    QQ_ASSIGN_OR_RETURN(int page_size, PageSizeOf(request->page_size(), kMaxPageSize));
    QQ_ASSIGN_OR_RETURN(
        CustomerFilter filter,
        FilterOf(call.identity.tenant, request->status(), request->tag(), request->channel(),
                 request->kind(), request->area_id(), request->custom_field()));
    QQ_ASSIGN_OR_RETURN(CustomerPage page, store_.ListCustomers(call.identity.tenant, filter,
                                                                page_size, request->page_token()));
    for (auto& c : page.customers) {
      RedactFor(call, c);
      *response->add_customers() = std::move(c);
    }
    response->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CustomerServiceImpl::UpdateCustomer(
    grpc::CallbackServerContext* ctx, const v1::UpdateCustomerRequest* request,
    v1::Customer* response) {
  return guard_.Unary(ctx, "UpdateCustomer", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, kArchiveWriters));
    const std::string& tenant = call.identity.tenant;
    const std::string& id = request->customer().id();
    QQ_RETURN_IF_ERROR(CheckId(id, "id", "customer"));
    QQ_ASSIGN_OR_RETURN(v1::Customer current, store_.GetCustomer(tenant, id));
    QQ_ASSIGN_OR_RETURN(v1::Customer merged,
                        ApplyCustomerUpdate(current, request->customer(), request->update_mask()));
    merged.clear_addresses();  // addresses change through their own RPCs
    QQ_ASSIGN_OR_RETURN(ArchiveRules rules, RulesOf(tenant));
    QQ_ASSIGN_OR_RETURN(CustomerDraft draft, CheckNewCustomer(merged, rules));
    QQ_RETURN_IF_ERROR(CheckCustomFields(tenant, v1::FieldDefinition::CUSTOMER,
                                         &draft.custom_fields, forms::WriteMode::kReplace,
                                         &current.custom_fields(), "customFields"));
    QQ_ASSIGN_OR_RETURN(*response,
                        store_.UpdateCustomer(tenant, id, draft, SearchTermsForName(draft.name)));
    RedactFor(call, *response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CustomerServiceImpl::DeleteCustomer(
    grpc::CallbackServerContext* ctx, const v1::DeleteCustomerRequest* request,
    v1::Customer* response) {
  return guard_.Unary(ctx, "DeleteCustomer", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kAgent, roles::kManager}));
    QQ_RETURN_IF_ERROR(CheckId(request->id(), "id", "customer"));
    QQ_ASSIGN_OR_RETURN(*response, store_.DeleteCustomer(call.identity.tenant, request->id()));
    RedactFor(call, *response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CustomerServiceImpl::SearchCustomers(
    grpc::CallbackServerContext* ctx, const v1::SearchCustomersRequest* request,
    v1::SearchCustomersResponse* response) {
  return guard_.Unary(ctx, "SearchCustomers", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, kArchiveReaders));
    const std::string& tenant = call.identity.tenant;
    QQ_ASSIGN_OR_RETURN(int page_size, PageSizeOf(request->page_size(), kMaxSearchPageSize));
    int offset = 0;
    if (!request->page_token().empty() && (!absl::SimpleAtoi(request->page_token(), &offset) ||
                                           offset < 0 || offset > kMaxSearchHits)) {
      return InvalidField("pageToken", "is not a token this search returned");
    }
    QQ_ASSIGN_OR_RETURN(SearchPlan plan, PlanSearch(request->q()));
    const int limit = std::min(offset + page_size + 1, kMaxSearchHits + 1);
    std::vector<std::vector<SearchCandidate>> lists;
    switch (plan.kind) {
      case SearchPlan::kPhone: {
        QQ_ASSIGN_OR_RETURN(auto hits, store_.FindByPhone(tenant, plan.text));
        lists.push_back(std::move(hits));
        break;
      }
      case SearchPlan::kPhoneSuffix: {
        QQ_ASSIGN_OR_RETURN(auto hits, store_.FindByPhoneSuffix(tenant, plan.text, limit));
        lists.push_back(std::move(hits));
        break;
      }
      case SearchPlan::kPinyin: {
        QQ_ASSIGN_OR_RETURN(auto hits,
                            store_.FindByTermPrefix(tenant, SearchTerm::kPinyin, plan.text, limit));
        lists.push_back(std::move(hits));
        break;
      }
      case SearchPlan::kText: {
        if (std::string fragment = NormaliseFragmentQuery(plan.text); !fragment.empty()) {
          QQ_ASSIGN_OR_RETURN(auto names, store_.FindByTermPrefix(tenant, SearchTerm::kNameFragment,
                                                                  fragment, limit));
          lists.push_back(std::move(names));
        }
        // Trigram lookups need three characters to be selective.
        if (text::CharCount(plan.text) >= 3) {
          QQ_ASSIGN_OR_RETURN(auto addresses,
                              store_.FindByAddressFragment(tenant, plan.text, limit));
          lists.push_back(std::move(addresses));
        }
        break;
      }
    }
    std::vector<SearchCandidate> ranked = MergeCandidates(std::move(lists));
    QQ_ASSIGN_OR_RETURN(auto customers,
                        store_.LoadCustomers(tenant, IdsOf(ranked, offset, page_size)));
    std::map<std::string, const SearchCandidate*> by_id;
    for (size_t i = offset; i < ranked.size(); ++i) by_id[ranked[i].customer_id] = &ranked[i];
    for (auto& c : customers) {
      RedactFor(call, c);
      auto* hit = response->add_hits();
      hit->set_matched(by_id[c.id()]->matched);
      hit->set_score(by_id[c.id()]->score);
      *hit->mutable_customer() = std::move(c);
    }
    if (static_cast<int>(ranked.size()) > offset + page_size &&
        offset + page_size < kMaxSearchHits) {
      response->set_next_page_token(absl::StrCat(offset + page_size));
    }
    return absl::OkStatus();
  });
}

namespace {

// The answer of an order-service call that was never made.
std::future<grpc::Status> Unavailable() {
  std::promise<grpc::Status> none;
  none.set_value(grpc::Status(grpc::StatusCode::UNAVAILABLE, "no order service"));
  return none.get_future();
}

}  // namespace

grpc::ServerUnaryReactor* CustomerServiceImpl::GetCustomerView(
    grpc::CallbackServerContext* ctx, const v1::GetCustomerViewRequest* request,
    v1::CustomerView* response) {
  return guard_.Unary(ctx, "GetCustomerView", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, kArchiveReaders));
    QQ_RETURN_IF_ERROR(CheckId(request->id(), "id", "customer"));
    const std::string& tenant = call.identity.tenant;
    const std::string& id = request->id();

    // The order service is asked first, in parallel with our own reads, under a short
    // deadline: if it is slow or down the view answers without it. The call is a blocking
    // one on a thread of its own: a callback-API call would complete on the gRPC callback
    // threads, which busy handlers like this one may all be holding.
    order_v1::ListWorkOrdersResponse work_orders;
    grpc::ClientContext order_ctx;
    order_v1::ListWorkOrdersRequest order_request;
    std::future<grpc::Status> order_status;
    if (work_orders_ != nullptr) {
      PrepareOutgoingCall(order_ctx, call, view_deadline_);
      order_request.set_customer_id(id);
      order_request.set_page_size(kViewItems);
      order_status = std::async(std::launch::async, [&] {
        return work_orders_->ListWorkOrders(&order_ctx, order_request, &work_orders);
      });
    } else {
      order_status = Unavailable();
    }
    order_v1::ListDeliveryOrdersResponse deliveries;
    grpc::ClientContext delivery_ctx;
    order_v1::ListDeliveryOrdersRequest delivery_request;
    std::future<grpc::Status> delivery_status;
    if (delivery_orders_ != nullptr) {
      PrepareOutgoingCall(delivery_ctx, call, view_deadline_);
      delivery_request.set_customer_id(id);
      delivery_request.set_page_size(kViewItems);
      delivery_status = std::async(std::launch::async, [&] {
        return delivery_orders_->ListDeliveryOrders(&delivery_ctx, delivery_request, &deliveries);
      });
    } else {
      delivery_status = Unavailable();
    }

    // Our own parts in one read transaction: one snapshot, one round trip each.
    absl::Status local = store_.pool().Read([&](pqxx::work& txn) -> absl::Status {
      QQ_ASSIGN_OR_RETURN(*response->mutable_customer(), store_.GetCustomerIn(txn, tenant, id));
      RedactFor(call, *response->mutable_customer());
      for (auto& m : UtilityStore::MetersIn(txn, tenant, id))
        *response->add_meters() = std::move(m);
      for (auto& c : UtilityStore::ContractsIn(txn, tenant, id)) {
        *response->add_contracts() = std::move(c);
      }
      for (auto& p : UtilityStore::PaymentsIn(txn, tenant, id, kViewItems, 0)) {
        *response->add_recent_payments() = std::move(p);
      }
      for (auto& b : LedgerStore::BalancesIn(txn, tenant, id)) {
        *response->add_balances() = std::move(b);
      }
      for (auto& c : CustomerStore::RecentCommunicationsIn(txn, tenant, id, kViewItems)) {
        *response->add_recent_communications() = std::move(c);
      }
      for (auto& d :
           DictionaryStore::ListFieldDefinitionsIn(txn, tenant, v1::FieldDefinition::CUSTOMER)) {
        *response->add_field_definitions() = std::move(d);
      }
      return absl::OkStatus();
    });
    // Wait for the order calls whatever happened, so nothing outlives this frame.
    grpc::Status orders = order_status.get();
    grpc::Status delivery = delivery_status.get();
    QQ_RETURN_IF_ERROR(local);
    if (delivery.ok()) {
      for (const auto& o : deliveries.delivery_orders()) {
        auto* out = response->add_recent_delivery_orders();
        out->set_id(o.id());
        out->set_number(o.number());
        out->set_type("DELIVERY");
        out->set_state(o.state());
        std::string items;
        for (const auto& item : o.items()) {
          absl::StrAppend(&items, items.empty() ? "" : ", ", item.product(), " x", item.quantity());
        }
        out->set_description(items);
        *out->mutable_create_time() = o.create_time();
      }
    } else {
      LogWarn("360 view without delivery orders", {{"error", delivery.error_message()}});
      response->add_missing_parts("recent_delivery_orders");
    }
    if (orders.ok()) {
      for (const auto& wo : work_orders.work_orders()) {
        auto* out = response->add_recent_work_orders();
        out->set_id(wo.id());
        out->set_number(wo.number());
        out->set_type(order_v1::WorkOrder::Type_Name(wo.type()));
        out->set_state(wo.state());
        out->set_description(wo.description());
        *out->mutable_create_time() = wo.create_time();
      }
    } else {
      LogWarn("360 view without work orders", {{"error", orders.error_message()}});
      response->add_missing_parts("recent_work_orders");
    }
    return absl::OkStatus();
  });
}

// Receives the upload into a temp file (hashing it as it goes), then imports it on a
// thread of its own so no gRPC callback thread waits on the database.
class CustomerServiceImpl::ImportReactor final
    : public grpc::ServerReadReactor<v1::ImportCustomersRequest> {
 public:
  ImportReactor(CustomerServiceImpl& service, grpc::CallbackServerContext* ctx,
                v1::ImportCustomersResponse* response)
      : service_(service), response_(response) {
    auto call = service_.guard_.AuthenticateStream(ctx);
    absl::Status status = call.status();
    if (status.ok()) status = RequireRole(*call, {roles::kAgent, roles::kManager});
    if (status.ok()) status = OpenScratchFile();
    if (!status.ok()) {
      Done(status);
      return;
    }
    call_ = *std::move(call);
    crypto_hash_sha256_init(&digest_);
    StartRead(&chunk_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the whole file is here
      std::thread([this] { Run(); }).detach();
      return;
    }
    if (first_) {
      first_ = false;
      options_.policy = chunk_.on_duplicate();
      options_.create_missing_tags = chunk_.create_missing_tags();
      // The name is shown in ledger reasons and the import log: a safe base name only.
      options_.file_name = text::SafeFileName(chunk_.file_name(), kMaxUploadNameChars);
      if (options_.file_name.empty()) options_.file_name = "upload";
    }
    const std::string& data = chunk_.file().data();
    received_ += static_cast<int64_t>(data.size());
    if (received_ > service_.max_upload_bytes_) {
      Done(WithHttpStatus(absl::ResourceExhaustedError(
                              absl::StrCat("the file is larger than the upload limit of ",
                                           service_.max_upload_bytes_ / (1 << 20), " MiB")),
                          413));
      return;
    }
    crypto_hash_sha256_update(&digest_, reinterpret_cast<const unsigned char*>(data.data()),
                              data.size());
    if (::write(fd_, data.data(), data.size()) != static_cast<ssize_t>(data.size())) {
      Done(absl::InternalError("could not store the upload"));
      return;
    }
    StartRead(&chunk_);
  }

  void OnDone() override { delete this; }

 private:
  absl::Status OpenScratchFile() {
    path_ = service_.scratch_dir_ + "/qq-import-XXXXXX";
    fd_ = ::mkstemp(path_.data());
    if (fd_ < 0) return absl::InternalError("no room for the upload");
    return absl::OkStatus();
  }

  void Run() {
    unsigned char hash[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&digest_, hash);
    const std::string digest =
        absl::BytesToHexString(absl::string_view(reinterpret_cast<const char*>(hash), sizeof hash));
    absl::Status status;
    if (received_ == 0) {
      status = absl::InvalidArgumentError("the upload is empty: send an .xlsx or .csv file");
    } else {
      options_.file_digest = digest;
      auto result =
          service_.importer_.Import(call_.identity.tenant, call_.identity.user_id, path_, options_);
      status = result.status();
      if (result.ok()) *response_ = *std::move(result);
    }
    Done(status);
  }

  void Done(const absl::Status& status) {
    if (fd_ >= 0) {
      ::close(fd_);
      ::unlink(path_.c_str());
      fd_ = -1;
    }
    service_.guard_.RecordOutcome("ImportCustomers", status, start_);
    Finish(ToGrpcStatus(status));  // last: OnDone may delete this right after
  }

  CustomerServiceImpl& service_;
  v1::ImportCustomersResponse* response_;
  CallContext call_;
  v1::ImportCustomersRequest chunk_;
  bool first_ = true;
  ImportOptions options_;
  std::string path_;
  int fd_ = -1;
  int64_t received_ = 0;
  crypto_hash_sha256_state digest_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

grpc::ServerReadReactor<v1::ImportCustomersRequest>* CustomerServiceImpl::ImportCustomers(
    grpc::CallbackServerContext* ctx, v1::ImportCustomersResponse* response) {
  return new ImportReactor(*this, ctx, response);
}

// Writes the export to a temp file on a thread of its own, then streams it in 1 MiB
// chunks; the file is removed when the call ends.
class CustomerServiceImpl::ExportReactor final
    : public grpc::ServerWriteReactor<qingquan::common::v1::HttpBody> {
 public:
  ExportReactor(CustomerServiceImpl& service, grpc::CallbackServerContext* ctx,
                const v1::ExportCustomersRequest* request)
      : service_(service) {
    auto call = service_.guard_.AuthenticateStream(ctx);
    absl::Status status = call.status();
    if (status.ok()) status = RequireRole(*call, {roles::kManager, roles::kAgent});
    if (!status.ok()) {
      Done(status);
      return;
    }
    call_ = *std::move(call);
    request_ = *request;
    std::thread([this] { Produce(); }).detach();
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      Done(absl::CancelledError("the client went away"));
      return;
    }
    WriteNext();
  }

  void OnDone() override { delete this; }

 private:
  static constexpr size_t kChunkBytes = 1 << 20;

  void Produce() {
    path_ = service_.scratch_dir_ + "/qq-export-XXXXXX";
    int fd = ::mkstemp(path_.data());
    if (fd < 0) {
      path_.clear();
      Done(absl::InternalError("no room for the export"));
      return;
    }
    ::close(fd);
    absl::Status status = [&]() -> absl::Status {
      QQ_ASSIGN_OR_RETURN(CustomerFilter filter,
                          service_.FilterOf(call_.identity.tenant, request_.status(),
                                            request_.tag(), request_.channel(), request_.kind(),
                                            request_.area_id(), request_.custom_field()));
      return service_.importer_.Export(call_.identity.tenant, filter, path_);
    }();
    if (!status.ok()) {
      Done(status);
      return;
    }
    file_.open(path_, std::ios::binary);
    if (!file_) {
      Done(absl::InternalError("the export could not be read back"));
      return;
    }
    chunk_.set_content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    chunk_.set_file_name(absl::StrCat(
        "customers-", absl::FormatTime("%Y%m%d-%H%M", absl::Now(), absl::FixedTimeZone(8 * 3600)),
        ".xlsx"));
    WriteNext();
  }

  void WriteNext() {
    if (!first_) {  // later chunks carry only data
      chunk_.clear_content_type();
      chunk_.clear_file_name();
    }
    std::string* data = chunk_.mutable_data();
    data->resize(kChunkBytes);
    file_.read(data->data(), kChunkBytes);
    data->resize(static_cast<size_t>(file_.gcount()));
    if (data->empty() && !first_) {
      Done(absl::OkStatus());
      return;
    }
    first_ = false;
    StartWrite(&chunk_);
  }

  void Done(const absl::Status& status) {
    if (file_.is_open()) file_.close();
    if (!path_.empty()) ::unlink(path_.c_str());
    service_.guard_.RecordOutcome("ExportCustomers", status, start_);
    Finish(ToGrpcStatus(status));
  }

  CustomerServiceImpl& service_;
  CallContext call_;
  v1::ExportCustomersRequest request_;
  std::string path_;
  std::ifstream file_;
  qingquan::common::v1::HttpBody chunk_;
  bool first_ = true;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

grpc::ServerWriteReactor<qingquan::common::v1::HttpBody>* CustomerServiceImpl::ExportCustomers(
    grpc::CallbackServerContext* ctx, const v1::ExportCustomersRequest* request) {
  return new ExportReactor(*this, ctx, request);
}

grpc::ServerUnaryReactor* CustomerServiceImpl::AddAddress(grpc::CallbackServerContext* ctx,
                                                          const v1::AddAddressRequest* request,
                                                          v1::Address* response) {
  return guard_.Unary(ctx, "AddAddress", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, kArchiveWriters));
    QQ_RETURN_IF_ERROR(CheckId(request->customer_id(), "customerId", "customer"));
    const std::string& tenant = call.identity.tenant;
    QQ_ASSIGN_OR_RETURN(AddressDraft draft, CheckAddress(request->address(), ""));
    QQ_RETURN_IF_ERROR(CheckCustomFields(tenant, v1::FieldDefinition::ADDRESS, &draft.custom_fields,
                                         forms::WriteMode::kCreate, nullptr, "customFields"));
    QQ_ASSIGN_OR_RETURN(IdempotencyScope idempotency,
                        IdempotencyScopeOf(call, "AddAddress", *request));
    QQ_ASSIGN_OR_RETURN(*response,
                        store_.AddAddress(tenant, request->customer_id(), draft, idempotency));
    google::protobuf::RepeatedPtrField<v1::Address> one;
    *one.Add() = *response;
    ResolveAreasOf(areas_, tenant, one);
    QQ_ASSIGN_OR_RETURN(*response,
                        store_.GetAddress(tenant, request->customer_id(), response->id()));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CustomerServiceImpl::UpdateAddress(
    grpc::CallbackServerContext* ctx, const v1::UpdateAddressRequest* request,
    v1::Address* response) {
  return guard_.Unary(ctx, "UpdateAddress", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, kArchiveWriters));
    QQ_RETURN_IF_ERROR(CheckId(request->customer_id(), "customerId", "customer"));
    QQ_RETURN_IF_ERROR(CheckId(request->address().id(), "address.id", "address"));
    const std::string& tenant = call.identity.tenant;
    QQ_ASSIGN_OR_RETURN(const v1::Address stored,
                        store_.GetAddress(tenant, request->customer_id(), request->address().id()));
    v1::Address merged = stored;
    if (request->update_mask().paths_size() == 0) {
      return InvalidField("updateMask",
                          "name the fields to change: text, location, delivery_notes, "
                          "custom_fields");
    }
    bool location_changed = false;
    for (const std::string& path : request->update_mask().paths()) {
      if (path == "text") {
        merged.set_text(request->address().text());
      } else if (path == "location") {
        location_changed = true;
        if (request->address().has_location()) {
          *merged.mutable_location() = request->address().location();
        } else {
          merged.clear_location();
        }
      } else if (path == "delivery_notes") {
        merged.set_delivery_notes(request->address().delivery_notes());
      } else if (path == "custom_fields") {
        *merged.mutable_custom_fields() = request->address().custom_fields();
      } else {
        return InvalidField("updateMask", absl::StrCat("'", path,
                                                       "' cannot be changed; changeable: text, "
                                                       "location, delivery_notes, custom_fields"));
      }
    }
    QQ_ASSIGN_OR_RETURN(AddressDraft draft, CheckAddress(merged, "address"));
    QQ_RETURN_IF_ERROR(CheckCustomFields(tenant, v1::FieldDefinition::ADDRESS, &draft.custom_fields,
                                         forms::WriteMode::kReplace, &stored.custom_fields(),
                                         "address.customFields"));
    QQ_ASSIGN_OR_RETURN(*response, store_.UpdateAddress(tenant, request->customer_id(), merged.id(),
                                                        draft, location_changed));
    if (location_changed) {
      google::protobuf::RepeatedPtrField<v1::Address> one;
      *one.Add() = *response;
      ResolveAreasOf(areas_, tenant, one);
      QQ_ASSIGN_OR_RETURN(*response,
                          store_.GetAddress(tenant, request->customer_id(), response->id()));
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CustomerServiceImpl::DeleteAddress(
    grpc::CallbackServerContext* ctx, const v1::DeleteAddressRequest* request,
    v1::Address* response) {
  return guard_.Unary(ctx, "DeleteAddress", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, kArchiveWriters));
    QQ_RETURN_IF_ERROR(CheckId(request->customer_id(), "customerId", "customer"));
    QQ_RETURN_IF_ERROR(CheckId(request->address_id(), "addressId", "address"));
    QQ_ASSIGN_OR_RETURN(
        *response,
        store_.DeleteAddress(call.identity.tenant, request->customer_id(), request->address_id()));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CustomerServiceImpl::AddCommunication(
    grpc::CallbackServerContext* ctx, const v1::AddCommunicationRequest* request,
    v1::Communication* response) {
  return guard_.Unary(ctx, "AddCommunication", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kAgent, roles::kDispatcher, roles::kLeader,
                                          roles::kWorker, roles::kCourier, roles::kManager}));
    QQ_RETURN_IF_ERROR(CheckId(request->customer_id(), "customerId", "customer"));
    v1::Communication record = request->communication();
    if (record.kind() == v1::Communication::KIND_UNSPECIFIED) {
      return InvalidField("kind", "is required: CALL_IN, CALL_OUT, WECHAT, VISIT, FOLLOW_UP, SMS");
    }
    std::string summary(text::TrimSpaces(record.summary()));
    if (summary.empty()) return InvalidField("summary", "is required");
    QQ_RETURN_IF_ERROR(CheckTextLength("summary", summary, kMaxSummaryChars));
    record.set_summary(summary);
    QQ_RETURN_IF_ERROR(CheckTextLength("orderId", record.order_id(), kMaxOrderIdChars));
    if (record.duration_seconds() < 0 || record.duration_seconds() > 24 * 3600) {
      return InvalidField("durationSeconds", "must be between 0 and 86400");
    }
    const auto now = TimeUtil::GetCurrentTime();
    if (!record.has_time()) {
      *record.mutable_time() = now;
    } else if (record.time() > now + TimeUtil::SecondsToDuration(300)) {
      return InvalidField("time", "is in the future");
    }
    record.set_staff_id(call.identity.user_id);
    record.set_staff_name(call.identity.NameOrUsername());
    // The key covers the request as sent (a defaulted time differs on every retry).
    QQ_ASSIGN_OR_RETURN(IdempotencyScope idempotency,
                        IdempotencyScopeOf(call, "AddCommunication", *request));
    QQ_ASSIGN_OR_RETURN(
        *response,
        store_.AddCommunication(call.identity.tenant, request->customer_id(), record, idempotency));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* CustomerServiceImpl::ListCommunications(
    grpc::CallbackServerContext* ctx, const v1::ListCommunicationsRequest* request,
    v1::ListCommunicationsResponse* response) {
  return guard_.Unary(ctx, "ListCommunications", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, kArchiveReaders));
    QQ_RETURN_IF_ERROR(CheckId(request->customer_id(), "customerId", "customer"));
    QQ_ASSIGN_OR_RETURN(int page_size, PageSizeOf(request->page_size(), kMaxPageSize));
    std::string next;
    QQ_ASSIGN_OR_RETURN(auto records,
                        store_.ListCommunications(call.identity.tenant, request->customer_id(),
                                                  page_size, request->page_token(), &next));
    for (auto& r : records) *response->add_communications() = std::move(r);
    response->set_next_page_token(next);
    return absl::OkStatus();
  });
}

// ---------------------------------------------------------------------------------------
// Dictionaries

grpc::ServerUnaryReactor* DictionaryServiceImpl::CreateTag(grpc::CallbackServerContext* ctx,
                                                           const v1::CreateTagRequest* request,
                                                           v1::Tag* response) {
  return guard_.Unary(ctx, "CreateTag", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kManager}));
    QQ_ASSIGN_OR_RETURN(v1::Tag tag, CheckTag(request->tag()));
    QQ_ASSIGN_OR_RETURN(IdempotencyScope idempotency,
                        IdempotencyScopeOf(call, "CreateTag", *request));
    QQ_ASSIGN_OR_RETURN(*response, store_.CreateTag(call.identity.tenant, tag, idempotency));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DictionaryServiceImpl::UpdateTag(grpc::CallbackServerContext* ctx,
                                                           const v1::UpdateTagRequest* request,
                                                           v1::Tag* response) {
  return guard_.Unary(ctx, "UpdateTag", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kManager}));
    QQ_RETURN_IF_ERROR(CheckId(request->tag().id(), "id", "tag"));
    QQ_ASSIGN_OR_RETURN(v1::Tag current, store_.GetTag(call.identity.tenant, request->tag().id()));
    QQ_ASSIGN_OR_RETURN(v1::Tag changed,
                        ApplyTagUpdate(current, request->tag(), request->update_mask()));
    QQ_ASSIGN_OR_RETURN(*response, store_.UpdateTag(call.identity.tenant, changed));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DictionaryServiceImpl::DeleteTag(grpc::CallbackServerContext* ctx,
                                                           const v1::DeleteTagRequest* request,
                                                           v1::Tag* response) {
  return guard_.Unary(ctx, "DeleteTag", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kManager}));
    QQ_RETURN_IF_ERROR(CheckId(request->id(), "id", "tag"));
    QQ_ASSIGN_OR_RETURN(*response, store_.DeleteTag(call.identity.tenant, request->id()));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DictionaryServiceImpl::ListTags(grpc::CallbackServerContext* ctx,
                                                          const v1::ListTagsRequest* request,
                                                          v1::ListTagsResponse* response) {
  return guard_.Unary(ctx, "ListTags", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, kArchiveReaders));
    QQ_ASSIGN_OR_RETURN(auto tags, store_.ListTags(call.identity.tenant));
    for (auto& t : tags) *response->add_tags() = std::move(t);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DictionaryServiceImpl::CreateFieldDefinition(
    grpc::CallbackServerContext* ctx, const v1::CreateFieldDefinitionRequest* request,
    v1::FieldDefinition* response) {
  return guard_.Unary(ctx, "CreateFieldDefinition", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kAdmin}));
    QQ_ASSIGN_OR_RETURN(v1::FieldDefinition definition,
                        CheckNewFieldDefinition(request->definition()));
    QQ_ASSIGN_OR_RETURN(IdempotencyScope idempotency,
                        IdempotencyScopeOf(call, "CreateFieldDefinition", *request));
    QQ_ASSIGN_OR_RETURN(
        *response, store_.CreateFieldDefinition(call.identity.tenant, definition, idempotency));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DictionaryServiceImpl::UpdateFieldDefinition(
    grpc::CallbackServerContext* ctx, const v1::UpdateFieldDefinitionRequest* request,
    v1::FieldDefinition* response) {
  return guard_.Unary(ctx, "UpdateFieldDefinition", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kAdmin}));
    QQ_RETURN_IF_ERROR(CheckId(request->definition().id(), "id", "field definition"));
    QQ_ASSIGN_OR_RETURN(
        v1::FieldDefinition current,
        store_.GetFieldDefinition(call.identity.tenant, request->definition().id()));
    QQ_ASSIGN_OR_RETURN(
        v1::FieldDefinition changed,
        ApplyFieldDefinitionUpdate(current, request->definition(), request->update_mask()));
    QQ_ASSIGN_OR_RETURN(*response, store_.UpdateFieldDefinition(call.identity.tenant, changed));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DictionaryServiceImpl::ListFieldDefinitions(
    grpc::CallbackServerContext* ctx, const v1::ListFieldDefinitionsRequest* request,
    v1::ListFieldDefinitionsResponse* response) {
  return guard_.Unary(ctx, "ListFieldDefinitions", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, kArchiveReaders));
    QQ_ASSIGN_OR_RETURN(auto definitions,
                        store_.ListFieldDefinitions(call.identity.tenant, request->entity()));
    for (auto& d : definitions) *response->add_definitions() = std::move(d);
    return absl::OkStatus();
  });
}

// ---------------------------------------------------------------------------------------
// Utility data

namespace {

absl::Status CheckIsoDate(const std::string& value, const std::string& field) {
  if (value.empty()) return absl::OkStatus();
  absl::CivilDay day;
  if (!absl::ParseCivilTime(value, &day) || absl::FormatCivilTime(day) != value) {
    return InvalidField(field, "expected a date as YYYY-MM-DD");
  }
  return absl::OkStatus();
}

absl::Status CheckOptionalId(const std::string& id, const std::string& field) {
  if (!id.empty() && !LooksLikeUuid(id)) {
    return WithField(absl::NotFoundError("no such address"), field);
  }
  return absl::OkStatus();
}

constexpr std::initializer_list<absl::string_view> kUtilityWriters = {
    roles::kAgent, roles::kDispatcher, roles::kWorker, roles::kManager};

}  // namespace

grpc::ServerUnaryReactor* UtilityServiceImpl::AddMeter(grpc::CallbackServerContext* ctx,
                                                       const v1::AddMeterRequest* request,
                                                       v1::Meter* response) {
  return guard_.Unary(ctx, "AddMeter", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, kUtilityWriters));
    QQ_RETURN_IF_ERROR(CheckId(request->customer_id(), "customerId", "customer"));
    v1::Meter meter = request->meter();
    QQ_ASSIGN_OR_RETURN(*meter.mutable_number(),
                        NormaliseIdentifier("meter.number", meter.number(), kMaxMeterNumberChars));
    if (meter.caliber_mm() < 10 || meter.caliber_mm() > 1000) {
      return InvalidField("meter.caliberMm", "must be between 10 and 1000 (DN, millimetres)");
    }
    QQ_RETURN_IF_ERROR(CheckIsoDate(meter.install_date(), "meter.installDate"));
    QQ_RETURN_IF_ERROR(CheckOptionalId(meter.address_id(), "meter.addressId"));
    QQ_ASSIGN_OR_RETURN(IdempotencyScope idempotency,
                        IdempotencyScopeOf(call, "AddMeter", *request));
    QQ_ASSIGN_OR_RETURN(*response, store_.AddMeter(call.identity.tenant, request->customer_id(),
                                                   meter, idempotency));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* UtilityServiceImpl::RecordMeterReading(
    grpc::CallbackServerContext* ctx, const v1::RecordMeterReadingRequest* request,
    v1::Meter* response) {
  return guard_.Unary(ctx, "RecordMeterReading", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, kUtilityWriters));
    QQ_RETURN_IF_ERROR(CheckId(request->meter_id(), "meterId", "meter"));
    if (!(request->reading() >= 0 && request->reading() < 1e9)) {
      return InvalidField("reading", "must be between 0 and 999999999 cubic metres");
    }
    const auto now = TimeUtil::GetCurrentTime();
    auto time = request->has_time() ? request->time() : now;
    if (time > now + TimeUtil::SecondsToDuration(300)) {
      return InvalidField("time", "is in the future");
    }
    QQ_ASSIGN_OR_RETURN(IdempotencyScope idempotency,
                        IdempotencyScopeOf(call, "RecordMeterReading", *request));
    QQ_ASSIGN_OR_RETURN(
        *response,
        store_.RecordReading(call.identity.tenant, request->meter_id(), request->reading(),
                             TimeUtil::TimestampToMicroseconds(time), idempotency));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* UtilityServiceImpl::AddContract(grpc::CallbackServerContext* ctx,
                                                          const v1::AddContractRequest* request,
                                                          v1::Contract* response) {
  return guard_.Unary(ctx, "AddContract", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kAgent, roles::kManager}));
    QQ_RETURN_IF_ERROR(CheckId(request->customer_id(), "customerId", "customer"));
    v1::Contract contract = request->contract();
    QQ_ASSIGN_OR_RETURN(*contract.mutable_account_number(),
                        NormaliseIdentifier("contract.accountNumber", contract.account_number(),
                                            kMaxAccountNumberChars));
    contract.set_water_use(std::string(text::TrimSpaces(contract.water_use())));
    QQ_RETURN_IF_ERROR(
        CheckTextLength("contract.waterUse", contract.water_use(), kMaxWaterUseChars));
    QQ_RETURN_IF_ERROR(CheckIsoDate(contract.start_date(), "contract.startDate"));
    QQ_RETURN_IF_ERROR(CheckIsoDate(contract.end_date(), "contract.endDate"));
    if (!contract.start_date().empty() && !contract.end_date().empty() &&
        contract.end_date() < contract.start_date()) {
      return InvalidField("contract.endDate", "is before the start date");
    }
    QQ_RETURN_IF_ERROR(CheckOptionalId(contract.address_id(), "contract.addressId"));
    QQ_ASSIGN_OR_RETURN(IdempotencyScope idempotency,
                        IdempotencyScopeOf(call, "AddContract", *request));
    QQ_ASSIGN_OR_RETURN(*response, store_.AddContract(call.identity.tenant, request->customer_id(),
                                                      contract, idempotency));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* UtilityServiceImpl::ListPayments(grpc::CallbackServerContext* ctx,
                                                           const v1::ListPaymentsRequest* request,
                                                           v1::ListPaymentsResponse* response) {
  return guard_.Unary(ctx, "ListPayments", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, kArchiveReaders));
    QQ_RETURN_IF_ERROR(CheckId(request->customer_id(), "customerId", "customer"));
    QQ_ASSIGN_OR_RETURN(int page_size, PageSizeOf(request->page_size(), kMaxPageSize));
    int offset = 0;
    if (!request->page_token().empty() &&
        (!absl::SimpleAtoi(request->page_token(), &offset) || offset < 0)) {
      return InvalidField("pageToken", "is not a token this list returned");
    }
    QQ_ASSIGN_OR_RETURN(auto payments, store_.Payments(call.identity.tenant, request->customer_id(),
                                                       page_size + 1, offset));
    for (int i = 0; i < static_cast<int>(payments.size()) && i < page_size; ++i) {
      *response->add_payments() = std::move(payments[i]);
    }
    if (static_cast<int>(payments.size()) > page_size) {
      response->set_next_page_token(absl::StrCat(offset + page_size));
    }
    return absl::OkStatus();
  });
}

namespace {

// Reads payment records one at a time and stores each as it arrives, in its own
// transaction, so a long stream never holds a transaction open. A broken stream keeps
// what was stored; the sender resends the batch and, records being idempotent by id,
// learns each record's fate from the DUPLICATE answers.
class IngestPaymentsReactor final : public grpc::ServerReadReactor<v1::PaymentRecord> {
 public:
  IngestPaymentsReactor(CallGuard& guard, UtilityStore& store, grpc::CallbackServerContext* ctx,
                        v1::IngestPaymentsResponse* response)
      : guard_(guard), store_(store), response_(response) {
    auto call = guard_.AuthenticateStream(ctx);
    absl::Status status = call.status();
    if (status.ok()) status = RequireRole(*call, {roles::kBilling});
    if (!status.ok()) {
      Done(status);
      return;
    }
    call_ = *std::move(call);
    StartRead(&record_);
  }

  void OnReadDone(bool ok) override {
    if (!ok) {  // the client finished sending
      Done(absl::OkStatus());
      return;
    }
    if (response_->results_size() >= kMaxRecordsPerStream) {
      Done(absl::ResourceExhaustedError(absl::StrCat(
          "at most ", kMaxRecordsPerStream, " records per stream; send the rest in another")));
      return;
    }
    absl::StatusOr<v1::PaymentResult> result = Ingest(record_);
    if (!result.ok()) {
      Done(result.status());
      return;
    }
    switch (result->outcome()) {
      case v1::PaymentResult::ACCEPTED:
        response_->set_accepted(response_->accepted() + 1);
        break;
      case v1::PaymentResult::DUPLICATE:
        response_->set_duplicates(response_->duplicates() + 1);
        break;
      case v1::PaymentResult::CONFLICT:
        response_->set_conflicts(response_->conflicts() + 1);
        break;
      default:
        response_->set_rejected(response_->rejected() + 1);
    }
    *response_->add_results() = *std::move(result);
    StartRead(&record_);
  }

  void OnDone() override { delete this; }

 private:
  static constexpr int kMaxRecordsPerStream = 100000;

  absl::StatusOr<v1::PaymentResult> Ingest(v1::PaymentRecord record) {
    v1::PaymentResult rejected;
    rejected.set_record_id(record.record_id());
    rejected.set_outcome(v1::PaymentResult::REJECTED);
    auto reject = [&](const char* field, absl::string_view reason) {
      rejected.set_field(field);
      rejected.set_reason(std::string(reason));
      return rejected;
    };
    if (record.record_id().empty()) return reject("recordId", "is required");
    if (absl::Status s = CheckTextLength("recordId", record.record_id(), kMaxPaymentRecordIdChars);
        !s.ok()) {
      return reject("recordId", s.message());
    }
    auto account =
        NormaliseIdentifier("accountNumber", record.account_number(), kMaxAccountNumberChars);
    if (!account.ok()) return reject("accountNumber", account.status().message());
    record.set_account_number(*account);
    for (const auto& [field, value] :
         {std::pair{"period", &record.period()}, std::pair{"method", &record.method()}}) {
      if (absl::Status s = CheckTextLength(field, *value, kMaxPaymentLabelChars); !s.ok()) {
        return reject(field, s.message());
      }
    }
    if (record.amount_fen() == 0 || record.amount_fen() > 10'000'000'00LL ||
        record.amount_fen() < -10'000'000'00LL) {
      return reject("amountFen", "must be non-zero and at most 1000 万元 either way");
    }
    if (!record.has_paid_time()) return reject("paidTime", "is required");
    if (record.paid_time() > TimeUtil::GetCurrentTime() + TimeUtil::SecondsToDuration(3600)) {
      return reject("paidTime", "is in the future");
    }
    // The source is who the token says it is, never what the record claims.
    record.set_source(call_.identity.username);
    record.clear_customer_id();
    std::string bytes;
    record.SerializeToString(&bytes);  // deterministic enough for a resend of the same record
    return store_.IngestPayment(call_.identity.tenant, record, Sha256Hex(bytes));
  }

  void Done(const absl::Status& status) {
    guard_.RecordOutcome("IngestPayments", status, start_);
    Finish(ToGrpcStatus(status));
  }

  CallGuard& guard_;
  UtilityStore& store_;
  v1::IngestPaymentsResponse* response_;
  CallContext call_;
  v1::PaymentRecord record_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
};

}  // namespace

grpc::ServerReadReactor<v1::PaymentRecord>* UtilityServiceImpl::IngestPayments(
    grpc::CallbackServerContext* ctx, v1::IngestPaymentsResponse* response) {
  return new IngestPaymentsReactor(guard_, store_, ctx, response);
}

// ---------------------------------------------------------------------------------------
// Ledger

namespace {

LedgerEntryDraft DraftOf(const v1::LedgerEntry& in) {
  LedgerEntryDraft d;
  d.kind = v1::LedgerEntry::Kind_Name(in.kind());
  d.asset_kind = v1::LedgerAsset::Kind_Name(in.asset().kind());
  d.product = std::string(absl::StripAsciiWhitespace(in.asset().product()));
  d.delta = {in.quantity_delta(), in.amount_fen_delta()};
  d.reason = std::string(absl::StripAsciiWhitespace(in.reason()));
  d.caused_by_rule = in.caused_by_rule();
  return d;
}

}  // namespace

grpc::ServerUnaryReactor* LedgerServiceImpl::GetBalances(grpc::CallbackServerContext* ctx,
                                                         const v1::GetBalancesRequest* request,
                                                         v1::GetBalancesResponse* response) {
  return guard_.Unary(ctx, "GetBalances", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, kArchiveReaders));
    QQ_RETURN_IF_ERROR(CheckId(request->customer_id(), "customerId", "customer"));
    QQ_ASSIGN_OR_RETURN(auto balances,
                        store_.Balances(call.identity.tenant, request->customer_id()));
    for (auto& b : balances) *response->add_balances() = std::move(b);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* LedgerServiceImpl::ListLedgerEntries(
    grpc::CallbackServerContext* ctx, const v1::ListLedgerEntriesRequest* request,
    v1::ListLedgerEntriesResponse* response) {
  return guard_.Unary(ctx, "ListLedgerEntries", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, kArchiveReaders));
    QQ_RETURN_IF_ERROR(CheckId(request->customer_id(), "customerId", "customer"));
    QQ_ASSIGN_OR_RETURN(int page_size, PageSizeOf(request->page_size(), kMaxPageSize));
    std::string next;
    QQ_ASSIGN_OR_RETURN(auto entries, store_.Entries(call.identity.tenant, request->customer_id(),
                                                     page_size, request->page_token(), &next));
    for (auto& e : entries) *response->add_entries() = std::move(e);
    response->set_next_page_token(next);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* LedgerServiceImpl::PostLedgerEntry(
    grpc::CallbackServerContext* ctx, const v1::PostLedgerEntryRequest* request,
    v1::LedgerEntry* response) {
  return guard_.Unary(ctx, "PostLedgerEntry", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, kLedgerWriters));
    QQ_RETURN_IF_ERROR(CheckId(request->customer_id(), "customerId", "customer"));
    if (call.idempotency_key.empty()) {
      return InvalidField("Idempotency-Key",
                          "is required for ledger entries, so a retry never posts twice");
    }
    LedgerEntryDraft entry = DraftOf(request->entry());
    QQ_RETURN_IF_ERROR(CheckStaffEntry(entry));
    // Only a rule's own action may say so: anyone else could hide an entry from the rules.
    if (!entry.caused_by_rule.empty()) {
      if (!call.identity.HasRole(roles::kService)) {
        return InvalidField("entry.causedByRule", "may only be set by a service");
      }
      QQ_RETURN_IF_ERROR(
          CheckTextLength("entry.causedByRule", entry.caused_by_rule, kMaxCausedByRuleChars));
    }
    QQ_ASSIGN_OR_RETURN(IdempotencyScope idempotency,
                        IdempotencyScopeOf(call, "PostLedgerEntry", *request));
    QQ_ASSIGN_OR_RETURN(*response, store_.PostEntry(call.identity.tenant, request->customer_id(),
                                                    entry, call.identity.user_id, idempotency));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* LedgerServiceImpl::ReverseLedgerEntry(
    grpc::CallbackServerContext* ctx, const v1::ReverseLedgerEntryRequest* request,
    v1::LedgerEntry* response) {
  return guard_.Unary(ctx, "ReverseLedgerEntry", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kFinance, roles::kManager}));
    QQ_RETURN_IF_ERROR(CheckId(request->entry_id(), "entryId", "entry"));
    std::string reason(absl::StripAsciiWhitespace(request->reason()));
    if (reason.empty()) return InvalidField("reason", "is required: say why it is reversed");
    QQ_RETURN_IF_ERROR(CheckTextLength("reason", reason, kMaxLedgerReasonChars));
    QQ_ASSIGN_OR_RETURN(*response, store_.Reverse(call.identity.tenant, request->entry_id(), reason,
                                                  call.identity.user_id));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* LedgerServiceImpl::DeductForOrder(
    grpc::CallbackServerContext* ctx, const v1::DeductForOrderRequest* request,
    v1::LedgerEntry* response) {
  return guard_.Unary(ctx, "DeductForOrder", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kService}));
    QQ_RETURN_IF_ERROR(CheckId(request->customer_id(), "customerId", "customer"));
    if (request->order_id().empty()) return InvalidField("orderId", "is required");
    QQ_RETURN_IF_ERROR(CheckTextLength("orderId", request->order_id(), kMaxOrderIdChars));
    if (request->product().empty()) return InvalidField("product", "is required, e.g. 18.9L");
    QQ_RETURN_IF_ERROR(CheckTextLength("product", request->product(), kMaxLedgerProductChars));
    if (request->quantity() <= 0 || request->quantity() > 10000) {
      return InvalidField("quantity", "must be between 1 and 10000");
    }
    QQ_ASSIGN_OR_RETURN(
        *response,
        store_.DeductForOrder(call.identity.tenant, request->customer_id(), request->order_id(),
                              request->product(), request->quantity(), call.identity.user_id));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* LedgerServiceImpl::RefundForOrder(
    grpc::CallbackServerContext* ctx, const v1::RefundForOrderRequest* request,
    v1::LedgerEntry* response) {
  return guard_.Unary(ctx, "RefundForOrder", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kService}));
    if (request->order_id().empty()) return InvalidField("orderId", "is required");
    QQ_RETURN_IF_ERROR(CheckTextLength("reason", request->reason(), kMaxLedgerReasonChars));
    QQ_ASSIGN_OR_RETURN(*response, store_.RefundForOrder(call.identity.tenant, request->order_id(),
                                                         request->reason(), call.identity.user_id));
    return absl::OkStatus();
  });
}

// ---------------------------------------------------------------------------------------
// Login

absl::Status AuthServiceImpl::IssueFor(const std::string& tenant, const std::string& name,
                                       const std::string& secret,
                                       const absl::StatusOr<StaffAccount>& account,
                                       v1::LoginResponse* response) {
  if (!account.ok() && account.status().code() != absl::StatusCode::kNotFound) {
    return account.status();
  }
  // An unknown name costs a hash verification too, so timing does not reveal it.
  static const std::string kDummyHash = *HashPassword("not-a-real-password");
  bool verified = VerifyPassword(account.ok() ? account->password_hash : kDummyHash, secret);
  if (!account.ok() || !verified) {
    throttle_.RecordFailure(tenant, name);
    return absl::UnauthenticatedError("wrong tenant, name or secret");
  }
  if (account->disabled) return absl::UnauthenticatedError("this account is disabled");
  throttle_.Reset(tenant, name);
  // The display name rides in the token, so every service can name the person on its
  // timelines without asking.
  Identity identity{account->tenant, account->id, account->username, account->roles,
                    account->display_name};
  QQ_ASSIGN_OR_RETURN(std::string token, issuer_.Issue(identity, kTokenLifetime));
  response->set_access_token(token);
  response->set_expires_in(static_cast<int>(kTokenLifetime.count()));
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* AuthServiceImpl::Login(grpc::CallbackServerContext* ctx,
                                                 const v1::LoginRequest* request,
                                                 v1::LoginResponse* response) {
  return guard_.PublicUnary(ctx, "Login", [&](const std::string&) -> absl::Status {
    if (request->tenant().empty()) return InvalidField("tenant", "is required");
    if (request->username().empty()) return InvalidField("username", "is required");
    if (request->password().empty()) return InvalidField("password", "is required");
    QQ_RETURN_IF_ERROR(throttle_.CheckAllowed(request->tenant(), request->username()));
    return IssueFor(request->tenant(), request->username(), request->password(),
                    store_.FindStaffAccount(request->tenant(), request->username()), response);
  });
}

grpc::ServerUnaryReactor* AuthServiceImpl::ServiceAccountLogin(
    grpc::CallbackServerContext* ctx, const v1::ServiceAccountLoginRequest* request,
    v1::LoginResponse* response) {
  return guard_.PublicUnary(ctx, "ServiceAccountLogin", [&](const std::string&) -> absl::Status {
    if (request->tenant().empty()) return InvalidField("tenant", "is required");
    if (request->client_id().empty()) return InvalidField("clientId", "is required");
    if (request->client_secret().empty()) return InvalidField("clientSecret", "is required");
    const std::string throttle_name = "service:" + request->client_id();
    QQ_RETURN_IF_ERROR(throttle_.CheckAllowed(request->tenant(), throttle_name));
    return IssueFor(request->tenant(), throttle_name, request->client_secret(),
                    store_.FindServiceAccount(request->tenant(), request->client_id()), response);
  });
}

grpc::ServerUnaryReactor* AuthServiceImpl::LookupUsers(grpc::CallbackServerContext* ctx,
                                                       const v1::LookupUsersRequest* request,
                                                       v1::LookupUsersResponse* response) {
  return guard_.Unary(ctx, "LookupUsers", [&](const CallContext& call) -> absl::Status {
    // Any staff member or service of the tenant; a billing system has no business here.
    QQ_RETURN_IF_ERROR(
        RequireRole(call, {roles::kAgent, roles::kDispatcher, roles::kLeader, roles::kWorker,
                           roles::kCourier, roles::kManager, roles::kFinance, roles::kService}));
    if (request->ids_size() > kMaxLookupIds) {
      return InvalidField("ids", absl::StrCat("at most ", kMaxLookupIds, " ids per call (this has ",
                                              request->ids_size(), ")"));
    }
    // Ids that cannot be an account's are simply not found.
    std::vector<std::string> ids;
    for (const std::string& id : request->ids()) {
      if (LooksLikeUuid(id)) ids.push_back(absl::AsciiStrToLower(id));
    }
    QQ_ASSIGN_OR_RETURN(auto accounts, store_.LookupStaffAccounts(call.identity.tenant, ids));
    for (StaffAccount& a : accounts) {
      v1::StaffUser* user = response->add_users();
      user->set_id(a.id);
      user->set_display_name(a.display_name.empty() ? a.username : a.display_name);
      user->set_username(std::move(a.username));
      for (std::string& role : a.roles) user->add_roles(std::move(role));
      user->set_disabled(a.disabled);
    }
    return absl::OkStatus();
  });
}

}  // namespace qq::customer
