// The SLA clock of one order: a target amount of working time, counted in a business
// calendar from a start instant, stopped while the order is paused (e.g. waiting for the
// customer). Pure: no I/O, no clock is read (`now` is always a parameter).
#pragma once

#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/order/domain/sla/business_calendar.h"

namespace qq::order::sla {

// The clock stands still in [from, to). `to` == absl::InfiniteFuture(): still paused.
struct Pause {
  absl::Time from;
  absl::Time to = absl::InfiniteFuture();
};

class SlaClock {
 public:
  // Pauses may come in any order and may overlap or touch; they are merged, and the parts
  // before `start` are ignored. INVALID_ARGUMENT naming the field for: an infinite start
  // ("start"); a target that is not positive and finite ("target"); a pause with an
  // infinite `from` or a `to` before its `from` ("pauses[2]").
  static absl::StatusOr<SlaClock> Create(BusinessCalendar calendar, absl::Time start,
                                         absl::Duration target, std::vector<Pause> pauses = {});

  // When the whole target is used up; absl::InfiniteFuture() if the clock is paused (with
  // no end yet) before that, or the calendar never provides enough working time.
  absl::Time Deadline() const;

  // Working time counted from start to `now`, pauses excluded; zero before start. Not
  // capped: past the deadline it exceeds the target.
  absl::Duration Elapsed(absl::Time now) const;

  // Elapsed(now) / target: 0.5 at half time, 1.0 at the deadline, above 1 when overdue.
  double ElapsedShare(absl::Time now) const;

  // target - Elapsed(now); negative when overdue.
  absl::Duration Remaining(absl::Time now) const;

  // When `share` of the target is used up (0.8 → the 80 % warning; above 1 lies past the
  // deadline). A share <= 0 (or NaN) gives start.
  absl::Time WarningAt(double share) const;

  // The earliest instant at which Elapsed() reaches `working` (start for `working` <= 0);
  // absl::InfiniteFuture() when an open pause or the calendar keeps it from ever doing so.
  absl::Time WhenElapsed(absl::Duration working) const;

  absl::Time start() const { return start_; }
  absl::Duration target() const { return target_; }
  const BusinessCalendar& calendar() const { return calendar_; }

 private:
  // [from, to) in which the clock runs: sorted, disjoint, the last one may be open-ended.
  struct Running {
    absl::Time from;
    absl::Time to;
  };

  SlaClock(BusinessCalendar calendar, absl::Time start, absl::Duration target,
           std::vector<Running> running);

  BusinessCalendar calendar_;
  absl::Time start_;
  absl::Duration target_;
  std::vector<Running> running_;
};

}  // namespace qq::order::sla
