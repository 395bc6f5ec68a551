#include "services/customer/customer_events.h"

#include <google/protobuf/util/time_util.h>

#include "qingquan/common/v1/events.pb.h"
#include "services/common/ids.h"
#include "services/customer/customer_store.h"

namespace qq::customer {

absl::Status CustomerEventHandler::Handle(pqxx::work& txn, const StreamEvent& event) {
  if (event.type == kAreaChangedEvent) {
    store_.MarkAreasStaleIn(txn, event.tenant);
    return absl::OkStatus();
  }
  if (event.type == kWorkOrderCreatedEvent) {
    qingquan::common::v1::WorkOrderCreated created;
    if (!created.ParseFromString(event.payload)) {
      return absl::InvalidArgumentError("workorder.created payload does not parse");
    }
    if (!LooksLikeUuid(created.customer_id())) return absl::OkStatus();
    return store_.RecordActivityIn(
        txn, event.tenant, created.customer_id(),
        google::protobuf::util::TimeUtil::TimestampToMicroseconds(created.create_time()));
  }
  if (event.type == kDeliveryOrderCreatedEvent) {
    qingquan::common::v1::DeliveryOrderChanged created;
    if (!created.ParseFromString(event.payload)) {
      return absl::InvalidArgumentError("order.created payload does not parse");
    }
    if (!LooksLikeUuid(created.customer_id())) return absl::OkStatus();
    return store_.RecordActivityIn(
        txn, event.tenant, created.customer_id(),
        google::protobuf::util::TimeUtil::TimestampToMicroseconds(created.create_time()));
  }
  return absl::OkStatus();
}

}  // namespace qq::customer
