// TrackingHub against PostgreSQL: delivery_stops' triggers wake the watchers of an order
// and of its courier's route once the change commits (never for a rollback), and a
// courier's new position wakes them through the hub's poll.
#include <atomic>
#include <chrono>
#include <thread>

#include "services/dispatch/dispatch_pgtest_fixture.h"
#include "services/dispatch/tracking_hub.h"
#include "tests/support/eventually.h"

namespace qq::dispatch {
namespace {

using namespace std::chrono_literals;
using TrackingHubPgTest = DispatchPgTest;
using qq::testing::Eventually;

void Exec(PgPool& pool, const std::string& sql) {
  absl::Status done = pool.Transact([&](pqxx::work& txn) -> absl::Status {
    txn.exec(sql);
    return absl::OkStatus();
  });
  ASSERT_TRUE(done.ok()) << done;
}

TEST_F(TrackingHubPgTest, WakesWatchersOnCommittedRouteChangesAndNewPositions) {
  PgPool& pool = *pool_;
  const std::string& t = tenant_;
  Exec(pool, "INSERT INTO staff (tenant_id, user_id, kind, name, capacity_barrels) VALUES ('" + t +
                 "', 'courier-1', 'COURIER', '李师傅', 30), ('" + t +
                 "', 'courier-2', 'COURIER', '张师傅', 30)");
  Exec(pool,
       "INSERT INTO delivery_stops (tenant_id, order_id, number, state, customer_id, demand, "
       "courier_id, sequence) VALUES ('" +
           t + "', 'order-a', 'D1', 'ASSIGNED', 'c1', 1, 'courier-1', 1), ('" + t +
           "', 'order-b', 'D2', 'ASSIGNED', 'c2', 1, 'courier-1', 2), ('" + t +
           "', 'order-c', 'D3', 'ASSIGNED', 'c3', 1, 'courier-2', 1)");

  TrackingHub hub(pool.dsn(), std::chrono::hours(1));  // no heartbeats in this test
  hub.Start();
  std::atomic<int> wakes_a{0}, wakes_c{0};
  const uint64_t watch_a = hub.Watch(t, "order-a", [&] { ++wakes_a; });
  hub.Follow(watch_a, "courier-1", 0);
  const uint64_t watch_c = hub.Watch(t, "order-c", [&] { ++wakes_c; });
  hub.Follow(watch_c, "courier-2", 0);
  EXPECT_EQ(hub.watchers(), 2u);
  std::this_thread::sleep_for(1500ms);  // listening, and the positions read once
  wakes_a = 0;
  wakes_c = 0;

  // Another stop on courier 1's route changes: order a's watcher hears, order c's not.
  Exec(pool, "UPDATE delivery_stops SET state = 'DELIVERING' WHERE tenant_id = '" + t +
                 "' AND order_id = 'order-b'");
  EXPECT_TRUE(Eventually([&] { return wakes_a.load() > 0; }, 5s));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(wakes_c.load(), 0);

  // A change rolled back wakes nobody.
  wakes_a = 0;
  absl::Status rolled_back = pool.Transact([&](pqxx::work& txn) -> absl::Status {
    txn.exec("UPDATE delivery_stops SET sequence = 5 WHERE tenant_id = '" + t +
             "' AND order_id = 'order-a'");
    return absl::AbortedError("changed my mind");
  });
  EXPECT_FALSE(rolled_back.ok());
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(wakes_a.load(), 0);

  // Courier 2 reports a position: the poll wakes order c's watcher only.
  Exec(pool,
       "UPDATE staff SET last_lat = 31.2, last_lng = 121.5, last_position_at = now() "
       "WHERE tenant_id = '" +
           t + "' AND user_id = 'courier-2'");
  EXPECT_TRUE(Eventually([&] { return wakes_c.load() > 0; }, 5s));
  EXPECT_EQ(wakes_a.load(), 0);

  // The order moves to courier 2 (its old route and new one both change).
  wakes_c = 0;
  Exec(pool,
       "UPDATE delivery_stops SET courier_id = 'courier-2', sequence = 2 "
       "WHERE tenant_id = '" +
           t + "' AND order_id = 'order-a'");
  EXPECT_TRUE(Eventually([&] { return wakes_a.load() > 0 && wakes_c.load() > 0; }, 5s));

  // Gone watchers hear nothing more.
  hub.Unwatch(watch_a);
  hub.Unwatch(watch_c);
  EXPECT_EQ(hub.watchers(), 0u);
  wakes_a = 0;
  Exec(pool, "UPDATE delivery_stops SET state = 'CANCELLED' WHERE tenant_id = '" + t +
                 "' AND order_id = 'order-a'");
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(wakes_a.load(), 0);
  hub.Stop();
}

}  // namespace
}  // namespace qq::dispatch
