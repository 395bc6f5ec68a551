// Which worker gets a work order: skill match, open load, distance from where they are
// and whether they are in their shift, with round-robin among equals so nobody is buried.
// Pure: no I/O.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "services/dispatch/domain/geo_point.h"

namespace qq::dispatch {

struct WorkerCandidate {
  std::string user_id;
  std::string name;
  std::vector<std::string> skills;
  std::optional<GeoPoint> position;  // last reported, if recent
  std::optional<GeoPoint> home;
  int open_orders = 0;  // offered or accepted and not finished
  bool in_shift = true;
  std::optional<absl::Time> last_offered;
};

struct WorkerScore {
  std::string user_id;
  std::string name;
  double total = 0;
  double skill = 0;     // 1: has the skill (or none is needed)
  double load = 0;      // 1 / (1 + open orders)
  double distance = 0;  // 1 / (1 + km / 3); 0.5 when unknown
  double distance_km = -1;
  int open_orders = 0;
  bool in_shift = true;
  std::string reason;  // e.g. "技能 水表 ✓, 在手 1 单, 距离 1.2 km, 当班"
};

// Weights of the parts; the total is scaled by 0.6 outside the shift.
inline constexpr double kSkillWeight = 0.4, kLoadWeight = 0.3, kDistanceWeight = 0.3;
inline constexpr double kOffShiftFactor = 0.6;

// Best first. Workers in `exclude` (offered before) are left out; when anyone left has
// `required_skill`, only those are ranked. Equal totals (to 0.001) go to the one offered
// least recently (never offered first), then by user id.
std::vector<WorkerScore> RankWorkers(const std::vector<WorkerCandidate>& candidates,
                                     const std::string& required_skill,
                                     const std::optional<GeoPoint>& site,
                                     const std::set<std::string>& exclude);

// Great-circle distance in kilometres.
double DistanceKm(const GeoPoint& a, const GeoPoint& b);

}  // namespace qq::dispatch
