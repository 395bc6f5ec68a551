#include "services/order/domain/work_order_draft.h"

#include <cstdio>

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/ids.h"
#include "services/common/status.h"
#include "services/common/text/utf8_text.h"
#include "services/common/text_limits.h"

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
  draft.description = std::string(text::TrimSpaces(in.description()));
  QQ_RETURN_IF_ERROR(CheckTextLength("description", draft.description, kMaxDescriptionChars));
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

absl::StatusOr<WorkOrderEdit> CheckWorkOrderEdit(const WorkOrder& patch,
                                                 const google::protobuf::FieldMask& mask) {
  static constexpr char kUpdatable[] = "description, urgency, addressId";
  if (mask.paths_size() == 0) {
    return InvalidField("updateMask",
                        absl::StrCat("is required; fields that may change: ", kUpdatable));
  }
  WorkOrderEdit edit;
  for (const std::string& path : mask.paths()) {
    if (path == "description") {
      edit.description = std::string(text::TrimSpaces(patch.description()));
      QQ_RETURN_IF_ERROR(CheckTextLength("description", *edit.description, kMaxDescriptionChars));
    } else if (path == "urgency") {
      if (patch.urgency() == WorkOrder::URGENCY_UNSPECIFIED) {
        return InvalidField("urgency", "is required: NORMAL, URGENT or CRITICAL");
      }
      edit.urgency = patch.urgency();
    } else if (path == "address_id") {
      if (!LooksLikeUuid(patch.address_id())) {
        return WithField(absl::NotFoundError("the customer has no such address"), "addressId");
      }
      edit.address_id = patch.address_id();
    } else {
      return InvalidField(
          "updateMask", absl::StrCat("'", path, "' cannot change; fields that may: ", kUpdatable));
    }
  }
  return edit;
}

std::string UrgencyLabel(WorkOrder::Urgency urgency) {
  switch (urgency) {
    case WorkOrder::URGENT:
      return "紧急";
    case WorkOrder::CRITICAL:
      return "特急";
    default:
      return "普通";
  }
}

std::string DescribeWorkOrderEdit(const WorkOrder& before, const WorkOrderEdit& edit,
                                  const std::string& new_address_text) {
  constexpr size_t kQuote = 60;
  std::vector<std::string> parts;
  if (edit.description && *edit.description != before.description()) {
    parts.push_back(absl::StrCat("描述: 「", text::TruncateChars(before.description(), kQuote),
                                 "」→「", text::TruncateChars(*edit.description, kQuote), "」"));
  }
  if (edit.urgency && *edit.urgency != before.urgency()) {
    parts.push_back(absl::StrCat("紧急程度: ", UrgencyLabel(before.urgency()), " → ",
                                 UrgencyLabel(*edit.urgency)));
  }
  if (edit.address_id && *edit.address_id != before.address_id()) {
    parts.push_back(absl::StrCat("地址: ", text::TruncateChars(before.address_text(), kQuote),
                                 " → ", text::TruncateChars(new_address_text, kQuote)));
  }
  if (parts.empty()) return "";
  return absl::StrCat("修改 ", absl::StrJoin(parts, "; "));
}

std::string NormalizeOrderNumber(absl::string_view typed) {
  std::string number;
  for (char c : text::NormalizeNfkc(typed)) {
    if (!absl::ascii_isspace(static_cast<unsigned char>(c))) {
      number.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
    }
  }
  return number;
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
