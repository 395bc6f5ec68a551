#include "services/customer/domain/pii_cipher.h"

#include <gtest/gtest.h>

namespace qq::customer {
namespace {

constexpr char kOld[] = "k1:1111111111111111111111111111111111111111111111111111111111111111";
constexpr char kBoth[] =
    "k2:2222222222222222222222222222222222222222222222222222222222222222,"
    "k1:1111111111111111111111111111111111111111111111111111111111111111";

TEST(PiiCipher, SealsAndOpensBoundToTheTenant) {
  auto cipher = PiiCipher::FromConfig(kBoth);
  ASSERT_TRUE(cipher.ok()) << cipher.status();
  std::string sealed = cipher->Seal("tenant-a", "13912345678");
  EXPECT_EQ(sealed.find("13912345678"), std::string::npos);
  EXPECT_NE(sealed, cipher->Seal("tenant-a", "13912345678"));  // fresh nonce each time
  auto opened = cipher->Open("k2", "tenant-a", sealed);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, "13912345678");
  EXPECT_EQ(cipher->Open("k2", "tenant-b", sealed).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(cipher->Open("k9", "tenant-a", sealed).status().code(), absl::StatusCode::kNotFound);
}

TEST(PiiCipher, BlindIndexIsKeyedPerTenantAndRotates) {
  auto old_cipher = *PiiCipher::FromConfig(kOld);
  auto cipher = *PiiCipher::FromConfig(kBoth);
  EXPECT_EQ(cipher.BlindIndex("a", "139"), cipher.BlindIndex("a", "139"));
  EXPECT_NE(cipher.BlindIndex("a", "139"), cipher.BlindIndex("b", "139"));
  EXPECT_EQ(cipher.BlindIndex("a", "139").size(), 16u);
  // During rotation a value indexed under the old key is still found.
  auto lookups = cipher.LookupIndexes("a", "139");
  ASSERT_EQ(lookups.size(), 2u);
  EXPECT_EQ(lookups[1], old_cipher.BlindIndex("a", "139"));
  // And sealed values of the old key still open.
  EXPECT_EQ(*cipher.Open("k1", "a", old_cipher.Seal("a", "x")), "x");
}

TEST(PiiCipher, RejectsBadConfig) {
  EXPECT_FALSE(PiiCipher::FromConfig("").ok());
  EXPECT_FALSE(PiiCipher::FromConfig("k1:abcd").ok());
  EXPECT_FALSE(PiiCipher::FromConfig("nokey").ok());
  EXPECT_FALSE(PiiCipher::FromConfig(std::string(kOld) + "," + kOld).ok());
}

TEST(PiiHelpers, LastDigitsAndMask) {
  EXPECT_EQ(LastDigits("021-62345678"), "5678");
  EXPECT_EQ(LastDigits("12"), "12");
  EXPECT_EQ(MaskIdNumber("11010519491231002X"), "110105********002X");
}

}  // namespace
}  // namespace qq::customer
