// A WGS-84 point in degrees and the range check every coordinate from a client passes.
// Pure: no database.
#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace qq::dispatch {

struct GeoPoint {
  double lat = 0;
  double lng = 0;

  friend bool operator==(const GeoPoint&, const GeoPoint&) = default;
};

// INVALID_ARGUMENT naming `lat_field` unless lat is finite and in [-90, 90], or
// `lng_field` unless lng is finite and in [-180, 180].
absl::Status ValidateGeoPoint(const GeoPoint& point, absl::string_view lat_field,
                              absl::string_view lng_field);

}  // namespace qq::dispatch
