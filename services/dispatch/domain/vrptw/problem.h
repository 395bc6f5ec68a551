// A vehicle-routing problem with time windows as the dispatch service states it: stops to
// serve, the vehicles (couriers) on duty, what each has already started, and how to travel.
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "services/dispatch/domain/vrptw/travel_model.h"

namespace qq::dispatch::vrptw {

inline constexpr double kNoDeadline = std::numeric_limits<double>::infinity();

// Times are plain numbers in one unit across the problem (the dispatch service uses seconds
// since the start of the business day; the Solomon benchmark its own unit).
struct Stop {
  std::string id{};
  int location = 0;             // index into the travel model
  int demand = 0;               // barrels delivered here
  double service_time = 0;      // time spent at the stop
  double earliest = 0;          // service may not start before this (the vehicle waits)
  double latest = kNoDeadline;  // service must start by this
};

struct Vehicle {
  std::string id{};
  int start_location = 0;          // where it is now (home base, or its position when re-planning)
  int end_location = 0;            // where it must return (depot / home base)
  int capacity = 0;                // barrels
  double shift_start = 0;          // it leaves start_location no earlier than this
  double shift_end = kNoDeadline;  // it must be back at end_location by this
  int travel_profile = 0;          // the travel model's profile (vehicle type → speed)
  // Stops (indices into Problem::stops) already started or under way: they stay the first
  // stops of this vehicle's route, in this order, whatever the optimiser does.
  std::vector<int> fixed_prefix{};
};

struct Problem {
  std::vector<Stop> stops{};
  std::vector<Vehicle> vehicles{};
  const TravelModel* travel = nullptr;  // not owned; must outlive every call using it
};

// INVALID_ARGUMENT naming the first offending field: no travel model; a location or profile
// out of the model's range; a negative demand, capacity or service time; a window or shift
// that ends before it starts or is NaN; a fixed prefix naming a stop that does not exist or
// a stop twice (in one prefix or in two).
absl::Status ValidateProblem(const Problem& problem);

}  // namespace qq::dispatch::vrptw
