#include "services/analytics/analytics_service.h"

#include "qingquan/common/v1/events.pb.h"
#include "services/common/status.h"

namespace qq::analytics {

namespace v1 = qingquan::analytics::v1;

grpc::ServerUnaryReactor* AnalyticsServiceImpl::GetKpis(grpc::CallbackServerContext* ctx,
                                                        const v1::GetKpisRequest* request,
                                                        v1::Kpis* response) {
  return guard_.Unary(ctx, "GetKpis", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(
        RequireRole(call, {roles::kManager, roles::kLeader, roles::kDispatcher, roles::kAgent}));
    QQ_ASSIGN_OR_RETURN(KpiPeriod period, ParseKpiPeriod(request->from_date(), request->to_date()));
    QQ_ASSIGN_OR_RETURN(KpiSummary summary,
                        store_.SummariseWorkOrders(call.identity.tenant, period));
    KpiTotals totals = SumTypeKpis(summary.by_type);
    response->set_work_orders_created(totals.created);
    response->set_work_orders_resolved(totals.resolved);
    response->set_average_handling_seconds(totals.average_handling_seconds);
    for (const TypeKpi& t : summary.by_type) {
      auto* out = response->add_by_type();
      out->set_type(t.type);
      out->set_created(t.created);
      out->set_resolved(t.resolved);
      out->set_average_handling_seconds(t.average_handling_seconds);
      if (t.type == "REPAIR") {
        response->set_repairs_resolved(t.resolved);
        response->set_average_repair_handling_seconds(t.average_handling_seconds);
      }
    }
    return absl::OkStatus();
  });
}

namespace {

// Seconds since the epoch with the sub-second part: handling times of seconds count.
double UnixSeconds(const google::protobuf::Timestamp& t) { return t.seconds() + t.nanos() / 1e9; }

}  // namespace

absl::Status HandleOrderEvent(pqxx::work& txn, const StreamEvent& event) {
  if (event.type == "workorder.created") {
    qingquan::common::v1::WorkOrderCreated created;
    if (!created.ParseFromString(event.payload)) {
      return absl::InvalidArgumentError("workorder.created payload does not parse");
    }
    AnalyticsStore::RecordCreated(txn, event.tenant, created.work_order_id(), created.type(),
                                  created.channel(), UnixSeconds(created.create_time()));
  } else if (event.type == "workorder.resolved") {
    qingquan::common::v1::WorkOrderTransitioned resolved;
    if (!resolved.ParseFromString(event.payload)) {
      return absl::InvalidArgumentError("workorder.resolved payload does not parse");
    }
    AnalyticsStore::RecordResolved(txn, event.tenant, resolved.work_order_id(), resolved.type(),
                                   UnixSeconds(resolved.create_time()),
                                   UnixSeconds(resolved.resolve_time()));
  }
  return absl::OkStatus();
}

}  // namespace qq::analytics
