// The outer ring of a service area (片区) as a client draws it on a map, checked and
// closed before PostGIS sees it. PostGIS still judges validity (self-intersection and
// the like); this catches what needs no geometry engine. Pure: no database.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/dispatch/domain/geo_point.h"

namespace qq::dispatch {

// Request field the boundary errors name.
inline constexpr char kBoundaryField[] = "area.boundary";

// PostGIS calls a ring of points on one line a valid polygon; an area must enclose at
// least this much (planar, in degrees²; about 1 m² at Shanghai's latitude).
inline constexpr double kMinSquareDegrees = 1e-10;

class AreaBoundary {
 public:
  // Drops repeated consecutive points (a closing point the client sent included) and
  // closes the ring. INVALID_ARGUMENT naming "area.boundary[i].lat" / "area.boundary[i].lng"
  // for a coordinate out of range, or "area.boundary" when fewer than 3 distinct points
  // remain.
  static absl::StatusOr<AreaBoundary> FromRing(const std::vector<GeoPoint>& ring);

  // The axis-aligned rectangle [lat_min, lat_max] × [lng_min, lng_max] (demo data).
  // Same errors as FromRing.
  static absl::StatusOr<AreaBoundary> Rectangle(double lat_min, double lat_max, double lng_min,
                                                double lng_max);

  // First point repeated last; at least 4 points.
  const std::vector<GeoPoint>& closed_ring() const { return closed_; }

  // The ring as a client sees it again: without the closing point.
  std::vector<GeoPoint> OpenRing() const;

  // "POLYGON((lng lat,...))" with shortest round-trip numbers, for ST_GeomFromText
  // (bound as a parameter, never spliced into SQL).
  std::string ToWkt() const;

 private:
  explicit AreaBoundary(std::vector<GeoPoint> closed) : closed_(std::move(closed)) {}
  std::vector<GeoPoint> closed_;
};

}  // namespace qq::dispatch
