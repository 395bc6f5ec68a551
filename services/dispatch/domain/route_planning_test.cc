#include "services/dispatch/domain/route_planning.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

namespace qq::dispatch {
namespace {

namespace v1 = qingquan::dispatch::v1;

const absl::Time kNow = absl::FromUnixSeconds(1796000000);

// Points in Shanghai, about 1.1 km apart per 0.01° of latitude.
vrptw::LatLng At(double north_km) { return {31.20 + north_km / 111.0, 121.50}; }

CourierForPlanning Courier(const std::string& id, double north_km, int capacity = 20) {
  return {.user_id = id,
          .start = At(north_km),
          .home = At(north_km),
          .capacity = capacity,
          .vehicle = v1::Staff::E_BIKE};
}

StopForPlanning Stop(const std::string& id, double north_km, int barrels = 2) {
  return {.order_id = id, .location = At(north_km), .demand = barrels};
}

TEST(PlaceStop, GoesToTheNearestCourierAndKeepsTheirRoute) {
  // "near" starts at 0 km and ends the day 10 km north; "far" is 20 km away.
  CourierForPlanning near = Courier("near", 0);
  near.home = At(10);
  std::vector<CourierForPlanning> couriers = {near, Courier("far", 20)};
  StopForPlanning a = Stop("a", 0.5), b = Stop("b", 2);
  a.courier_id = b.courier_id = "near";
  StopForPlanning fresh = Stop("new", 1);
  fresh.location.lng += 0.003;  // 300 m east of the line
  auto placement = PlaceStop(couriers, {a, b}, fresh, kNow);
  ASSERT_TRUE(placement.ok()) << placement.status();
  ASSERT_TRUE(placement->placed) << placement->reason;
  EXPECT_EQ(placement->courier_id, "near");
  EXPECT_EQ(placement->route, (std::vector<std::string>{"a", "new", "b"}));
  EXPECT_EQ(placement->sequence, 2);
}

TEST(PlaceStop, AStartedStopStaysFirst) {
  std::vector<CourierForPlanning> couriers = {Courier("c", 0)};
  StopForPlanning far = Stop("far", 3);
  far.courier_id = "c";
  far.started = true;
  auto placement = PlaceStop(couriers, {far}, Stop("close", 0.2), kNow);
  ASSERT_TRUE(placement.ok() && placement->placed);
  EXPECT_EQ(placement->route.front(), "far");
}

TEST(PlaceStop, AStartedStopStoredBehindAnotherStillLeadsTheRoute) {
  // The courier set out for the second stop of the stored route before the first.
  std::vector<CourierForPlanning> couriers = {Courier("c", 0)};
  StopForPlanning waiting = Stop("waiting", 1), under_way = Stop("under-way", 2);
  waiting.courier_id = under_way.courier_id = "c";
  under_way.started = true;
  auto placement = PlaceStop(couriers, {waiting, under_way}, Stop("new", 0.5), kNow);
  ASSERT_TRUE(placement.ok()) << placement.status();
  ASSERT_TRUE(placement->placed) << placement->reason;
  EXPECT_EQ(placement->route.front(), "under-way");

  auto replanned = ReplanAll(couriers, {waiting, under_way}, kNow, absl::Milliseconds(50), 1);
  ASSERT_TRUE(replanned.ok()) << replanned.status();
}

TEST(UnplacedDetail, TellsPeopleWhyInTheirWords) {
  EXPECT_EQ(UnplacedDetail("CAPACITY", 40, 30), "需 40 桶, 超过在岗车辆的最大容量 30 桶");
  EXPECT_EQ(UnplacedDetail("CAPACITY", 4, 30), "需 4 桶, 在岗车辆都已装满");
  EXPECT_EQ(UnplacedDetail("NO_VEHICLE", 2, 0), "没有在岗的送水工");
  EXPECT_EQ(UnplacedDetail("SOMETHING_NEW", 2, 0), "SOMETHING_NEW");
}

TEST(PlaceStop, SaysWhyItCannotPlaceAStop) {
  auto none = PlaceStop({}, {}, Stop("x", 1), kNow);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->placed);
  EXPECT_EQ(none->reason, "NO_VEHICLE");

  auto too_big = PlaceStop({Courier("small", 0, 3)}, {}, Stop("x", 1, 5), kNow);
  ASSERT_TRUE(too_big.ok());
  EXPECT_FALSE(too_big->placed);
  EXPECT_EQ(too_big->reason, "CAPACITY");

  StopForPlanning closed = Stop("x", 1);
  closed.window_end = kNow - absl::Hours(1);
  auto late = PlaceStop({Courier("c", 0)}, {}, closed, kNow);
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(late->placed);
  EXPECT_EQ(late->reason, "TIME_WINDOW");

  CourierForPlanning leaving = Courier("c", 0);
  leaving.shift_end = kNow + absl::Minutes(1);
  auto after_shift = PlaceStop({leaving}, {}, Stop("x", 5), kNow);
  ASSERT_TRUE(after_shift.ok());
  EXPECT_FALSE(after_shift->placed);
  EXPECT_EQ(after_shift->reason, "SHIFT_END");
}

TEST(PlaceStop, ADispatchersChoiceIsTheOnlyCourierConsidered) {
  std::vector<CourierForPlanning> couriers = {Courier("near", 0), Courier("far", 10)};
  auto placement = PlaceStop(couriers, {}, Stop("x", 0.1), kNow, "far");
  ASSERT_TRUE(placement.ok() && placement->placed);
  EXPECT_EQ(placement->courier_id, "far");
}

TEST(ReplanAll, MovesStopsToTheCourierNextToThemAndKeepsStartedOnesFirst) {
  // South and north couriers; the stops were handed out the wrong way round.
  std::vector<CourierForPlanning> couriers = {Courier("south", 0), Courier("north", 10)};
  StopForPlanning s1 = Stop("s1", 0.5), s2 = Stop("s2", 1.0), n1 = Stop("n1", 9.5),
                  n2 = Stop("n2", 9.0), started = Stop("started", 5);
  s1.courier_id = s2.courier_id = "north";
  n1.courier_id = n2.courier_id = "south";
  started.courier_id = "south";
  started.started = true;
  StopForPlanning waiting = Stop("waiting", 9.8);
  std::vector<StopForPlanning> stops = {started, n1, n2, s1, s2, waiting};
  auto outcome = ReplanAll(couriers, stops, kNow, absl::Milliseconds(300));
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_TRUE(outcome->unserved.empty());
  EXPECT_LT(outcome->distance_after_m, outcome->distance_before_m);
  std::map<std::string, std::vector<std::string>> routes(outcome->routes.begin(),
                                                         outcome->routes.end());
  ASSERT_EQ(routes.size(), 2u);
  ASSERT_FALSE(routes["south"].empty());
  EXPECT_EQ(routes["south"].front(), "started");
  auto on = [&](const std::string& courier, const std::string& stop) {
    const auto& r = routes[courier];
    return std::find(r.begin(), r.end(), stop) != r.end();
  };
  EXPECT_TRUE(on("south", "s1") && on("south", "s2"));
  EXPECT_TRUE(on("north", "n1") && on("north", "n2") && on("north", "waiting"));
}

TEST(EstimateArrivals, TravelsWaitsForWindowsAndServes) {
  // 1.1 km north at 5 m/s with the detour: about 1.1 × 1.3 / 5 ≈ 286 s.
  StopForPlanning first = Stop("a", 1.1, 2);
  first.window_start = kNow + absl::Hours(1);
  StopForPlanning second = Stop("b", 1.1, 1);
  auto arrivals = EstimateArrivals(At(0), v1::Staff::E_BIKE, kNow, {first, second});
  ASSERT_EQ(arrivals.size(), 2u);
  EXPECT_NEAR(absl::ToDoubleSeconds(arrivals[0] - kNow), 1100 * 1.3 / 5.0, 10);
  // Waits until the window opens, serves 2 barrels (4 min), then the next is next door.
  EXPECT_NEAR(absl::ToDoubleSeconds(arrivals[1] - kNow), 3600 + 240, 1);
}

}  // namespace
}  // namespace qq::dispatch
