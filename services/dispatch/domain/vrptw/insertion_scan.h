// Internal to the optimiser: every position a stop could take in an existing plan, priced
// and checked straight against the TravelModel (no matrices, so it is fast on a plan of
// thousands of stops). Serves Insert and the explanation of unserved stops.
#pragma once

#include <optional>

#include "services/dispatch/domain/vrptw/plan.h"
#include "services/dispatch/domain/vrptw/problem.h"

namespace qq::dispatch::vrptw {

struct InsertionScan {
  // The cheapest position that breaks nothing (no new or worse lateness, no overload, no
  // later return than the shift allows), if any.
  int vehicle = -1;
  int position = -1;  // index in routes[vehicle].stops the stop would take
  double cost = 0;    // added distance, plus the vehicle cost when the vehicle was idle
  double added_distance = 0;
  // Otherwise, why not (see UnservedReason).
  UnservedReason reason = UnservedReason::kNoVehicle;
  bool found() const { return vehicle >= 0; }
};

// Scans every position after each vehicle's fixed prefix. `plan` must be well formed (one
// route per vehicle, prefixes kept, indices valid); `stop` must not be in it.
InsertionScan ScanInsertion(const Problem& problem, const Plan& plan, int stop,
                            double vehicle_cost);

}  // namespace qq::dispatch::vrptw
