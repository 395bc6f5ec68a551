#include "services/dispatch/domain/area_boundary.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/common/status.h"

namespace qq::dispatch {
namespace {

constexpr size_t kMinDistinctPoints = 3;

void AppendNumber(std::string& out, double value) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, ec == std::errc() ? end : buffer);
}

size_t CountDistinct(std::vector<GeoPoint> points) {
  auto less = [](const GeoPoint& a, const GeoPoint& b) {
    return std::pair(a.lat, a.lng) < std::pair(b.lat, b.lng);
  };
  std::sort(points.begin(), points.end(), less);
  return std::unique(points.begin(), points.end()) - points.begin();
}

}  // namespace

absl::StatusOr<AreaBoundary> AreaBoundary::FromRing(const std::vector<GeoPoint>& ring) {
  std::vector<GeoPoint> points;
  points.reserve(ring.size() + 1);
  for (size_t i = 0; i < ring.size(); ++i) {
    const std::string prefix = absl::StrCat(kBoundaryField, "[", i, "]");
    QQ_RETURN_IF_ERROR(
        ValidateGeoPoint(ring[i], absl::StrCat(prefix, ".lat"), absl::StrCat(prefix, ".lng")));
    if (points.empty() || !(points.back() == ring[i])) points.push_back(ring[i]);
  }
  // A client that closed the ring itself sent the first point again at the end.
  if (points.size() > 1 && points.back() == points.front()) points.pop_back();
  if (CountDistinct(points) < kMinDistinctPoints) {
    return InvalidField(kBoundaryField, "a boundary needs at least 3 distinct points");
  }
  points.push_back(points.front());
  return AreaBoundary(std::move(points));
}

absl::StatusOr<AreaBoundary> AreaBoundary::Rectangle(double lat_min, double lat_max, double lng_min,
                                                     double lng_max) {
  return FromRing({{lat_min, lng_min}, {lat_min, lng_max}, {lat_max, lng_max}, {lat_max, lng_min}});
}

std::vector<GeoPoint> AreaBoundary::OpenRing() const {
  return std::vector<GeoPoint>(closed_.begin(), closed_.end() - 1);
}

std::string AreaBoundary::ToWkt() const {
  std::string wkt = "POLYGON((";
  for (size_t i = 0; i < closed_.size(); ++i) {
    if (i > 0) wkt += ',';
    // WKT and PostGIS put x (longitude) first.
    AppendNumber(wkt, closed_[i].lng);
    wkt += ' ';
    AppendNumber(wkt, closed_[i].lat);
  }
  wkt += "))";
  return wkt;
}

}  // namespace qq::dispatch
