#include "services/order/domain/sla/escalation.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "services/order/domain/sla/field_error.h"

namespace qq::order::sla {
absl::StatusOr<EscalationChain> EscalationChain::Create(std::vector<EscalationStep> steps) {
  for (size_t i = 0; i < steps.size(); ++i) {
    const EscalationStep& step = steps[i];
    const std::string owner = absl::StrCat("steps[", i, "]");
    for (size_t j = 0; j < i; ++j) {
      if (steps[j].level == step.level) {
        return InvalidField(
            absl::StrCat(owner, ".level"),
            absl::StrCat("level ", step.level, " is already used by steps[", j, "]"));
      }
    }
    if (step.notify_role.empty()) {
      return InvalidField(absl::StrCat(owner, ".notifyRole"), "must name a role");
    }
    if (!std::isfinite(step.target_share) || step.target_share < 0) {
      return InvalidField(absl::StrCat(owner, ".targetShare"),
                          absl::StrCat("must be a finite share >= 0, got ", step.target_share));
    }
    if (step.after < absl::ZeroDuration() || step.after == absl::InfiniteDuration()) {
      return InvalidField(
          absl::StrCat(owner, ".after"),
          absl::StrCat("must be finite and >= 0, got ", absl::FormatDuration(step.after)));
    }
  }
  return EscalationChain(std::move(steps));
}

std::vector<DueEscalation> EscalationChain::Schedule(const SlaClock& clock) const {
  std::vector<DueEscalation> schedule;
  schedule.reserve(steps_.size());
  for (const EscalationStep& step : steps_) {
    const absl::Duration working = clock.target() * step.target_share + step.after;
    schedule.push_back({step.level, step.notify_role, clock.WhenElapsed(working)});
  }
  std::sort(schedule.begin(), schedule.end(), [](const DueEscalation& a, const DueEscalation& b) {
    return a.due_at != b.due_at ? a.due_at < b.due_at : a.level < b.level;
  });
  return schedule;
}

std::vector<DueEscalation> EscalationChain::DueAt(const SlaClock& clock, absl::Time now,
                                                  const std::vector<int>& fired) const {
  std::vector<DueEscalation> due = Schedule(clock);
  std::erase_if(due, [&](const DueEscalation& step) {
    return step.due_at > now || std::find(fired.begin(), fired.end(), step.level) != fired.end();
  });
  return due;
}

}  // namespace qq::order::sla
