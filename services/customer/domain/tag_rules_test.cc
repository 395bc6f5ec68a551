#include "services/customer/domain/tag_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "google/protobuf/field_mask.pb.h"
#include "services/common/status.h"

namespace qq::customer {
namespace {

namespace v1 = qingquan::customer::v1;
using ::testing::HasSubstr;

v1::Tag TagNamed(const std::string& name) {
  v1::Tag t;
  t.set_name(name);
  return t;
}

std::string Repeat(const std::string& piece, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += piece;
  return out;
}

TEST(CheckTag, CountsCharactersNotBytes) {
  // 23 characters, 63 bytes: refused by the old byte limit.
  auto long_tag = CheckTag(TagNamed("高层无电梯需带小推车下午3点后送偏好大桶水工作日"));
  ASSERT_TRUE(long_tag.ok()) << long_tag.status();
  EXPECT_EQ(long_tag->name(), "高层无电梯需带小推车下午3点后送偏好大桶水工作日");
  EXPECT_TRUE(CheckTag(TagNamed(Repeat("水", 59) + "😀")).ok());  // 60 characters
  absl::Status over = CheckTag(TagNamed(Repeat("水", 60) + "😀")).status();
  EXPECT_EQ(FieldOf(over), "name");
  EXPECT_THAT(std::string(over.message()), HasSubstr("at most 60 characters (this one has 61)"));
}

TEST(CheckTag, TrimsAndChecksEveryField) {
  auto trimmed = CheckTag(TagNamed("　VIP　"));
  ASSERT_TRUE(trimmed.ok());
  EXPECT_EQ(trimmed->name(), "VIP");
  EXPECT_EQ(FieldOf(CheckTag(TagNamed(" ")).status()), "name");
  EXPECT_EQ(FieldOf(CheckTag(TagNamed("a,b")).status()), "name");
  v1::Tag colored = TagNamed("VIP");
  colored.set_color("#e4572g");
  EXPECT_EQ(FieldOf(CheckTag(colored).status()), "color");
  colored.set_color("#E4572E");
  EXPECT_TRUE(CheckTag(colored).ok());
  v1::Tag described = TagNamed("VIP");
  described.set_description(Repeat("说", 500));
  EXPECT_TRUE(CheckTag(described).ok());
  described.set_description(Repeat("说", 501));
  EXPECT_EQ(FieldOf(CheckTag(described).status()), "description");
}

TEST(ApplyTagUpdate, ChangesOnlyTheMaskedFields) {
  v1::Tag current = TagNamed("下午3点后送");
  current.set_id("t1");
  current.set_color("#112233");
  v1::Tag patch = TagNamed("下午3点后送（工作日）");
  patch.set_color("#445566");
  google::protobuf::FieldMask mask;
  mask.add_paths("name");
  auto renamed = ApplyTagUpdate(current, patch, mask);
  ASSERT_TRUE(renamed.ok()) << renamed.status();
  EXPECT_EQ(renamed->id(), "t1");
  EXPECT_EQ(renamed->name(), "下午3点后送（工作日）");
  EXPECT_EQ(renamed->color(), "#112233");
  EXPECT_EQ(FieldOf(ApplyTagUpdate(current, patch, {}).status()), "updateMask");
  mask.add_paths("id");
  EXPECT_EQ(FieldOf(ApplyTagUpdate(current, patch, mask).status()), "updateMask");
}

}  // namespace
}  // namespace qq::customer
