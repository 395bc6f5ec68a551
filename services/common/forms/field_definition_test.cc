#include "services/common/forms/field_definition.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/common/status.h"

namespace qq::forms {
namespace {

// qq::FieldOf lives in qq_common, which this library does not link; same payload.
std::string FieldNamed(const absl::Status& status) {
  auto payload = status.GetPayload(qq::kFieldPayloadKey);
  return payload ? std::string(*payload) : std::string();
}

FieldDefinition Text() { return {.key = "nickname", .label = "昵称", .type = FieldType::kText}; }

FieldDefinition Select(FieldType type = FieldType::kSingleSelect) {
  return {.key = "customer_class",
          .label = "客户类别",
          .type = type,
          .options = {{"resident", "居民"}, {"shop", "商户"}, {"org", "单位"}}};
}

void ExpectInvalid(const absl::Status& status, const std::string& field) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_EQ(FieldNamed(status), field) << status;
  EXPECT_TRUE(absl::StartsWith(status.message(), field + ": ")) << status;
}

TEST(ValidateDefinition, AcceptsAFieldOfEachType) {
  std::vector<FieldDefinition> ok = {
      Text(),
      {.key = "floor_count",
       .label = "楼层数",
       .type = FieldType::kNumber,
       .min = 1,
       .max = 99,
       .decimals = 0},
      {.key = "contract_end", .label = "合同到期日", .type = FieldType::kDate, .required = true},
      Select(),
      {.key = "delivery_slots",
       .label = "送水时段",
       .type = FieldType::kMultiSelect,
       .min = 1,
       .max = 2,
       .options = {{"am", "上午"}, {"pm", "下午"}}},
      {.key = "gate", .label = "小区大门", .type = FieldType::kGeoPoint},
      {.key = "door_photo", .label = "门牌照片", .type = FieldType::kImageRef},
      {.key = "remark", .label = "备注", .type = FieldType::kText, .min = 0, .max = 200},
  };
  for (const FieldDefinition& d : ok) EXPECT_TRUE(ValidateDefinition(d).ok()) << d.key;
  EXPECT_TRUE(ValidateDefinitions(ok).ok());
}

TEST(ValidateDefinition, RejectsKeysThatAreNotLowerSnakeCase) {
  for (const char* bad : {"", "Nickname", "1st", "_x", "nick-name", "昵称", "nick name"}) {
    FieldDefinition d = Text();
    d.key = bad;
    ExpectInvalid(ValidateDefinition(d), "key");
  }
  FieldDefinition d = Text();
  d.key = std::string(41, 'a');
  ExpectInvalid(ValidateDefinition(d), "key");
  d.key = std::string(40, 'a');
  EXPECT_TRUE(ValidateDefinition(d).ok());
}

TEST(ValidateDefinition, RejectsBlankLongOrMultiLineLabels) {
  for (const char* bad :
       {"", "   ", "　", "昵\n称", " 昵称",
        "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一"}) {
    FieldDefinition d = Text();
    d.label = bad;
    ExpectInvalid(ValidateDefinition(d, "definition"), "definition.label");
  }
  FieldDefinition d = Text();
  d.label = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十";
  EXPECT_TRUE(ValidateDefinition(d).ok());  // 40 characters, 120 bytes
}

TEST(ValidateDefinition, RequiresOptionsForSelectsOnly) {
  FieldDefinition d = Select();
  d.options.clear();
  ExpectInvalid(ValidateDefinition(d), "options");
  FieldDefinition text = Text();
  text.options = {{"a", "A"}};
  ExpectInvalid(ValidateDefinition(text), "options");
  FieldDefinition many = Select();
  many.options.clear();
  for (int i = 0; i <= 200; ++i)
    many.options.push_back({absl::StrCat("v", i), absl::StrCat("L", i)});
  ExpectInvalid(ValidateDefinition(many), "options");
}

TEST(ValidateDefinition, RejectsBadDuplicateOrAmbiguousOptions) {
  FieldDefinition d = Select();
  d.options[1].value = "resident";
  ExpectInvalid(ValidateDefinition(d), "options[1].value");
  d = Select();
  d.options[2].label = "居民";
  ExpectInvalid(ValidateDefinition(d), "options[2].label");
  d = Select();
  d.options[0].value = "居民";
  ExpectInvalid(ValidateDefinition(d), "options[0].value");
  d = Select();
  d.options[0].value = "-x";
  ExpectInvalid(ValidateDefinition(d), "options[0].value");
  d = Select();
  d.options[1].label = "";
  ExpectInvalid(ValidateDefinition(d), "options[1].label");
  d = Select();
  d.options[1].label = "org";  // another option's value
  ExpectInvalid(ValidateDefinition(d), "options[1].label");
  d = Select();
  d.options[0].label = "resident";  // its own value: fine
  EXPECT_TRUE(ValidateDefinition(d).ok());
}

TEST(ValidateDefinition, KeepsImportSeparatorsOutOfMultiSelectLabels) {
  for (const char* bad : {"早/晚", "A,B", "甲、乙", "甲，乙", "甲；乙", "a;b"}) {
    FieldDefinition d = Select(FieldType::kMultiSelect);
    d.options[0].label = bad;
    ExpectInvalid(ValidateDefinition(d), "options[0].label");
    FieldDefinition single = Select();
    single.options[0].label = bad;
    EXPECT_TRUE(ValidateDefinition(single).ok()) << bad;  // single select: not split
  }
}

TEST(ValidateDefinition, ChecksBoundsWhereTheyApply) {
  FieldDefinition number = {
      .key = "n", .label = "N", .type = FieldType::kNumber, .min = 5, .max = 1};
  ExpectInvalid(ValidateDefinition(number), "max");
  number = {.key = "n", .label = "N", .type = FieldType::kNumber, .min = -1.5, .max = 2.5};
  EXPECT_TRUE(ValidateDefinition(number).ok());
  number.max = std::nan("");
  ExpectInvalid(ValidateDefinition(number), "max");
  number.max = 1e16;
  ExpectInvalid(ValidateDefinition(number), "max");

  FieldDefinition text = Text();
  text.max = 2.5;
  ExpectInvalid(ValidateDefinition(text), "max");
  text.max = 5000;  // beyond kMaxTextLength
  ExpectInvalid(ValidateDefinition(text), "max");
  text.max = std::nullopt;
  text.min = -1;
  ExpectInvalid(ValidateDefinition(text), "min");

  FieldDefinition multi = Select(FieldType::kMultiSelect);
  multi.min = 1;
  multi.max = 2;
  EXPECT_TRUE(ValidateDefinition(multi).ok());
  multi.min = 0.5;
  ExpectInvalid(ValidateDefinition(multi), "min");

  for (FieldType type :
       {FieldType::kDate, FieldType::kSingleSelect, FieldType::kGeoPoint, FieldType::kImageRef}) {
    FieldDefinition d = type == FieldType::kSingleSelect ? Select() : Text();
    d.type = type;
    d.min = 1;
    ExpectInvalid(ValidateDefinition(d), "min");
    d.min = std::nullopt;
    d.max = 1;
    ExpectInvalid(ValidateDefinition(d), "max");
  }
}

TEST(ValidateDefinition, AllowsDecimalsOnNumbersOnly) {
  FieldDefinition number = {.key = "n", .label = "N", .type = FieldType::kNumber, .decimals = 2};
  EXPECT_TRUE(ValidateDefinition(number).ok());
  number.decimals = 10;
  ExpectInvalid(ValidateDefinition(number), "decimals");
  number.decimals = -2;
  ExpectInvalid(ValidateDefinition(number), "decimals");
  FieldDefinition text = Text();
  text.decimals = 2;
  ExpectInvalid(ValidateDefinition(text), "decimals");
  text.decimals = 0;  // an unset proto3 field
  EXPECT_TRUE(ValidateDefinition(text).ok());
}

TEST(ValidateDefinition, RejectsAnUnknownType) {
  FieldDefinition d = Text();
  d.type = static_cast<FieldType>(42);
  ExpectInvalid(ValidateDefinition(d), "type");
}

TEST(ValidateDefinitions, RejectsRepeatedKeysAndLabels) {
  std::vector<FieldDefinition> defs = {Text(), Select(), Text()};
  defs[2].label = "别名";
  ExpectInvalid(ValidateDefinitions(defs), "definitions[2].key");
  defs[2].key = "alias";
  defs[2].label = "客户类别";
  ExpectInvalid(ValidateDefinitions(defs), "definitions[2].label");
  defs[2].label = "别名";
  EXPECT_TRUE(ValidateDefinitions(defs).ok());
  defs[1].options[0].value = "bad value";
  ExpectInvalid(ValidateDefinitions(defs), "definitions[1].options[0].value");
}

TEST(ValidateDefinitions, CapsFieldsPerForm) {
  std::vector<FieldDefinition> defs;
  for (size_t i = 0; i <= kMaxFieldsPerForm; ++i) {
    defs.push_back({.key = absl::StrCat("f", i), .label = absl::StrCat("F", i)});
  }
  ExpectInvalid(ValidateDefinitions(defs), "definitions");
  defs.pop_back();
  EXPECT_TRUE(ValidateDefinitions(defs).ok());
}

TEST(ValidateDefinitionChange, RefusesToChangeKeyOrType) {
  FieldDefinition before = Select();
  FieldDefinition after = before;
  after.type = FieldType::kMultiSelect;
  absl::Status status = ValidateDefinitionChange(before, after, "definition");
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_EQ(FieldNamed(status), "definition.type");
  after = before;
  after.key = "class2";
  status = ValidateDefinitionChange(before, after);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_EQ(FieldNamed(status), "key");
}

TEST(ValidateDefinitionChange, AllowsLabelsOptionsBoundsRequiredAndRetiring) {
  FieldDefinition before = Select(FieldType::kMultiSelect);
  FieldDefinition after = before;
  after.label = "客户分类";
  after.options.erase(after.options.begin());   // removed: stored values stay readable
  after.options.push_back({"school", "学校"});  // added
  after.options[0].label = "个体商户";          // renamed
  after.required = true;
  after.max = 1;
  EXPECT_TRUE(ValidateDefinitionChange(before, after).ok());
  after.active = false;
  EXPECT_TRUE(ValidateDefinitionChange(before, after).ok());
  EXPECT_TRUE(ValidateDefinitionChange(after, before).ok());  // brought back
}

TEST(ValidateDefinitionChange, ChecksTheNewDefinitionOnItsOwn) {
  FieldDefinition before = Select();
  FieldDefinition after = before;
  after.options.clear();
  ExpectInvalid(ValidateDefinitionChange(before, after), "options");
}

TEST(FieldTypeName, RoundTrips) {
  for (FieldType type :
       {FieldType::kText, FieldType::kNumber, FieldType::kDate, FieldType::kSingleSelect,
        FieldType::kMultiSelect, FieldType::kGeoPoint, FieldType::kImageRef}) {
    EXPECT_EQ(ParseFieldType(FieldTypeName(type)), type);
  }
  EXPECT_EQ(FieldTypeName(FieldType::kMultiSelect), "MULTI_SELECT");
  EXPECT_EQ(FieldTypeName(FieldType::kImageRef), "IMAGE");
  EXPECT_EQ(ParseFieldType("text"), std::nullopt);
}

}  // namespace
}  // namespace qq::forms
