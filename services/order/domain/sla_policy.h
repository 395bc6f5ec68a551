// A tenant's SLA settings (qingquan.order.v1.SlaSettings) turned into the pure SLA
// library's terms, and what an order's clocks say at a given instant. Pure: no I/O.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "qingquan/order/v1/order.pb.h"
#include "services/order/domain/sla/business_calendar.h"
#include "services/order/domain/sla/escalation.h"
#include "services/order/domain/sla/sla_clock.h"

namespace qq::order {

using qingquan::order::v1::SlaSettings;
using qingquan::order::v1::SlaTarget;

// What ships until a manager changes it: Asia/Shanghai, Mon–Fri 08:30–12:00 and
// 13:30–17:30; urgent and critical repairs around the clock; warnings at 80 %; the
// leader at the deadline, the manager two working hours later; follow-ups on.
SlaSettings DefaultSlaSettings();

// INVALID_ARGUMENT with the field path ("calendar.weekdays[0].periods[1].start",
// "targets[2].kind", "escalation[0].notifyRole", "warningShare", …).
absl::Status ValidateSlaSettings(const SlaSettings& settings);

// The calendar and chain of valid settings.
absl::StatusOr<sla::BusinessCalendar> CalendarOf(const SlaSettings& settings);
absl::StatusOr<sla::EscalationChain> ChainOf(const SlaSettings& settings);

// The target of a work order of `type` and `urgency` (names, e.g. "REPAIR", "URGENT"):
// type and urgency, then type, then "*" and urgency, then "*". None: no SLA.
std::optional<SlaTarget> TargetFor(const SlaSettings& settings, const std::string& type,
                                   const std::string& urgency);

// What is known of one order's SLA, as stored with it.
struct SlaFacts {
  absl::Time created;
  std::optional<absl::Time> responded;  // first step a person took
  std::optional<absl::Time> resolved;
  // Closed pauses, plus the running one (to = InfiniteFuture) while the order waits.
  std::vector<sla::Pause> pauses;
  int response_minutes = 0;  // 0: no target
  int resolve_minutes = 0;
  bool around_the_clock = false;
  // Alerts already sent.
  bool response_warned = false;
  bool response_breached = false;
  bool resolve_warned = false;
  bool resolve_breached = false;
  int escalation_level = 0;
};

// An alert to send now: type "sla.warning", "sla.breached" or "sla.escalated".
struct SlaAlertDue {
  std::string type;
  std::string clock;  // "response" or "resolution"
  int level = 0;      // the escalation step; 0 for warnings and breaches
  std::string notify_role;
  absl::Time due;
};

struct SlaReview {
  // Deadlines; unset without a target or while paused.
  std::optional<absl::Time> response_due;
  std::optional<absl::Time> resolve_due;
  std::vector<SlaAlertDue> alerts;
  // `facts` with the alerts above marked sent.
  SlaFacts after;
  // When to look again; unset when nothing is left to watch.
  std::optional<absl::Time> next_check;
};

// Looks at the order's clocks at `now`: deadlines, the alerts due and not sent yet, and
// the next instant something will be due.
absl::StatusOr<SlaReview> ReviewSla(const SlaFacts& facts, const sla::BusinessCalendar& calendar,
                                    const sla::EscalationChain& chain, double warning_share,
                                    absl::Time now);

}  // namespace qq::order
