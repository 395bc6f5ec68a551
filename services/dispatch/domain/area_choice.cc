#include "services/dispatch/domain/area_choice.h"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace qq::dispatch {
namespace {

// Sort key: smaller ranks first.
auto RankKey(const CoveringArea& area) {
  return std::make_tuple(-static_cast<long long>(area.priority), std::llround(area.size_m2),
                         std::cref(area.id));
}

}  // namespace

std::optional<CoveringArea> ChooseCoveringArea(const std::vector<CoveringArea>& candidates) {
  auto best = std::min_element(
      candidates.begin(), candidates.end(),
      [](const CoveringArea& a, const CoveringArea& b) { return RankKey(a) < RankKey(b); });
  if (best == candidates.end()) return std::nullopt;
  return *best;
}

}  // namespace qq::dispatch
