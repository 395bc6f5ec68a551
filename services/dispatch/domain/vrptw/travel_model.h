// Travel times and distances between locations: the optimiser's only view of geography.
// Two implementations: precomputed matrices (benchmarks, or a road-network provider's
// answer) and straight-line distance × detour factor at a speed per vehicle type.
#pragma once

#include <vector>

#include "absl/status/statusor.h"

namespace qq::dispatch::vrptw {

// Travel between locations 0..LocationCount()-1. Time depends on the vehicle's travel
// profile (bicycle, tricycle, van…); distance does not. Calls must be deterministic and
// cheap: the optimiser may call them millions of times (it copies them into dense
// matrices when the instance is small enough).
class TravelModel {
 public:
  virtual ~TravelModel() = default;
  virtual int LocationCount() const = 0;
  // Profiles are 0..ProfileCount()-1; `Vehicle::travel_profile` picks one.
  virtual int ProfileCount() const = 0;
  // Time to drive from `from` to `to` with profile `profile`, in the problem's time unit.
  virtual double Time(int from, int to, int profile) const = 0;
  // Distance from `from` to `to`, in the unit the objective minimises.
  virtual double Distance(int from, int to) const = 0;
};

struct PlanarPoint {
  double x = 0;
  double y = 0;
};

// Row-major matrices given in full.
class MatrixTravelModel final : public TravelModel {
 public:
  // `distance` holds n×n values; `time_per_profile` one n×n matrix per profile (at least
  // one). INVALID_ARGUMENT on wrong sizes or negative, NaN or infinite entries.
  static absl::StatusOr<MatrixTravelModel> Create(
      int n, std::vector<double> distance, std::vector<std::vector<double>> time_per_profile);

  // Euclidean distance between planar points, unrounded (the convention of the Solomon
  // benchmark tables); time = distance / speed, one profile per entry of `speeds`.
  static MatrixTravelModel Euclidean(const std::vector<PlanarPoint>& points,
                                     const std::vector<double>& speeds = {1.0});

  int LocationCount() const override { return n_; }
  int ProfileCount() const override { return static_cast<int>(time_.size()); }
  double Time(int from, int to, int profile) const override {
    return time_[profile][static_cast<size_t>(from) * n_ + to];
  }
  double Distance(int from, int to) const override {
    return distance_[static_cast<size_t>(from) * n_ + to];
  }

 private:
  MatrixTravelModel(int n, std::vector<double> distance, std::vector<std::vector<double>> time)
      : n_(n), distance_(std::move(distance)), time_(std::move(time)) {}

  int n_;
  std::vector<double> distance_;
  std::vector<std::vector<double>> time_;
};

struct LatLng {
  double lat = 0;
  double lng = 0;
};

// Great-circle distance × `detour_factor` (streets are not straight; ~1.3 in a city grid),
// in metres; time = that distance / the profile's speed in m/s, in seconds. Nothing is
// precomputed, so building one for thousands of points costs nothing.
class HaversineTravelModel final : public TravelModel {
 public:
  // INVALID_ARGUMENT on an out-of-range coordinate, a detour factor below 1, no speeds or a
  // speed that is not positive.
  static absl::StatusOr<HaversineTravelModel> Create(std::vector<LatLng> points,
                                                     double detour_factor,
                                                     std::vector<double> speed_m_per_s);

  int LocationCount() const override { return static_cast<int>(points_.size()); }
  int ProfileCount() const override { return static_cast<int>(speed_.size()); }
  double Time(int from, int to, int profile) const override {
    return Distance(from, to) / speed_[profile];
  }
  double Distance(int from, int to) const override;

 private:
  struct Point {
    double lat_rad;
    double lng_rad;
    double cos_lat;
  };
  HaversineTravelModel(std::vector<Point> points, double detour_factor, std::vector<double> speed)
      : points_(std::move(points)), detour_(detour_factor), speed_(std::move(speed)) {}

  std::vector<Point> points_;
  double detour_;
  std::vector<double> speed_;
};

}  // namespace qq::dispatch::vrptw
