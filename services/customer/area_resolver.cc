#include "services/customer/area_resolver.h"

#include "absl/strings/str_cat.h"
#include "services/common/client.h"
#include "services/common/grpc_status.h"
#include "services/common/log.h"
#include "services/common/status.h"
#include "services/customer/customer_store.h"

namespace qq::customer {

namespace dispatch_v1 = qingquan::dispatch::v1;

AreaResolver::AreaResolver(CustomerStore& store,
                           std::shared_ptr<dispatch_v1::DispatchService::StubInterface> dispatch,
                           const TokenIssuer& issuer, std::chrono::milliseconds deadline)
    : store_(store), dispatch_(std::move(dispatch)), issuer_(issuer), deadline_(deadline) {}

AreaResolver::~AreaResolver() { Stop(); }

absl::StatusOr<std::string> AreaResolver::TokenFor(const std::string& tenant) const {
  Identity identity{tenant, "service:customer", "customer-svc", {std::string(roles::kService)}};
  return issuer_.Issue(identity, std::chrono::seconds(300));
}

absl::Status AreaResolver::ResolveNow(const std::string& tenant, const std::string& address_id,
                                      double lat, double lng) {
  QQ_ASSIGN_OR_RETURN(std::string token, TokenFor(tenant));
  grpc::ClientContext ctx;
  PrepareServiceCall(ctx, token, deadline_);
  dispatch_v1::ResolveAreaRequest request;
  request.set_lat(lat);
  request.set_lng(lng);
  dispatch_v1::Area area;
  grpc::Status status = dispatch_->ResolveArea(&ctx, request, &area);
  AreaAnswer answer;
  if (status.ok()) {
    answer = {area.id(), area.name(), false};
  } else if (status.error_code() == grpc::StatusCode::NOT_FOUND) {
    answer.outside_areas = true;  // the tenant's default team serves it
  } else {
    return FromGrpcStatus(status);
  }
  return store_.SetAddressArea(tenant, address_id, lat, lng, answer);
}

void AreaResolver::Start(std::chrono::milliseconds interval) {
  loop_.Start(interval, [this] { RetryPending(); });
}

void AreaResolver::RetryPending() {
  auto pending = store_.PendingAddresses(200);
  if (!pending.ok()) {
    LogWarn("pending addresses", {{"error", std::string(pending.status().message())}});
    return;
  }
  for (const PendingAddress& a : *pending) {
    absl::Status status = ResolveNow(a.tenant, a.id, a.lat, a.lng);
    if (!status.ok()) {
      // Dispatch is away: try the rest next round rather than waiting on each.
      LogWarn("area resolution deferred", {{"error", std::string(status.message())}});
      break;
    }
  }
}

}  // namespace qq::customer
