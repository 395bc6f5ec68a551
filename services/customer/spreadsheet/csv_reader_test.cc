// Tests for the CSV reader: RFC 4180 quoting, line endings, encodings, limits.
#include "services/customer/spreadsheet/csv_reader.h"

#include <unicode/ucnv.h>

#include "absl/strings/str_cat.h"
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

// `utf8` re-encoded in `charset` with ICU.
std::string Encode(const std::string& utf8, const char* charset) {
  UErrorCode error = U_ZERO_ERROR;
  std::string out(utf8.size() * 4 + 16, '\0');
  int32_t n = ucnv_convert(charset, "UTF-8", out.data(), static_cast<int32_t>(out.size()),
                           utf8.data(), static_cast<int32_t>(utf8.size()), &error);
  EXPECT_TRUE(U_SUCCESS(error)) << u_errorName(error);
  out.resize(n);
  return out;
}

absl::StatusOr<std::vector<Row>> ReadCsv(const std::string& bytes, const Limits& limits = {}) {
  std::string path = ScratchPath("in.csv");
  WriteBytes(path, bytes);
  absl::StatusOr<std::unique_ptr<RowReader>> reader = OpenCsv(path, limits);
  if (!reader.ok()) return reader.status();
  return ReadAll(**reader);
}

TEST(CsvReader, SplitsPlainRecords) {
  absl::StatusOr<std::vector<Row>> rows = ReadCsv("姓名,电话\n张三,13912345678\n");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_THAT(Texts((*rows)[0]), ElementsAre("姓名", "电话"));
  EXPECT_THAT(Texts((*rows)[1]), ElementsAre("张三", "13912345678"));
  EXPECT_EQ((*rows)[1].number, 2);
  EXPECT_EQ((*rows)[1].cells[0].kind, CellKind::kString);
}

TEST(CsvReader, HandlesQuotesDoubledQuotesAndLineBreaksInFields) {
  absl::StatusOr<std::vector<Row>> rows = ReadCsv(
      "name,tags,note\r\n"
      "\"Li, Si\",\"高层无电梯,下午3点后送\",\"says \"\"hi\"\"\"\r\n"
      "王五,,\"line one\nline two\"\r\n"
      "赵六,a,b\r\n");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_THAT(Texts((*rows)[1]), ElementsAre("Li, Si", "高层无电梯,下午3点后送", "says \"hi\""));
  EXPECT_THAT(Texts((*rows)[2]), ElementsAre("王五", "", "line one\nline two"));
  EXPECT_EQ((*rows)[2].cells[1].kind, CellKind::kEmpty);
  // A line break inside quotes does not start a new row.
  EXPECT_EQ((*rows)[3].number, 4);
}

TEST(CsvReader, TakesCrLfLfAndNoFinalNewline) {
  absl::StatusOr<std::vector<Row>> rows = ReadCsv("a,b\r\nc,d\ne,f\rg,h");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_THAT(Texts((*rows)[3]), ElementsAre("g", "h"));
  EXPECT_EQ((*rows)[3].number, 4);
}

TEST(CsvReader, SkipsEmptyRowsButKeepsTheirNumbers) {
  absl::StatusOr<std::vector<Row>> rows = ReadCsv("h1,h2\n\n,\nx,y\n\n");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1].number, 4);
}

TEST(CsvReader, DropsUtf8ByteOrderMark) {
  absl::StatusOr<std::vector<Row>> rows = ReadCsv("\xEF\xBB\xBF姓名,电话\n");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(Texts((*rows)[0]), ElementsAre("姓名", "电话"));
}

TEST(CsvReader, UnwrapsExcelTextFormulas) {
  absl::StatusOr<std::vector<Row>> rows = ReadCsv("phone\n=\"013912345678\"\n");
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(Texts((*rows)[1]), ElementsAre("013912345678"));
}

TEST(CsvReader, ConvertsGbkFromExcelOnChineseWindows) {
  std::string utf8 = "姓名,电话,地址\n张三,13912345678,上海市浦东新区张杨路500弄3号402室\n";
  absl::StatusOr<std::vector<Row>> rows = ReadCsv(Encode(utf8, "GBK"));
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_THAT(Texts((*rows)[1]),
              ElementsAre("张三", "13912345678", "上海市浦东新区张杨路500弄3号402室"));
}

TEST(CsvReader, ConvertsLargeGb18030FilesAcrossChunkBoundaries) {
  std::string utf8 = "姓名,地址\n";
  for (int i = 0; i < 20000; ++i) {
    absl::StrAppend(&utf8, "客户", i, ",\"北京市朝阳区建国路", i, "号, 𠀀楼\"\n");
  }
  absl::StatusOr<std::vector<Row>> rows = ReadCsv(Encode(utf8, "GB18030"));
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 20001u);
  for (int i = 0; i < 20000; ++i) {
    const Row& row = (*rows)[i + 1];
    ASSERT_THAT(Texts(row), ElementsAre(absl::StrCat("客户", i),
                                        absl::StrCat("北京市朝阳区建国路", i, "号, 𠀀楼")))
        << "row " << row.number;
  }
}

TEST(CsvReader, ConvertsGbkThatStartsAfterLongAsciiText) {
  std::string utf8;
  for (int i = 0; i < 5000; ++i) absl::StrAppend(&utf8, "plain,ascii,row ", i, "\n");
  absl::StrAppend(&utf8, "李四,中文,备注\n");
  absl::StatusOr<std::vector<Row>> rows = ReadCsv(Encode(utf8, "GBK"));
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 5001u);
  EXPECT_THAT(Texts(rows->back()), ElementsAre("李四", "中文", "备注"));
}

TEST(CsvReader, KeepsUtf8CharactersSplitAcrossChunks) {
  std::string utf8 = "地址\n";
  for (int i = 0; i < 30000; ++i) absl::StrAppend(&utf8, "上海市浦东新区", i, "号\n");
  absl::StatusOr<std::vector<Row>> rows = ReadCsv(utf8);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 30001u);
  EXPECT_EQ(rows->back().cells[0].text, "上海市浦东新区29999号");
}

TEST(CsvReader, ReadsUtf16TabSeparatedUnicodeText) {
  std::string utf16 = "\xFF\xFE" + Encode("姓名\t电话\n张三\t13912345678\n", "UTF-16LE");
  absl::StatusOr<std::vector<Row>> rows = ReadCsv(utf16);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_THAT(Texts((*rows)[1]), ElementsAre("张三", "13912345678"));
}

TEST(CsvReader, RefusesUtf8WithInvalidBytesLater) {
  std::string bytes = "姓名\n张三\n";
  for (int i = 0; i < 3000; ++i) absl::StrAppend(&bytes, "王五", i, "\n");
  bytes += Encode("李四\n", "GBK");
  absl::StatusOr<std::vector<Row>> rows = ReadCsv(bytes);
  ASSERT_EQ(rows.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(rows.status().message(), HasSubstr("not UTF-8"));
}

TEST(CsvReader, RefusesAQuoteNeverClosed) {
  absl::StatusOr<std::vector<Row>> rows = ReadCsv("a,b\nc,\"open\nd,e\n");
  ASSERT_EQ(rows.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(rows.status().message(), HasSubstr("row 2 column B"));
  EXPECT_THAT(rows.status().message(), HasSubstr("never closed"));
}

TEST(CsvReader, RefusesBinaryData) {
  absl::StatusOr<std::vector<Row>> rows = ReadCsv(std::string("a,b\nc\0d,e\n", 10));
  ASSERT_EQ(rows.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(rows.status().message(), HasSubstr("binary"));
}

TEST(CsvReader, RefusesAHeaderWiderThanTheColumnLimit) {
  std::string bytes;
  for (int i = 0; i < 10000; ++i) absl::StrAppend(&bytes, i == 0 ? "" : ",", "c", i);
  bytes += "\n";
  absl::StatusOr<std::vector<Row>> rows = ReadCsv(bytes);
  ASSERT_EQ(rows.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(rows.status().message(), HasSubstr("column NTP"));
  EXPECT_THAT(rows.status().message(), HasSubstr("at most 200 columns"));
}

TEST(CsvReader, ReportsAValueBeyondTheColumnLimitOnItsRow) {
  Limits limits;
  limits.max_columns = 3;
  absl::StatusOr<std::vector<Row>> rows = ReadCsv("a,b,c\n1,2,3,,stray\n4,5,6,,\n", limits);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 3u);
  ASSERT_EQ((*rows)[1].problems.size(), 1u);
  EXPECT_EQ((*rows)[1].problems[0].column, 4);
  EXPECT_THAT((*rows)[1].problems[0].reason, HasSubstr("beyond the last column"));
  EXPECT_THAT(Texts((*rows)[1]), ElementsAre("1", "2", "3"));
  EXPECT_TRUE((*rows)[2].problems.empty());  // empty fields past the limit are fine
}

TEST(CsvReader, StopsAtTheRowLimit) {
  Limits limits;
  limits.max_rows = 2;
  absl::StatusOr<std::vector<Row>> rows = ReadCsv("h\n1\n2\n", limits);
  EXPECT_EQ(rows.status().code(), absl::StatusCode::kResourceExhausted);
}

TEST(CsvReader, RefusesAFieldLongerThanTheCellLimit) {
  Limits limits;
  limits.max_cell_bytes = 100;
  absl::StatusOr<std::vector<Row>> rows = ReadCsv("h\n" + std::string(500, 'x') + "\n", limits);
  EXPECT_EQ(rows.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(CsvReader, RefusesAFileOverTheSizeLimit) {
  Limits limits;
  limits.max_file_bytes = 10;
  absl::StatusOr<std::vector<Row>> rows = ReadCsv("0123456789abcdef\n", limits);
  ASSERT_EQ(rows.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(rows.status().message(), HasSubstr("files up to 10 bytes"));
}

}  // namespace
}  // namespace qq::spreadsheet
