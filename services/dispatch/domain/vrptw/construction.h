// Internal to the optimiser: a first feasible solution to start from.
#pragma once

#include <vector>

#include "services/dispatch/domain/vrptw/search_state.h"

namespace qq::dispatch::vrptw {

// Cheapest feasible insertion, clients taken by closing time of their window (the most
// urgent first): each goes where it adds the least distance next to an already planned
// neighbour, else anywhere on the vehicles already out; when it fits none, the active idle
// vehicle that serves it alone most cheaply is sent out. Clients that fit nowhere at all
// are appended to `pool`. Starts from `state`'s routes.
void ConstructFeasible(SearchState& state, std::vector<int>& pool);

}  // namespace qq::dispatch::vrptw
