// DispatchStore, the routing handler and the demo data against a real PostgreSQL with
// PostGIS: a scratch database per run, created from QQ_TEST_PG_ADMIN_DSN (a superuser
// DSN, e.g. postgresql://postgres@127.0.0.1:5432/postgres) and dropped at the end.
// Each test works in its own tenant, so tests also show tenant isolation.
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "qingquan/common/v1/events.pb.h"
#include "services/common/migrations.h"
#include "services/common/outbox.h"
#include "services/common/pg_pool.h"
#include "services/common/status.h"
#include "services/dispatch/demo_data.h"
#include "services/dispatch/dispatch_store.h"
#include "services/dispatch/work_order_router.h"

namespace qq::dispatch {
namespace {

// `dsn` with its database replaced by `database`; URI or keyword=value form.
std::string WithDatabase(const std::string& dsn, const std::string& database) {
  size_t scheme = dsn.find("://");
  if (scheme == std::string::npos) return dsn + " dbname=" + database;
  size_t path = dsn.find('/', scheme + 3);
  size_t query = dsn.find('?', scheme + 3);
  if (path == std::string::npos || (query != std::string::npos && path > query)) path = query;
  std::string rest = query == std::string::npos ? "" : dsn.substr(query);
  return dsn.substr(0, path == std::string::npos ? dsn.size() : path) + "/" + database + rest;
}

const char* AdminDsn() {
  const char* dsn = std::getenv("QQ_TEST_PG_ADMIN_DSN");
  return dsn != nullptr && *dsn != '\0' ? dsn : nullptr;
}

class DispatchStorePgTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (AdminDsn() == nullptr) return;
    database_ = "qq_dispatch_test_" + std::to_string(getpid());
    try {
      {
        pqxx::connection admin(AdminDsn());
        pqxx::nontransaction txn(admin);
        txn.exec("DROP DATABASE IF EXISTS " + txn.quote_name(database_) + " WITH (FORCE)");
        txn.exec("CREATE DATABASE " + txn.quote_name(database_));
      }
      dsn_ = WithDatabase(AdminDsn(), database_);
      {
        pqxx::connection scratch(dsn_);
        pqxx::nontransaction txn(scratch);
        txn.exec("CREATE EXTENSION IF NOT EXISTS postgis");
        txn.exec("CREATE EXTENSION IF NOT EXISTS pgcrypto");
      }
    } catch (const std::exception& e) {
      setup_error_ = std::string("creating the scratch database failed: ") + e.what();
      return;
    }
    absl::Status migrated = ApplyServiceMigrations(dsn_, "dispatch", dispatch_migrations());
    if (!migrated.ok()) {
      setup_error_ = migrated.ToString();
      return;
    }
    auto pool = PgPool::Connect(dsn_, 4);
    if (!pool.ok()) {
      setup_error_ = pool.status().ToString();
      return;
    }
    pool_ = std::move(*pool).release();
    store_ = new DispatchStore(*pool_);
  }

  static void TearDownTestSuite() {
    delete store_;
    store_ = nullptr;
    delete pool_;
    pool_ = nullptr;
    if (AdminDsn() == nullptr || database_.empty()) return;
    try {
      pqxx::connection admin(AdminDsn());
      pqxx::nontransaction txn(admin);
      txn.exec("DROP DATABASE IF EXISTS " + txn.quote_name(database_) + " WITH (FORCE)");
    } catch (const std::exception& e) {
      ADD_FAILURE() << "dropping " << database_ << " failed: " << e.what();
    }
  }

  void SetUp() override {
    if (AdminDsn() == nullptr) {
      GTEST_SKIP() << "QQ_TEST_PG_ADMIN_DSN is not set; set it to a PostgreSQL superuser "
                      "DSN (with PostGIS installed) to run these tests";
    }
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
    tenant_ = std::string("t-") + ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }

  DispatchStore& store() { return *store_; }

  std::string CreateTeam(const std::string& name, bool is_default = false,
                         const std::string& tenant = "") {
    auto team =
        store().CreateTeam(tenant.empty() ? tenant_ : tenant,
                           {.name = name, .leader_id = "leader-1", .is_default = is_default});
    EXPECT_TRUE(team.ok()) << team.status();
    return team.ok() ? team->id : "";
  }

  absl::StatusOr<Area> CreateRectangle(const std::string& name, const std::string& team_id,
                                       int priority, double lat_min, double lat_max, double lng_min,
                                       double lng_max, const std::string& tenant = "") {
    auto boundary = AreaBoundary::Rectangle(lat_min, lat_max, lng_min, lng_max);
    if (!boundary.ok()) return boundary.status();
    return store().CreateArea(
        tenant.empty() ? tenant_ : tenant,
        {.name = name, .team_id = team_id, .priority = priority, .boundary = *boundary});
  }

  // The districts of the demo data: 城东区 lng 121.50–121.60, 城西区 121.40–121.50.
  void CreateDistricts(const std::string& tenant = "") {
    std::string east = CreateTeam("城东区维修组", false, tenant);
    std::string west = CreateTeam("城西区维修组", false, tenant);
    ASSERT_TRUE(CreateRectangle("城东区", east, 0, 31.20, 31.30, 121.50, 121.60, tenant).ok());
    ASSERT_TRUE(CreateRectangle("城西区", west, 0, 31.20, 31.30, 121.40, 121.50, tenant).ok());
  }

  std::optional<CoveringArea> Resolve(double lat, double lng, const std::string& tenant = "") {
    auto covering = store().FindCoveringAreas(tenant.empty() ? tenant_ : tenant, {lat, lng});
    EXPECT_TRUE(covering.ok()) << covering.status();
    return covering.ok() ? ChooseCoveringArea(*covering) : std::nullopt;
  }

  std::string ResolvedName(double lat, double lng) {
    auto area = Resolve(lat, lng);
    return area ? area->name : "(none)";
  }

  // Delivers a "workorder.created" event to the routing handler, as the consumer does.
  absl::Status Route(const std::string& work_order_id, std::optional<GeoPoint> location,
                     const std::string& type = kWorkOrderCreated) {
    qingquan::common::v1::WorkOrderCreated created;
    created.set_work_order_id(work_order_id);
    created.set_type("REPAIR");
    if (location) {
      created.mutable_location()->set_lat(location->lat);
      created.mutable_location()->set_lng(location->lng);
    }
    StreamEvent event{.stream = EventStreamName("order"),
                      .entry_id = "1-0",
                      .event_id = "event-" + work_order_id,
                      .tenant = tenant_,
                      .type = type,
                      .aggregate_id = work_order_id,
                      .payload = created.SerializeAsString()};
    return pool_->Transact([&](pqxx::work& txn) { return HandleOrderEvent(txn, event); });
  }

  long long Count(const std::string& sql) {
    long long count = -1;
    absl::Status status = pool_->Read([&](pqxx::work& txn) {
      count = txn.exec_params(sql, tenant_)[0][0].as<long long>();
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return count;
  }

  // The WorkOrderAssigned events this tenant's outbox holds, oldest first.
  std::vector<qingquan::common::v1::WorkOrderAssigned> AssignedEvents() {
    std::vector<qingquan::common::v1::WorkOrderAssigned> events;
    absl::Status status = pool_->Read([&](pqxx::work& txn) {
      for (const auto& row : txn.exec_params(
               "SELECT stream, event_type, aggregate_id, encode(payload, 'hex') FROM qq_outbox "
               "WHERE tenant_id = $1 ORDER BY seq",
               tenant_)) {
        EXPECT_EQ(row[0].as<std::string>(), "qq:events:dispatch");
        EXPECT_EQ(row[1].as<std::string>(), "workorder.assigned");
        qingquan::common::v1::WorkOrderAssigned assigned;
        EXPECT_TRUE(assigned.ParseFromString(absl::HexStringToBytes(row[3].as<std::string>())));
        EXPECT_EQ(row[2].as<std::string>(), assigned.work_order_id());
        events.push_back(assigned);
      }
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return events;
  }

  static inline std::string database_;
  static inline std::string dsn_;
  static inline std::string setup_error_;
  static inline PgPool* pool_ = nullptr;
  static inline DispatchStore* store_ = nullptr;
  std::string tenant_;
};

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
  ASSERT_TRUE(LoadDemoData(store()).ok());
  ASSERT_TRUE(LoadDemoData(store()).ok());
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

}  // namespace
}  // namespace qq::dispatch
