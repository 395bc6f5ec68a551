// A routing plan: one ordered route per vehicle, and the stops left out with the reason.
#pragma once

#include <string_view>
#include <vector>

namespace qq::dispatch::vrptw {

// Why a stop could not be placed anywhere, as determined by trying every position.
enum class UnservedReason {
  kTimeWindow,  // every vehicle would arrive after its window (or make a later stop late)
  kCapacity,    // its demand exceeds every vehicle that could otherwise take it
  kShiftEnd,    // it could be served in time, but the vehicle could not be back by shift end
  kNoVehicle,   // there is no vehicle at all
};

// "TIME_WINDOW", "CAPACITY", "SHIFT_END", "NO_VEHICLE".
std::string_view UnservedReasonName(UnservedReason reason);

struct PlannedRoute {
  int vehicle = 0;         // index into Problem::vehicles
  std::vector<int> stops;  // indices into Problem::stops, the fixed prefix first
};

struct UnservedStop {
  int stop = 0;
  UnservedReason reason = UnservedReason::kTimeWindow;
};

// `routes` has one entry per vehicle, routes[k].vehicle == k (an idle vehicle has no stops).
struct Plan {
  std::vector<PlannedRoute> routes;
  std::vector<UnservedStop> unserved;
};

}  // namespace qq::dispatch::vrptw
