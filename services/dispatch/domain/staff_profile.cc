#include "services/dispatch/domain/staff_profile.h"

#include <google/protobuf/util/time_util.h>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/common/civil_text.h"
#include "services/common/status.h"
#include "services/common/text/utf8_text.h"
#include "services/common/text_limits.h"
#include "services/dispatch/domain/geo_point.h"

namespace qq::dispatch {
namespace {

namespace v1 = qingquan::dispatch::v1;

// Device ids are ASCII (ValidDeviceId), so bytes and characters are the same.
constexpr size_t kMaxDeviceIdBytes = 64;
constexpr int kMaxShifts = 21;

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

bool ValidDeviceId(absl::string_view id) {
  if (id.empty() || id.size() > kMaxDeviceIdBytes) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '_' && c != '.' && c != ':') return false;
  }
  return true;
}

}  // namespace

absl::Status CheckStaffProfile(const Staff& staff) {
  if (staff.kind() == Staff::KIND_UNSPECIFIED) {
    return InvalidField("kind", "is required: WORKER or COURIER");
  }
  QQ_RETURN_IF_ERROR(CheckTextLength("name", staff.name(), kMaxStaffNameChars));
  if (static_cast<size_t>(staff.skills_size()) > kMaxSkills) {
    return InvalidField("skills", absl::StrCat("has more than ", kMaxSkills, " entries"));
  }
  for (int i = 0; i < staff.skills_size(); ++i) {
    const std::string& skill = staff.skills(i);
    const std::string field = absl::StrCat("skills[", i, "]");
    if (text::TrimSpaces(skill).empty()) {
      return InvalidField(field, "must be a short name, e.g. 水表");
    }
    QQ_RETURN_IF_ERROR(CheckTextLength(field, skill, kMaxSkillChars));
  }
  if (staff.shifts_size() > kMaxShifts) {
    return InvalidField("shifts", absl::StrCat("has more than ", kMaxShifts, " entries"));
  }
  for (int i = 0; i < staff.shifts_size(); ++i) {
    const v1::Shift& shift = staff.shifts(i);
    const std::string at = absl::StrCat("shifts[", i, "]");
    if (shift.weekday() < 1 || shift.weekday() > 7) {
      return InvalidField(at + ".weekday", "must be 1 (Monday) to 7 (Sunday)");
    }
    auto start = ParseTimeOfDay(shift.start_local());
    if (!start || *start >= 24 * 60) {
      return InvalidField(at + ".startLocal", "must be a local time HH:MM, 00:00..23:59");
    }
    auto end = ParseTimeOfDay(shift.end_local());
    if (!end) return InvalidField(at + ".endLocal", "must be a local time HH:MM, up to 24:00");
    if (*end <= *start) return InvalidField(at + ".endLocal", "must be after the start");
  }
  if (staff.has_home_base()) {
    QQ_RETURN_IF_ERROR(ValidateGeoPoint({staff.home_base().lat(), staff.home_base().lng()},
                                        "homeBase.lat", "homeBase.lng"));
  }
  if (staff.kind() == Staff::COURIER) {
    if (staff.vehicle() == Staff::VEHICLE_UNSPECIFIED) {
      return InvalidField("vehicle",
                          "a courier needs one: ON_FOOT, BICYCLE, TRICYCLE, E_BIKE or VAN");
    }
    if (staff.capacity_barrels() < 1 || staff.capacity_barrels() > kMaxCapacityBarrels) {
      return InvalidField("capacityBarrels",
                          absl::StrCat("a courier carries 1 to ", kMaxCapacityBarrels, " barrels"));
    }
    if (!staff.has_home_base()) {
      return InvalidField("homeBase", "a courier's routes start and end there");
    }
  } else if (staff.capacity_barrels() < 0) {
    return InvalidField("capacityBarrels", "must not be negative");
  }
  return absl::OkStatus();
}

absl::Status CheckLocationBatch(const qingquan::dispatch::v1::ReportLocationsRequest& batch,
                                absl::Time now) {
  if (!ValidDeviceId(batch.device_id())) {
    return InvalidField("deviceId", "is required: 1 to 64 of A-Z a-z 0-9 - _ . :");
  }
  if (batch.reports_size() == 0) return InvalidField("reports", "needs at least one report");
  if (batch.reports_size() > kMaxReportsPerBatch) {
    return InvalidField("reports", absl::StrCat("has more than ", kMaxReportsPerBatch, " reports"));
  }
  std::optional<absl::Time> previous;
  for (int i = 0; i < batch.reports_size(); ++i) {
    const auto& report = batch.reports(i);
    const std::string at = absl::StrCat("reports[", i, "]");
    if (!report.has_position()) return InvalidField(at + ".position", "is required");
    QQ_RETURN_IF_ERROR(ValidateGeoPoint({report.position().lat(), report.position().lng()},
                                        at + ".position.lat", at + ".position.lng"));
    if (!report.has_time()) return InvalidField(at + ".time", "is required");
    const absl::Time time = TimeOf(report.time());
    if (time > now + kMaxClockSkew) {
      return InvalidField(at + ".time", "is in the future (check the device clock)");
    }
    if (time < now - kMaxReportAge) return InvalidField(at + ".time", "is more than a day old");
    if (previous && time < *previous + kMinReportSpacing) {
      return InvalidField(at + ".time", *previous >= time
                                            ? "is not after the report before it (out of order)"
                                            : "is less than 5 s after the report before it");
    }
    previous = time;
  }
  return absl::OkStatus();
}

std::optional<absl::Time> ShiftEndAfter(const std::vector<qingquan::dispatch::v1::Shift>& shifts,
                                        absl::Time now, const absl::TimeZone& zone) {
  if (shifts.empty()) return std::nullopt;
  const absl::CivilMinute local = absl::ToCivilMinute(now, zone);
  const absl::CivilDay today(local);
  const int weekday = IsoWeekday(today);
  const int minute = static_cast<int>(local - absl::CivilMinute(today));
  std::optional<int> end_minute;
  for (const auto& shift : shifts) {
    if (shift.weekday() != weekday) continue;
    auto end = ParseTimeOfDay(shift.end_local());
    if (!end || *end <= minute) continue;
    if (!end_minute || *end > *end_minute) end_minute = *end;
  }
  if (!end_minute) return now;
  return absl::FromCivil(absl::CivilMinute(today) + *end_minute, zone);
}

}  // namespace qq::dispatch
