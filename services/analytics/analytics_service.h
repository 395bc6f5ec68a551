// gRPC handlers of the analytics service, and the handler of order-service events
// that keeps the facts the KPIs are computed from.
#pragma once

#include <pqxx/pqxx>

#include "qingquan/analytics/v1/analytics.grpc.pb.h"
#include "services/analytics/analytics_store.h"
#include "services/common/call_guard.h"
#include "services/common/event_consumer.h"

namespace qq::analytics {

class AnalyticsServiceImpl final
    : public qingquan::analytics::v1::AnalyticsService::CallbackService {
 public:
  AnalyticsServiceImpl(CallGuard& guard, AnalyticsStore& store) : guard_(guard), store_(store) {}

  grpc::ServerUnaryReactor* GetKpis(grpc::CallbackServerContext* ctx,
                                    const qingquan::analytics::v1::GetKpisRequest* request,
                                    qingquan::analytics::v1::Kpis* response) override;

 private:
  CallGuard& guard_;
  AnalyticsStore& store_;
};

// Records work-order facts from "workorder.created" and "workorder.resolved"; other
// event types are ignored. INVALID_ARGUMENT for a payload that does not parse.
absl::Status HandleOrderEvent(pqxx::work& txn, const StreamEvent& event);

}  // namespace qq::analytics
