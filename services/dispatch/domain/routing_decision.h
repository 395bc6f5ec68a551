// Where a new work order goes: the team of the area its address lies in, else the
// tenant's default team (调度中心), else nowhere yet. Pure: no database.
#pragma once

#include <optional>
#include <string>

#include "services/dispatch/domain/area_choice.h"

namespace qq::dispatch {

struct TeamRef {
  std::string id{};
  std::string name{};
};

struct RoutingDecision {
  // Empty when the tenant has neither a covering area nor a default team.
  std::optional<TeamRef> team{};
  // The area that decided, when one did.
  std::optional<CoveringArea> area{};
  // True unless an area decided (no location, or a location in no area).
  bool outside_areas = true;
};

// `area` is the chosen covering area (nullopt when the work order has no location or
// none covers it); `default_team` the tenant's default team, if any.
RoutingDecision DecideRouting(const std::optional<CoveringArea>& area,
                              const std::optional<TeamRef>& default_team);

}  // namespace qq::dispatch
