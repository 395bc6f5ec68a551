// Solomon's VRPTW text format (also used by Gehring & Homberger's larger sets), for the
// benchmark and tests. Pure: parses text, reads no files.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "services/dispatch/domain/vrptw/problem.h"
#include "services/dispatch/domain/vrptw/travel_model.h"

namespace qq::dispatch::vrptw {

struct SolomonInstance {
  std::string name;
  int vehicles = 0;  // K: vehicles available
  int capacity = 0;  // Q: capacity of each
  // Row 0 is the depot (its due date is the horizon), rows 1.. the customers.
  std::vector<PlanarPoint> points;
  std::vector<int> demand;
  std::vector<double> ready, due, service;
};

// The name is the first non-blank line; K and Q the first line of exactly two numbers;
// every line of exactly seven numbers is a row (no reliance on columns or header wording;
// CRLF or LF). INVALID_ARGUMENT when there is no name, no K/Q line, no depot row, or a row's
// numbers are out of range (negative demand, due before ready).
absl::StatusOr<SolomonInstance> ParseSolomon(std::string_view text);

// The instance as a Problem: one stop per customer (stop i = customer row i+1, location
// i+1), K identical vehicles leaving the depot (location 0) at its ready time and due back
// by its due date. `travel` must be MatrixTravelModel::Euclidean(instance.points) or alike.
Problem SolomonProblem(const SolomonInstance& instance, const TravelModel* travel);

}  // namespace qq::dispatch::vrptw
