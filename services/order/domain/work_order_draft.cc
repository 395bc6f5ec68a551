#include "services/order/domain/work_order_draft.h"

#include <cstdio>

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
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
  if (in.channel() == qingquan::order::v1::CHANNEL_UNSPECIFIED) {
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
  QQ_ASSIGN_OR_RETURN(draft.attachment_ids,
                      CheckAttachmentIds(in.attachment_ids(), "attachmentIds"));
  draft.custom_fields = in.custom_fields();
  return draft;
}

absl::StatusOr<std::vector<std::string>> CheckAttachmentIds(
    const google::protobuf::RepeatedPtrField<std::string>& ids, absl::string_view field) {
  if (ids.size() > kMaxAttachmentsPerStep) {
    return InvalidField(field, absl::StrCat("has more than ", kMaxAttachmentsPerStep, " photos"));
  }
  std::set<std::string> seen;
  for (int i = 0; i < ids.size(); ++i) {
    if (!LooksLikeUuid(ids[i])) {
      return InvalidField(absl::StrCat(field, "[", i, "]"), "is not an attachment id");
    }
    if (!seen.insert(ids[i]).second) {
      return InvalidField(absl::StrCat(field, "[", i, "]"), "repeats an attachment");
    }
  }
  return std::vector<std::string>(ids.begin(), ids.end());
}

std::string FormatWorkOrderNumber(const std::string& yyyymmdd, int sequence) {
  return FormatOrderNumber("WO", yyyymmdd, sequence);
}

std::string FormatOrderNumber(absl::string_view prefix, const std::string& yyyymmdd, int sequence) {
  char seq[16];
  std::snprintf(seq, sizeof seq, "%04d", sequence);
  return absl::StrCat(prefix, "-", yyyymmdd, "-", seq);
}

}  // namespace qq::order
