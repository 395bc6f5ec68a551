// Test fixture of the dispatch tests against a real PostgreSQL with PostGIS (test code
// only): a scratch database per test suite, created from QQ_TEST_PG_ADMIN_DSN (a
// superuser DSN, e.g. postgresql://postgres@127.0.0.1:5432/postgres), migrated, and
// dropped at the end. Without the variable every test is skipped. Each test works in a
// tenant of its own (named after the test), so the tests also show tenant isolation.
#pragma once

#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/escaping.h"
#include "qingquan/common/v1/events.pb.h"
#include "services/common/migrations.h"
#include "services/common/outbox.h"
#include "services/common/pg_pool.h"
#include "services/common/testing/require_stack.h"
#include "services/common/testing/scratch_database.h"
#include "services/dispatch/dispatch_store.h"
#include "services/dispatch/work_order_router.h"

namespace qq::dispatch {

class DispatchPgTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (testing::PgAdminDsn().empty()) return;
    auto db =
        testing::CreateMigratedDatabase("qq_dispatch_test_" + std::to_string(getpid()),
                                        {"postgis", "pgcrypto"}, "dispatch", dispatch_migrations());
    if (!db.ok()) {
      setup_error_ = db.status().ToString();
      return;
    }
    database_ = new testing::MigratedDatabase(std::move(*db));
    pool_ = database_->pool.get();
    store_ = new DispatchStore(*pool_);
  }

  static void TearDownTestSuite() {
    delete store_;
    store_ = nullptr;
    pool_ = nullptr;
    delete database_;  // closes the pool, drops the database
    database_ = nullptr;
  }

  void SetUp() override {
    if (testing::PgAdminDsn().empty()) {
      QQ_SKIP_WITHOUT_STACK("QQ_TEST_PG_ADMIN_DSN (a PostgreSQL superuser DSN)");
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
  // `routing` as the order service sets it (empty: an event from before routing per type).
  absl::Status Route(const std::string& work_order_id, std::optional<GeoPoint> location,
                     const std::string& type = kWorkOrderCreated,
                     const std::string& work_order_type = "REPAIR",
                     const std::string& routing = "") {
    qingquan::common::v1::WorkOrderCreated created;
    created.set_work_order_id(work_order_id);
    created.set_type(work_order_type);
    created.set_routing(routing);
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
               "WHERE tenant_id = $1 AND event_type = 'workorder.assigned' ORDER BY seq",
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

  static inline testing::MigratedDatabase* database_ = nullptr;
  static inline std::string setup_error_;
  static inline PgPool* pool_ = nullptr;
  static inline DispatchStore* store_ = nullptr;
  std::string tenant_;
};

}  // namespace qq::dispatch
