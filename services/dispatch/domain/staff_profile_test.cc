#include "services/dispatch/domain/staff_profile.h"

#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include "services/common/status.h"

namespace qq::dispatch {
namespace {

namespace v1 = qingquan::dispatch::v1;
using google::protobuf::util::TimeUtil;

const absl::Time kNow = absl::FromUnixSeconds(1796000000);

Staff Courier() {
  Staff s;
  s.set_user_id("u-1");
  s.set_kind(Staff::COURIER);
  s.set_name("李师傅");
  s.add_skills("送水");
  s.set_vehicle(Staff::TRICYCLE);
  s.set_capacity_barrels(20);
  s.mutable_home_base()->set_lat(31.2);
  s.mutable_home_base()->set_lng(121.5);
  auto* shift = s.add_shifts();
  shift->set_weekday(1);
  shift->set_start_local("08:00");
  shift->set_end_local("18:00");
  return s;
}

std::string FieldOfProfile(const Staff& s) { return FieldOf(CheckStaffProfile(s)); }

TEST(CheckStaffProfile, AcceptsACourierAndNamesWhatIsWrong) {
  EXPECT_TRUE(CheckStaffProfile(Courier()).ok());
  Staff s = Courier();
  s.set_capacity_barrels(0);
  EXPECT_EQ(FieldOfProfile(s), "capacityBarrels");
  s = Courier();
  s.clear_kind();
  EXPECT_EQ(FieldOfProfile(s), "kind");
  s = Courier();
  s.clear_vehicle();
  EXPECT_EQ(FieldOfProfile(s), "vehicle");
  s = Courier();
  s.mutable_shifts(0)->set_end_local("07:00");
  EXPECT_EQ(FieldOfProfile(s), "shifts[0].endLocal");
  s = Courier();
  s.mutable_shifts(0)->set_weekday(8);
  EXPECT_EQ(FieldOfProfile(s), "shifts[0].weekday");
  s = Courier();
  s.mutable_home_base()->set_lat(91);
  EXPECT_EQ(FieldOfProfile(s), "homeBase.lat");
  s = Courier();
  s.add_skills(" ");
  EXPECT_EQ(FieldOfProfile(s), "skills[1]");
  // A worker needs neither vehicle nor capacity.
  Staff worker;
  worker.set_kind(Staff::WORKER);
  worker.set_name("王工");
  EXPECT_TRUE(CheckStaffProfile(worker).ok());
}

// n copies of `unit` (one character each).
std::string Repeat(const std::string& unit, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += unit;
  return out;
}

TEST(CheckStaffProfile, NameIsOptionalHereAndBoundedInCharacters) {
  Staff s = Courier();
  s.clear_name();  // the handler takes the account's display name
  EXPECT_TRUE(CheckStaffProfile(s).ok());
  // Chinese (3 bytes), emoji (4 bytes) and full-width letters (3 bytes): the limit counts
  // characters.
  for (const std::string unit : {"王", "😀", "Ａ"}) {
    s.set_name(Repeat(unit, kMaxStaffNameChars - 1));
    EXPECT_TRUE(CheckStaffProfile(s).ok()) << unit;
    s.set_name(Repeat(unit, kMaxStaffNameChars));
    EXPECT_TRUE(CheckStaffProfile(s).ok()) << unit;
    s.set_name(Repeat(unit, kMaxStaffNameChars + 1));
    absl::Status status = CheckStaffProfile(s);
    EXPECT_EQ(FieldOf(status), "name") << unit;
    EXPECT_NE(status.message().find("at most 120 characters"), absl::string_view::npos) << status;
  }
}

TEST(CheckStaffProfile, SkillsAreBoundedInCharacters) {
  for (const std::string unit : {"修", "🔧", "７"}) {
    Staff s = Courier();
    s.add_skills(Repeat(unit, kMaxSkillChars - 1));
    s.add_skills(Repeat(unit, kMaxSkillChars));
    EXPECT_TRUE(CheckStaffProfile(s).ok()) << unit;
    s.add_skills(Repeat(unit, kMaxSkillChars + 1));
    absl::Status status = CheckStaffProfile(s);
    EXPECT_EQ(FieldOf(status), "skills[3]") << unit;
    EXPECT_NE(status.message().find("at most 60 characters"), absl::string_view::npos) << status;
  }
  Staff s = Courier();
  s.add_skills("\u3000");  // an ideographic space alone is blank
  EXPECT_EQ(FieldOfProfile(s), "skills[1]");
}

v1::ReportLocationsRequest Batch(std::initializer_list<absl::Duration> ago) {
  v1::ReportLocationsRequest batch;
  batch.set_device_id("phone-1");
  for (auto d : ago) {
    auto* r = batch.add_reports();
    r->mutable_position()->set_lat(31.2);
    r->mutable_position()->set_lng(121.5);
    *r->mutable_time() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(kNow - d));
  }
  return batch;
}

TEST(CheckLocationBatch, TakesOrderedReportsFiveSecondsApart) {
  EXPECT_TRUE(
      CheckLocationBatch(Batch({absl::Seconds(20), absl::Seconds(10), absl::Seconds(5)}), kNow)
          .ok());
  auto out_of_order = CheckLocationBatch(Batch({absl::Seconds(10), absl::Seconds(20)}), kNow);
  EXPECT_EQ(FieldOf(out_of_order), "reports[1].time");
  EXPECT_NE(out_of_order.message().find("out of order"), std::string::npos);
  EXPECT_EQ(FieldOf(CheckLocationBatch(Batch({absl::Seconds(10), absl::Seconds(8)}), kNow)),
            "reports[1].time");
  EXPECT_EQ(FieldOf(CheckLocationBatch(Batch({-absl::Minutes(10)}), kNow)), "reports[0].time");
  EXPECT_EQ(FieldOf(CheckLocationBatch(Batch({absl::Hours(30)}), kNow)), "reports[0].time");
  EXPECT_EQ(FieldOf(CheckLocationBatch(Batch({}), kNow)), "reports");
  auto bad = Batch({absl::Seconds(1)});
  bad.mutable_reports(0)->mutable_position()->set_lng(200);
  EXPECT_EQ(FieldOf(CheckLocationBatch(bad, kNow)), "reports[0].position.lng");
  bad = Batch({absl::Seconds(1)});
  bad.set_device_id("no spaces please");
  EXPECT_EQ(FieldOf(CheckLocationBatch(bad, kNow)), "deviceId");
}

TEST(ShiftEndAfter, TheDaysLastShiftEnd) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  // 2026-12-07 is a Monday.
  const absl::Time monday_noon = absl::FromCivil(absl::CivilSecond(2026, 12, 7, 12, 0, 0), utc);
  std::vector<v1::Shift> shifts = {Courier().shifts(0)};
  EXPECT_EQ(ShiftEndAfter(shifts, monday_noon, utc),
            absl::FromCivil(absl::CivilSecond(2026, 12, 7, 18, 0, 0), utc));
  const absl::Time evening = monday_noon + absl::Hours(7);
  EXPECT_EQ(ShiftEndAfter(shifts, evening, utc), evening);
  EXPECT_EQ(ShiftEndAfter({}, monday_noon, utc), std::nullopt);
}

}  // namespace
}  // namespace qq::dispatch
