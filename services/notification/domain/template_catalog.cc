#include "services/notification/domain/template_catalog.h"

#include <algorithm>
#include <functional>

#include "absl/strings/str_cat.h"
#include "services/common/status.h"
#include "services/common/text/utf8_text.h"

namespace qq::notification {
namespace {

TemplateVariableSpec Var(std::string name, std::string label, std::string sample,
                         size_t max_chars = 30) {
  return {std::move(name), std::move(label), std::move(sample), max_chars};
}

const TemplateVariableSpec kCustomerName = Var("customer_name", "客户姓名", "张三", 20);
const TemplateVariableSpec kOrderNumber = Var("order_number", "单号", "WO-20261208-0007", 32);
const TemplateVariableSpec kOrderType = Var("order_type", "工单类型", "报修", 10);
const TemplateVariableSpec kWorkerName = Var("worker_name", "维修师傅", "李师傅", 20);
const TemplateVariableSpec kCourierName = Var("courier_name", "送水员", "王师傅", 20);
const TemplateVariableSpec kEta = Var("eta", "预计到达", "15:30", 20);
const TemplateVariableSpec kItems = Var("items", "商品", "18.9L桶装水×2", 40);
const TemplateVariableSpec kTicketsLeft = Var("tickets_left", "剩余水票", "2", 10);
const TemplateVariableSpec kProduct = Var("product", "水票品类", "18.9L", 20);
const TemplateVariableSpec kCoupon = Var("coupon", "优惠券", "续费95折券", 20);

std::vector<TemplateEventSpec> BuildEvents() {
  return {
      {kWorkOrderAccepted,
       "工单已受理",
       "customer",
       "service",
       {kCustomerName, kOrderNumber, kOrderType, kWorkerName},
       {{kSms,
         "{customer_name}您好，您的{order_type}工单{order_number}已由{worker_name}受理，"
         "我们会尽快处理。"},
        {kWeChat, "{order_type}工单{order_number}已受理，处理人：{worker_name}"}},
       {kSms}},
      {kWorkerOnTheWay,
       "师傅已出发",
       "customer",
       "service",
       {kCustomerName, kOrderNumber, kOrderType, kWorkerName, kEta},
       {{kSms,
         "{customer_name}您好，{worker_name}已出发处理您的{order_type}工单{order_number}，"
         "预计{eta}到达，请保持电话畅通。"},
        {kWeChat, "{worker_name}已出发，预计{eta}到达（工单{order_number}）"}},
       {kSms}},
      {kWorkOrderResolved,
       "工单已处理完成",
       "customer",
       "service",
       {kCustomerName, kOrderNumber, kOrderType,
        Var("result", "处理结果", "更换DN100阀门后恢复供水", 40)},
       {{kSms,
         "尊敬的{customer_name}，您的{order_type}工单{order_number}已处理完成：{result}。"
         "如仍有问题请回复本短信或致电客服。"},
        {kWeChat, "{order_type}工单{order_number}已处理完成：{result}"}},
       {kSms}},
      {kWorkOrderSurvey,
       "工单满意度回访",
       "customer",
       "survey",
       {kCustomerName, kOrderNumber},
       {{kSms,
         "尊敬的{customer_name}，感谢您的耐心。请回复数字 1-5 为工单{order_number}"
         "的服务评分（5 为非常满意）。"},
        {kWeChat, "请为工单{order_number}的服务评分"}},
       {kSms}},
      {kDeliveryAssigned,
       "订单已派送",
       "customer",
       "service",
       {kCustomerName, kOrderNumber, kCourierName, kEta, kItems},
       {{kSms,
         "{customer_name}您好，您的订单{order_number}（{items}）已安排{courier_name}配送，"
         "预计{eta}送达。"},
        {kWeChat, "订单{order_number}已安排{courier_name}配送，预计{eta}送达"}},
       {kSms}},
      {kCourierOnTheWay,
       "送水员在路上",
       "customer",
       "service",
       {kCustomerName, kOrderNumber, kCourierName, kEta},
       {{kSms,
         "{customer_name}您好，{courier_name}正在为您送水（订单{order_number}），"
         "预计{eta}送达，请留意门铃。"},
        {kWeChat, "{courier_name}正在送水途中，预计{eta}送达"}},
       {kSms}},
      {kDeliveryDelivered,
       "订单已送达",
       "customer",
       "service",
       {kCustomerName, kOrderNumber, kItems, kTicketsLeft},
       {{kSms, "{customer_name}您好，订单{order_number}（{items}）已送达。感谢您的订购！"},
        {kWeChat, "订单{order_number}已送达：{items}"}},
       {}},
      {kDeliverySurvey,
       "送水满意度回访",
       "customer",
       "survey",
       {kCustomerName, kOrderNumber},
       {{kSms,
         "尊敬的{customer_name}，您的订单{order_number}已送达。请回复数字 1-5 为本次"
         "送水服务评分（5 为非常满意）。"},
        {kWeChat, "请为订单{order_number}的送水服务评分"}},
       {kSms}},
      {kTicketBalanceLow,
       "水票余额不足",
       "customer",
       "marketing",
       {kCustomerName, kProduct, kTicketsLeft, kCoupon},
       {{kSms,
         "{customer_name}您好，您的{product}水票仅剩{tickets_left}张，续购即可使用"
         "{coupon}。回复TD退订"},
        {kWeChat, "{product}水票仅剩{tickets_left}张，续购可用{coupon}"}},
       {kSms}},
      {kCare,
       "客户关怀",
       "customer",
       "care",
       {kCustomerName, Var("days_since_last_order", "距上次订水天数", "30", 6)},
       {{kSms,
         "{customer_name}您好，好久不见！家里的水还够喝吗？需要送水请直接回复或致电我们。"
         "回复TD退订"},
        {kWeChat, "好久不见，需要送水随时下单"}},
       {}},
      {kBirthday,
       "生日祝福",
       "customer",
       "marketing",
       {kCustomerName, kCoupon},
       {{kSms, "{customer_name}，祝您生日快乐！送您一张{coupon}，下次订水时自动使用。回复TD退订"},
        {kWeChat, "生日快乐！送您一张{coupon}"}},
       {kSms}},
      {kWorkOrderEscalated,
       "工单超时升级（员工）",
       "staff",
       "service",
       {kOrderNumber, kOrderType, Var("state", "当前状态", "已派单", 20),
        Var("minutes", "未处理分钟数", "120", 6)},
       {{kInApp, "{order_type}工单{order_number}已{minutes}分钟未处理（当前：{state}），请跟进。"}},
       {kInApp}},
  };
}

// Walks `body`, calling `on_text` for literal runs and `on_variable` for placeholders.
// Returns an error (naming `field`) for a brace that opens or closes nothing.
absl::Status Scan(absl::string_view body, absl::string_view field,
                  const std::function<void(absl::string_view)>& on_text,
                  const std::function<absl::Status(absl::string_view)>& on_variable) {
  size_t i = 0;
  while (i < body.size()) {
    const char c = body[i];
    if (c == '{' && i + 1 < body.size() && body[i + 1] == '{') {
      on_text("{");
      i += 2;
      continue;
    }
    if (c == '}' && i + 1 < body.size() && body[i + 1] == '}') {
      on_text("}");
      i += 2;
      continue;
    }
    if (c == '}') {
      return InvalidField(field, "a '}' closes no {variable} (write }} for a brace)");
    }
    if (c == '{') {
      size_t close = body.find('}', i + 1);
      absl::string_view name = close == absl::string_view::npos ? absl::string_view()
                                                                : body.substr(i + 1, close - i - 1);
      const bool well_formed =
          !name.empty() && name.size() <= 40 && name[0] >= 'a' && name[0] <= 'z' &&
          std::all_of(name.begin(), name.end(), [](char ch) {
            return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
          });
      if (!well_formed) {
        return InvalidField(field,
                            "a '{' starts no {variable} (names are lower case letters, digits "
                            "and _; write {{ for a brace)");
      }
      if (absl::Status s = on_variable(name); !s.ok()) return s;
      i = close + 1;
      continue;
    }
    size_t next = body.find_first_of("{}", i);
    if (next == absl::string_view::npos) next = body.size();
    on_text(body.substr(i, next - i));
    i = next;
  }
  return absl::OkStatus();
}

const TemplateVariableSpec* FindVariable(const TemplateEventSpec& event, absl::string_view name) {
  for (const auto& v : event.variables) {
    if (v.name == name) return &v;
  }
  return nullptr;
}

}  // namespace

const std::vector<TemplateEventSpec>& TemplateEvents() {
  static const std::vector<TemplateEventSpec> events = BuildEvents();
  return events;
}

const TemplateEventSpec* FindTemplateEvent(absl::string_view event) {
  for (const auto& e : TemplateEvents()) {
    if (e.event == event) return &e;
  }
  return nullptr;
}

absl::Status ValidateTemplateBody(const TemplateEventSpec& event, absl::string_view body,
                                  absl::string_view field) {
  return Scan(
      body, field, [](absl::string_view) {},
      [&](absl::string_view name) -> absl::Status {
        if (FindVariable(event, name) != nullptr) return absl::OkStatus();
        std::string known;
        for (const auto& v : event.variables)
          absl::StrAppend(&known, known.empty() ? "" : ", ", "{", v.name, "}");
        return InvalidField(field, absl::StrCat("unknown variable {", name, "} for ", event.event,
                                                "; it may use ", known));
      });
}

RenderedTemplate RenderTemplate(const TemplateEventSpec& event, absl::string_view body,
                                const std::map<std::string, std::string>& values) {
  RenderedTemplate out;
  auto note = [](std::vector<std::string>& list, absl::string_view name) {
    if (std::find(list.begin(), list.end(), name) == list.end()) list.emplace_back(name);
  };
  // A body that does not scan renders as far as it scans; validation refuses it on save.
  (void)Scan(
      body, "body", [&](absl::string_view text) { out.text.append(text.data(), text.size()); },
      [&](absl::string_view name) -> absl::Status {
        note(out.used, name);
        const TemplateVariableSpec* spec = FindVariable(event, name);
        auto it = values.find(std::string(name));
        if (spec == nullptr || it == values.end() || it->second.empty()) {
          note(out.missing, name);
          return absl::OkStatus();
        }
        out.text.append(text::TruncateChars(it->second, spec->max_chars));
        return absl::OkStatus();
      });
  return out;
}

std::vector<std::string> TemplateVariablesUsed(absl::string_view body) {
  std::vector<std::string> used;
  (void)Scan(
      body, "body", [](absl::string_view) {},
      [&](absl::string_view name) -> absl::Status {
        if (std::find(used.begin(), used.end(), name) == used.end()) used.emplace_back(name);
        return absl::OkStatus();
      });
  return used;
}

std::string WorkOrderTypeLabel(absl::string_view type) {
  if (type == "NEW_CONNECTION") return "报装";
  if (type == "REPAIR") return "报修";
  if (type == "COMPLAINT") return "投诉";
  if (type == "ENQUIRY") return "咨询";
  if (type == "FOLLOW_UP") return "回访";
  if (type == "WATER_CHANGE") return "换水";
  if (type == "DISPENSER_REPAIR") return "饮水机报修";
  return "服务";
}

int SmsSegments(size_t characters) {
  if (characters == 0) return 0;
  if (characters <= 70) return 1;
  return static_cast<int>((characters + 66) / 67);
}

std::string WithSmsSignature(absl::string_view signature, absl::string_view body) {
  return absl::StrCat("【", signature, "】", body);
}

}  // namespace qq::notification
