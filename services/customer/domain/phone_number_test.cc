#include "services/customer/domain/phone_number.h"

#include <gtest/gtest.h>

#include "services/common/pii.h"
#include "services/common/status.h"

namespace qq::customer {
namespace {

TEST(NormalisePhone, KeepsMobileDigitsAndDropsCountryCode) {
  EXPECT_EQ(*NormalisePhone("p", "13912345678"), "13912345678");
  EXPECT_EQ(*NormalisePhone("p", "+86 139 1234 5678"), "13912345678");
  EXPECT_EQ(*NormalisePhone("p", "0086-139-1234-5678"), "13912345678");
  EXPECT_EQ(*NormalisePhone("p", "8613912345678"), "13912345678");
}

TEST(NormalisePhone, WritesLandlinesWithAreaCodeAndDash) {
  EXPECT_EQ(*NormalisePhone("p", "021 6234 5678"), "021-62345678");
  EXPECT_EQ(*NormalisePhone("p", "(0571)8765432"), "0571-8765432");
  EXPECT_EQ(NormalisePhone("p", "010-12345678").status().code(),
            absl::StatusCode::kInvalidArgument);  // local numbers never start with 1
}

TEST(NormalisePhone, RejectsWhatIsNoMainlandNumberNamingTheField) {
  for (const char* bad :
       {"", "1391234567", "139123456789", "12912345678", "abc", "+1 415 555 0100", "12345"}) {
    auto result = NormalisePhone("phones[2]", bad);
    ASSERT_FALSE(result.ok()) << bad;
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(FieldOf(result.status()), "phones[2]") << bad;
  }
}

TEST(MaskPhone, HidesTheMiddleDigits) {
  EXPECT_EQ(MaskPhone("13912345678"), "139****5678");
  EXPECT_EQ(MaskPhone("021-62345678"), "021-******78");
}

}  // namespace
}  // namespace qq::customer
