// Tests for XlsxWriter, read back through the .xlsx reader.
#include "services/customer/spreadsheet/xlsx_writer.h"

#include <unistd.h>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/customer/spreadsheet/spreadsheet_testing.h"
#include "services/customer/spreadsheet/xlsx_reader.h"

namespace qq::spreadsheet {
namespace {

using ::qq::spreadsheet::testing::ReadAll;
using ::qq::spreadsheet::testing::ReadZipEntry;
using ::qq::spreadsheet::testing::ScratchPath;
using ::qq::spreadsheet::testing::Texts;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

absl::StatusOr<std::vector<Row>> ReadBack(const std::string& path) {
  absl::StatusOr<std::unique_ptr<RowReader>> reader = OpenXlsx(path);
  if (!reader.ok()) return reader.status();
  return ReadAll(**reader);
}

TEST(XlsxWriter, RoundTripsChineseTextNumbersAndDates) {
  std::string path = ScratchPath("export.xlsx");
  absl::StatusOr<std::unique_ptr<XlsxWriter>> writer = XlsxWriter::Open(path, "客户");
  ASSERT_TRUE(writer.ok()) << writer.status();
  ASSERT_TRUE((*writer)->WriteHeader({"姓名", "电话", "地址", "水票", "开户日期", "备注"}).ok());
  ASSERT_TRUE((*writer)
                  ->WriteRow({CellValue::Text("张三"), CellValue::Text("13912345678"),
                              CellValue::Text("上海市浦东新区张杨路 500 弄 3 号 402 室"),
                              CellValue::Number(20), CellValue::Date(absl::CivilDay(2024, 3, 5)),
                              CellValue::Text("高层无电梯,下午3点后送\n敲门轻一点 😀")})
                  .ok());
  ASSERT_TRUE((*writer)
                  ->WriteRow({CellValue::Text("Tom & <Jerry>"), CellValue::Empty(),
                              CellValue::Empty(), CellValue::Number(2.5)})
                  .ok());
  ASSERT_TRUE((*writer)->Close().ok());

  absl::StatusOr<std::vector<Row>> rows = ReadBack(path);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_THAT(Texts((*rows)[0]), ElementsAre("姓名", "电话", "地址", "水票", "开户日期", "备注"));
  EXPECT_THAT(Texts((*rows)[1]),
              ElementsAre("张三", "13912345678", "上海市浦东新区张杨路 500 弄 3 号 402 室", "20",
                          "2024-03-05", "高层无电梯,下午3点后送\n敲门轻一点 😀"));
  EXPECT_EQ((*rows)[1].cells[4].kind, CellKind::kDate);
  EXPECT_THAT(Texts((*rows)[2]), ElementsAre("Tom & <Jerry>", "", "", "2.5"));
}

TEST(XlsxWriter, WritesABoldFrozenHeaderAndColumnWidths) {
  std::string path = ScratchPath("layout.xlsx");
  absl::StatusOr<std::unique_ptr<XlsxWriter>> writer = XlsxWriter::Open(path, "客户");
  ASSERT_TRUE(writer.ok()) << writer.status();
  ASSERT_TRUE((*writer)->WriteHeader({"姓名", "地址"}).ok());
  ASSERT_TRUE((*writer)
                  ->WriteRow({CellValue::Text("张三"),
                              CellValue::Text("上海市浦东新区张杨路 500 弄 3 号 402 室")})
                  .ok());
  ASSERT_TRUE((*writer)->Close().ok());
  std::string sheet = ReadZipEntry(path, "xl/worksheets/sheet1.xml");
  EXPECT_THAT(sheet, HasSubstr("<cols>"));
  EXPECT_THAT(sheet, HasSubstr("state=\"frozen\""));
  EXPECT_THAT(ReadZipEntry(path, "xl/styles.xml"), HasSubstr("<b/>"));
}

TEST(XlsxWriter, CleansTextXmlCannotHold) {
  std::string path = ScratchPath("dirty.xlsx");
  absl::StatusOr<std::unique_ptr<XlsxWriter>> writer = XlsxWriter::Open(path, "Sheet1");
  ASSERT_TRUE(writer.ok()) << writer.status();
  ASSERT_TRUE((*writer)
                  ->WriteRow({CellValue::Text(std::string("a\x01"
                                                          "b\xFF"
                                                          "c\td",
                                                          8)),
                              CellValue::Text(std::string(40000, 'x'))})
                  .ok());
  ASSERT_TRUE((*writer)->Close().ok());
  absl::StatusOr<std::vector<Row>> rows = ReadBack(path);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_EQ((*rows)[0].cells[0].text,
            "ab\xEF\xBF\xBD"
            "c\td");
  EXPECT_EQ((*rows)[0].cells[1].text.size(), 32767u);
}

TEST(XlsxWriter, RefusesASheetNameExcelRefuses) {
  std::string path = ScratchPath("bad.xlsx");
  absl::StatusOr<std::unique_ptr<XlsxWriter>> writer = XlsxWriter::Open(path, "客户[2024]");
  EXPECT_EQ(writer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(access(path.c_str(), F_OK), 0);
}

TEST(XlsxWriter, RemovesTheFileWhenNotClosed) {
  std::string path = ScratchPath("abandoned.xlsx");
  {
    absl::StatusOr<std::unique_ptr<XlsxWriter>> writer = XlsxWriter::Open(path, "Sheet1");
    ASSERT_TRUE(writer.ok()) << writer.status();
    ASSERT_TRUE((*writer)->WriteRow({CellValue::Text("half")}).ok());
  }
  EXPECT_NE(access(path.c_str(), F_OK), 0);
}

TEST(XlsxWriter, RefusesWritesAfterClose) {
  std::string path = ScratchPath("closed.xlsx");
  absl::StatusOr<std::unique_ptr<XlsxWriter>> writer = XlsxWriter::Open(path, "Sheet1");
  ASSERT_TRUE(writer.ok()) << writer.status();
  ASSERT_TRUE((*writer)->Close().ok());
  EXPECT_EQ((*writer)->WriteRow({}).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ((*writer)->Close().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(XlsxWriter, SaysWhenThePathCannotBeWritten) {
  absl::StatusOr<std::unique_ptr<XlsxWriter>> writer =
      XlsxWriter::Open("/nonexistent-dir/export.xlsx", "Sheet1");
  EXPECT_EQ(writer.status().code(), absl::StatusCode::kInternal);
}

}  // namespace
}  // namespace qq::spreadsheet
