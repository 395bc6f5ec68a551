#include "services/notification/domain/message_templates.h"

#include <gtest/gtest.h>

namespace qq::notification {
namespace {

TEST(WorkOrderResolvedSms, NamesCustomerTypeNumberAndResult) {
  std::string sms = WorkOrderResolvedSms("张三", "REPAIR", "WO-20261124-0001", "已更换破裂水管");
  EXPECT_EQ(sms,
            "【清泉】尊敬的张三，您的报修工单WO-20261124-0001已处理完成：已更换破裂水管。"
            "如仍有问题请回复本短信或致电客服。");
}

TEST(WorkOrderResolvedSms, ShortensLongResultsAtCharacterBoundaries) {
  std::string result;
  for (int i = 0; i < 60; ++i) result += "修";
  std::string sms = WorkOrderResolvedSms("", "COMPLAINT", "WO-1", result);
  std::string kept;  // 39 characters and the ellipsis make the 40 of the limit
  for (int i = 0; i < 39; ++i) kept += "修";
  EXPECT_NE(sms.find("尊敬的客户"), std::string::npos);
  EXPECT_NE(sms.find("投诉工单"), std::string::npos);
  EXPECT_NE(sms.find(kept + "…。"), std::string::npos);
  EXPECT_EQ(sms.find(kept + "修"), std::string::npos);
}

}  // namespace
}  // namespace qq::notification
