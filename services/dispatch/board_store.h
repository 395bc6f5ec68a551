// SQL for the dispatcher's board: areas with the orders waiting in them, and every
// worker and courier with load, route and position, read in one snapshot.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "qingquan/dispatch/v1/dispatch.pb.h"

namespace qq {
class PgPool;
}

namespace qq::dispatch {

class BoardStore {
 public:
  explicit BoardStore(PgPool& pool) : pool_(pool) {}

  // The whole tenant, or one area (NOT_FOUND, field "areaId", when it has no such area):
  // its waiting orders and its team's people. A waiting delivery belongs to the area
  // that would serve its address (highest priority, then the smallest, as ResolveArea);
  // a work order to the area it was routed by. At most kMaxWaiting of each kind, most
  // urgent first.
  absl::StatusOr<qingquan::dispatch::v1::DispatchBoard> Board(const std::string& tenant,
                                                              const std::string& area_id,
                                                              absl::Time now);

  static constexpr int kMaxWaiting = 2000;

 private:
  PgPool& pool_;
};

}  // namespace qq::dispatch
