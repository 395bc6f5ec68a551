// The only place with SQL for the dispatch service: teams, service areas (PostGIS
// polygons), and the assignments of work orders to teams. Every query is scoped by the
// caller's tenant.
#pragma once

#include <pqxx/pqxx>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/common/idempotency.h"
#include "services/common/migrations.h"
#include "services/dispatch/domain/area_boundary.h"
#include "services/dispatch/domain/area_choice.h"
#include "services/dispatch/domain/new_team.h"
#include "services/dispatch/domain/routing_decision.h"

namespace qq {
class PgPool;
}

namespace qq::dispatch {

// Emitted when service areas change: stored ResolveArea answers may be stale.
inline constexpr char kAreaChanged[] = "area.changed";

struct Team {
  std::string id{};
  std::string name{};
  std::string leader_id{};
  std::vector<std::string> member_ids{};
  bool is_default = false;
};

struct NewArea {
  std::string name{};
  std::string team_id{};
  int priority = 0;
  AreaBoundary boundary;
};

struct Area {
  std::string id{};
  std::string name{};
  std::string team_id{};
  std::string team_name{};
  int priority = 0;
  // Without the closing point.
  std::vector<GeoPoint> boundary{};
};

struct Assignment {
  std::string work_order_id{};
  std::string team_id{};  // empty when routed to no team
  std::string team_name{};
  std::string area_id{};  // empty when no area decided
  std::string area_name{};
  bool outside_areas = true;
  long long assign_seconds = 0;  // Unix time
  int assign_nanos = 0;
};

// Demo content (demo_data.cc). Demo user ids are derived the way the customer service
// derives them: md5('<tenant>/<username>')::uuid::text.
struct DemoTeam {
  std::string name{};
  std::string leader_username{};  // "" for none
  std::vector<std::string> member_usernames{};
  bool is_default = false;
};
struct DemoArea {
  std::string name{};
  std::string team_name{};
  int priority = 0;
  AreaBoundary boundary;
};

class DispatchStore {
 public:
  explicit DispatchStore(PgPool& pool);
  PgPool& pool() { return pool_; }

  // ALREADY_EXISTS naming "team.name" when the tenant has a team of that name, or
  // "team.isDefault" when `team.is_default` and the tenant already has a default team.
  // With an Idempotency-Key, a retry answers with the team the key created first.
  absl::StatusOr<Team> CreateTeam(const std::string& tenant, const NewTeam& team,
                                  const IdempotencyScope& idempotency = {});

  // OK when the tenant has the team (not deleted); NOT_FOUND naming "team.id" otherwise.
  absl::Status TeamExists(const std::string& tenant, const std::string& id);
  // Replaces name, leader, members and `is_default` of a team (true takes the default from
  // another team; false leaves the tenant without one). NOT_FOUND naming "team.id" for an
  // unknown or deleted team, ALREADY_EXISTS naming "team.name" for another team's name.
  absl::StatusOr<Team> UpdateTeam(const std::string& tenant, const std::string& id,
                                  const NewTeam& team);
  // Soft delete: no longer listed, chosen for areas or profiles; the work orders it was
  // given keep it; profiles that named it have no team after. NOT_FOUND (field "id");
  // FAILED_PRECONDITION (field "id") while it is the default team or an area belongs to it
  // (the message names the areas).
  absl::Status DeleteTeam(const std::string& tenant, const std::string& id);

  // The tenant's teams by name (deleted ones left out).
  absl::StatusOr<std::vector<Team>> ListTeams(const std::string& tenant);

  // INVALID_ARGUMENT naming "area.boundary" with PostGIS's reason when the polygon is not
  // valid (e.g. "Self-intersection[121.55 31.25]"), or when it encloses less than
  // kMinSquareDegrees (all points on one line); NOT_FOUND naming "area.teamId" when
  // the tenant has no such team; ALREADY_EXISTS naming "area.name" when the tenant has an
  // area of that name.
  // With an Idempotency-Key, a retry answers with the area the key created first.
  absl::StatusOr<Area> CreateArea(const std::string& tenant, const NewArea& area,
                                  const IdempotencyScope& idempotency = {});
  // Replaces the area (checked as CreateArea); NOT_FOUND (field "area.id") for an unknown
  // or deleted area, ALREADY_EXISTS (field "area.name") for a name another area has.
  // Announces "area.changed" (UPDATED).
  absl::StatusOr<Area> UpdateArea(const std::string& tenant, const std::string& id,
                                  const NewArea& area);
  // Soft delete: no longer listed or resolved; the orders it routed keep it. NOT_FOUND
  // (field "id"). Announces "area.changed" (DELETED).
  absl::Status DeleteArea(const std::string& tenant, const std::string& id);

  // The tenant's areas, highest priority first, then by name.
  absl::StatusOr<std::vector<Area>> ListAreas(const std::string& tenant);
  // The same inside the caller's transaction.
  static std::vector<Area> AreasIn(pqxx::work& txn, const std::string& tenant);

  // The tenant's areas whose boundary covers `point` (edges included), unranked
  // (ChooseCoveringArea ranks them).
  absl::StatusOr<std::vector<CoveringArea>> FindCoveringAreas(const std::string& tenant,
                                                              const GeoPoint& point);
  static std::vector<CoveringArea> FindCoveringAreas(pqxx::work& txn, const std::string& tenant,
                                                     const GeoPoint& point);

  // The tenant's default team, if it has one (inside the routing transaction).
  static std::optional<TeamRef> FindDefaultTeam(pqxx::work& txn, const std::string& tenant);

  // Records how a work order was routed unless it already was. True when this call
  // inserted the row (only then may the caller announce it).
  static bool RecordAssignment(pqxx::work& txn, const std::string& tenant,
                               const std::string& work_order_id, const RoutingDecision& decision);

  // NOT_FOUND when the work order has not been routed (or belongs to another tenant).
  absl::StatusOr<Assignment> GetAssignment(const std::string& tenant,
                                           const std::string& work_order_id);

  // Creates the teams and areas that do not exist yet (by name), in one transaction;
  // existing ones are left as they are. An area whose team is missing is skipped.
  absl::Status EnsureDemoData(const std::string& tenant, const std::vector<DemoTeam>& teams,
                              const std::vector<DemoArea>& areas);

 private:
  PgPool& pool_;
};

}  // namespace qq::dispatch

namespace qq {
// Generated from services/dispatch/migrations/*.sql (cmake/EmbedSql.cmake).
std::vector<Migration> dispatch_migrations();
}  // namespace qq
