#include "services/customer/domain/password_hash.h"

#include <gtest/gtest.h>

namespace qq::customer {
namespace {

TEST(PasswordHash, VerifiesTheRightPasswordOnly) {
  auto hash = HashPassword("demo12345");
  ASSERT_TRUE(hash.ok());
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u) << *hash;
  EXPECT_TRUE(VerifyPassword(*hash, "demo12345"));
  EXPECT_FALSE(VerifyPassword(*hash, "demo12346"));
  EXPECT_FALSE(VerifyPassword(*hash, ""));
}

TEST(PasswordHash, SaltsEachHash) { EXPECT_NE(*HashPassword("same"), *HashPassword("same")); }

TEST(PasswordHash, MalformedHashNeverVerifies) {
  EXPECT_FALSE(VerifyPassword("", "x"));
  EXPECT_FALSE(VerifyPassword("$argon2id$garbage", "x"));
}

}  // namespace
}  // namespace qq::customer
