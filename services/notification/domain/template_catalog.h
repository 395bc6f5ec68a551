// The events messages are sent for, their variables and the shipped zh-CN texts, and the
// rendering of a template body ({variable} placeholders). Pure: no I/O.
#pragma once

#include <map>
#include <string>
#include <vector>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"

namespace qq::notification {

// Channel names as stored and as in qingquan.notification.v1.Channel.
inline constexpr char kSms[] = "SMS";
inline constexpr char kWeChat[] = "WECHAT";
inline constexpr char kInApp[] = "IN_APP";

struct TemplateVariableSpec {
  std::string name;
  std::string label;   // 客户姓名
  std::string sample;  // for previews
  // Longer values are cut (by characters, with "…") so one long text cannot make a
  // message run to many SMS parts.
  size_t max_chars = 30;
};

struct TemplateEventSpec {
  std::string event;     // "work_order_resolved"
  std::string label;     // 工单已处理完成
  std::string audience;  // "customer" or "staff"
  std::string category;  // "service", "marketing", "care"
  std::vector<TemplateVariableSpec> variables;
  // Shipped text per channel; a channel without one is not offered for the event.
  std::map<std::string, std::string> defaults;
  // Channels on by default (the others are off until a manager turns them on).
  std::vector<std::string> enabled_by_default;
};

// Every event, in the order people see them.
const std::vector<TemplateEventSpec>& TemplateEvents();
const TemplateEventSpec* FindTemplateEvent(absl::string_view event);

// Template event names.
inline constexpr char kWorkOrderAccepted[] = "work_order_accepted";
inline constexpr char kWorkerOnTheWay[] = "worker_on_the_way";
inline constexpr char kWorkOrderResolved[] = "work_order_resolved";
inline constexpr char kWorkOrderSurvey[] = "work_order_survey";
inline constexpr char kDeliveryAssigned[] = "delivery_assigned";
inline constexpr char kCourierOnTheWay[] = "courier_on_the_way";
inline constexpr char kDeliveryDelivered[] = "delivery_delivered";
inline constexpr char kDeliverySurvey[] = "delivery_survey";
inline constexpr char kTicketBalanceLow[] = "ticket_balance_low";
inline constexpr char kCare[] = "care";
inline constexpr char kBirthday[] = "birthday";
inline constexpr char kWorkOrderEscalated[] = "work_order_escalated";

// Checks a body for `event`: placeholders must name the event's variables ({{ and }} are
// literal braces). Errors name `field` and the offending variable.
absl::Status ValidateTemplateBody(const TemplateEventSpec& event, absl::string_view body,
                                  absl::string_view field);

struct RenderedTemplate {
  std::string text;
  std::vector<std::string> used;     // variables in order of first use
  std::vector<std::string> missing;  // used but without a value (rendered empty)
};

// Fills the placeholders of a valid body; values longer than their variable's limit are
// cut. Unknown placeholders render empty (a valid body has none).
RenderedTemplate RenderTemplate(const TemplateEventSpec& event, absl::string_view body,
                                const std::map<std::string, std::string>& values);

// The variables a body uses, in order of first use (the order of a provider template's
// positional parameters, e.g. Tencent's TemplateParamSet).
std::vector<std::string> TemplateVariablesUsed(absl::string_view body);

// Chinese name of a work-order type for customer-facing text (报修, 投诉, ...); `type` is a
// qingquan.order.v1.WorkOrder.Type name, e.g. "REPAIR".
std::string WorkOrderTypeLabel(absl::string_view type);

// SMS billing: up to 70 characters is one part; a longer text is split into parts of 67.
int SmsSegments(size_t characters);

// "【清泉】" + body, the way Chinese SMS carry their signature.
std::string WithSmsSignature(absl::string_view signature, absl::string_view body);

}  // namespace qq::notification
