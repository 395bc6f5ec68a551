#include "services/dispatch/work_order_router.h"

#include "qingquan/common/v1/events.pb.h"
#include "services/common/log.h"
#include "services/common/outbox.h"
#include "services/dispatch/dispatch_store.h"
#include "services/dispatch/domain/area_choice.h"
#include "services/dispatch/domain/geo_point.h"
#include "services/dispatch/domain/routing_decision.h"
#include "services/dispatch/worker_offers.h"

namespace qq::dispatch {
namespace {

// The covering area that decides for `created`, if its location lies in one.
std::optional<CoveringArea> AreaOf(pqxx::work& txn, const std::string& tenant,
                                   const qingquan::common::v1::WorkOrderCreated& created) {
  if (!created.has_location()) return std::nullopt;
  GeoPoint point{created.location().lat(), created.location().lng()};
  absl::Status valid = ValidateGeoPoint(point, "location.lat", "location.lng");
  if (!valid.ok()) {
    LogWarn("work order location out of range; routed as if it had none",
            {{"work_order_id", created.work_order_id()}, {"error", valid.ToString()}});
    return std::nullopt;
  }
  return ChooseCoveringArea(DispatchStore::FindCoveringAreas(txn, tenant, point));
}

}  // namespace

absl::Status HandleOrderEvent(pqxx::work& txn, const StreamEvent& event) {
  for (const char* type : kWorkOrderStepTypes) {
    if (event.type != type) continue;
    qingquan::common::v1::WorkOrderTransitioned step;
    if (!step.ParseFromString(event.payload) || step.work_order_id().empty()) {
      return absl::InvalidArgumentError(event.type + " payload does not parse");
    }
    WorkerOfferStore::ApplyWorkOrderStepIn(txn, event.tenant, event.type, step);
    return absl::OkStatus();
  }
  if (event.type != kWorkOrderCreated) return absl::OkStatus();
  qingquan::common::v1::WorkOrderCreated created;
  if (!created.ParseFromString(event.payload)) {
    return absl::InvalidArgumentError("workorder.created payload does not parse");
  }
  const std::string& work_order_id =
      created.work_order_id().empty() ? event.aggregate_id : created.work_order_id();
  if (work_order_id.empty() || event.tenant.empty()) {
    return absl::InvalidArgumentError("workorder.created names no work order or tenant");
  }

  // Desk work (complaints, enquiries, follow-ups) goes to the agents' queue, which the
  // order service fills itself: no team, no assignment, no offers.
  if (created.routing() == kServiceDeskRouting) {
    LogInfo("service-desk work order: not routed to a team",
            {{"work_order_id", work_order_id}, {"type", created.type()}});
    return absl::OkStatus();
  }
  std::optional<CoveringArea> area = AreaOf(txn, event.tenant, created);
  std::optional<TeamRef> default_team;
  if (!area.has_value()) default_team = DispatchStore::FindDefaultTeam(txn, event.tenant);
  RoutingDecision decision = DecideRouting(area, default_team);
  if (!decision.team.has_value()) {
    LogWarn(
        "work order outside every area and the tenant has no default team; recorded "
        "without a team",
        {{"work_order_id", work_order_id}});
  }
  if (!DispatchStore::RecordAssignment(txn, event.tenant, work_order_id, decision)) {
    return absl::OkStatus();  // routed before: announced then
  }

  qingquan::common::v1::WorkOrderAssigned assigned;
  assigned.set_work_order_id(work_order_id);
  if (decision.team.has_value()) {
    assigned.set_team_id(decision.team->id);
    assigned.set_team_name(decision.team->name);
  }
  if (decision.area.has_value()) {
    assigned.set_area_id(decision.area->id);
    assigned.set_area_name(decision.area->name);
  }
  assigned.set_outside_areas(decision.outside_areas);
  if (decision.team.has_value()) {
    pqxx::result leader =
        txn.exec_params("SELECT leader_id FROM teams WHERE tenant_id = $1 AND id = $2::uuid",
                        event.tenant, decision.team->id);
    if (!leader.empty()) assigned.set_leader_id(leader[0][0].as<std::string>());
  }
  WorkerOfferStore::RememberOrderIn(txn, event.tenant, created, work_order_id);
  assigned.set_auto_assign(
      IsFieldWorkType(created.type()) &&
      WorkerOfferStore::SettingsIn(txn, event.tenant).auto_assign_work_orders());
  AppendToOutbox(txn, {.stream = EventStreamName("dispatch"),
                       .tenant = event.tenant,
                       .type = kWorkOrderAssigned,
                       .aggregate_id = work_order_id,
                       .payload = assigned.SerializeAsString()});
  // After the team's event, so the order service sees the team before the worker.
  if (assigned.auto_assign()) {
    return WorkerOfferStore::OfferNextIn(txn, event.tenant, work_order_id, absl::Now());
  }
  return absl::OkStatus();
}

}  // namespace qq::dispatch
