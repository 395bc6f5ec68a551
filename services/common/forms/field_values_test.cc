#include "services/common/forms/field_values.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "services/common/status.h"

namespace qq::forms {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

std::string FieldNamed(const absl::Status& status) {
  auto payload = status.GetPayload(qq::kFieldPayloadKey);
  return payload ? std::string(*payload) : std::string();
}

Struct Json(const std::string& json) {
  Struct out;
  auto status = google::protobuf::util::JsonStringToMessage(json, &out);
  EXPECT_TRUE(status.ok()) << json;
  return out;
}

Value JsonValue(const std::string& json) {
  Value out;
  auto status = google::protobuf::util::JsonStringToMessage(json, &out);
  EXPECT_TRUE(status.ok()) << json;
  return out;
}

std::string ToJson(const google::protobuf::Message& m) {
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(m, &out);
  return out;
}

::testing::AssertionResult Same(const google::protobuf::Message& actual, const std::string& json) {
  bool same = actual.GetDescriptor() == Struct::descriptor()
                  ? google::protobuf::util::MessageDifferencer::Equals(actual, Json(json))
                  : google::protobuf::util::MessageDifferencer::Equals(actual, JsonValue(json));
  if (same) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << ToJson(actual) << " is not " << json;
}

// A customer form with one field of each type.
std::vector<FieldDefinition> Form() {
  return {
      {.key = "nickname", .label = "昵称", .type = FieldType::kText, .max = 10},
      {.key = "floors",
       .label = "楼层",
       .type = FieldType::kNumber,
       .min = 1,
       .max = 99,
       .decimals = 0},
      {.key = "deposit", .label = "押金", .type = FieldType::kNumber, .min = 0, .decimals = 2},
      {.key = "contract_end", .label = "合同到期", .type = FieldType::kDate},
      {.key = "class",
       .label = "类别",
       .type = FieldType::kSingleSelect,
       .required = true,
       .options = {{"resident", "居民"}, {"shop", "商户"}, {"org", "单位"}}},
      {.key = "slots",
       .label = "送水时段",
       .type = FieldType::kMultiSelect,
       .max = 2,
       .options = {{"am", "上午"}, {"pm", "下午"}, {"night", "晚上"}}},
      {.key = "gate", .label = "大门位置", .type = FieldType::kGeoPoint},
      {.key = "door_photo", .label = "门牌照片", .type = FieldType::kImageRef},
      {.key = "old_code",
       .label = "旧编号",
       .type = FieldType::kText,
       .required = true,
       .active = false},
  };
}

absl::Status Create(Struct* values) { return ValidateValues(Form(), values, WriteMode::kCreate); }

void ExpectFieldError(const absl::Status& status, const std::string& field,
                      absl::StatusCode code = absl::StatusCode::kInvalidArgument) {
  EXPECT_EQ(status.code(), code) << status;
  EXPECT_EQ(FieldNamed(status), field) << status;
  EXPECT_TRUE(absl::StartsWith(status.message(), field + ": ")) << status;
}

void ExpectCreateRejects(const std::string& json, const std::string& field) {
  Struct values = Json(json);
  ExpectFieldError(Create(&values), field);
}

TEST(ValidateValues, AcceptsAndNormalisesAFullRecord) {
  Struct values = Json(R"({
    "nickname": "  老张　", "floors": 6, "deposit": 30.5, "contract_end": "2026-12-31",
    "class": "商户", "slots": ["下午", "am"], "gate": {"lat": 30.27415123456, "lng": 120.15515},
    "door_photo": "3F2504E0-4F89-11D3-9A0C-0305E82C3301"})");
  ASSERT_TRUE(Create(&values).ok()) << Create(&values);
  EXPECT_TRUE(Same(values, R"({
    "nickname": "老张", "floors": 6, "deposit": 30.5, "contract_end": "2026-12-31",
    "class": "shop", "slots": ["am", "pm"], "gate": {"lat": 30.2741512, "lng": 120.15515},
    "door_photo": "3f2504e0-4f89-11d3-9a0c-0305e82c3301"})"));
}

TEST(ValidateValues, RequiresRequiredFieldsOnCreate) {
  ExpectCreateRejects(R"({"nickname": "x"})", "customFields.class");
  ExpectCreateRejects(R"({"class": null})", "customFields.class");
  ExpectCreateRejects(R"({"class": "  "})", "customFields.class");
  Struct values = Json(R"({"class": "resident", "nickname": null, "slots": []})");
  ASSERT_TRUE(Create(&values).ok());
  EXPECT_TRUE(Same(values, R"({"class": "resident"})"));  // nulls and empties dropped
}

TEST(ValidateValues, RejectsUnknownKeysNamingTheSmallest) {
  Struct values = Json(R"({"class": "org", "zeta": 1, "alpha": 2})");
  ExpectFieldError(Create(&values), "customFields.alpha");
  values = Json(R"({"zeta": 1})");
  ExpectFieldError(ValidateValues(Form(), &values, WriteMode::kPatch), "customFields.zeta");
}

TEST(ValidateValues, NamesTheFieldUnderTheGivenPath) {
  Struct values = Json(R"({"class": "nope"})");
  absl::Status status = ValidateValues(Form(), &values, WriteMode::kCreate,
                                       {.field_path = "addresses[2].customFields"});
  ExpectFieldError(status, "addresses[2].customFields.class");
  EXPECT_TRUE(absl::StrContains(status.message(), "居民, 商户, 单位")) << status;
}

TEST(ValidateValues, ChecksText) {
  ExpectCreateRejects(R"({"class": "org", "nickname": 5})", "customFields.nickname");
  ExpectCreateRejects(R"({"class": "org", "nickname": "一二三四五六七八九十一"})",
                      "customFields.nickname");
  ExpectCreateRejects("{\"class\": \"org\", \"nickname\": \"a\\u0001b\"}", "customFields.nickname");
  Struct values = Json(R"({"class": "org", "nickname": "一二三四五六七八九十"})");
  EXPECT_TRUE(Create(&values).ok());  // 10 characters, 30 bytes
  values = Json("{\"class\": \"org\", \"nickname\": \"第一行\\n第二行\"}");
  EXPECT_TRUE(Create(&values).ok());
}

TEST(ValidateValues, ChecksNumbers) {
  ExpectCreateRejects(R"({"class": "org", "floors": "6"})", "customFields.floors");
  ExpectCreateRejects(R"({"class": "org", "floors": 0})", "customFields.floors");
  ExpectCreateRejects(R"({"class": "org", "floors": 100})", "customFields.floors");
  ExpectCreateRejects(R"({"class": "org", "floors": 2.5})", "customFields.floors");
  ExpectCreateRejects(R"({"class": "org", "deposit": 1.005})", "customFields.deposit");
  ExpectCreateRejects(R"({"class": "org", "deposit": -1})", "customFields.deposit");
  ExpectCreateRejects(R"({"class": "org", "deposit": 1e16})", "customFields.deposit");
  ExpectCreateRejects(R"({"class": "org", "deposit": 12345678.123})", "customFields.deposit");
  Struct values = Json(R"({"class": "org", "deposit": 0.30000000000000004, "floors": 99})");
  ASSERT_TRUE(Create(&values).ok());
  EXPECT_TRUE(Same(values, R"({"class": "org", "deposit": 0.3, "floors": 99})"));
}

TEST(ValidateValues, ChecksDates) {
  for (const char* bad : {"2024-02-30", "2024-2-3", "2024/02/03", "20240203", "1899-12-31",
                          "2200-01-01", "tomorrow"}) {
    ExpectCreateRejects(absl::StrCat(R"({"class": "org", "contract_end": ")", bad, R"("})"),
                        "customFields.contract_end");
  }
  ExpectCreateRejects(R"({"class": "org", "contract_end": 20240203})", "customFields.contract_end");
  Struct values = Json(R"({"class": "org", "contract_end": " 2024-02-29 "})");
  ASSERT_TRUE(Create(&values).ok());
  EXPECT_TRUE(Same(values, R"({"class": "org", "contract_end": "2024-02-29"})"));
}

TEST(ValidateValues, TakesSelectLabelsAndValues) {
  for (const auto& [given, stored] : std::vector<std::pair<const char*, const char*>>{
           {"resident", "resident"}, {"居民", "resident"}, {" 单位 ", "org"}, {"SHOP", "shop"}}) {
    Struct values = Json(absl::StrCat(R"({"class": ")", given, R"("})"));
    ASSERT_TRUE(Create(&values).ok()) << given;
    EXPECT_TRUE(Same(values, absl::StrCat(R"({"class": ")", stored, R"("})"))) << given;
  }
  ExpectCreateRejects(R"({"class": "school"})", "customFields.class");
  ExpectCreateRejects(R"({"class": ["org"]})", "customFields.class");
}

TEST(ValidateValues, ChecksMultiSelects) {
  ExpectCreateRejects(R"({"class": "org", "slots": "am"})", "customFields.slots");
  ExpectCreateRejects(R"({"class": "org", "slots": ["am", "上午"]})", "customFields.slots");
  ExpectCreateRejects(R"({"class": "org", "slots": ["am", "pm", "night"]})", "customFields.slots");
  ExpectCreateRejects(R"({"class": "org", "slots": ["dawn"]})", "customFields.slots");
  ExpectCreateRejects(R"({"class": "org", "slots": [1]})", "customFields.slots");
  Struct values = Json(R"({"class": "org", "slots": ["晚上", "AM"]})");
  ASSERT_TRUE(Create(&values).ok());
  EXPECT_TRUE(Same(values, R"({"class": "org", "slots": ["am", "night"]})"));
}

TEST(ValidateValues, ChecksGeoPoints) {
  for (const char* bad :
       {R"("30,120")", R"({"lat": 91, "lng": 120})", R"({"lat": 30, "lng": 181})", R"({"lat": 30})",
        R"({"lat": 30, "lng": 120, "alt": 5})", R"({"lat": "30", "lng": 120})", R"([30, 120])"}) {
    ExpectCreateRejects(absl::StrCat(R"({"class": "org", "gate": )", bad, "}"),
                        "customFields.gate");
  }
}

TEST(ValidateValues, ChecksImageRefs) {
  for (const char* good : {"att_0123456789abcdefghij", "att_AbC-_0123456789xyzXYZ",
                           "3f2504e0-4f89-11d3-9a0c-0305e82c3301"}) {
    Struct values = Json(absl::StrCat(R"({"class": "org", "door_photo": ")", good, R"("})"));
    EXPECT_TRUE(Create(&values).ok()) << good;
  }
  for (const char* bad : {"att_short", "att_0123456789abcdefghij!", "photo.jpg",
                          "http://example.com/a.jpg", "3f2504e0-4f89-11d3-9a0c-0305e82c330"}) {
    ExpectCreateRejects(absl::StrCat(R"({"class": "org", "door_photo": ")", bad, R"("})"),
                        "customFields.door_photo");
  }
}

TEST(ValidateValues, RefusesNewValuesOnRetiredFields) {
  Struct values = Json(R"({"class": "org", "old_code": "A-17"})");
  ExpectFieldError(Create(&values), "customFields.old_code", absl::StatusCode::kFailedPrecondition);
  values = Json(R"({"class": "org"})");
  EXPECT_TRUE(Create(&values).ok());  // its `required` no longer applies
}

TEST(ValidateValues, PatchChecksOnlyThePresentKeysAndKeepsNullsAsRemovals) {
  Struct values = Json(R"({"nickname": null, "floors": 3})");
  ASSERT_TRUE(ValidateValues(Form(), &values, WriteMode::kPatch).ok());
  EXPECT_TRUE(Same(values, R"({"nickname": null, "floors": 3})"));  // class not required here
  values = Json(R"({"class": null})");
  ExpectFieldError(ValidateValues(Form(), &values, WriteMode::kPatch), "customFields.class");
  values = Json(R"({"class": ""})");
  ExpectFieldError(ValidateValues(Form(), &values, WriteMode::kPatch), "customFields.class");
  values = Json(R"({"old_code": null})");  // a retired value may be cleared
  EXPECT_TRUE(ValidateValues(Form(), &values, WriteMode::kPatch).ok());
  values = Json(R"({"old_code": "B-2"})");
  ExpectFieldError(ValidateValues(Form(), &values, WriteMode::kPatch), "customFields.old_code",
                   absl::StatusCode::kFailedPrecondition);
}

TEST(ValidateValues, PassesStoredValuesSentBackUnchanged) {
  // Stored before the definitions tightened: 3 slots, a removed option, a retired field.
  Struct current =
      Json(R"({"class": "org", "slots": ["am", "pm", "dawn"], "old_code": "A-17", "floors": 120})");
  Struct values = current;
  values.mutable_fields()->at("floors").set_number_value(12);
  ASSERT_TRUE(ValidateValues(Form(), &values, WriteMode::kReplace, {.current = &current}).ok());
  EXPECT_TRUE(Same(values,
                   R"({"class": "org", "slots": ["am", "pm", "dawn"], "old_code": "A-17",
                       "floors": 12})"));
  // Changing such a value makes it new, and checked.
  values = current;
  (*values.mutable_fields())["slots"] = JsonValue(R"(["am", "dawn"])");
  ExpectFieldError(ValidateValues(Form(), &values, WriteMode::kReplace, {.current = &current}),
                   "customFields.slots");
  values = Json(R"({"old_code": "A-18"})");
  ExpectFieldError(ValidateValues(Form(), &values, WriteMode::kPatch, {.current = &current}),
                   "customFields.old_code", absl::StatusCode::kFailedPrecondition);
}

TEST(ValidateValues, ReplaceKeepsRetiredValuesAndRequiredOnes) {
  Struct current = Json(R"({"class": "org", "old_code": "A-17", "nickname": "老张"})");
  Struct values = Json(R"({"class": "shop"})");  // a form that hides retired fields
  ASSERT_TRUE(ValidateValues(Form(), &values, WriteMode::kReplace, {.current = &current}).ok());
  EXPECT_TRUE(Same(values, R"({"class": "shop", "old_code": "A-17"})"));  // nickname removed
  values = Json(R"({"class": "shop", "old_code": null})");                // cleared on purpose
  ASSERT_TRUE(ValidateValues(Form(), &values, WriteMode::kReplace, {.current = &current}).ok());
  EXPECT_TRUE(Same(values, R"({"class": "shop"})"));
  values = Json(R"({"nickname": "x"})");
  ExpectFieldError(ValidateValues(Form(), &values, WriteMode::kReplace, {.current = &current}),
                   "customFields.class");
  // A record from before `class` became required may stay without it.
  Struct old = Json(R"({"nickname": "老张"})");
  values = Json(R"({"nickname": "小张"})");
  EXPECT_TRUE(ValidateValues(Form(), &values, WriteMode::kReplace, {.current = &old}).ok());
}

// ---- ParseCellText ----

const FieldDefinition& Def(const std::string& key) {
  static const std::vector<FieldDefinition> form = Form();
  for (const FieldDefinition& d : form) {
    if (d.key == key) return d;
  }
  ADD_FAILURE() << key;
  return form[0];
}

void ExpectCell(const std::string& key, const std::string& text, const std::string& json) {
  absl::StatusOr<Value> value = ParseCellText(Def(key), text);
  ASSERT_TRUE(value.ok()) << key << " '" << text << "': " << value.status();
  EXPECT_TRUE(Same(*value, json)) << key << " '" << text << "'";
}

void ExpectBadCell(const std::string& key, const std::string& text) {
  absl::StatusOr<Value> value = ParseCellText(Def(key), text);
  ASSERT_FALSE(value.ok()) << key << " '" << text << "' gave " << ToJson(*value);
  EXPECT_EQ(value.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldNamed(value.status()), "");  // the caller names row and column
}

TEST(ParseCellText, GivesNullForEmptyCells) {
  for (const char* key : {"nickname", "floors", "contract_end", "class", "slots", "gate"}) {
    ExpectCell(key, "", "null");
    ExpectCell(key, " 　", "null");
  }
}

TEST(ParseCellText, ReadsNumbersWithSeparatorsAndFullWidthDigits) {
  ExpectCell("deposit", "1,234.5", "1234.5");
  ExpectCell("deposit", "１２３４．５", "1234.5");
  ExpectCell("deposit", "1，234", "1234");
  ExpectCell("deposit", "1.5e3", "1500");
  ExpectCell("deposit", "+12", "12");
  ExpectCell("floors", " 12 ", "12");
  for (const char* bad : {"1,5", "12,34", "1,2345", "abc", "12元", "1.2.3", "0x10", "inf", "-"}) {
    ExpectBadCell("deposit", bad);
  }
  ExpectBadCell("floors", "100");     // range still applies
  ExpectBadCell("deposit", "1.234");  // and decimals
}

TEST(ParseCellText, ReadsTheUsualDateForms) {
  for (const char* text :
       {"2024-03-05", "2024-3-5", "2024/3/5", "2024.03.05", "2024年3月5日", "2024年03月05号",
        "2024/3/5 0:00:00", "2024-03-05T08:30:00", "20240305", "45356", "２０２４年３月５日"}) {
    ExpectCell("contract_end", text, R"("2024-03-05")");
  }
  for (const char* bad : {"2024-3/5", "2024/13/1", "2023/2/29", "3/5/2024", "2024年3月",
                          "1850-01-01", "2024-03-05 noon", "2024", "99999"}) {
    ExpectBadCell("contract_end", bad);
  }
}

TEST(ParseCellText, ReadsSelectsByLabelOrValue) {
  ExpectCell("class", "商户", R"("shop")");
  ExpectCell("class", "org", R"("org")");
  ExpectBadCell("class", "学校");
  ExpectCell("slots", "上午,晚上", R"(["am", "night"])");
  ExpectCell("slots", "晚上、上午", R"(["am", "night"])");
  ExpectCell("slots", "pm； 上午", R"(["am", "pm"])");
  ExpectCell("slots", "下午 / 下午", R"(["pm"])");  // repeats dropped
  ExpectCell("slots", "上午，", R"(["am"])");
  ExpectBadCell("slots", "上午;凌晨");
  ExpectBadCell("slots", "上午,下午,晚上");  // max 2 choices
}

TEST(ParseCellText, ReadsGeoPointsEitherWayRound) {
  ExpectCell("gate", "30.2741,120.1551", R"({"lat": 30.2741, "lng": 120.1551})");
  ExpectCell("gate", "30.2741， 120.1551", R"({"lat": 30.2741, "lng": 120.1551})");
  ExpectCell("gate", "30.2741 120.1551", R"({"lat": 30.2741, "lng": 120.1551})");
  ExpectCell("gate", "120.1551,30.2741", R"({"lat": 30.2741, "lng": 120.1551})");  // lng,lat
  for (const char* bad : {"30.27", "a,b", "30,120,5", "95,200", "30;120"})
    ExpectBadCell("gate", bad);
}

TEST(ParseCellText, ReadsTextAndImageRefs) {
  ExpectCell("nickname", " 老张 ", R"("老张")");
  ExpectBadCell("nickname", "一二三四五六七八九十一");
  ExpectCell("door_photo", "att_0123456789abcdefghij", R"("att_0123456789abcdefghij")");
  ExpectBadCell("door_photo", "IMG_0001.jpg");
}

}  // namespace
}  // namespace qq::forms
