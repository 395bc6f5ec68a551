// Message texts sent to customers. Pure: no I/O.
#pragma once

#include <string>

namespace qq::notification {

inline constexpr char kWorkOrderResolvedTemplate[] = "work_order_resolved";
inline constexpr char kSatisfactionSurveyTemplate[] = "satisfaction_survey";

// 【清泉】SMS telling the customer their work order is done and what was done.
// `type` is a qingquan.order.v1.WorkOrder.Type name, e.g. "REPAIR".
std::string WorkOrderResolvedSms(const std::string& customer_name, const std::string& type,
                                 const std::string& number, const std::string& result);

// 【清泉】SMS asking for a score of 1–5 for the order `number` (a work order or a
// delivery).
std::string SatisfactionSurveySms(const std::string& customer_name, const std::string& number);

// Chinese name of a work-order type for customer-facing text (报修, 投诉, ...).
std::string WorkOrderTypeLabel(const std::string& type);

}  // namespace qq::notification
