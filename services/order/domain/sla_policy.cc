#include "services/order/domain/sla_policy.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/common/auth.h"
#include "services/common/status.h"
#include "services/order/domain/workflow.h"

namespace qq::order {
namespace {

namespace v1 = qingquan::order::v1;

constexpr int kMaxTargets = 100;
constexpr int kMaxEscalationSteps = 10;
constexpr int kMaxTargetMinutes = 60 * 24 * 365;

SlaTarget Target(const std::string& kind, v1::WorkOrder::Urgency urgency, int response, int resolve,
                 bool around_the_clock) {
  SlaTarget t;
  t.set_kind(kind);
  t.set_urgency(urgency);
  t.set_response_minutes(response);
  t.set_resolve_minutes(resolve);
  t.set_around_the_clock(around_the_clock);
  return t;
}

// "08:30" → 510; "24:00" → 1440.
std::optional<int> ParseClock(const std::string& text) {
  std::vector<std::string> parts = absl::StrSplit(text, ':');
  int h = 0, m = 0;
  if (parts.size() != 2 || parts[0].size() != 2 || parts[1].size() != 2 ||
      !absl::SimpleAtoi(parts[0], &h) || !absl::SimpleAtoi(parts[1], &m) || m < 0 || m > 59 ||
      h < 0 || h > 24 || (h == 24 && m != 0)) {
    return std::nullopt;
  }
  return h * 60 + m;
}

std::optional<absl::CivilDay> ParseDay(const std::string& text) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(text, &day)) return std::nullopt;
  return day;
}

absl::StatusOr<sla::CalendarConfig> ConfigOf(const v1::BusinessCalendar& in) {
  sla::CalendarConfig config;
  config.time_zone = in.time_zone();
  if (in.weekdays_size() != 7) {
    return InvalidField("calendar.weekdays", "needs seven days, Monday first");
  }
  for (int d = 0; d < 7; ++d) {
    for (int p = 0; p < in.weekdays(d).periods_size(); ++p) {
      const auto& period = in.weekdays(d).periods(p);
      std::string at = absl::StrCat("calendar.weekdays[", d, "].periods[", p, "]");
      auto start = ParseClock(period.start());
      auto end = ParseClock(period.end());
      if (!start) return InvalidField(at + ".start", "must be a time like 08:30");
      if (!end) return InvalidField(at + ".end", "must be a time like 17:30");
      config.weekdays[d].push_back({*start, *end});
    }
  }
  for (int i = 0; i < in.holidays_size(); ++i) {
    auto day = ParseDay(in.holidays(i));
    if (!day) return InvalidField(absl::StrCat("calendar.holidays[", i, "]"), "must be a date");
    config.holidays.push_back(*day);
  }
  for (int i = 0; i < in.make_up_days_size(); ++i) {
    auto day = ParseDay(in.make_up_days(i));
    if (!day) {
      return InvalidField(absl::StrCat("calendar.makeUpDays[", i, "]"), "must be a date");
    }
    config.make_up_days.push_back({*day, std::nullopt});
  }
  return config;
}

// The SLA library names its fields from its own config; ours sit under "calendar." or
// "escalation".
absl::Status Prefixed(const absl::Status& status, absl::string_view prefix) {
  if (status.ok()) return status;
  std::string field = FieldOf(status);
  std::string reason(status.message());
  if (auto colon = reason.find(": "); colon != std::string::npos) reason = reason.substr(colon + 2);
  return InvalidField(absl::StrCat(prefix, field), reason);
}

bool IsStaffRole(absl::string_view role) {
  for (absl::string_view r : {roles::kAgent, roles::kDispatcher, roles::kLeader, roles::kWorker,
                              roles::kCourier, roles::kManager, roles::kAdmin}) {
    if (r == role) return true;
  }
  return false;
}

}  // namespace

SlaSettings DefaultSlaSettings() {
  SlaSettings s;
  auto* calendar = s.mutable_calendar();
  calendar->set_time_zone("Asia/Shanghai");
  for (int d = 0; d < 7; ++d) {
    auto* day = calendar->add_weekdays();
    if (d >= 5) continue;  // weekend
    auto* morning = day->add_periods();
    morning->set_start("08:30");
    morning->set_end("12:00");
    auto* afternoon = day->add_periods();
    afternoon->set_start("13:30");
    afternoon->set_end("17:30");
  }
  using W = v1::WorkOrder;
  // A burst main cannot wait for Monday; a complaint is answered in office hours.
  *s.add_targets() = Target("REPAIR", W::CRITICAL, 30, 4 * 60, true);
  *s.add_targets() = Target("REPAIR", W::URGENT, 60, 8 * 60, true);
  *s.add_targets() = Target("REPAIR", W::URGENCY_UNSPECIFIED, 4 * 60, 3 * 450, false);
  *s.add_targets() = Target("NEW_CONNECTION", W::URGENCY_UNSPECIFIED, 450, 10 * 450, false);
  *s.add_targets() = Target("COMPLAINT", W::URGENCY_UNSPECIFIED, 2 * 60, 5 * 450, false);
  *s.add_targets() = Target("ENQUIRY", W::URGENCY_UNSPECIFIED, 60, 450, false);
  *s.add_targets() = Target("FOLLOW_UP", W::URGENCY_UNSPECIFIED, 0, 2 * 450, false);
  *s.add_targets() = Target("DISPENSER_REPAIR", W::URGENCY_UNSPECIFIED, 2 * 60, 450, false);
  *s.add_targets() = Target("WATER_CHANGE", W::URGENCY_UNSPECIFIED, 2 * 60, 450, false);
  *s.add_targets() = Target("*", W::URGENCY_UNSPECIFIED, 0, 3 * 450, false);
  auto* leader = s.add_escalation();
  leader->set_level(1);
  leader->set_notify_role(std::string(roles::kLeader));
  leader->set_target_share(1.0);
  auto* manager = s.add_escalation();
  manager->set_level(2);
  manager->set_notify_role(std::string(roles::kManager));
  manager->set_target_share(1.0);
  manager->set_after_minutes(120);
  s.set_warning_share(0.8);
  s.set_follow_up_after_resolve(true);
  return s;
}

absl::Status ValidateSlaSettings(const SlaSettings& settings) {
  QQ_RETURN_IF_ERROR(CalendarOf(settings).status());
  if (settings.targets_size() > kMaxTargets) {
    return InvalidField("targets", "has more than 100 targets");
  }
  for (int i = 0; i < settings.targets_size(); ++i) {
    const auto& t = settings.targets(i);
    std::string at = absl::StrCat("targets[", i, "]");
    if (t.kind() != "*" && (!IsWorkflowKind(t.kind()) || t.kind() == kDeliveryKind)) {
      return InvalidField(at + ".kind", "must be a work-order type (e.g. REPAIR) or *");
    }
    if (t.response_minutes() < 0 || t.response_minutes() > kMaxTargetMinutes) {
      return InvalidField(at + ".responseMinutes", "must be between 0 and a year");
    }
    if (t.resolve_minutes() < 0 || t.resolve_minutes() > kMaxTargetMinutes) {
      return InvalidField(at + ".resolveMinutes", "must be between 0 and a year");
    }
  }
  if (settings.escalation_size() > kMaxEscalationSteps) {
    return InvalidField("escalation", "has more than 10 steps");
  }
  for (int i = 0; i < settings.escalation_size(); ++i) {
    const auto& step = settings.escalation(i);
    std::string at = absl::StrCat("escalation[", i, "]");
    if (step.level() < 1) return InvalidField(at + ".level", "must be 1 or more");
    if (!IsStaffRole(step.notify_role())) {
      return InvalidField(at + ".notifyRole", "must be a role, e.g. leader or manager");
    }
    if (step.after_minutes() < 0 || step.after_minutes() > kMaxTargetMinutes) {
      return InvalidField(at + ".afterMinutes", "must be between 0 and a year");
    }
    if (i > 0 && step.level() <= settings.escalation(i - 1).level()) {
      return InvalidField(at + ".level", "levels must go up step by step");
    }
  }
  QQ_RETURN_IF_ERROR(ChainOf(settings).status());
  if (!(settings.warning_share() > 0 && settings.warning_share() < 1)) {
    return InvalidField("warningShare", "must be between 0 and 1, e.g. 0.8");
  }
  return absl::OkStatus();
}

absl::StatusOr<sla::BusinessCalendar> CalendarOf(const SlaSettings& settings) {
  QQ_ASSIGN_OR_RETURN(sla::CalendarConfig config, ConfigOf(settings.calendar()));
  auto calendar = sla::BusinessCalendar::Create(config);
  if (!calendar.ok()) return Prefixed(calendar.status(), "calendar.");
  return calendar;
}

absl::StatusOr<sla::EscalationChain> ChainOf(const SlaSettings& settings) {
  std::vector<sla::EscalationStep> steps;
  for (const auto& s : settings.escalation()) {
    steps.push_back(
        {s.level(), s.notify_role(), s.target_share(), absl::Minutes(s.after_minutes())});
  }
  auto chain = sla::EscalationChain::Create(std::move(steps));
  if (!chain.ok()) return Prefixed(chain.status(), "escalation.");
  return chain;
}

std::optional<SlaTarget> TargetFor(const SlaSettings& settings, const std::string& type,
                                   const std::string& urgency) {
  // Lower rank wins: exact type and urgency, type, "*" and urgency, "*".
  const SlaTarget* best = nullptr;
  int best_rank = 4;
  for (const auto& t : settings.targets()) {
    const bool any_urgency = t.urgency() == v1::WorkOrder::URGENCY_UNSPECIFIED;
    const bool urgency_matches = any_urgency || v1::WorkOrder::Urgency_Name(t.urgency()) == urgency;
    if (!urgency_matches) continue;
    int rank;
    if (t.kind() == type) {
      rank = any_urgency ? 1 : 0;
    } else if (t.kind() == "*") {
      rank = any_urgency ? 3 : 2;
    } else {
      continue;
    }
    if (rank < best_rank) {
      best = &t;
      best_rank = rank;
    }
  }
  if (best == nullptr) return std::nullopt;
  return *best;
}

absl::StatusOr<SlaReview> ReviewSla(const SlaFacts& facts, const sla::BusinessCalendar& calendar,
                                    const sla::EscalationChain& chain, double warning_share,
                                    absl::Time now) {
  SlaReview review;
  review.after = facts;
  SlaFacts& after = review.after;
  const sla::BusinessCalendar counted =
      facts.around_the_clock ? sla::BusinessCalendar::AroundTheClock() : calendar;
  std::optional<absl::Time> next;
  auto watch = [&](absl::Time t) {
    if (t != absl::InfiniteFuture() && (!next || t < *next)) next = t;
  };
  auto finite = [](absl::Time t) {
    return t == absl::InfiniteFuture() ? std::nullopt : std::optional<absl::Time>(t);
  };

  if (facts.response_minutes > 0) {
    QQ_ASSIGN_OR_RETURN(sla::SlaClock clock,
                        sla::SlaClock::Create(counted, facts.created,
                                              absl::Minutes(facts.response_minutes), facts.pauses));
    const absl::Time due = clock.Deadline();
    review.response_due = finite(due);
    if (!facts.responded && !facts.resolved) {
      const absl::Time warn_at = clock.WarningAt(warning_share);
      if (!after.response_warned && warn_at <= now && due > now) {
        review.alerts.push_back({"sla.warning", "response", 0, "", due});
        after.response_warned = true;
      }
      if (!after.response_breached && due <= now) {
        review.alerts.push_back({"sla.breached", "response", 0, "", due});
        after.response_breached = true;
        after.response_warned = true;
      }
      if (!after.response_warned) watch(warn_at);
      if (!after.response_breached) watch(due);
    }
  }

  if (facts.resolve_minutes > 0) {
    QQ_ASSIGN_OR_RETURN(sla::SlaClock clock,
                        sla::SlaClock::Create(counted, facts.created,
                                              absl::Minutes(facts.resolve_minutes), facts.pauses));
    const absl::Time due = clock.Deadline();
    review.resolve_due = finite(due);
    if (!facts.resolved) {
      const absl::Time warn_at = clock.WarningAt(warning_share);
      if (!after.resolve_warned && warn_at <= now && due > now) {
        review.alerts.push_back({"sla.warning", "resolution", 0, "", due});
        after.resolve_warned = true;
      }
      if (!after.resolve_breached && due <= now) {
        review.alerts.push_back({"sla.breached", "resolution", 0, "", due});
        after.resolve_breached = true;
        after.resolve_warned = true;
      }
      if (!after.resolve_warned) watch(warn_at);
      if (!after.resolve_breached) watch(due);
      std::vector<int> fired;
      for (const auto& step : chain.steps()) {
        if (step.level <= facts.escalation_level) fired.push_back(step.level);
      }
      for (const auto& step : chain.DueAt(clock, now, fired)) {
        review.alerts.push_back(
            {"sla.escalated", "resolution", step.level, step.notify_role, step.due_at});
        after.escalation_level = std::max(after.escalation_level, step.level);
      }
      for (const auto& step : chain.Schedule(clock)) {
        if (step.level > after.escalation_level) watch(step.due_at);
      }
    }
  }
  review.next_check = next;
  return review;
}

}  // namespace qq::order
