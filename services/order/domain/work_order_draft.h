// Checks a new work order as a client sent it. Pure: no I/O. Field paths are those
// of the JSON body (the work order itself).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "google/protobuf/field_mask.pb.h"
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

// In characters (code points).
inline constexpr size_t kMaxDescriptionChars = 4000;
inline constexpr int kMaxAttachmentsPerStep = 20;

// INVALID_ARGUMENT naming "type", "channel", "customerId", "addressId",
// "description" or "attachmentIds" when required or malformed.
absl::StatusOr<WorkOrderDraft> CheckNewWorkOrder(const qingquan::order::v1::WorkOrder& in);

// What an UpdateWorkOrder changes; unset: left as it is.
struct WorkOrderEdit {
  std::optional<std::string> description;
  std::optional<qingquan::order::v1::WorkOrder::Urgency> urgency;
  std::optional<std::string> address_id;
};

// Checks a PATCH: update_mask names only description, urgency, address_id (INVALID_ARGUMENT
// naming "updateMask" otherwise, also when empty), each value as on create.
absl::StatusOr<WorkOrderEdit> CheckWorkOrderEdit(const qingquan::order::v1::WorkOrder& patch,
                                                 const google::protobuf::FieldMask& mask);

// The timeline's words for an edit of `before` ("修改 紧急程度: 普通 → 紧急; 地址: … → …"),
// quoting texts cut to 60 characters; "" when nothing changes. `new_address_text` is the
// chosen address's text when the address changes.
std::string DescribeWorkOrderEdit(const qingquan::order::v1::WorkOrder& before,
                                  const WorkOrderEdit& edit, const std::string& new_address_text);

// 普通, 紧急, 特急.
std::string UrgencyLabel(qingquan::order::v1::WorkOrder::Urgency urgency);

// "WO-20261122-0001": the day in the tenant's time zone, then the day's sequence.
std::string FormatWorkOrderNumber(const std::string& yyyymmdd, int sequence);
// The same with another prefix, e.g. "DO" for delivery orders.
std::string FormatOrderNumber(absl::string_view prefix, const std::string& yyyymmdd, int sequence);

// An order number as a person typed it, in the stored form: NFKC (full-width
// "ＷＯ－２０２６…" is "WO-2026…"), spaces removed, upper case.
std::string NormalizeOrderNumber(absl::string_view typed);

// Attachment ids as sent (at most 20 uuids, no repeats). INVALID_ARGUMENT naming
// `field` otherwise.
absl::StatusOr<std::vector<std::string>> CheckAttachmentIds(
    const google::protobuf::RepeatedPtrField<std::string>& ids, absl::string_view field);

}  // namespace qq::order
