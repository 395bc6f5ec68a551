#include "services/notification/domain/message_templates.h"

#include "absl/strings/str_cat.h"
#include "services/common/text/utf8_text.h"

namespace qq::notification {
namespace {

// SMS bodies are billed per 70 characters; keep the customer's text short.
constexpr size_t kMaxResultChars = 40;

}  // namespace

std::string WorkOrderTypeLabel(const std::string& type) {
  if (type == "NEW_CONNECTION") return "报装";
  if (type == "REPAIR") return "报修";
  if (type == "COMPLAINT") return "投诉";
  if (type == "ENQUIRY") return "咨询";
  if (type == "FOLLOW_UP") return "回访";
  if (type == "WATER_CHANGE") return "换水";
  if (type == "DISPENSER_REPAIR") return "饮水机报修";
  return "服务";
}

std::string WorkOrderResolvedSms(const std::string& customer_name, const std::string& type,
                                 const std::string& number, const std::string& result) {
  std::string greeting = customer_name.empty() ? "尊敬的客户" : "尊敬的" + customer_name;
  return absl::StrCat("【清泉】", greeting, "，您的", WorkOrderTypeLabel(type), "工单", number,
                      "已处理完成：", text::TruncateChars(result, kMaxResultChars),
                      "。如仍有问题请回复本短信或致电客服。");
}

std::string SatisfactionSurveySms(const std::string& customer_name, const std::string& number) {
  std::string greeting = customer_name.empty() ? "尊敬的客户" : "尊敬的" + customer_name;
  return absl::StrCat("【清泉】", greeting, "，感谢您的耐心。请回复数字 1-5 为订单", number,
                      "的服务评分（5 为非常满意）。");
}

}  // namespace qq::notification
