#include "services/dispatch/domain/vrptw/solomon_instance.h"

#include <gtest/gtest.h>

namespace qq::dispatch::vrptw {
namespace {

// The layout of the published files: CRLF, blank lines (one holding a single space),
// header lines, then the rows.
constexpr char kTiny[] =
    "TINY1\r\n"
    "\r\n"
    "VEHICLE\r\n"
    "NUMBER     CAPACITY\r\n"
    "  3         20\r\n"
    "\r\n"
    "CUSTOMER\r\n"
    "CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\r\n"
    " \r\n"
    "    0      40         50          0          0       1236          0   \r\n"
    "    1      45         68         10        912        967         90   \r\n"
    "    2      45         70         30        825        870         90   \r\n";

TEST(ParseSolomon, ReadsNameFleetAndRowsByWhitespace) {
  auto parsed = ParseSolomon(kTiny);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->name, "TINY1");
  EXPECT_EQ(parsed->vehicles, 3);
  EXPECT_EQ(parsed->capacity, 20);
  ASSERT_EQ(parsed->points.size(), 3u);
  EXPECT_EQ(parsed->points[2].x, 45);
  EXPECT_EQ(parsed->points[2].y, 70);
  EXPECT_EQ(parsed->demand[1], 10);
  EXPECT_EQ(parsed->ready[2], 825);
  EXPECT_EQ(parsed->due[0], 1236);
  EXPECT_EQ(parsed->service[1], 90);
}

TEST(ParseSolomon, AcceptsLfAndOtherHeaderWording) {
  auto parsed = ParseSolomon(
      "g_h_like\nVehicles available and capacity\n  2  200\nrows follow\n"
      "0 0 0 0 0 100 0\n1 3 4 5 0 50 10\n");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->name, "g_h_like");
  EXPECT_EQ(parsed->points.size(), 2u);
}

TEST(ParseSolomon, RejectsTextWithoutFleetOrRows) {
  EXPECT_FALSE(ParseSolomon("").ok());
  EXPECT_FALSE(ParseSolomon("NAME\n0 0 0 0 0 100 0\n").ok());
  EXPECT_FALSE(ParseSolomon("NAME\n2 200\n").ok());
  EXPECT_FALSE(ParseSolomon("NAME\n2 200\n0 0 0 0 0 100 0\n1 1 1 -5 0 10 0\n").ok());
}

TEST(SolomonProblem, CustomersBecomeStopsAndTheFleetLeavesTheDepot) {
  auto parsed = ParseSolomon(kTiny);
  ASSERT_TRUE(parsed.ok());
  const MatrixTravelModel travel = MatrixTravelModel::Euclidean(parsed->points);
  const Problem p = SolomonProblem(*parsed, &travel);
  ASSERT_EQ(p.stops.size(), 2u);
  EXPECT_EQ(p.stops[0].location, 1);
  EXPECT_EQ(p.stops[1].demand, 30);
  EXPECT_EQ(p.stops[1].earliest, 825);
  EXPECT_EQ(p.stops[1].latest, 870);
  EXPECT_EQ(p.stops[0].service_time, 90);
  ASSERT_EQ(p.vehicles.size(), 3u);
  EXPECT_EQ(p.vehicles[0].capacity, 20);
  EXPECT_EQ(p.vehicles[0].start_location, 0);
  EXPECT_EQ(p.vehicles[0].end_location, 0);
  EXPECT_EQ(p.vehicles[0].shift_end, 1236);
  EXPECT_TRUE(ValidateProblem(p).ok());
}

}  // namespace
}  // namespace qq::dispatch::vrptw
