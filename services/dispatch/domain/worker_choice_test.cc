#include "services/dispatch/domain/worker_choice.h"

#include <gtest/gtest.h>

namespace qq::dispatch {
namespace {

const GeoPoint kSite{31.25, 121.55};
const absl::Time kNow = absl::FromUnixSeconds(1796000000);

WorkerCandidate Worker(const std::string& id, std::vector<std::string> skills, double km_north,
                       int open = 0) {
  return {.user_id = id,
          .name = id,
          .skills = std::move(skills),
          .position = GeoPoint{kSite.lat + km_north / 111.0, kSite.lng},
          .open_orders = open};
}

std::vector<std::string> Order(const std::vector<WorkerScore>& ranked) {
  std::vector<std::string> ids;
  for (const auto& s : ranked) ids.push_back(s.user_id);
  return ids;
}

TEST(RankWorkers, OnlyTheSkilledWhenAnyoneHasTheSkill) {
  auto ranked = RankWorkers({Worker("near", {"饮水机"}, 0.1), Worker("skilled", {"水表"}, 5)},
                            "水表", kSite, {});
  EXPECT_EQ(Order(ranked), std::vector<std::string>{"skilled"});
  EXPECT_NE(ranked[0].reason.find("技能 水表 ✓"), std::string::npos) << ranked[0].reason;
  // Nobody has it: everyone is ranked, nearest first.
  ranked = RankWorkers({Worker("far", {}, 8), Worker("near", {}, 0.5)}, "水表", kSite, {});
  EXPECT_EQ(Order(ranked), (std::vector<std::string>{"near", "far"}));
  EXPECT_EQ(ranked[0].skill, 0);
}

TEST(RankWorkers, LoadAndDistanceWeighIn) {
  // Same distance: the one with nothing in hand wins.
  auto ranked = RankWorkers({Worker("busy", {}, 1, 3), Worker("free", {}, 1, 0)}, "", kSite, {});
  EXPECT_EQ(Order(ranked).front(), "free");
  EXPECT_NEAR(ranked[0].distance_km, 1.0, 0.01);
  EXPECT_NEAR(ranked[0].load, 1.0, 1e-9);
  EXPECT_NEAR(ranked[1].load, 0.25, 1e-9);
  // Off shift counts for less.
  WorkerCandidate off = Worker("off", {}, 0.1);
  off.in_shift = false;
  ranked = RankWorkers({off, Worker("on", {}, 3)}, "", kSite, {});
  EXPECT_EQ(Order(ranked).front(), "on");
}

TEST(RankWorkers, RoundRobinAmongEqualsAndNobodyOfferedTwice) {
  WorkerCandidate a = Worker("a", {}, 1), b = Worker("b", {}, 1), c = Worker("c", {}, 1);
  a.last_offered = kNow - absl::Minutes(5);
  b.last_offered = kNow - absl::Minutes(30);
  // c was never offered anything: first; then the one offered longest ago.
  EXPECT_EQ(Order(RankWorkers({a, b, c}, "", kSite, {})),
            (std::vector<std::string>{"c", "b", "a"}));
  EXPECT_EQ(Order(RankWorkers({a, b, c}, "", kSite, {"c", "b"})), std::vector<std::string>{"a"});
  EXPECT_TRUE(RankWorkers({a}, "", kSite, {"a"}).empty());
}

TEST(RankWorkers, UnknownPlacesScoreInTheMiddle) {
  WorkerCandidate nowhere{.user_id = "x", .name = "x"};
  auto ranked = RankWorkers({nowhere}, "", kSite, {});
  ASSERT_EQ(ranked.size(), 1u);
  EXPECT_EQ(ranked[0].distance_km, -1);
  EXPECT_EQ(ranked[0].distance, 0.5);
  EXPECT_NE(ranked[0].reason.find("位置未知"), std::string::npos);
}

}  // namespace
}  // namespace qq::dispatch
