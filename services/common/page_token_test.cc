#include "services/common/page_token.h"

#include <gtest/gtest.h>

#include "services/common/status.h"

namespace qq {
namespace {

TEST(PageToken, RoundTripsTheCursor) {
  const std::string id = "6f1c7a9e-4f1b-4c55-9d7e-2d7f0c1b8a11";
  auto cursor = DecodePageToken(EncodePageToken(1795513219331000, id));
  ASSERT_TRUE(cursor.ok()) << cursor.status();
  EXPECT_EQ(cursor->after_micros, 1795513219331000);
  EXPECT_EQ(cursor->after_id, id);
}

TEST(PageToken, EmptyMeansFirstPage) {
  auto cursor = DecodePageToken("");
  ASSERT_TRUE(cursor.ok());
  EXPECT_EQ(cursor->after_micros, 0);
}

TEST(PageToken, ForgedTokensAreRejectedNamingTheField) {
  for (const std::string& bad : {std::string("%%%"), EncodePageToken(0, "x"),
                                 EncodePageToken(5, "not-a-uuid'; DROP TABLE x; --")}) {
    auto cursor = DecodePageToken(bad);
    EXPECT_EQ(cursor.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(FieldOf(cursor.status()), "pageToken");
  }
}

}  // namespace
}  // namespace qq
