#include "services/dispatch/domain/area_boundary.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <limits>

#include "services/common/status.h"

namespace qq::dispatch {
namespace {

const std::vector<GeoPoint> kTriangle = {{31.20, 121.50}, {31.20, 121.60}, {31.30, 121.55}};

TEST(AreaBoundary, ClosesAnOpenRing) {
  auto boundary = AreaBoundary::FromRing(kTriangle);
  ASSERT_TRUE(boundary.ok()) << boundary.status();
  ASSERT_EQ(boundary->closed_ring().size(), 4u);
  EXPECT_EQ(boundary->closed_ring().front(), boundary->closed_ring().back());
  EXPECT_EQ(boundary->OpenRing(), kTriangle);
}

TEST(AreaBoundary, KeepsOneClosingPointWhenTheClientClosedTheRing) {
  std::vector<GeoPoint> closed = kTriangle;
  closed.push_back(kTriangle.front());
  auto boundary = AreaBoundary::FromRing(closed);
  ASSERT_TRUE(boundary.ok()) << boundary.status();
  EXPECT_EQ(boundary->closed_ring().size(), 4u);
  EXPECT_EQ(boundary->OpenRing(), kTriangle);
}

TEST(AreaBoundary, DropsRepeatedConsecutivePoints) {
  auto boundary = AreaBoundary::FromRing(
      {kTriangle[0], kTriangle[0], kTriangle[1], kTriangle[2], kTriangle[2]});
  ASSERT_TRUE(boundary.ok()) << boundary.status();
  EXPECT_EQ(boundary->OpenRing(), kTriangle);
}

TEST(AreaBoundary, RejectsFewerThanThreeDistinctPointsNamingTheBoundary) {
  for (const std::vector<GeoPoint>& ring : std::vector<std::vector<GeoPoint>>{
           {},
           {kTriangle[0]},
           {kTriangle[0], kTriangle[1]},
           {kTriangle[0], kTriangle[1], kTriangle[0]},
           // Four points, but only two places.
           {kTriangle[0], kTriangle[1], kTriangle[0], kTriangle[1]}}) {
    auto boundary = AreaBoundary::FromRing(ring);
    ASSERT_EQ(boundary.status().code(), absl::StatusCode::kInvalidArgument) << ring.size();
    EXPECT_EQ(FieldOf(boundary.status()), "area.boundary");
  }
}

TEST(AreaBoundary, RejectsCoordinatesOutOfRangeNamingThePoint) {
  std::vector<GeoPoint> ring = kTriangle;
  ring[1].lat = 90.5;
  EXPECT_EQ(FieldOf(AreaBoundary::FromRing(ring).status()), "area.boundary[1].lat");
  ring = kTriangle;
  ring[2].lng = -180.01;
  EXPECT_EQ(FieldOf(AreaBoundary::FromRing(ring).status()), "area.boundary[2].lng");
  ring = kTriangle;
  ring[0].lat = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(FieldOf(AreaBoundary::FromRing(ring).status()), "area.boundary[0].lat");
}

TEST(AreaBoundary, AcceptsTheExtremesOfTheRanges) {
  auto boundary = AreaBoundary::FromRing({{-90, -180}, {-90, 180}, {90, 0}});
  EXPECT_TRUE(boundary.ok()) << boundary.status();
}

TEST(AreaBoundary, WritesWktLongitudeFirstWithExactNumbers) {
  auto boundary = AreaBoundary::Rectangle(31.2, 31.3, 121.5, 121.6);
  ASSERT_TRUE(boundary.ok()) << boundary.status();
  EXPECT_EQ(boundary->ToWkt(), "POLYGON((121.5 31.2,121.6 31.2,121.6 31.3,121.5 31.3,121.5 31.2))");
  // Shortest text that reads back as the very same double.
  const double lat = 31.123456789012345;
  auto precise = AreaBoundary::FromRing({{lat, 121.1}, {31.2, 121.2}, {31.3, 121.1}});
  ASSERT_TRUE(precise.ok());
  const std::string wkt = precise->ToWkt();
  const size_t at = wkt.find("121.1 ");
  ASSERT_NE(at, std::string::npos) << wkt;
  EXPECT_EQ(std::strtod(wkt.c_str() + at + 6, nullptr), lat) << wkt;
}

TEST(GeoPoint, NamesTheFieldThatIsOutOfRange) {
  EXPECT_TRUE(ValidateGeoPoint({31.25, 121.55}, "lat", "lng").ok());
  EXPECT_EQ(FieldOf(ValidateGeoPoint({-91, 0}, "lat", "lng")), "lat");
  EXPECT_EQ(FieldOf(ValidateGeoPoint({0, 181}, "lat", "lng")), "lng");
  EXPECT_EQ(FieldOf(ValidateGeoPoint({0, std::numeric_limits<double>::infinity()}, "lat", "lng")),
            "lng");
}

}  // namespace
}  // namespace qq::dispatch
