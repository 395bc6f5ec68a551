// Which service area serves a point when several cover it. Pure: no database.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace qq::dispatch {

// An area that covers the point being resolved, with what the rule needs to rank it.
struct CoveringArea {
  std::string id{};
  std::string name{};
  std::string team_id{};
  std::string team_name{};
  int priority = 0;
  // Surface on the WGS-84 spheroid, m².
  double size_m2 = 0;
};

// The winner among `candidates`: the highest priority; among equal priorities the
// smaller area (the more specific one, e.g. a housing estate inside a district),
// compared in whole square metres so that float noise between two equal shapes never
// decides; then the smaller id, so a point on a shared edge always gets the same area.
// nullopt when there are no candidates.
std::optional<CoveringArea> ChooseCoveringArea(const std::vector<CoveringArea>& candidates);

}  // namespace qq::dispatch
