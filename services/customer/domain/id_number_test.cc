#include "services/customer/domain/id_number.h"

#include <gtest/gtest.h>

#include "services/common/status.h"

namespace qq::customer {
namespace {

TEST(PersonIdNumber, AcceptsValidNumbersAndNormalises) {
  auto id = NormalisePersonIdNumber("idNumber", "11010519491231002x");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, "11010519491231002X");
}

TEST(PersonIdNumber, RejectsWrongCheckDateLengthAndCharacters) {
  EXPECT_EQ(FieldOf(NormalisePersonIdNumber("idNumber", "110105194912310021").status()),
            "idNumber");  // check character should be X
  EXPECT_FALSE(NormalisePersonIdNumber("idNumber", "110105194902300021").ok());  // 2月30日
  EXPECT_FALSE(NormalisePersonIdNumber("idNumber", "11010519491231002").ok());
  EXPECT_FALSE(NormalisePersonIdNumber("idNumber", "1101051949123100AX").ok());
}

TEST(CreditCode, ChecksTheGb32100CheckCharacter) {
  EXPECT_TRUE(NormaliseCreditCode("idNumber", "91350100M000100Y43").ok());
  EXPECT_FALSE(NormaliseCreditCode("idNumber", "91350100M000100Y44").ok());
  EXPECT_FALSE(NormaliseCreditCode("idNumber", "91350100M000100YI3").ok());  // no I
  EXPECT_FALSE(NormaliseCreditCode("idNumber", "9135").ok());
}

}  // namespace
}  // namespace qq::customer
