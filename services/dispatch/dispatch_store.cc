#include "services/dispatch/dispatch_store.h"

#include <google/protobuf/wrappers.pb.h>

#include <charconv>

#include "absl/strings/str_cat.h"
#include "qingquan/common/v1/events.pb.h"
#include "services/common/idempotency.h"
#include "services/common/ids.h"
#include "services/common/outbox.h"
#include "services/common/pg_pool.h"
#include "services/common/status.h"

namespace qq::dispatch {
namespace {

// ON CONFLICT without a target: either the name or the one-default-per-tenant index
// may be hit; kTeamNameTaken tells which.
const NamedQuery kInsertTeam{
    "InsertTeam",
    "INSERT INTO teams (tenant_id, name, leader_id, member_ids, is_default) "
    "VALUES ($1, $2, $3, $4::text[], $5) ON CONFLICT DO NOTHING RETURNING id::text"};

const NamedQuery kTeamNameTaken{"TeamNameTaken",
                                "SELECT 1 FROM teams WHERE tenant_id = $1 AND name = $2"};

const NamedQuery kListTeams{"ListTeams",
                            "SELECT id::text, name, leader_id, member_ids, is_default FROM teams "
                            "WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY name, id"};

// FOR SHARE: a team being deleted (LockTeam) waits for the area that names it, and an
// area waits for the delete and then finds no team.
const NamedQuery kFindTeamName{"FindTeamName",
                               "SELECT name FROM teams WHERE tenant_id = $1 AND id = $2::uuid "
                               "AND deleted_at IS NULL FOR SHARE"};

const NamedQuery kTeamExists{"TeamExists",
                             "SELECT 1 FROM teams "
                             "WHERE tenant_id = $1 AND id = $2::uuid AND deleted_at IS NULL"};

const NamedQuery kLockTeam{"LockTeam",
                           "SELECT is_default FROM teams "
                           "WHERE tenant_id = $1 AND id = $2::uuid AND deleted_at IS NULL "
                           "FOR UPDATE"};

const NamedQuery kTeamNameTakenByOther{
    "TeamNameTakenByOther",
    "SELECT 1 FROM teams WHERE tenant_id = $1 AND name = $2 AND id <> $3::uuid"};

// Two teams made default at once would trip the one-default index: one waits.
const NamedQuery kLockTenantTeams{
    "LockTenantTeams", "SELECT pg_advisory_xact_lock(hashtext('qq:dispatch:teams:' || $1))"};

const NamedQuery kClearOtherDefault{"ClearOtherDefaultTeam",
                                    "UPDATE teams SET is_default = false "
                                    "WHERE tenant_id = $1 AND is_default AND id <> $2::uuid"};

const NamedQuery kUpdateTeam{"UpdateTeam",
                             "UPDATE teams SET name = $3, leader_id = $4, member_ids = $5::text[], "
                             "  is_default = $6 "
                             "WHERE tenant_id = $1 AND id = $2::uuid AND deleted_at IS NULL"};

const NamedQuery kAreasOfTeam{"AreasOfTeam",
                              "SELECT name FROM areas WHERE tenant_id = $1 AND team_id = $2::uuid "
                              "AND deleted_at IS NULL ORDER BY name"};

const NamedQuery kUnsetProfilesTeam{"UnsetProfilesTeam",
                                    "UPDATE staff SET team_id = NULL, updated_at = now() "
                                    "WHERE tenant_id = $1 AND team_id = $2::uuid"};

const NamedQuery kDeleteTeam{"DeleteTeam",
                             "UPDATE teams SET deleted_at = now(), is_default = false, "
                             "  name = name || ' (deleted ' || id::text || ')' "
                             "WHERE tenant_id = $1 AND id = $2::uuid AND deleted_at IS NULL"};

const NamedQuery kCheckPolygon{"CheckAreaPolygon",
                               "SELECT ST_IsValid(g), ST_IsValidReason(g), ST_Area(g) "
                               "FROM (SELECT ST_GeomFromText($1, 4326) AS g) AS candidate"};

const NamedQuery kInsertArea{"InsertArea",
                             "INSERT INTO areas (tenant_id, name, team_id, priority, boundary) "
                             "VALUES ($1, $2, $3::uuid, $4, ST_GeomFromText($5, 4326)) "
                             "ON CONFLICT (tenant_id, name) DO NOTHING RETURNING id::text"};

// One row per boundary point; the closing point (the last) is left out.
const NamedQuery kListAreas{"ListAreas",
                            "SELECT a.id::text, a.name, a.team_id::text, t.name, a.priority, "
                            "  ST_Y(p.geom), ST_X(p.geom) "
                            "FROM areas a "
                            "JOIN teams t ON t.tenant_id = a.tenant_id AND t.id = a.team_id "
                            "CROSS JOIN LATERAL ST_DumpPoints(ST_ExteriorRing(a.boundary)) AS p "
                            "WHERE a.tenant_id = $1 AND a.deleted_at IS NULL "
                            "  AND p.path[1] < ST_NPoints(ST_ExteriorRing(a.boundary)) "
                            "ORDER BY a.priority DESC, a.name, a.id, p.path[1]"};

// ST_Covers (not ST_Contains): a point on an edge belongs to the area. The GiST index
// on boundary serves the spatial test.
const NamedQuery kFindCoveringAreas{
    "FindCoveringAreas",
    "SELECT a.id::text, a.name, a.team_id::text, t.name, a.priority, "
    "  ST_Area(a.boundary::geography) "
    "FROM areas a "
    "JOIN teams t ON t.tenant_id = a.tenant_id AND t.id = a.team_id "
    "WHERE a.tenant_id = $1 AND a.deleted_at IS NULL "
    "  AND ST_Covers(a.boundary, ST_SetSRID(ST_MakePoint($3::float8, $2::float8), 4326))"};

const NamedQuery kFindDefaultTeam{
    "FindDefaultTeam", "SELECT id::text, name FROM teams WHERE tenant_id = $1 AND is_default"};

const NamedQuery kRecordAssignment{
    "RecordAssignment",
    "INSERT INTO assignments (tenant_id, work_order_id, team_id, area_id, outside_areas) "
    "VALUES ($1, $2, NULLIF($3, '')::uuid, NULLIF($4, '')::uuid, $5) "
    "ON CONFLICT (tenant_id, work_order_id) DO NOTHING"};

const NamedQuery kGetAssignment{
    "GetAssignment",
    "SELECT s.work_order_id, COALESCE(s.team_id::text, ''), COALESCE(t.name, ''), "
    "  COALESCE(s.area_id::text, ''), COALESCE(a.name, ''), s.outside_areas, "
    "  floor(EXTRACT(EPOCH FROM s.assigned_at))::bigint, "
    "  (EXTRACT(MICROSECONDS FROM s.assigned_at)::bigint % 1000000)::int * 1000 "
    "FROM assignments s "
    "LEFT JOIN teams t ON t.tenant_id = s.tenant_id AND t.id = s.team_id "
    "LEFT JOIN areas a ON a.tenant_id = s.tenant_id AND a.id = s.area_id "
    "WHERE s.tenant_id = $1 AND s.work_order_id = $2"};

// Demo user ids: the formula the customer service uses for its demo users.
const NamedQuery kEnsureDemoTeam{
    "EnsureDemoTeam",
    "INSERT INTO teams (tenant_id, name, leader_id, member_ids, is_default) "
    "VALUES ($1::text, $2::text, "
    "  CASE WHEN $3::text = '' THEN '' ELSE md5($1::text || '/' || $3::text)::uuid::text END, "
    "  ARRAY(SELECT md5($1::text || '/' || u)::uuid::text FROM unnest($4::text[]) AS u), "
    "  $5::boolean) "
    "ON CONFLICT DO NOTHING"};

const NamedQuery kEnsureDemoArea{
    "EnsureDemoArea",
    "INSERT INTO areas (tenant_id, name, team_id, priority, boundary) "
    "SELECT $1::text, $2::text, t.id, $4::integer, ST_GeomFromText($5::text, 4326) "
    "FROM teams t WHERE t.tenant_id = $1::text AND t.name = $3::text "
    "ON CONFLICT (tenant_id, name) DO NOTHING"};

// Shortest text that reads back as the same double (libpqxx's own conversion may round).
std::string DoubleParam(double value) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, ec == std::errc() ? end : buffer);
}

CoveringArea CoveringAreaOf(const pqxx::row& row) {
  return CoveringArea{.id = row[0].as<std::string>(),
                      .name = row[1].as<std::string>(),
                      .team_id = row[2].as<std::string>(),
                      .team_name = row[3].as<std::string>(),
                      .priority = row[4].as<int>(),
                      .size_m2 = row[5].as<double>()};
}

}  // namespace

DispatchStore::DispatchStore(PgPool& pool) : pool_(pool) {
  pool_.Prepare(
      {kInsertTeam,     kTeamNameTaken,        kListTeams,       kFindTeamName,      kTeamExists,
       kLockTeam,       kTeamNameTakenByOther, kLockTenantTeams, kClearOtherDefault, kUpdateTeam,
       kAreasOfTeam,    kUnsetProfilesTeam,    kDeleteTeam,      kCheckPolygon,      kInsertArea,
       kListAreas,      kFindCoveringAreas,    kFindDefaultTeam, kRecordAssignment,  kGetAssignment,
       kEnsureDemoTeam, kEnsureDemoArea});
}

absl::StatusOr<Team> DispatchStore::CreateTeam(const std::string& tenant, const NewTeam& team,
                                               const IdempotencyScope& idempotency) {
  Team created;
  absl::Status status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    created = Team{.name = team.name,
                   .leader_id = team.leader_id,
                   .member_ids = team.member_ids,
                   .is_default = team.is_default};
    // The key remembers the id created first; a retry answers with that team as it is.
    google::protobuf::StringValue first;
    QQ_ASSIGN_OR_RETURN(bool replayed, ClaimIdempotencyKey(txn, idempotency, first));
    if (replayed) {
      for (const auto& row : txn.exec_prepared(kListTeams.name, tenant)) {
        if (row[0].as<std::string>() != first.value()) continue;
        created = Team{.id = row[0].as<std::string>(),
                       .name = row[1].as<std::string>(),
                       .leader_id = row[2].as<std::string>(),
                       .member_ids = TextArrayOf(row[3]),
                       .is_default = row[4].as<bool>()};
        return absl::OkStatus();
      }
      return WithField(absl::NotFoundError("the team this key created is deleted"), "team.id");
    }
    pqxx::result inserted = txn.exec_prepared(kInsertTeam.name, tenant, team.name, team.leader_id,
                                              PgTextArray(team.member_ids), team.is_default);
    if (inserted.empty()) {
      if (!txn.exec_prepared(kTeamNameTaken.name, tenant, team.name).empty()) {
        return WithField(absl::AlreadyExistsError("a team of this name exists"), "team.name");
      }
      return WithField(absl::AlreadyExistsError("the tenant already has a default team"),
                       "team.isDefault");
    }
    created.id = inserted[0][0].as<std::string>();
    google::protobuf::StringValue id;
    id.set_value(created.id);
    RecordIdempotentResponse(txn, idempotency, id);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return created;
}

absl::Status DispatchStore::TeamExists(const std::string& tenant, const std::string& id) {
  return pool_.Read([&](pqxx::work& txn) -> absl::Status {
    if (!LooksLikeUuid(id) || txn.exec_prepared(kTeamExists.name, tenant, id).empty()) {
      return WithField(absl::NotFoundError("no such team"), "team.id");
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<Team> DispatchStore::UpdateTeam(const std::string& tenant, const std::string& id,
                                               const NewTeam& team) {
  Team updated{.id = id,
               .name = team.name,
               .leader_id = team.leader_id,
               .member_ids = team.member_ids,
               .is_default = team.is_default};
  QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    txn.exec_prepared(kLockTenantTeams.name, tenant);
    if (!LooksLikeUuid(id) || txn.exec_prepared(kLockTeam.name, tenant, id).empty()) {
      return WithField(absl::NotFoundError("no such team"), "team.id");
    }
    if (!txn.exec_prepared(kTeamNameTakenByOther.name, tenant, team.name, id).empty()) {
      return WithField(absl::AlreadyExistsError("a team of this name exists"), "team.name");
    }
    if (team.is_default) txn.exec_prepared(kClearOtherDefault.name, tenant, id);
    txn.exec_prepared(kUpdateTeam.name, tenant, id, team.name, team.leader_id,
                      PgTextArray(team.member_ids), team.is_default);
    return absl::OkStatus();
  }));
  return updated;
}

absl::Status DispatchStore::DeleteTeam(const std::string& tenant, const std::string& id) {
  return pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    txn.exec_prepared(kLockTenantTeams.name, tenant);
    pqxx::result team;
    if (LooksLikeUuid(id)) team = txn.exec_prepared(kLockTeam.name, tenant, id);
    if (team.empty()) return WithField(absl::NotFoundError("no such team"), "id");
    if (team[0][0].as<bool>()) {
      return WithField(absl::FailedPreconditionError(
                           "this is the tenant's default team (it gets the work orders outside "
                           "every area): make another team the default, or clear isDefault, "
                           "first"),
                       "id");
    }
    pqxx::result areas = txn.exec_prepared(kAreasOfTeam.name, tenant, id);
    if (!areas.empty()) {
      std::string names;
      for (const auto& row : areas) {
        absl::StrAppend(&names, names.empty() ? "" : ", ", row[0].as<std::string>());
      }
      return WithField(absl::FailedPreconditionError(
                           absl::StrCat("areas still belong to this team (", names,
                                        "): give them to another team or delete them first")),
                       "id");
    }
    txn.exec_prepared(kUnsetProfilesTeam.name, tenant, id);
    txn.exec_prepared(kDeleteTeam.name, tenant, id);
    return absl::OkStatus();
  });
}

absl::StatusOr<std::vector<Team>> DispatchStore::ListTeams(const std::string& tenant) {
  std::vector<Team> teams;
  absl::Status status = pool_.Read([&](pqxx::work& txn) {
    for (const auto& row : txn.exec_prepared(kListTeams.name, tenant)) {
      teams.push_back(Team{.id = row[0].as<std::string>(),
                           .name = row[1].as<std::string>(),
                           .leader_id = row[2].as<std::string>(),
                           .member_ids = TextArrayOf(row[3]),
                           .is_default = row[4].as<bool>()});
    }
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return teams;
}

namespace {

// The boundary is a valid polygon with a surface (PostGIS's verdict), and the team is the
// tenant's: its name. INVALID_ARGUMENT (field "area.boundary") or NOT_FOUND ("area.teamId").
absl::StatusOr<std::string> CheckAreaIn(pqxx::work& txn, const std::string& tenant,
                                        const NewArea& area, const std::string& wkt) {
  pqxx::result validity = txn.exec_prepared(kCheckPolygon.name, wkt);
  if (!validity[0][0].as<bool>()) {
    return InvalidField(kBoundaryField, validity[0][1].as<std::string>());
  }
  if (validity[0][2].as<double>() < kMinSquareDegrees) {
    return InvalidField(kBoundaryField, "the boundary encloses no area (points on one line)");
  }
  // A malformed id names no team; checked here so the cast in the queries cannot fail.
  pqxx::result team;
  if (LooksLikeUuid(area.team_id)) {
    team = txn.exec_prepared(kFindTeamName.name, tenant, area.team_id);
  }
  if (team.empty()) return WithField(absl::NotFoundError("no such team"), "area.teamId");
  return team[0][0].as<std::string>();
}

void AnnounceAreaChange(pqxx::work& txn, const std::string& tenant, const std::string& id,
                        const std::string& name, const std::string& change) {
  // Stored answers of ResolveArea (customer addresses) may now be stale.
  qingquan::common::v1::AreaChanged changed;
  changed.set_area_id(id);
  changed.set_name(name);
  changed.set_change(change);
  AppendToOutbox(txn, {.stream = EventStreamName("dispatch"),
                       .tenant = tenant,
                       .type = kAreaChanged,
                       .aggregate_id = id,
                       .payload = changed.SerializeAsString()});
}

}  // namespace

absl::StatusOr<Area> DispatchStore::UpdateArea(const std::string& tenant, const std::string& id,
                                               const NewArea& area) {
  Area updated{.id = id,
               .name = area.name,
               .team_id = area.team_id,
               .priority = area.priority,
               .boundary = area.boundary.OpenRing()};
  const std::string wkt = area.boundary.ToWkt();
  QQ_RETURN_IF_ERROR(pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    QQ_ASSIGN_OR_RETURN(updated.team_name, CheckAreaIn(txn, tenant, area, wkt));
    if (!txn.exec_params("SELECT 1 FROM areas WHERE tenant_id = $1 AND name = $2 AND id <> "
                         "$3::uuid AND deleted_at IS NULL",
                         tenant, area.name, id)
             .empty()) {
      return WithField(absl::AlreadyExistsError("an area of this name exists"), "area.name");
    }
    pqxx::result changed = txn.exec_params(
        "UPDATE areas SET name = $3, team_id = $4::uuid, priority = $5, "
        "  boundary = ST_GeomFromText($6, 4326) "
        "WHERE tenant_id = $1 AND id = $2::uuid AND deleted_at IS NULL",
        tenant, id, area.name, area.team_id, area.priority, wkt);
    if (changed.affected_rows() == 0) {
      return WithField(absl::NotFoundError("no such area"), "area.id");
    }
    AnnounceAreaChange(txn, tenant, id, area.name, "UPDATED");
    return absl::OkStatus();
  }));
  return updated;
}

absl::Status DispatchStore::DeleteArea(const std::string& tenant, const std::string& id) {
  return pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    pqxx::result deleted = txn.exec_params(
        "UPDATE areas SET deleted_at = now(), name = name || ' (deleted ' || id::text || ')' "
        "WHERE tenant_id = $1 AND id = $2::uuid AND deleted_at IS NULL RETURNING name",
        tenant, id);
    if (deleted.empty()) return WithField(absl::NotFoundError("no such area"), "id");
    AnnounceAreaChange(txn, tenant, id, deleted[0][0].as<std::string>(), "DELETED");
    return absl::OkStatus();
  });
}

absl::StatusOr<Area> DispatchStore::CreateArea(const std::string& tenant, const NewArea& area,
                                               const IdempotencyScope& idempotency) {
  Area created;
  const std::string wkt = area.boundary.ToWkt();
  absl::Status status = pool_.Transact([&](pqxx::work& txn) -> absl::Status {
    created = Area{.name = area.name,
                   .team_id = area.team_id,
                   .priority = area.priority,
                   .boundary = area.boundary.OpenRing()};
    // The key remembers the id created first; a retry answers with that area as it is.
    google::protobuf::StringValue first;
    QQ_ASSIGN_OR_RETURN(bool replayed, ClaimIdempotencyKey(txn, idempotency, first));
    if (replayed) {
      for (Area& existing : AreasIn(txn, tenant)) {
        if (existing.id != first.value()) continue;
        created = std::move(existing);
        return absl::OkStatus();
      }
      return WithField(absl::NotFoundError("the area this key created is deleted"), "area.id");
    }
    QQ_ASSIGN_OR_RETURN(created.team_name, CheckAreaIn(txn, tenant, area, wkt));
    pqxx::result inserted =
        txn.exec_prepared(kInsertArea.name, tenant, area.name, area.team_id, area.priority, wkt);
    if (inserted.empty()) {
      return WithField(absl::AlreadyExistsError("an area of this name exists"), "area.name");
    }
    created.id = inserted[0][0].as<std::string>();
    AnnounceAreaChange(txn, tenant, created.id, area.name, "CREATED");
    google::protobuf::StringValue id;
    id.set_value(created.id);
    RecordIdempotentResponse(txn, idempotency, id);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return created;
}

std::vector<Area> DispatchStore::AreasIn(pqxx::work& txn, const std::string& tenant) {
  std::vector<Area> areas;
  for (const auto& row : txn.exec_prepared(kListAreas.name, tenant)) {
    std::string id = row[0].as<std::string>();
    if (areas.empty() || areas.back().id != id) {
      areas.push_back(Area{.id = std::move(id),
                           .name = row[1].as<std::string>(),
                           .team_id = row[2].as<std::string>(),
                           .team_name = row[3].as<std::string>(),
                           .priority = row[4].as<int>()});
    }
    areas.back().boundary.push_back(GeoPoint{row[5].as<double>(), row[6].as<double>()});
  }
  return areas;
}

absl::StatusOr<std::vector<Area>> DispatchStore::ListAreas(const std::string& tenant) {
  std::vector<Area> areas;
  absl::Status status = pool_.Read([&](pqxx::work& txn) {
    areas = AreasIn(txn, tenant);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return areas;
}

absl::StatusOr<std::vector<CoveringArea>> DispatchStore::FindCoveringAreas(
    const std::string& tenant, const GeoPoint& point) {
  std::vector<CoveringArea> areas;
  absl::Status status = pool_.Read([&](pqxx::work& txn) {
    areas = FindCoveringAreas(txn, tenant, point);
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return areas;
}

std::vector<CoveringArea> DispatchStore::FindCoveringAreas(pqxx::work& txn,
                                                           const std::string& tenant,
                                                           const GeoPoint& point) {
  std::vector<CoveringArea> areas;
  for (const auto& row : txn.exec_prepared(kFindCoveringAreas.name, tenant, DoubleParam(point.lat),
                                           DoubleParam(point.lng))) {
    areas.push_back(CoveringAreaOf(row));
  }
  return areas;
}

std::optional<TeamRef> DispatchStore::FindDefaultTeam(pqxx::work& txn, const std::string& tenant) {
  pqxx::result rows = txn.exec_prepared(kFindDefaultTeam.name, tenant);
  if (rows.empty()) return std::nullopt;
  return TeamRef{rows[0][0].as<std::string>(), rows[0][1].as<std::string>()};
}

bool DispatchStore::RecordAssignment(pqxx::work& txn, const std::string& tenant,
                                     const std::string& work_order_id,
                                     const RoutingDecision& decision) {
  pqxx::result inserted = txn.exec_prepared(
      kRecordAssignment.name, tenant, work_order_id, decision.team ? decision.team->id : "",
      decision.area ? decision.area->id : "", decision.outside_areas);
  return inserted.affected_rows() == 1;
}

absl::StatusOr<Assignment> DispatchStore::GetAssignment(const std::string& tenant,
                                                        const std::string& work_order_id) {
  Assignment assignment;
  absl::Status status = pool_.Read([&](pqxx::work& txn) -> absl::Status {
    pqxx::result rows = txn.exec_prepared(kGetAssignment.name, tenant, work_order_id);
    if (rows.empty()) {
      return WithField(absl::NotFoundError("the work order has not been routed"), "workOrderId");
    }
    const auto& row = rows[0];
    assignment = Assignment{.work_order_id = row[0].as<std::string>(),
                            .team_id = row[1].as<std::string>(),
                            .team_name = row[2].as<std::string>(),
                            .area_id = row[3].as<std::string>(),
                            .area_name = row[4].as<std::string>(),
                            .outside_areas = row[5].as<bool>(),
                            .assign_seconds = row[6].as<long long>(),
                            .assign_nanos = row[7].as<int>()};
    return absl::OkStatus();
  });
  if (!status.ok()) return status;
  return assignment;
}

absl::Status DispatchStore::EnsureDemoData(const std::string& tenant,
                                           const std::vector<DemoTeam>& teams,
                                           const std::vector<DemoArea>& areas) {
  return pool_.Transact([&](pqxx::work& txn) {
    for (const DemoTeam& team : teams) {
      txn.exec_prepared(kEnsureDemoTeam.name, tenant, team.name, team.leader_username,
                        PgTextArray(team.member_usernames), team.is_default);
    }
    for (const DemoArea& area : areas) {
      txn.exec_prepared(kEnsureDemoArea.name, tenant, area.name, area.team_name, area.priority,
                        area.boundary.ToWkt());
    }
    return absl::OkStatus();
  });
}

}  // namespace qq::dispatch
