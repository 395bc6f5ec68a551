#include "gateway/error_messages.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "services/common/status.h"
#include "services/common/text_limits.h"

namespace qq::gateway {
namespace {

namespace json = boost::json;

json::object Error(const std::string& body) { return json::parse(body).at("error").as_object(); }

TEST(LanguageOf, ChineseUnlessEnglishIsPreferred) {
  EXPECT_EQ(LanguageOf(""), Language::kChinese);
  EXPECT_EQ(LanguageOf("zh-CN,zh;q=0.9,en;q=0.8"), Language::kChinese);
  EXPECT_EQ(LanguageOf("en-US,en;q=0.9"), Language::kEnglish);
  EXPECT_EQ(LanguageOf("en;q=0.5, zh-CN;q=0.8"), Language::kChinese);
  EXPECT_EQ(LanguageOf("fr-FR, en;q=0.7"), Language::kEnglish);
  EXPECT_EQ(LanguageOf("fr-FR"), Language::kChinese);
  EXPECT_EQ(LanguageOf("en;q=garbage"), Language::kChinese);
  EXPECT_EQ(LanguageOf("en;q=0"), Language::kChinese);
}

TEST(LocalizedErrorJson, WordsAKnownCodeFromItsParameters) {
  absl::Status too_long = CheckTextLength("addresses[1].deliveryNotes", std::string(501, 'x'), 500);
  json::object zh = Error(LocalizedErrorJson(too_long, Language::kChinese));
  EXPECT_EQ(zh.at("code").as_string(), "TEXT_TOO_LONG");
  EXPECT_EQ(zh.at("message").as_string(), "送货备注最多 500 个字符，现在有 501 个");
  EXPECT_EQ(zh.at("field").as_string(), "addresses[1].deliveryNotes");
  // The service's own words stay for developers.
  EXPECT_EQ(zh.at("detail").as_string(),
            "addresses[1].deliveryNotes: at most 500 characters (this one has 501)");
  json::object en = Error(LocalizedErrorJson(too_long, Language::kEnglish));
  EXPECT_EQ(en.at("message").as_string(),
            "addresses[1].deliveryNotes: at most 500 characters (this one has 501)");
  EXPECT_FALSE(en.contains("detail"));
}

TEST(LocalizedErrorJson, SaysWhichOfAListIsMeant) {
  json::object zh = Error(LocalizedErrorJson(
      InvalidField("phones[1]", "a mobile number has 11 digits"), Language::kChinese));
  EXPECT_EQ(zh.at("message").as_string(), "电话（第 2 个）填写有误");
  EXPECT_EQ(zh.at("detail").as_string(), "phones[1]: a mobile number has 11 digits");
}

TEST(LocalizedErrorJson, WordsOtherErrorsByStatusCodeAndField) {
  json::object missing = Error(LocalizedErrorJson(
      WithField(absl::NotFoundError("no such customer"), "customerId"), Language::kChinese));
  EXPECT_EQ(missing.at("code").as_string(), "NOT_FOUND");
  EXPECT_EQ(missing.at("message").as_string(), "客户不存在");
  EXPECT_EQ(missing.at("detail").as_string(), "no such customer");
  EXPECT_EQ(
      Error(LocalizedErrorJson(absl::PermissionDeniedError("needs manager"), Language::kChinese))
          .at("message")
          .as_string(),
      "没有权限执行此操作");
  EXPECT_EQ(Error(LocalizedErrorJson(InvalidField("weird.path", "bad"), Language::kChinese))
                .at("message")
                .as_string(),
            "weird.path填写有误");
}

}  // namespace
}  // namespace qq::gateway
