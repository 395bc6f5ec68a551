#include "services/notification/domain/template_catalog.h"

#include <gtest/gtest.h>

#include "services/common/text/utf8_text.h"

namespace qq::notification {
namespace {

const TemplateEventSpec& Event(const char* name) {
  const TemplateEventSpec* e = FindTemplateEvent(name);
  EXPECT_NE(e, nullptr) << name;
  return *e;
}

TEST(TemplateCatalog, EveryShippedDefaultIsValidAndFitsTwoSmsParts) {
  for (const auto& event : TemplateEvents()) {
    ASSERT_FALSE(event.defaults.empty()) << event.event;
    for (const auto& [channel, body] : event.defaults) {
      EXPECT_TRUE(ValidateTemplateBody(event, body, "body").ok()) << event.event << " " << channel;
      std::map<std::string, std::string> samples;
      for (const auto& v : event.variables) samples[v.name] = v.sample;
      RenderedTemplate r = RenderTemplate(event, body, samples);
      EXPECT_TRUE(r.missing.empty()) << event.event;
      EXPECT_LE(SmsSegments(text::CharCount(WithSmsSignature("清泉", r.text))), 2) << event.event;
    }
    for (const auto& channel : event.enabled_by_default) {
      EXPECT_TRUE(event.defaults.count(channel)) << event.event << " " << channel;
    }
  }
}

TEST(TemplateCatalog, UnknownVariableIsRefusedNamingIt) {
  absl::Status s = ValidateTemplateBody(Event(kWorkOrderResolved), "您好{customer_nmae}", "body");
  ASSERT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("{customer_nmae}"), std::string::npos) << s;
  EXPECT_NE(s.message().find("{customer_name}"), std::string::npos) << s;  // lists the known
}

TEST(TemplateCatalog, VariableOfAnotherEventIsUnknown) {
  // {eta} belongs to the on-the-way events, not to "resolved".
  EXPECT_FALSE(ValidateTemplateBody(Event(kWorkOrderResolved), "预计{eta}", "body").ok());
  EXPECT_TRUE(ValidateTemplateBody(Event(kWorkerOnTheWay), "预计{eta}", "body").ok());
}

TEST(TemplateCatalog, StrayBracesAreRefusedAndDoubledOnesAreLiteral) {
  const auto& e = Event(kWorkOrderResolved);
  EXPECT_FALSE(ValidateTemplateBody(e, "工单{order_number", "body").ok());
  EXPECT_FALSE(ValidateTemplateBody(e, "工单}", "body").ok());
  EXPECT_FALSE(ValidateTemplateBody(e, "{ order_number }", "body").ok());
  EXPECT_FALSE(ValidateTemplateBody(e, "{}", "body").ok());
  EXPECT_FALSE(ValidateTemplateBody(e, "{客户}", "body").ok());
  ASSERT_TRUE(ValidateTemplateBody(e, "{{备注}} {order_number}", "body").ok());
  EXPECT_EQ(RenderTemplate(e, "{{备注}} {order_number}", {{"order_number", "WO-1"}}).text,
            "{备注} WO-1");
}

TEST(TemplateCatalog, RendersChineseEmojiAndCutsLongValuesByCharacters) {
  const auto& e = Event(kWorkOrderResolved);
  std::string result;
  for (int i = 0; i < 50; ++i) result += "修";
  RenderedTemplate r = RenderTemplate(e, "{customer_name}：{result}",
                                      {{"customer_name", "张三🎉"}, {"result", result}});
  std::string kept;
  for (int i = 0; i < 39; ++i) kept += "修";
  EXPECT_EQ(r.text, "张三🎉：" + kept + "…");
  EXPECT_EQ(r.used, (std::vector<std::string>{"customer_name", "result"}));
  EXPECT_TRUE(r.missing.empty());
}

TEST(TemplateCatalog, MissingValuesRenderEmptyAndAreListed) {
  RenderedTemplate r =
      RenderTemplate(Event(kWorkerOnTheWay), "{worker_name}预计{eta}到达，{worker_name}",
                     {{"worker_name", "李师傅"}});
  EXPECT_EQ(r.text, "李师傅预计到达，李师傅");
  EXPECT_EQ(r.used, (std::vector<std::string>{"worker_name", "eta"}));
  EXPECT_EQ(r.missing, (std::vector<std::string>{"eta"}));
}

TEST(TemplateCatalog, VariablesInOrderOfFirstUse) {
  EXPECT_EQ(TemplateVariablesUsed("{b}{a}{b}{{c}}"), (std::vector<std::string>{"b", "a"}));
}

TEST(SmsSegments, SeventyCharactersIsOnePartThenSixtySevenEach) {
  EXPECT_EQ(SmsSegments(0), 0);
  EXPECT_EQ(SmsSegments(1), 1);
  EXPECT_EQ(SmsSegments(70), 1);
  EXPECT_EQ(SmsSegments(71), 2);
  EXPECT_EQ(SmsSegments(134), 2);
  EXPECT_EQ(SmsSegments(135), 3);
  EXPECT_EQ(SmsSegments(201), 3);
  EXPECT_EQ(SmsSegments(202), 4);
}

TEST(SmsSegments, SignatureCountsAsCharacters) {
  std::string body;
  for (int i = 0; i < 66; ++i) body += "水";
  std::string sms = WithSmsSignature("清泉", body);
  EXPECT_EQ(text::CharCount(sms), 70u);
  EXPECT_EQ(SmsSegments(text::CharCount(sms)), 1);
  EXPECT_EQ(SmsSegments(text::CharCount(sms + "！")), 2);
}

}  // namespace
}  // namespace qq::notification
