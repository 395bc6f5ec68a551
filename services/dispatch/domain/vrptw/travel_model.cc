#include "services/dispatch/domain/vrptw/travel_model.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace qq::dispatch::vrptw {
namespace {

constexpr double kEarthRadiusM = 6371008.8;  // mean radius (IUGG)
constexpr double kDegToRad = M_PI / 180.0;

bool ValidEntry(double v) { return std::isfinite(v) && v >= 0; }

}  // namespace

absl::StatusOr<MatrixTravelModel> MatrixTravelModel::Create(
    int n, std::vector<double> distance, std::vector<std::vector<double>> time_per_profile) {
  if (n < 0) return absl::InvalidArgumentError("matrix size is negative");
  const size_t cells = static_cast<size_t>(n) * n;
  if (distance.size() != cells) {
    return absl::InvalidArgumentError(
        absl::StrCat("distance matrix has ", distance.size(), " entries, want ", cells));
  }
  if (time_per_profile.empty()) return absl::InvalidArgumentError("no time matrix");
  for (double d : distance) {
    if (!ValidEntry(d)) return absl::InvalidArgumentError("distance entry negative or not finite");
  }
  for (size_t p = 0; p < time_per_profile.size(); ++p) {
    if (time_per_profile[p].size() != cells) {
      return absl::InvalidArgumentError(absl::StrCat("time matrix of profile ", p, " has ",
                                                     time_per_profile[p].size(), " entries, want ",
                                                     cells));
    }
    for (double t : time_per_profile[p]) {
      if (!ValidEntry(t)) return absl::InvalidArgumentError("time entry negative or not finite");
    }
  }
  return MatrixTravelModel(n, std::move(distance), std::move(time_per_profile));
}

MatrixTravelModel MatrixTravelModel::Euclidean(const std::vector<PlanarPoint>& points,
                                               const std::vector<double>& speeds) {
  const int n = static_cast<int>(points.size());
  std::vector<double> distance(static_cast<size_t>(n) * n);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      distance[static_cast<size_t>(i) * n + j] =
          std::hypot(points[i].x - points[j].x, points[i].y - points[j].y);
    }
  }
  std::vector<std::vector<double>> time;
  for (double speed : speeds) {
    if (speed == 1.0) {
      time.push_back(distance);
      continue;
    }
    std::vector<double> t(distance.size());
    for (size_t c = 0; c < t.size(); ++c) t[c] = distance[c] / speed;
    time.push_back(std::move(t));
  }
  return MatrixTravelModel(n, std::move(distance), std::move(time));
}

absl::StatusOr<HaversineTravelModel> HaversineTravelModel::Create(
    std::vector<LatLng> points, double detour_factor, std::vector<double> speed_m_per_s) {
  if (!(detour_factor >= 1.0) || !std::isfinite(detour_factor)) {
    return absl::InvalidArgumentError("detour factor must be a finite number >= 1");
  }
  if (speed_m_per_s.empty()) return absl::InvalidArgumentError("no speed given");
  for (double s : speed_m_per_s) {
    if (!(s > 0) || !std::isfinite(s)) {
      return absl::InvalidArgumentError("speeds must be finite and positive");
    }
  }
  std::vector<Point> converted;
  converted.reserve(points.size());
  for (size_t i = 0; i < points.size(); ++i) {
    const LatLng& p = points[i];
    if (!(p.lat >= -90 && p.lat <= 90) || !(p.lng >= -180 && p.lng <= 180)) {
      return absl::InvalidArgumentError(absl::StrCat("point ", i, " is out of range"));
    }
    converted.push_back({p.lat * kDegToRad, p.lng * kDegToRad, std::cos(p.lat * kDegToRad)});
  }
  return HaversineTravelModel(std::move(converted), detour_factor, std::move(speed_m_per_s));
}

double HaversineTravelModel::Distance(int from, int to) const {
  if (from == to) return 0;
  const Point& a = points_[from];
  const Point& b = points_[to];
  const double s_lat = std::sin((b.lat_rad - a.lat_rad) / 2);
  const double s_lng = std::sin((b.lng_rad - a.lng_rad) / 2);
  const double h = s_lat * s_lat + a.cos_lat * b.cos_lat * s_lng * s_lng;
  return 2 * kEarthRadiusM * std::asin(std::sqrt(std::min(1.0, h))) * detour_;
}

}  // namespace qq::dispatch::vrptw
