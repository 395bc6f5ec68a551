// DispatchStore, the routing handler and the demo data against PostgreSQL + PostGIS.
#include "absl/strings/match.h"
#include "services/common/status.h"
#include "services/dispatch/demo_data.h"
#include "services/dispatch/dispatch_pgtest_fixture.h"
#include "services/dispatch/domain/staff_profile.h"
#include "services/dispatch/staff_store.h"
#include "services/dispatch/worker_offers.h"

namespace qq::dispatch {
namespace {

using DispatchStorePgTest = DispatchPgTest;

TEST_F(DispatchStorePgTest, CreatesTeamsAndListsOnlyTheTenantsOwn) {
  auto created = store().CreateTeam(
      tenant_, {.name = "城东区维修组", .leader_id = "u-leader", .member_ids = {"u-1", "u,2\"x"}});
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->id.size(), 36u);
  CreateTeam("城西区维修组");
  CreateTeam("别人的组", false, tenant_ + "-other");

  auto teams = store().ListTeams(tenant_);
  ASSERT_TRUE(teams.ok()) << teams.status();
  ASSERT_EQ(teams->size(), 2u);
  const Team& east = (*teams)[0].name == "城东区维修组" ? (*teams)[0] : (*teams)[1];
  EXPECT_EQ(east.id, created->id);
  EXPECT_EQ(east.leader_id, "u-leader");
  EXPECT_EQ(east.member_ids, (std::vector<std::string>{"u-1", "u,2\"x"}));
  EXPECT_FALSE(east.is_default);
}

TEST_F(DispatchStorePgTest, RejectsADuplicateTeamNameNamingTheField) {
  CreateTeam("城东区维修组");
  auto again = store().CreateTeam(tenant_, {.name = "城东区维修组"});
  ASSERT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(FieldOf(again.status()), "team.name");
  // Names are per tenant.
  EXPECT_TRUE(store().CreateTeam(tenant_ + "-other", {.name = "城东区维修组"}).ok());
}

TEST_F(DispatchStorePgTest, AllowsOneDefaultTeamPerTenant) {
  CreateTeam("调度中心", true);
  auto second = store().CreateTeam(tenant_, {.name = "备用调度", .is_default = true});
  ASSERT_EQ(second.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(FieldOf(second.status()), "team.isDefault");
  EXPECT_TRUE(
      store().CreateTeam(tenant_ + "-other", {.name = "调度中心", .is_default = true}).ok());
}

TEST_F(DispatchStorePgTest, RejectsASelfIntersectingBoundaryWithPostgisReason) {
  std::string team = CreateTeam("城东区维修组");
  // A bow-tie: the edges cross at (121.55, 31.25).
  auto bow_tie =
      AreaBoundary::FromRing({{31.20, 121.50}, {31.30, 121.60}, {31.20, 121.60}, {31.30, 121.50}});
  ASSERT_TRUE(bow_tie.ok()) << bow_tie.status();
  auto area = store().CreateArea(tenant_, {.name = "蝴蝶", .team_id = team, .boundary = *bow_tie});
  ASSERT_EQ(area.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(area.status()), "area.boundary");
  EXPECT_TRUE(absl::StrContains(area.status().message(), "Self-intersection"))
      << area.status().message();
  EXPECT_EQ(Count("SELECT count(*) FROM areas WHERE tenant_id = $1"), 0);
}

TEST_F(DispatchStorePgTest, RejectsABoundaryWhosePointsLieOnOneLine) {
  std::string team = CreateTeam("城东区维修组");
  // PostGIS calls this polygon valid; it encloses nothing.
  auto line = AreaBoundary::FromRing({{31.2, 121.5}, {31.3, 121.6}, {31.4, 121.7}});
  ASSERT_TRUE(line.ok()) << line.status();
  auto area = store().CreateArea(tenant_, {.name = "线", .team_id = team, .boundary = *line});
  ASSERT_EQ(area.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(area.status()), "area.boundary");
}

TEST_F(DispatchStorePgTest, RejectsAnAreaOfAnUnknownTeamNamingTheTeamId) {
  std::string foreign_team = CreateTeam("别人的组", false, tenant_ + "-other");
  for (const std::string& team_id : {std::string("6f1c2f7e-0000-4000-8000-000000000000"),
                                     std::string("not-a-uuid"), foreign_team}) {
    auto area = CreateRectangle("城东区", team_id, 0, 31.20, 31.30, 121.50, 121.60);
    ASSERT_EQ(area.status().code(), absl::StatusCode::kNotFound) << team_id;
    EXPECT_EQ(FieldOf(area.status()), "area.teamId");
  }
}

TEST_F(DispatchStorePgTest, RejectsADuplicateAreaNameNamingTheField) {
  std::string team = CreateTeam("城东区维修组");
  ASSERT_TRUE(CreateRectangle("城东区", team, 0, 31.20, 31.30, 121.50, 121.60).ok());
  auto again = CreateRectangle("城东区", team, 0, 31.00, 31.10, 121.50, 121.60);
  ASSERT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(FieldOf(again.status()), "area.name");
}

TEST_F(DispatchStorePgTest, ListsAreasWithOpenBoundariesAndTeamNames) {
  std::string team = CreateTeam("城东区维修组");
  const std::vector<GeoPoint> ring = {
      {31.2000001, 121.5000001}, {31.2, 121.6}, {31.3, 121.6}, {31.312345678901234, 121.5}};
  auto boundary = AreaBoundary::FromRing(ring);
  ASSERT_TRUE(boundary.ok());
  auto created = store().CreateArea(
      tenant_, {.name = "城东区", .team_id = team, .priority = 3, .boundary = *boundary});
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->team_name, "城东区维修组");
  EXPECT_EQ(created->boundary, ring);

  auto areas = store().ListAreas(tenant_);
  ASSERT_TRUE(areas.ok()) << areas.status();
  ASSERT_EQ(areas->size(), 1u);
  EXPECT_EQ((*areas)[0].id, created->id);
  EXPECT_EQ((*areas)[0].name, "城东区");
  EXPECT_EQ((*areas)[0].team_id, team);
  EXPECT_EQ((*areas)[0].team_name, "城东区维修组");
  EXPECT_EQ((*areas)[0].priority, 3);
  EXPECT_EQ((*areas)[0].boundary, ring);  // exact doubles, no closing point
  EXPECT_TRUE(store().ListAreas(tenant_ + "-other")->empty());
}

TEST_F(DispatchStorePgTest, ResolvesPointsInsideEachDistrictAndNoneOutside) {
  CreateDistricts();
  auto east = Resolve(31.25, 121.55);
  ASSERT_TRUE(east.has_value());
  EXPECT_EQ(east->name, "城东区");
  EXPECT_EQ(east->team_name, "城东区维修组");
  EXPECT_EQ(ResolvedName(31.25, 121.45), "城西区");
  EXPECT_EQ(ResolvedName(31.30, 121.58), "城东区");  // on the outer edge: covered
  EXPECT_EQ(ResolvedName(31.25, 121.65), "(none)");
  EXPECT_EQ(ResolvedName(31.35, 121.55), "(none)");
}

TEST_F(DispatchStorePgTest, HigherPriorityWinsWhereAreasOverlapThenTheSmallerArea) {
  CreateDistricts();
  std::string estate_team = CreateTeam("小区物业组");
  // A housing estate inside 城东区, same priority: the smaller area wins.
  ASSERT_TRUE(CreateRectangle("小区", estate_team, 0, 31.24, 31.26, 121.54, 121.56).ok());
  EXPECT_EQ(ResolvedName(31.25, 121.55), "小区");
  // A big overlay with a higher priority beats both.
  std::string night_team = CreateTeam("夜班组");
  ASSERT_TRUE(CreateRectangle("夜班", night_team, 5, 31.0, 31.5, 121.0, 122.0).ok());
  EXPECT_EQ(ResolvedName(31.25, 121.55), "夜班");
  EXPECT_EQ(Resolve(31.25, 121.55)->team_name, "夜班组");
}

TEST_F(DispatchStorePgTest, APointOnASharedEdgeAlwaysGoesToTheSameArea) {
  CreateDistricts();
  auto covering = store().FindCoveringAreas(tenant_, {31.25, 121.50});
  ASSERT_TRUE(covering.ok());
  ASSERT_EQ(covering->size(), 2u);  // both districts cover their shared edge
  std::string smaller_id = std::min((*covering)[0].id, (*covering)[1].id);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(Resolve(31.25, 121.50)->id, smaller_id);
}

TEST_F(DispatchStorePgTest, NeverMatchesAnotherTenantsAreas) {
  const std::string other = tenant_ + "-other";
  CreateDistricts(other);
  EXPECT_FALSE(Resolve(31.25, 121.55).has_value());
  EXPECT_TRUE(Resolve(31.25, 121.55, other).has_value());
  ASSERT_TRUE(Route("wo-1", GeoPoint{31.25, 121.55}).ok());
  auto assignment = store().GetAssignment(tenant_, "wo-1");
  ASSERT_TRUE(assignment.ok()) << assignment.status();
  EXPECT_TRUE(assignment->team_id.empty());
  EXPECT_TRUE(assignment->outside_areas);
  EXPECT_EQ(store().GetAssignment(other, "wo-1").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(DispatchStorePgTest, RoutesAWorkOrderToItsAreasTeamOnceAndAnnouncesItOnce) {
  CreateDistricts();
  ASSERT_TRUE(Route("wo-east", GeoPoint{31.25, 121.55}).ok());
  ASSERT_TRUE(Route("wo-east", GeoPoint{31.25, 121.55}).ok());  // a repeated event
  EXPECT_EQ(Count("SELECT count(*) FROM assignments WHERE tenant_id = $1"), 1);

  auto events = AssignedEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].work_order_id(), "wo-east");
  EXPECT_EQ(events[0].team_name(), "城东区维修组");
  EXPECT_EQ(events[0].area_name(), "城东区");
  EXPECT_FALSE(events[0].outside_areas());

  auto assignment = store().GetAssignment(tenant_, "wo-east");
  ASSERT_TRUE(assignment.ok()) << assignment.status();
  EXPECT_EQ(assignment->team_id, events[0].team_id());
  EXPECT_EQ(assignment->team_name, "城东区维修组");
  EXPECT_EQ(assignment->area_id, events[0].area_id());
  EXPECT_EQ(assignment->area_name, "城东区");
  EXPECT_FALSE(assignment->outside_areas);
  EXPECT_GT(assignment->assign_seconds, 1700000000);
  EXPECT_GE(assignment->assign_nanos, 0);
  EXPECT_LT(assignment->assign_nanos, 1000000000);
}

TEST_F(DispatchStorePgTest, WorkOrdersOutsideEveryAreaOrWithoutLocationGoToTheDefaultTeam) {
  CreateDistricts();
  std::string centre = CreateTeam("调度中心", true);
  CreateTeam("别人的调度中心", true, tenant_ + "-other");
  ASSERT_TRUE(Route("wo-far", GeoPoint{39.90, 116.40}).ok());
  ASSERT_TRUE(Route("wo-nowhere", std::nullopt).ok());
  for (const char* id : {"wo-far", "wo-nowhere"}) {
    auto assignment = store().GetAssignment(tenant_, id);
    ASSERT_TRUE(assignment.ok()) << assignment.status();
    EXPECT_EQ(assignment->team_id, centre);
    EXPECT_EQ(assignment->team_name, "调度中心");
    EXPECT_TRUE(assignment->area_id.empty());
    EXPECT_TRUE(assignment->outside_areas);
  }
  auto events = AssignedEvents();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].team_id(), centre);
  EXPECT_TRUE(events[0].outside_areas());
}

TEST_F(DispatchStorePgTest, WithoutDefaultTeamTheAssignmentIsRecordedWithoutTeam) {
  ASSERT_TRUE(Route("wo-lost", GeoPoint{31.25, 121.55}).ok());
  auto assignment = store().GetAssignment(tenant_, "wo-lost");
  ASSERT_TRUE(assignment.ok()) << assignment.status();
  EXPECT_TRUE(assignment->team_id.empty());
  EXPECT_TRUE(assignment->team_name.empty());
  EXPECT_TRUE(assignment->outside_areas);
  auto events = AssignedEvents();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_TRUE(events[0].team_id().empty());
  EXPECT_TRUE(events[0].outside_areas());
}

TEST_F(DispatchStorePgTest, IgnoresOtherEventsAndRejectsAnUnreadablePayload) {
  ASSERT_TRUE(Route("wo-1", GeoPoint{31.25, 121.55}, "workorder.resolved").ok());
  EXPECT_EQ(Count("SELECT count(*) FROM assignments WHERE tenant_id = $1"), 0);
  StreamEvent garbage{.stream = EventStreamName("order"),
                      .entry_id = "1-0",
                      .event_id = "e-1",
                      .tenant = tenant_,
                      .type = kWorkOrderCreated,
                      .aggregate_id = "wo-1",
                      .payload = "\xff\xff\xff"};
  absl::Status status =
      pool_->Transact([&](pqxx::work& txn) { return HandleOrderEvent(txn, garbage); });
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store().GetAssignment(tenant_, "nope").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(DispatchStorePgTest, LoadsDemoDataOnceWithTheDemoUsersIds) {
  ASSERT_TRUE(LoadDemoData(store(), *pool_).ok());
  ASSERT_TRUE(LoadDemoData(store(), *pool_).ok());
  {
    StaffStore staff(*pool_, nullptr);
    std::string courier;
    ASSERT_TRUE(pool_
                    ->Read([&](pqxx::work& txn) {
                      courier = txn.exec("SELECT md5('station-demo/courier')::uuid::text")[0][0]
                                    .as<std::string>();
                      return absl::OkStatus();
                    })
                    .ok());
    auto demo_courier = staff.Get("station-demo", courier);
    ASSERT_TRUE(demo_courier.ok()) << demo_courier.status();
    EXPECT_EQ(demo_courier->capacity_barrels(), 30);
    EXPECT_EQ(demo_courier->shifts_size(), 7);
    EXPECT_TRUE(CheckStaffProfile(*demo_courier).ok()) << CheckStaffProfile(*demo_courier);
  }
  for (const std::string tenant : {"utility-demo", "station-demo"}) {
    auto teams = store().ListTeams(tenant);
    ASSERT_TRUE(teams.ok()) << teams.status();
    ASSERT_EQ(teams->size(), 3u) << tenant;
    std::string leader, worker;
    ASSERT_TRUE(pool_
                    ->Read([&](pqxx::work& txn) {
                      auto r = txn.exec_params(
                          "SELECT md5($1 || '/leader')::uuid::text, "
                          "md5($1 || '/worker')::uuid::text",
                          tenant);
                      leader = r[0][0].as<std::string>();
                      worker = r[0][1].as<std::string>();
                      return absl::OkStatus();
                    })
                    .ok());
    int defaults = 0;
    for (const Team& team : *teams) {
      if (team.is_default) {
        ++defaults;
        EXPECT_EQ(team.name, "调度中心");
      } else {
        EXPECT_EQ(team.leader_id, leader) << team.name;
        EXPECT_EQ(team.member_ids, std::vector<std::string>{worker}) << team.name;
      }
    }
    EXPECT_EQ(defaults, 1);
    // The demo worker has a dispatch profile; the station's courier one with a vehicle.
    StaffStore staff(*pool_, nullptr);
    auto demo_worker = staff.Get(tenant, worker);
    ASSERT_TRUE(demo_worker.ok()) << demo_worker.status();
    EXPECT_EQ(demo_worker->kind(), Staff::WORKER);

    auto areas = store().ListAreas(tenant);
    ASSERT_TRUE(areas.ok());
    ASSERT_EQ(areas->size(), 2u);
    auto east = store().FindCoveringAreas(tenant, {31.25, 121.55});
    ASSERT_TRUE(east.ok());
    ASSERT_EQ(east->size(), 1u);
    EXPECT_EQ((*east)[0].name, "城东区");
    EXPECT_EQ((*east)[0].team_name, "城东区维修组");
    auto west = store().FindCoveringAreas(tenant, {31.25, 121.45});
    ASSERT_TRUE(west.ok());
    ASSERT_EQ(west->size(), 1u);
    EXPECT_EQ((*west)[0].team_name, "城西区维修组");
  }
}

// Automatic assignment: the nearer worker first; an offer not accepted in time goes to the
// next; when nobody is left, that is announced once.
TEST_F(DispatchStorePgTest, AnUnacceptedOfferExpiresToTheNextWorker) {
  CreateDistricts();
  WorkerOfferStore offers(*pool_);
  DispatchSettings settings = DefaultDispatchSettings();
  settings.set_auto_assign_work_orders(true);
  ASSERT_TRUE(offers.SaveSettings(tenant_, settings).ok());
  std::string team_id;
  ASSERT_TRUE(pool_
                  ->Transact([&](pqxx::work& txn) {
                    team_id = txn.exec_params(
                                     "SELECT id::text FROM teams WHERE tenant_id = $1 "
                                     "AND name = '城东区维修组'",
                                     tenant_)[0][0]
                                  .as<std::string>();
                    // Two pipe workers on duty: "near" 0.5 km from the site, "far" 5 km.
                    txn.exec_params(
                        "INSERT INTO staff (tenant_id, user_id, kind, name, team_id, skills, "
                        "  on_duty, last_lat, last_lng, last_position_at) VALUES "
                        "($1, 'near', 'WORKER', '近', $2::uuid, '{管网维修}', true, 31.2545, "
                        "  121.55, now()), "
                        "($1, 'far', 'WORKER', '远', $2::uuid, '{管网维修}', true, 31.295, "
                        "  121.55, now())",
                        tenant_, team_id);
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_TRUE(Route("wo-auto", GeoPoint{31.25, 121.55}).ok());
  auto first = offers.Offers(tenant_, "wo-auto");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].worker_id(), "near");
  EXPECT_EQ((*first)[0].state(), "OFFERED");
  EXPECT_NEAR((*first)[0].distance_km(), 0.5, 0.05);

  auto expire_all = [&] {
    EXPECT_TRUE(pool_
                    ->Transact([&](pqxx::work& txn) {
                      txn.exec_params(
                          "UPDATE worker_offers SET expires_at = now() - interval '1 second' "
                          "WHERE tenant_id = $1 AND state = 'OFFERED'",
                          tenant_);
                      return absl::OkStatus();
                    })
                    .ok());
    auto expired = offers.ExpireDue(10, absl::Now());
    EXPECT_TRUE(expired.ok()) << expired.status();
  };
  expire_all();
  auto second = offers.Offers(tenant_, "wo-auto");
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(second->size(), 2u);
  EXPECT_EQ((*second)[0].state(), "EXPIRED");
  EXPECT_EQ((*second)[1].worker_id(), "far");
  EXPECT_EQ((*second)[1].attempt(), 2);
  EXPECT_NE((*second)[1].reason().find("超时"), std::string::npos) << (*second)[1].reason();

  expire_all();
  expire_all();  // nobody left: announced once, not again
  int announced = 0, nobody = 0;
  ASSERT_TRUE(pool_
                  ->Read([&](pqxx::work& txn) {
                    for (const auto& r :
                         txn.exec_params("SELECT payload FROM qq_outbox WHERE tenant_id = $1 AND "
                                         "event_type = 'workorder.worker_offered' ORDER BY seq",
                                         tenant_)) {
                      qingquan::common::v1::WorkerOffered offered;
                      pqxx::binarystring bytes(r[0]);
                      EXPECT_TRUE(offered.ParseFromString(bytes.str()));
                      ++announced;
                      if (offered.worker_id().empty()) ++nobody;
                    }
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(announced, 3);
  EXPECT_EQ(nobody, 1);
}

// Desk work (complaints, enquiries, follow-ups) goes to the agents' queue: even inside an
// area, with automatic assignment on and a worker on duty, nothing is recorded, announced
// or offered. Field work and events from before routing per type still go to the team.
TEST_F(DispatchStorePgTest, ServiceDeskWorkOrdersAreNotRoutedToATeam) {
  CreateDistricts();
  CreateTeam("调度中心", /*is_default=*/true);
  WorkerOfferStore offers(*pool_);
  DispatchSettings settings = DefaultDispatchSettings();
  settings.set_auto_assign_work_orders(true);
  ASSERT_TRUE(offers.SaveSettings(tenant_, settings).ok());
  ASSERT_TRUE(pool_
                  ->Transact([&](pqxx::work& txn) {
                    txn.exec_params(
                        "INSERT INTO staff (tenant_id, user_id, kind, name, team_id, skills, "
                        "  on_duty, last_lat, last_lng, last_position_at) "
                        "SELECT $1, 'w', 'WORKER', '王', id, '{管网维修}', true, 31.25, 121.55, "
                        "  now() FROM teams WHERE tenant_id = $1 AND name = '城东区维修组'",
                        tenant_);
                    return absl::OkStatus();
                  })
                  .ok());

  for (const char* type : {"COMPLAINT", "ENQUIRY", "FOLLOW_UP"}) {
    const std::string id = std::string("wo-desk-") + type;
    ASSERT_TRUE(Route(id, GeoPoint{31.25, 121.55}, kWorkOrderCreated, type, "SERVICE_DESK").ok());
    // Also outside every area, where the default team would take field work.
    ASSERT_TRUE(Route(id + "-far", std::nullopt, kWorkOrderCreated, type, "SERVICE_DESK").ok());
    EXPECT_EQ(store().GetAssignment(tenant_, id).status().code(), absl::StatusCode::kNotFound);
  }
  EXPECT_EQ(Count("SELECT count(*) FROM assignments WHERE tenant_id = $1"), 0);
  EXPECT_TRUE(AssignedEvents().empty());
  EXPECT_EQ(Count("SELECT count(*) FROM worker_offers WHERE tenant_id = $1"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM qq_outbox WHERE tenant_id = $1 "
                  "AND event_type <> 'area.changed'"),
            0);

  // Field work, with the routing said or (old events) unsaid, goes to the area's team.
  ASSERT_TRUE(
      Route("wo-field", GeoPoint{31.25, 121.55}, kWorkOrderCreated, "REPAIR", "FIELD_TEAM").ok());
  ASSERT_TRUE(Route("wo-old", GeoPoint{31.25, 121.55}).ok());
  auto events = AssignedEvents();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].team_name(), "城东区维修组");
  EXPECT_EQ(events[1].team_name(), "城东区维修组");
  EXPECT_EQ(Count("SELECT count(*) FROM worker_offers WHERE tenant_id = $1"), 2);
}

}  // namespace
}  // namespace qq::dispatch
