#include "services/order/domain/sla/sla_clock.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "services/order/domain/sla/field_error.h"

namespace qq::order::sla {
namespace {

bool IsInfinite(absl::Time t) { return t == absl::InfiniteFuture() || t == absl::InfinitePast(); }

}  // namespace

absl::StatusOr<SlaClock> SlaClock::Create(BusinessCalendar calendar, absl::Time start,
                                          absl::Duration target, std::vector<Pause> pauses) {
  if (IsInfinite(start)) return InvalidField("start", "must be a finite instant");
  if (target <= absl::ZeroDuration() || target == absl::InfiniteDuration()) {
    return InvalidField(
        "target", absl::StrCat("must be positive and finite, got ", absl::FormatDuration(target)));
  }
  for (size_t i = 0; i < pauses.size(); ++i) {
    const Pause& p = pauses[i];
    if (IsInfinite(p.from)) {
      return InvalidField(absl::StrCat("pauses[", i, "]"), "from must be a finite instant");
    }
    if (p.to < p.from) {
      return InvalidField(absl::StrCat("pauses[", i, "]"),
                          absl::StrCat("ends (", absl::FormatTime(p.to), ") before it starts (",
                                       absl::FormatTime(p.from), ")"));
    }
  }
  std::sort(pauses.begin(), pauses.end(),
            [](const Pause& a, const Pause& b) { return a.from < b.from; });

  // The complement of the pauses within [start, ∞). Sorted by `from`, each pause either
  // lies past the cursor (a running stretch ends at it) or overlaps what came before.
  std::vector<Running> running;
  absl::Time cursor = start;
  for (const Pause& p : pauses) {
    if (p.to <= cursor) continue;
    if (p.from > cursor) running.push_back({cursor, p.from});
    cursor = std::max(cursor, p.to);
    if (cursor == absl::InfiniteFuture()) break;
  }
  if (cursor != absl::InfiniteFuture()) running.push_back({cursor, absl::InfiniteFuture()});
  return SlaClock(std::move(calendar), start, target, std::move(running));
}

SlaClock::SlaClock(BusinessCalendar calendar, absl::Time start, absl::Duration target,
                   std::vector<Running> running)
    : calendar_(std::move(calendar)),
      start_(start),
      target_(target),
      running_(std::move(running)) {}

absl::Time SlaClock::Deadline() const { return WhenElapsed(target_); }

absl::Duration SlaClock::Elapsed(absl::Time now) const {
  absl::Duration elapsed = absl::ZeroDuration();
  for (const Running& r : running_) {
    if (r.from >= now) break;
    elapsed += calendar_.WorkingTimeBetween(r.from, std::min(r.to, now));
  }
  return elapsed;
}

double SlaClock::ElapsedShare(absl::Time now) const {
  return absl::FDivDuration(Elapsed(now), target_);
}

absl::Duration SlaClock::Remaining(absl::Time now) const { return target_ - Elapsed(now); }

absl::Time SlaClock::WarningAt(double share) const {
  if (!(share > 0)) return start_;  // also catches NaN
  return WhenElapsed(target_ * share);
}

absl::Time SlaClock::WhenElapsed(absl::Duration working) const {
  if (working <= absl::ZeroDuration()) return start_;
  absl::Duration remaining = working;
  for (const Running& r : running_) {
    if (r.to == absl::InfiniteFuture()) return calendar_.AddWorkingTime(r.from, remaining);
    const absl::Duration available = calendar_.WorkingTimeBetween(r.from, r.to);
    if (available >= remaining) return calendar_.AddWorkingTime(r.from, remaining);
    remaining -= available;
  }
  return absl::InfiniteFuture();  // the last pause is still open
}

}  // namespace qq::order::sla
