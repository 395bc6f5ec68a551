// Checks a new work order as a client sent it. Pure: no I/O. Field paths are those
// of the JSON body (the work order itself).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "qingquan/order/v1/order.pb.h"

namespace qq::order {

struct WorkOrderDraft {
  qingquan::order::v1::WorkOrder::Type type;
  qingquan::order::v1::Channel channel;
  qingquan::order::v1::WorkOrder::Urgency urgency;  // NORMAL when not given
  std::string customer_id;
  std::string address_id;  // empty: the customer's first address
  std::string description;
  std::vector<std::string> attachment_ids;
  // Checked against the tenant's definitions by the service (they live elsewhere).
  google::protobuf::Struct custom_fields;
};

inline constexpr size_t kMaxDescriptionBytes = 4000;
inline constexpr int kMaxAttachmentsPerStep = 20;

// INVALID_ARGUMENT naming "type", "channel", "customerId", "addressId",
// "description" or "attachmentIds" when required or malformed.
absl::StatusOr<WorkOrderDraft> CheckNewWorkOrder(const qingquan::order::v1::WorkOrder& in);

// "WO-20261122-0001": the day in the tenant's time zone, then the day's sequence.
std::string FormatWorkOrderNumber(const std::string& yyyymmdd, int sequence);
// The same with another prefix, e.g. "DO" for delivery orders.
std::string FormatOrderNumber(absl::string_view prefix, const std::string& yyyymmdd, int sequence);

// Attachment ids as sent (at most 20 uuids, no repeats). INVALID_ARGUMENT naming
// `field` otherwise.
absl::StatusOr<std::vector<std::string>> CheckAttachmentIds(
    const google::protobuf::RepeatedPtrField<std::string>& ids, absl::string_view field);

}  // namespace qq::order
