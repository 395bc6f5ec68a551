// Tests for HeaderMap: matching header labels to the caller's fields.
#include "services/customer/spreadsheet/header_map.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace qq::spreadsheet {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Row HeaderRow(const std::vector<std::string>& labels) {
  Row row;
  row.number = 1;
  for (const std::string& label : labels) {
    row.cells.push_back(Cell{label.empty() ? CellKind::kEmpty : CellKind::kString, label});
  }
  return row;
}

std::vector<FieldSpec> CustomerFields() {
  return {
      {"name", {"姓名", "名称", "name", "客户名称"}, true},
      {"phone", {"电话", "手机", "手机号", "phone", "mobile"}, true},
      {"address", {"地址", "送水地址", "address"}},
      {"tags", {"标签", "tags"}},
      {"tickets", {"水票", "tickets"}},
      {"notes", {"备注", "notes", "remark"}},
      {"custom.floor", {"楼层"}},  // a tenant's custom field label
  };
}

TEST(HeaderMap, MapsChineseAndEnglishHeaders) {
  absl::StatusOr<HeaderMap> map =
      HeaderMap::Build(HeaderRow({"姓名", "Phone", "地址", "楼层", "Tickets"}), CustomerFields());
  ASSERT_TRUE(map.ok()) << map.status();
  EXPECT_EQ(map->ColumnOf("name"), 0);
  EXPECT_EQ(map->ColumnOf("phone"), 1);
  EXPECT_EQ(map->ColumnOf("address"), 2);
  EXPECT_EQ(map->ColumnOf("custom.floor"), 3);
  EXPECT_EQ(map->ColumnOf("tickets"), 4);
  EXPECT_EQ(map->ColumnOf("notes"), -1);
  EXPECT_EQ(map->FieldAt(1)->field, "phone");
  EXPECT_THAT(map->warnings(), IsEmpty());
}

TEST(HeaderMap, ToleratesSpacesCaseFullWidthAndTemplateMarks) {
  absl::StatusOr<HeaderMap> ok = HeaderMap::Build(
      HeaderRow({" 姓 名* ", "ＰＨＯＮＥ", "地址：", "水票（张）", "　备注　"}), CustomerFields());
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->ColumnOf("name"), 0);
  EXPECT_EQ(ok->ColumnOf("phone"), 1);
  EXPECT_EQ(ok->ColumnOf("address"), 2);
  EXPECT_EQ(ok->ColumnOf("tickets"), 3);
  EXPECT_EQ(ok->ColumnOf("notes"), 4);
}

TEST(HeaderMap, IgnoresUnknownHeadersWithAWarning) {
  absl::StatusOr<HeaderMap> map =
      HeaderMap::Build(HeaderRow({"姓名", "微信", "", "电话"}), CustomerFields());
  ASSERT_TRUE(map.ok()) << map.status();
  EXPECT_THAT(map->warnings(), ElementsAre("column B (微信) matches no field and is ignored"));
  EXPECT_EQ(map->FieldAt(1), nullptr);
  EXPECT_EQ(map->FieldAt(2), nullptr);
  EXPECT_EQ(map->ColumnOf("phone"), 3);
}

TEST(HeaderMap, RefusesTwoColumnsForOneField) {
  absl::StatusOr<HeaderMap> map =
      HeaderMap::Build(HeaderRow({"姓名", "电话", "地址", "手机号"}), CustomerFields());
  ASSERT_EQ(map.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(map.status().message(), HasSubstr("columns B (电话) and D (手机号) both mean 电话"));
}

TEST(HeaderMap, RefusesMissingRequiredFieldsNamingAllOfThem) {
  absl::StatusOr<HeaderMap> map = HeaderMap::Build(HeaderRow({"地址", "备注"}), CustomerFields());
  ASSERT_EQ(map.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(map.status().message(), HasSubstr("missing required columns 姓名, 电话"));
}

TEST(HeaderMap, GivesASharedAliasToTheFieldListedFirst) {
  std::vector<FieldSpec> fields = {{"phone", {"电话"}}, {"custom.phone2", {"电话", "备用电话"}}};
  absl::StatusOr<HeaderMap> map = HeaderMap::Build(HeaderRow({"电话", "备用电话"}), fields);
  ASSERT_TRUE(map.ok()) << map.status();
  EXPECT_EQ(map->ColumnOf("phone"), 0);
  EXPECT_EQ(map->ColumnOf("custom.phone2"), 1);
}

TEST(HeaderMap, ReadsValuesAndDescribesColumns) {
  absl::StatusOr<HeaderMap> map =
      HeaderMap::Build(HeaderRow({"姓名", "电话", "地址"}), CustomerFields());
  ASSERT_TRUE(map.ok()) << map.status();
  Row row;
  row.cells = {{CellKind::kString, "张三"}, {CellKind::kNumber, "13912345678"}};
  EXPECT_EQ(map->Value(row, "phone"), "13912345678");
  EXPECT_EQ(map->Value(row, "address"), "");  // the row stops before column C
  EXPECT_EQ(map->Value(row, "notes"), "");    // no such column
  EXPECT_EQ(map->DescribeColumn(1), "B (电话)");
  EXPECT_EQ(map->DescribeColumn(7), "H");
}

}  // namespace
}  // namespace qq::spreadsheet
