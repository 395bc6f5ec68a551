#include "services/dispatch/domain/geo_point.h"

#include <cmath>

#include "services/common/status.h"

namespace qq::dispatch {

absl::Status ValidateGeoPoint(const GeoPoint& point, absl::string_view lat_field,
                              absl::string_view lng_field) {
  // Written as "not inside" so that NaN fails too.
  if (!(point.lat >= -90 && point.lat <= 90)) {
    return InvalidField(lat_field, "latitude must be between -90 and 90 degrees");
  }
  if (!(point.lng >= -180 && point.lng <= 180)) {
    return InvalidField(lng_field, "longitude must be between -180 and 180 degrees");
  }
  return absl::OkStatus();
}

}  // namespace qq::dispatch
