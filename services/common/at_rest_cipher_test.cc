#include "services/common/at_rest_cipher.h"

#include <gtest/gtest.h>

namespace qq {
namespace {

const char kKeyA[] = "a:0101010101010101010101010101010101010101010101010101010101010101";
const char kKeyB[] = "b:0202020202020202020202020202020202020202020202020202020202020202";

TEST(AtRestCipher, SealsPerTenantAndOpensWithTheKeyThatSealed) {
  auto cipher = AtRestCipher::FromConfig(kKeyA);
  ASSERT_TRUE(cipher.ok()) << cipher.status();
  const std::string sealed = cipher->Seal("utility-demo", "阿里云AccessKeySecret🔑");
  EXPECT_EQ(sealed.find("AccessKeySecret"), std::string::npos);
  EXPECT_NE(cipher->Seal("utility-demo", "x"), cipher->Seal("utility-demo", "x"));  // nonces
  auto opened = cipher->Open("a", "utility-demo", sealed);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, "阿里云AccessKeySecret🔑");
  // Another tenant's row, a changed byte or an unknown key never opens.
  EXPECT_EQ(cipher->Open("a", "station-demo", sealed).status().code(), absl::StatusCode::kDataLoss);
  std::string tampered = sealed;
  tampered.back() ^= 1;
  EXPECT_EQ(cipher->Open("a", "utility-demo", tampered).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(cipher->Open("z", "utility-demo", sealed).status().code(), absl::StatusCode::kNotFound);
}

TEST(AtRestCipher, RotationKeepsOldValuesReadable) {
  auto old_cipher = AtRestCipher::FromConfig(kKeyA);
  ASSERT_TRUE(old_cipher.ok());
  const std::string sealed = old_cipher->Seal("t", "secret");
  auto rotated = AtRestCipher::FromConfig(std::string(kKeyB) + "," + kKeyA);
  ASSERT_TRUE(rotated.ok());
  EXPECT_EQ(rotated->current_key_id(), "b");
  EXPECT_EQ(*rotated->Open("a", "t", sealed), "secret");
}

TEST(AtRestCipher, BadKeyListsAreRefused) {
  EXPECT_FALSE(AtRestCipher::FromConfig("").ok());
  EXPECT_FALSE(AtRestCipher::FromConfig("a:01").ok());
  EXPECT_FALSE(AtRestCipher::FromConfig(std::string(kKeyA) + "," + kKeyA).ok());
  EXPECT_FALSE(AtRestCipher::FromConfig("nocolon").ok());
}

}  // namespace
}  // namespace qq
