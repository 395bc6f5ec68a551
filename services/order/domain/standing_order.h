// Standing orders (定期送水, "every Monday two barrels"): which days deliver, each day's
// window, and when each day's order is created. Pure: no I/O. Days are civil days in the
// tenant's time zone; field paths are those of the StandingOrder JSON body.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "qingquan/order/v1/order.pb.h"
#include "services/order/domain/delivery_order_draft.h"

namespace qq::order {

using qingquan::order::v1::Recurrence;
using qingquan::order::v1::StandingOrder;

struct StandingSchedule {
  Recurrence::Frequency frequency = Recurrence::WEEKLY;
  int interval = 1;
  std::vector<int> weekdays;    // WEEKLY: 1 = Monday … 7 = Sunday, sorted, unique
  std::vector<int> month_days;  // MONTHLY: 1..31 or -1 (last day), sorted, unique
  absl::CivilDay start;
  std::optional<absl::CivilDay> end;  // inclusive
  std::vector<absl::CivilDay> skips;  // sorted, unique
  int window_start_minute = 0;        // minutes after local midnight
  int window_end_minute = 24 * 60;    // exclusive end, up to 24:00
  bool has_window_start = false;
  bool has_window_end = false;
  int lead_days = 1;
};

// One delivery day of a standing order: when its order is created and its window.
struct Occurrence {
  absl::CivilDay day;
  absl::Time create_at;
  absl::Time window_start;
  absl::Time window_end;
};

inline constexpr int kMaxLeadDays = 7;
inline constexpr int kMaxInterval = 365;
inline constexpr size_t kMaxSkipDates = 100;

// "YYYY-MM-DD" → day; nullopt when malformed or not a real date.
std::optional<absl::CivilDay> ParseIsoDay(absl::string_view text);
std::string IsoDay(absl::CivilDay day);

// The schedule of `in` (recurrence, window_start_local, window_end_local, lead_days).
// INVALID_ARGUMENT naming e.g. "recurrence.frequency", "recurrence.weekdays[1]",
// "recurrence.monthDays", "recurrence.interval", "recurrence.startDate",
// "recurrence.endDate" (before the start, or already over at `today`),
// "recurrence.skipDates[0]", "windowStartLocal", "windowEndLocal", "leadDays".
absl::StatusOr<StandingSchedule> CheckStandingSchedule(const StandingOrder& in,
                                                       absl::CivilDay today);

// The order each occurrence gets: channel, customer, address, items, payment and notes
// checked as for a one-off delivery order (same field paths), without a window.
absl::StatusOr<DeliveryOrderDraft> CheckStandingOrderTemplate(const StandingOrder& in);

// The first delivery day on or after `from` (nullopt: none left, the schedule is over).
std::optional<absl::CivilDay> NextDeliveryDay(const StandingSchedule& schedule,
                                              absl::CivilDay from);

Occurrence OccurrenceOn(const StandingSchedule& schedule, absl::CivilDay day,
                        const absl::TimeZone& zone);

// The first delivery day on or after `from` whose window is still open at `now` (an
// order for a day already over is useless, so such days are passed over).
std::optional<Occurrence> NextOpenOccurrence(const StandingSchedule& schedule, absl::CivilDay from,
                                             absl::Time now, const absl::TimeZone& zone);

}  // namespace qq::order
