// Checks of what workers and couriers send: their dispatch profile (set by a dispatcher)
// and the location reports from their devices. Pure: no I/O. Field paths are those of the
// JSON bodies.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "qingquan/dispatch/v1/dispatch.pb.h"

namespace qq::dispatch {

using qingquan::dispatch::v1::Staff;

inline constexpr size_t kMaxSkills = 20;
// Limits in characters (code points), as people count them.
inline constexpr size_t kMaxStaffNameChars = 120;
inline constexpr size_t kMaxSkillChars = 60;
inline constexpr int kMaxCapacityBarrels = 500;
inline constexpr int kMaxReportsPerBatch = 100;
inline constexpr absl::Duration kMinReportSpacing = absl::Seconds(5);
// Reports may arrive late (a phone offline in a basement), but not from another day.
inline constexpr absl::Duration kMaxReportAge = absl::Hours(24);
inline constexpr absl::Duration kMaxClockSkew = absl::Minutes(2);

// A profile as sent to PutStaff (user id from the path). The name may be empty here (the
// handler then takes the account's display name). INVALID_ARGUMENT naming e.g.
// "kind", "name" (over kMaxStaffNameChars), "skills[2]" (blank or over kMaxSkillChars),
// "shifts[0].endLocal", "homeBase.lat", "vehicle", "capacityBarrels" (a courier carries at least
// one barrel).
absl::Status CheckStaffProfile(const Staff& staff);

// A batch of reports: INVALID_ARGUMENT naming "deviceId", "reports", "reports[i].position.lat",
// "reports[i].time" (missing, ahead of `now`, older than a day, or not at least 5 s after
// the report before it).
absl::Status CheckLocationBatch(const qingquan::dispatch::v1::ReportLocationsRequest& batch,
                                absl::Time now);

// When the person's working day ends: the latest end of today's shifts (in `zone`) still
// ahead of `now`; `now` when none is left today; nullopt without any shifts (no limit).
std::optional<absl::Time> ShiftEndAfter(const std::vector<qingquan::dispatch::v1::Shift>& shifts,
                                        absl::Time now, const absl::TimeZone& zone);

}  // namespace qq::dispatch
