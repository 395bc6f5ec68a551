#include "services/dispatch/dispatch_service.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "services/common/ids.h"
#include "services/common/status.h"
#include "services/common/text/utf8_text.h"
#include "services/common/text_limits.h"
#include "services/dispatch/domain/area_boundary.h"
#include "services/dispatch/domain/area_choice.h"
#include "services/dispatch/domain/display_name.h"
#include "services/dispatch/domain/geo_point.h"
#include "services/dispatch/domain/new_team.h"

namespace qq::dispatch {

namespace v1 = qingquan::dispatch::v1;

namespace {

// Everyone on the tenant's staff may look; only admins and dispatchers change.
absl::Status RequireStaff(const CallContext& call) {
  return RequireRole(call, {roles::kAgent, roles::kDispatcher, roles::kLeader, roles::kManager,
                            roles::kWorker, roles::kCourier});
}

void ToProto(const Team& team, v1::Team* out) {
  out->set_id(team.id);
  out->set_name(team.name);
  out->set_leader_id(team.leader_id);
  for (const std::string& member : team.member_ids) out->add_member_ids(member);
  out->set_is_default(team.is_default);
}

void ToProto(const Area& area, v1::Area* out) {
  out->set_id(area.id);
  out->set_name(area.name);
  out->set_team_id(area.team_id);
  out->set_team_name(area.team_name);
  out->set_priority(area.priority);
  for (const GeoPoint& p : area.boundary) {
    auto* point = out->add_boundary();
    point->set_lat(p.lat);
    point->set_lng(p.lng);
  }
}

// The team as sent, checked for shape, and its leader and members checked with the
// customer service: fitting staff of the tenant (one lookup).
absl::StatusOr<NewTeam> CheckedTeam(StaffDirectory& people, const std::string& tenant,
                                    const v1::Team& in) {
  QQ_ASSIGN_OR_RETURN(
      NewTeam team, ValidateNewTeam({.name = in.name(),
                                     .leader_id = in.leader_id(),
                                     .member_ids = {in.member_ids().begin(), in.member_ids().end()},
                                     .is_default = in.is_default()}));
  std::vector<StaffToCheck> checks;
  if (!team.leader_id.empty()) {
    checks.push_back({.field = "team.leaderId", .id = team.leader_id, .place = &kTeamLeaderPlace});
  }
  for (size_t i = 0; i < team.member_ids.size(); ++i) {
    checks.push_back({.field = absl::StrCat("team.memberIds[", i, "]"),
                      .id = team.member_ids[i],
                      .place = &kTeamMemberPlace});
  }
  QQ_RETURN_IF_ERROR(CheckStaff(people, tenant, checks).status());
  return team;
}

}  // namespace

grpc::ServerUnaryReactor* DispatchServiceImpl::CreateTeam(grpc::CallbackServerContext* ctx,
                                                          const v1::CreateTeamRequest* request,
                                                          v1::Team* response) {
  return guard_.Offloaded(
      ctx, "CreateTeam", [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kDispatcher}));
        QQ_ASSIGN_OR_RETURN(NewTeam team,
                            CheckedTeam(people_, call.identity.tenant, request->team()));
        QQ_ASSIGN_OR_RETURN(IdempotencyScope idempotency,
                            IdempotencyScopeOf(call, "CreateTeam", *request));
        QQ_ASSIGN_OR_RETURN(Team created,
                            store_.CreateTeam(call.identity.tenant, team, idempotency));
        ToProto(created, response);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* DispatchServiceImpl::UpdateTeam(grpc::CallbackServerContext* ctx,
                                                          const v1::UpdateTeamRequest* request,
                                                          v1::Team* response) {
  return guard_.Offloaded(
      ctx, "UpdateTeam", [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kDispatcher}));
        const std::string& id = request->team().id();
        // Another tenant's team is not there, whatever the body says.
        QQ_RETURN_IF_ERROR(store_.TeamExists(call.identity.tenant, id));
        QQ_ASSIGN_OR_RETURN(NewTeam team,
                            CheckedTeam(people_, call.identity.tenant, request->team()));
        QQ_ASSIGN_OR_RETURN(Team updated, store_.UpdateTeam(call.identity.tenant, id, team));
        ToProto(updated, response);
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* DispatchServiceImpl::DeleteTeam(grpc::CallbackServerContext* ctx,
                                                          const v1::DeleteTeamRequest* request,
                                                          v1::DeleteTeamResponse* response) {
  return guard_.Unary(ctx, "DeleteTeam", [&](const CallContext& call) -> absl::Status {
    (void)response;
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kDispatcher}));
    return store_.DeleteTeam(call.identity.tenant, request->id());
  });
}

grpc::ServerUnaryReactor* DispatchServiceImpl::ListTeams(grpc::CallbackServerContext* ctx,
                                                         const v1::ListTeamsRequest* request,
                                                         v1::ListTeamsResponse* response) {
  return guard_.Unary(ctx, "ListTeams", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireStaff(call));
    QQ_ASSIGN_OR_RETURN(std::vector<Team> teams, store_.ListTeams(call.identity.tenant));
    for (const Team& team : teams) ToProto(team, response->add_teams());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DispatchServiceImpl::CreateArea(grpc::CallbackServerContext* ctx,
                                                          const v1::CreateAreaRequest* request,
                                                          v1::Area* response) {
  return guard_.Unary(ctx, "CreateArea", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kDispatcher}));
    const v1::Area& in = request->area();
    QQ_ASSIGN_OR_RETURN(std::string name, NormalizeDisplayName("area.name", in.name()));
    std::vector<GeoPoint> ring;
    for (const auto& p : in.boundary()) ring.push_back(GeoPoint{p.lat(), p.lng()});
    QQ_ASSIGN_OR_RETURN(AreaBoundary boundary, AreaBoundary::FromRing(ring));
    if (in.team_id().empty()) return InvalidField("area.teamId", "required");
    QQ_ASSIGN_OR_RETURN(IdempotencyScope idempotency,
                        IdempotencyScopeOf(call, "CreateArea", *request));
    QQ_ASSIGN_OR_RETURN(Area created, store_.CreateArea(call.identity.tenant,
                                                        {.name = std::move(name),
                                                         .team_id = in.team_id(),
                                                         .priority = in.priority(),
                                                         .boundary = std::move(boundary)},
                                                        idempotency));
    ToProto(created, response);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DispatchServiceImpl::UpdateArea(grpc::CallbackServerContext* ctx,
                                                          const v1::UpdateAreaRequest* request,
                                                          v1::Area* response) {
  return guard_.Unary(ctx, "UpdateArea", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kDispatcher}));
    const v1::Area& in = request->area();
    if (!LooksLikeUuid(in.id())) return WithField(absl::NotFoundError("no such area"), "area.id");
    QQ_ASSIGN_OR_RETURN(std::string name, NormalizeDisplayName("area.name", in.name()));
    std::vector<GeoPoint> ring;
    for (const auto& p : in.boundary()) ring.push_back(GeoPoint{p.lat(), p.lng()});
    QQ_ASSIGN_OR_RETURN(AreaBoundary boundary, AreaBoundary::FromRing(ring));
    if (in.team_id().empty()) return InvalidField("area.teamId", "required");
    QQ_ASSIGN_OR_RETURN(Area updated, store_.UpdateArea(call.identity.tenant, in.id(),
                                                        {.name = std::move(name),
                                                         .team_id = in.team_id(),
                                                         .priority = in.priority(),
                                                         .boundary = std::move(boundary)}));
    ToProto(updated, response);
    if (relay_ != nullptr) relay_->Wake();
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DispatchServiceImpl::DeleteArea(grpc::CallbackServerContext* ctx,
                                                          const v1::DeleteAreaRequest* request,
                                                          v1::DeleteAreaResponse* response) {
  return guard_.Unary(ctx, "DeleteArea", [&](const CallContext& call) -> absl::Status {
    (void)response;
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kDispatcher}));
    if (!LooksLikeUuid(request->id())) return WithField(absl::NotFoundError("no such area"), "id");
    QQ_RETURN_IF_ERROR(store_.DeleteArea(call.identity.tenant, request->id()));
    if (relay_ != nullptr) relay_->Wake();
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DispatchServiceImpl::ListAreas(grpc::CallbackServerContext* ctx,
                                                         const v1::ListAreasRequest* request,
                                                         v1::ListAreasResponse* response) {
  return guard_.Unary(ctx, "ListAreas", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireStaff(call));
    QQ_ASSIGN_OR_RETURN(std::vector<Area> areas, store_.ListAreas(call.identity.tenant));
    for (const Area& area : areas) ToProto(area, response->add_areas());
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DispatchServiceImpl::ResolveArea(grpc::CallbackServerContext* ctx,
                                                           const v1::ResolveAreaRequest* request,
                                                           v1::Area* response) {
  return guard_.Unary(ctx, "ResolveArea", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(
        RequireRole(call, {roles::kAgent, roles::kDispatcher, roles::kLeader, roles::kManager,
                           roles::kWorker, roles::kCourier, roles::kService}));
    GeoPoint point{request->lat(), request->lng()};
    QQ_RETURN_IF_ERROR(ValidateGeoPoint(point, "lat", "lng"));
    QQ_ASSIGN_OR_RETURN(std::vector<CoveringArea> covering,
                        store_.FindCoveringAreas(call.identity.tenant, point));
    std::optional<CoveringArea> area = ChooseCoveringArea(covering);
    if (!area.has_value()) return absl::NotFoundError("no service area covers this point");
    response->set_id(area->id);
    response->set_name(area->name);
    response->set_team_id(area->team_id);
    response->set_team_name(area->team_name);
    response->set_priority(area->priority);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DispatchServiceImpl::GetAssignment(
    grpc::CallbackServerContext* ctx, const v1::GetAssignmentRequest* request,
    v1::Assignment* response) {
  return guard_.Unary(ctx, "GetAssignment", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireStaff(call));
    if (request->work_order_id().empty()) return InvalidField("workOrderId", "required");
    return FillAssignment(call.identity.tenant, request->work_order_id(), response);
  });
}

absl::Status DispatchServiceImpl::FillAssignment(const std::string& tenant,
                                                 const std::string& work_order_id,
                                                 v1::Assignment* response) {
  QQ_ASSIGN_OR_RETURN(Assignment assignment, store_.GetAssignment(tenant, work_order_id));
  response->set_work_order_id(assignment.work_order_id);
  response->set_team_id(assignment.team_id);
  response->set_team_name(assignment.team_name);
  response->set_area_id(assignment.area_id);
  response->set_area_name(assignment.area_name);
  response->set_outside_areas(assignment.outside_areas);
  response->mutable_assign_time()->set_seconds(assignment.assign_seconds);
  response->mutable_assign_time()->set_nanos(assignment.assign_nanos);
  QQ_ASSIGN_OR_RETURN(auto offers, offers_.Offers(tenant, work_order_id));
  for (auto& o : offers) *response->add_offers() = std::move(o);
  return absl::OkStatus();
}

grpc::ServerUnaryReactor* DispatchServiceImpl::RejectWorkOrderOffer(
    grpc::CallbackServerContext* ctx, const v1::RejectWorkOrderOfferRequest* request,
    v1::Assignment* response) {
  return guard_.Unary(ctx, "RejectWorkOrderOffer", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kWorker}));
    if (request->work_order_id().empty()) return InvalidField("workOrderId", "required");
    const std::string reason(text::TrimSpaces(request->reason()));
    if (reason.empty()) return InvalidField("reason", "is required: why not?");
    QQ_RETURN_IF_ERROR(CheckTextLength("reason", reason, kMaxRejectReasonChars));
    QQ_RETURN_IF_ERROR(offers_.Reject(call.identity.tenant, request->work_order_id(),
                                      call.identity.user_id, reason, absl::Now()));
    if (relay_ != nullptr) relay_->Wake();
    return FillAssignment(call.identity.tenant, request->work_order_id(), response);
  });
}

grpc::ServerUnaryReactor* DispatchServiceImpl::GetDispatchSettings(
    grpc::CallbackServerContext* ctx, const v1::GetDispatchSettingsRequest* request,
    DispatchSettings* response) {
  return guard_.Unary(ctx, "GetDispatchSettings", [&](const CallContext& call) -> absl::Status {
    (void)request;
    QQ_RETURN_IF_ERROR(RequireStaff(call));
    QQ_ASSIGN_OR_RETURN(*response, offers_.Settings(call.identity.tenant));
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* DispatchServiceImpl::GetDispatchBoard(
    grpc::CallbackServerContext* ctx, const v1::GetDispatchBoardRequest* request,
    v1::DispatchBoard* response) {
  return guard_.Offloaded(
      ctx, "GetDispatchBoard", [this, request, response](const CallContext& call) -> absl::Status {
        QQ_RETURN_IF_ERROR(RequireRole(
            call, {roles::kAdmin, roles::kManager, roles::kDispatcher, roles::kLeader}));
        QQ_ASSIGN_OR_RETURN(*response,
                            board_.Board(call.identity.tenant, request->area_id(), absl::Now()));
        return absl::OkStatus();
      });
}

grpc::ServerUnaryReactor* DispatchServiceImpl::UpdateDispatchSettings(
    grpc::CallbackServerContext* ctx, const v1::UpdateDispatchSettingsRequest* request,
    DispatchSettings* response) {
  return guard_.Unary(ctx, "UpdateDispatchSettings", [&](const CallContext& call) -> absl::Status {
    QQ_RETURN_IF_ERROR(RequireRole(call, {roles::kAdmin, roles::kManager}));
    DispatchSettings settings = request->settings();
    if (settings.accept_timeout_minutes() == 0) settings.set_accept_timeout_minutes(15);
    QQ_RETURN_IF_ERROR(CheckDispatchSettings(settings));
    QQ_ASSIGN_OR_RETURN(*response, offers_.SaveSettings(call.identity.tenant, settings));
    return absl::OkStatus();
  });
}

}  // namespace qq::dispatch
