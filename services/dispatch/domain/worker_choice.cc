#include "services/dispatch/domain/worker_choice.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace qq::dispatch {

double DistanceKm(const GeoPoint& a, const GeoPoint& b) {
  constexpr double kEarthRadiusKm = 6371.0088;
  constexpr double kRad = M_PI / 180;
  const double dlat = (b.lat - a.lat) * kRad, dlng = (b.lng - a.lng) * kRad;
  const double h =
      std::sin(dlat / 2) * std::sin(dlat / 2) +
      std::cos(a.lat * kRad) * std::cos(b.lat * kRad) * std::sin(dlng / 2) * std::sin(dlng / 2);
  return 2 * kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(h)));
}

std::vector<WorkerScore> RankWorkers(const std::vector<WorkerCandidate>& candidates,
                                     const std::string& required_skill,
                                     const std::optional<GeoPoint>& site,
                                     const std::set<std::string>& exclude) {
  auto has_skill = [&](const WorkerCandidate& c) {
    return required_skill.empty() ||
           std::find(c.skills.begin(), c.skills.end(), required_skill) != c.skills.end();
  };
  std::vector<const WorkerCandidate*> pool;
  bool anyone_skilled = false;
  for (const auto& c : candidates) {
    if (exclude.count(c.user_id) > 0) continue;
    pool.push_back(&c);
    anyone_skilled = anyone_skilled || has_skill(c);
  }
  std::vector<std::pair<WorkerScore, std::optional<absl::Time>>> ranked;
  for (const WorkerCandidate* c : pool) {
    const bool skilled = has_skill(*c);
    if (anyone_skilled && !skilled) continue;
    WorkerScore s;
    s.user_id = c->user_id;
    s.name = c->name;
    s.skill = skilled ? 1 : 0;
    s.open_orders = c->open_orders;
    s.load = 1.0 / (1 + c->open_orders);
    const std::optional<GeoPoint> from = c->position ? c->position : c->home;
    if (site && from) {
      s.distance_km = DistanceKm(*from, *site);
      s.distance = 1.0 / (1 + s.distance_km / 3);
    } else {
      s.distance = 0.5;
    }
    s.in_shift = c->in_shift;
    s.total = (kSkillWeight * s.skill + kLoadWeight * s.load + kDistanceWeight * s.distance) *
              (c->in_shift ? 1.0 : kOffShiftFactor);
    s.reason = absl::StrCat(
        required_skill.empty() ? "无技能要求"
                               : absl::StrCat("技能 ", required_skill, skilled ? " ✓" : " ✗"),
        ", 在手 ", c->open_orders, " 单",
        s.distance_km >= 0 ? absl::StrFormat(", 距离 %.1f km", s.distance_km) : ", 位置未知",
        c->in_shift ? ", 当班" : ", 非当班");
    ranked.push_back({std::move(s), c->last_offered});
  }
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    const long long ta = std::llround(a.first.total * 1000),
                    tb = std::llround(b.first.total * 1000);
    if (ta != tb) return ta > tb;
    if (a.second != b.second) {
      if (!a.second) return true;  // never offered first
      if (!b.second) return false;
      return *a.second < *b.second;
    }
    return a.first.user_id < b.first.user_id;
  });
  std::vector<WorkerScore> out;
  for (auto& r : ranked) out.push_back(std::move(r.first));
  return out;
}

}  // namespace qq::dispatch
