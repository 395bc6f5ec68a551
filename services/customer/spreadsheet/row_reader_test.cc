// Tests for OpenSpreadsheet: telling .xlsx, .csv and everything else apart by content.
#include "services/customer/spreadsheet/row_reader.h"

#include <xlsxwriter.h>

#include <random>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/customer/spreadsheet/spreadsheet_testing.h"

namespace qq::spreadsheet {
namespace {

using ::qq::spreadsheet::testing::ReadAll;
using ::qq::spreadsheet::testing::ScratchPath;
using ::qq::spreadsheet::testing::Texts;
using ::qq::spreadsheet::testing::WriteBytes;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

absl::Status OpenBytes(const std::string& bytes) {
  std::string path = ScratchPath("upload.bin");
  WriteBytes(path, bytes);
  return OpenSpreadsheet(path).status();
}

TEST(ColumnName, CountsLikeExcel) {
  EXPECT_EQ(ColumnName(0), "A");
  EXPECT_EQ(ColumnName(25), "Z");
  EXPECT_EQ(ColumnName(26), "AA");
  EXPECT_EQ(ColumnName(199), "GR");
  EXPECT_EQ(ColumnName(9999), "NTP");
  EXPECT_EQ(ColumnName(16383), "XFD");
}

TEST(OpenSpreadsheet, ReadsXlsxWhateverItIsCalled) {
  std::string path = ScratchPath("upload.csv");  // the name lies; the bytes decide
  lxw_workbook* workbook = workbook_new(path.c_str());
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, nullptr);
  worksheet_write_string(sheet, 0, 0, "姓名", nullptr);
  worksheet_write_string(sheet, 1, 0, "张三", nullptr);
  ASSERT_EQ(workbook_close(workbook), LXW_NO_ERROR);
  absl::StatusOr<std::unique_ptr<RowReader>> reader = OpenSpreadsheet(path);
  ASSERT_TRUE(reader.ok()) << reader.status();
  absl::StatusOr<std::vector<Row>> rows = ReadAll(**reader);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_THAT(Texts((*rows)[1]), ElementsAre("张三"));
}

TEST(OpenSpreadsheet, ReadsCsvWhateverItIsCalled) {
  std::string path = ScratchPath("upload.xlsx");
  WriteBytes(path, "姓名,电话\n张三,13912345678\n");
  absl::StatusOr<std::unique_ptr<RowReader>> reader = OpenSpreadsheet(path);
  ASSERT_TRUE(reader.ok()) << reader.status();
  absl::StatusOr<std::vector<Row>> rows = ReadAll(**reader);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(Texts((*rows)[1]), ElementsAre("张三", "13912345678"));
}

TEST(OpenSpreadsheet, RefusesOldXlsWithAdvice) {
  absl::Status status =
      OpenBytes(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + std::string(600, '\0'));
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr(".xls"));
  EXPECT_THAT(status.message(), HasSubstr("save it as .xlsx or CSV"));
}

TEST(OpenSpreadsheet, RefusesImagesAndDocuments) {
  absl::Status png = OpenBytes(std::string("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 16));
  ASSERT_EQ(png.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(png.message(), HasSubstr("PNG image"));
  absl::Status pdf = OpenBytes("%PDF-1.7\n...");
  EXPECT_THAT(pdf.message(), HasSubstr("PDF"));
}

TEST(OpenSpreadsheet, RefusesRandomBytes) {
  std::mt19937 random(42);
  std::string bytes(8192, '\0');
  for (char& c : bytes) c = static_cast<char>(random());
  absl::Status status = OpenBytes(bytes);
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("binary file"));
}

TEST(OpenSpreadsheet, RefusesHtmlSavedAsXls) {
  absl::Status status =
      OpenBytes("<html><body><table><tr><td>姓名</td></tr></table></body></html>");
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("web page"));
}

TEST(OpenSpreadsheet, RefusesAnEmptyFile) {
  absl::Status status = OpenBytes("");
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("empty"));
}

TEST(OpenSpreadsheet, SaysNotFoundForAMissingFile) {
  EXPECT_EQ(OpenSpreadsheet(ScratchPath("missing.xlsx")).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(OpenSpreadsheet, RefusesAFileOverTheSizeLimitBeforeReadingIt) {
  std::string path = ScratchPath("big.csv");
  WriteBytes(path, std::string(2 << 20, 'x'));
  Limits limits;
  limits.max_file_bytes = 1 << 20;
  absl::Status status = OpenSpreadsheet(path, limits).status();
  ASSERT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(status.message(), HasSubstr("the file is 2.0 MB; files up to 1.0 MB"));
}

}  // namespace
}  // namespace qq::spreadsheet
