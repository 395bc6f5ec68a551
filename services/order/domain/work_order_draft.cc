#include "services/order/domain/work_order_draft.h"

#include <cstdio>

#include "absl/strings/ascii.h"
#include "services/common/ids.h"
#include "services/common/status.h"

namespace qq::order {

using qingquan::order::v1::WorkOrder;

absl::StatusOr<WorkOrderDraft> CheckNewWorkOrder(const WorkOrder& in) {
  WorkOrderDraft draft;
  if (in.type() == WorkOrder::TYPE_UNSPECIFIED) {
    return InvalidField("type", "is required (e.g. REPAIR, COMPLAINT, NEW_CONNECTION)");
  }
  draft.type = in.type();
  if (in.channel() == WorkOrder::CHANNEL_UNSPECIFIED) {
    return InvalidField("channel", "is required (e.g. PHONE, WEB, WECHAT_MINI_PROGRAM)");
  }
  draft.channel = in.channel();
  draft.urgency = in.urgency() == WorkOrder::URGENCY_UNSPECIFIED ? WorkOrder::NORMAL : in.urgency();
  if (in.customer_id().empty()) return InvalidField("customerId", "is required");
  draft.customer_id = in.customer_id();
  if (!in.address_id().empty() && !LooksLikeUuid(in.address_id())) {
    return WithField(absl::NotFoundError("the customer has no such address"), "addressId");
  }
  draft.address_id = in.address_id();
  draft.description = std::string(absl::StripAsciiWhitespace(in.description()));
  if (draft.description.size() > kMaxDescriptionBytes) {
    return InvalidField("description", "is longer than 4000 bytes");
  }
  return draft;
}

std::string FormatWorkOrderNumber(const std::string& yyyymmdd, int sequence) {
  char seq[16];
  std::snprintf(seq, sizeof seq, "%04d", sequence);
  return "WO-" + yyyymmdd + "-" + seq;
}

}  // namespace qq::order
