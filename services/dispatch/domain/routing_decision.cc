#include "services/dispatch/domain/routing_decision.h"

namespace qq::dispatch {

RoutingDecision DecideRouting(const std::optional<CoveringArea>& area,
                              const std::optional<TeamRef>& default_team) {
  RoutingDecision decision;
  if (area.has_value()) {
    decision.team = TeamRef{area->team_id, area->team_name};
    decision.area = area;
    decision.outside_areas = false;
  } else {
    decision.team = default_team;
    decision.outside_areas = true;
  }
  return decision;
}

}  // namespace qq::dispatch
