// SQL (and Redis) for workers and couriers: profiles, duty, devices, the position history
// in day partitions, and the latest position in a Redis GEO set per tenant
// (qq:dispatch:positions:<tenant>) for "who is near" questions.
#pragma once

#include <pqxx/pqxx>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "qingquan/dispatch/v1/dispatch.pb.h"

namespace qq {
class PgPool;
class RedisClient;
}  // namespace qq

namespace qq::dispatch {

using qingquan::dispatch::v1::Staff;

struct StaffFilter {
  std::string kind;     // empty: any
  std::string team_id;  // empty: any
  bool on_duty_only = false;
  std::string skill;  // empty: any
};

class StaffStore {
 public:
  // `redis` may be null (no GEO set; positions still land in PostgreSQL).
  StaffStore(PgPool& pool, RedisClient* redis);

  // Creates or replaces the profile; duty and position are kept. INVALID_ARGUMENT (field
  // "teamId") for a team the tenant lacks.
  absl::StatusOr<Staff> Put(const std::string& tenant, const Staff& staff);
  // NOT_FOUND (field "userId").
  absl::StatusOr<Staff> Get(const std::string& tenant, const std::string& user_id);
  // Removes the profile and frees the person's devices (the position history stays).
  // NOT_FOUND (field "userId") without a profile; FAILED_PRECONDITION (field "userId"),
  // naming what is open, while stops on their route (ASSIGNED, DELIVERING, ARRIVED), offers
  // waiting for them, or unfinished work orders they hold remain.
  absl::Status Delete(const std::string& tenant, const std::string& user_id);
  absl::StatusOr<std::vector<Staff>> List(const std::string& tenant, const StaffFilter& filter);
  absl::StatusOr<Staff> SetDuty(const std::string& tenant, const std::string& user_id,
                                bool on_duty);

  // Stores a checked batch (CheckLocationBatch) for the person: the device must be theirs
  // (PERMISSION_DENIED, field "deviceId", when it reports for another account or tenant)
  // and the batch must start at least 5 s after the device's last report
  // (INVALID_ARGUMENT, field "reports[0].time"). All or nothing.
  absl::StatusOr<qingquan::dispatch::v1::ReportLocationsResponse> ReportLocations(
      const std::string& tenant, const std::string& user_id,
      const qingquan::dispatch::v1::ReportLocationsRequest& batch);

  // Day partitions of the history from yesterday to `days_ahead` days on, and drops those
  // older than `retention_days`. Safe to run from several replicas.
  absl::Status MaintainHistory(int retention_days, int days_ahead = 2);

 private:
  PgPool& pool_;
  RedisClient* redis_;
};

// The last reported position when it is recent enough to plan from (30 min), else none.
std::optional<qingquan::common::v1::LatLng> FreshPosition(const Staff& staff, absl::Time now);

// The profile row's columns, for other stores' queries.
void FillStaff(const pqxx::row& row, Staff& staff);
extern const char kStaffColumns[];

}  // namespace qq::dispatch
