// Tests that the sample files in docs/samples (made by qq-make-import-sample) read the
// same as .xlsx and as .csv, and map onto the customer fields.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/customer/spreadsheet/header_map.h"
#include "services/customer/spreadsheet/row_reader.h"
#include "services/customer/spreadsheet/spreadsheet_testing.h"

namespace qq::spreadsheet {
namespace {

using ::qq::spreadsheet::testing::ReadAll;
using ::qq::spreadsheet::testing::Texts;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<Row> ReadSample(const std::string& name) {
  absl::StatusOr<std::unique_ptr<RowReader>> reader =
      OpenSpreadsheet(std::string(QQ_SAMPLES_DIR) + "/" + name);
  EXPECT_TRUE(reader.ok()) << reader.status();
  if (!reader.ok()) return {};
  absl::StatusOr<std::vector<Row>> rows = ReadAll(**reader);
  EXPECT_TRUE(rows.ok()) << rows.status();
  return rows.ok() ? *rows : std::vector<Row>{};
}

TEST(SampleFiles, ReadTheSameAsXlsxAndCsv) {
  std::vector<Row> xlsx = ReadSample("customers-import.xlsx");
  std::vector<Row> csv = ReadSample("customers-import.csv");
  ASSERT_GE(xlsx.size(), 21u);
  ASSERT_EQ(xlsx.size(), csv.size());
  for (size_t i = 0; i < xlsx.size(); ++i) {
    EXPECT_EQ(xlsx[i].number, csv[i].number);
    EXPECT_EQ(Texts(xlsx[i]), Texts(csv[i])) << "row " << xlsx[i].number;
    EXPECT_THAT(xlsx[i].problems, IsEmpty());
  }
  // A mobile typed as a number still reads as its digits.
  EXPECT_EQ(xlsx[1].cells[1].kind, CellKind::kNumber);
  EXPECT_EQ(xlsx[1].cells[1].text, "13912345678");
}

TEST(SampleFiles, MapOntoCustomerFields) {
  std::vector<Row> rows = ReadSample("customers-import.xlsx");
  ASSERT_FALSE(rows.empty());
  absl::StatusOr<HeaderMap> map = HeaderMap::Build(rows[0], {{"name", {"姓名", "name"}, true},
                                                             {"phone", {"电话", "phone"}, true},
                                                             {"address", {"地址", "address"}},
                                                             {"tags", {"标签", "tags"}},
                                                             {"tickets", {"水票", "tickets"}},
                                                             {"notes", {"备注", "notes"}}});
  ASSERT_TRUE(map.ok()) << map.status();
  EXPECT_THAT(map->warnings(), IsEmpty());
  EXPECT_EQ(map->Value(rows[1], "address"), "上海市浦东新区张杨路 500 弄 3 号 402 室");
  EXPECT_EQ(map->Value(rows[1], "tags"), "高层无电梯,下午3点后送");
  // The deliberate mistakes the README demo shows: a short phone and a missing name.
  int short_phone = 0, no_name = 0;
  for (size_t i = 1; i < rows.size(); ++i) {
    if (map->Value(rows[i], "phone").size() == 10) ++short_phone;
    if (map->Value(rows[i], "name").empty()) ++no_name;
  }
  EXPECT_EQ(short_phone, 1);
  EXPECT_EQ(no_name, 1);
}

}  // namespace
}  // namespace qq::spreadsheet
