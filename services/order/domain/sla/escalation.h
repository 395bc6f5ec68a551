// Escalation over an SLA clock: a chain of steps, each notifying a role once a share of
// the target (plus, optionally, some working time past it) is used up. For example:
//   {level 0, "leader",  0.8}                   warn the team leader at 80 %
//   {level 1, "leader",  1.0}                   breach: the leader again at the deadline
//   {level 2, "manager", 1.0, absl::Hours(2)}   the manager 2 working hours later
// Pure: it says what is due; sending and remembering what was sent is the caller's job.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/order/domain/sla/sla_clock.h"

namespace qq::order::sla {

struct EscalationStep {
  int level = 0;                                // identifies the step; unique within a chain
  std::string notify_role;                      // e.g. "leader", "manager"
  double target_share = 1.0;                    // fires once this share of the target
  absl::Duration after = absl::ZeroDuration();  // plus this much working time is used
};

struct DueEscalation {
  int level = 0;
  std::string notify_role;
  absl::Time due_at;  // absl::InfiniteFuture() while a pause keeps the step from coming due
};

class EscalationChain {
 public:
  // INVALID_ARGUMENT naming the field for: a level used twice ("steps[2].level"); an empty
  // role ("steps[0].notifyRole"); a target_share that is negative, infinite or NaN
  // ("steps[1].targetShare"); an `after` that is negative or infinite ("steps[1].after").
  static absl::StatusOr<EscalationChain> Create(std::vector<EscalationStep> steps);

  // Every step with the instant it falls due on `clock`, earliest first (ties by level).
  std::vector<DueEscalation> Schedule(const SlaClock& clock) const;

  // The steps due at `now` (due_at <= now) whose level is not in `fired`, earliest first.
  std::vector<DueEscalation> DueAt(const SlaClock& clock, absl::Time now,
                                   const std::vector<int>& fired) const;

  const std::vector<EscalationStep>& steps() const { return steps_; }

 private:
  explicit EscalationChain(std::vector<EscalationStep> steps) : steps_(std::move(steps)) {}

  std::vector<EscalationStep> steps_;
};

}  // namespace qq::order::sla
