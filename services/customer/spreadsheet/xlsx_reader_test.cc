// Tests for the .xlsx reader. Fixtures are written at test time: with libxlsxwriter for
// what Excel-like writers produce, by hand (WriteWorkbook) for shapes it never writes.
#include "services/customer/spreadsheet/xlsx_reader.h"

#include <sys/resource.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/customer/spreadsheet/spreadsheet_testing.h"

namespace qq::spreadsheet {
namespace {

using ::qq::spreadsheet::testing::ReadAll;
using ::qq::spreadsheet::testing::ReadBytes;
using ::qq::spreadsheet::testing::ScratchPath;
using ::qq::spreadsheet::testing::SheetXml;
using ::qq::spreadsheet::testing::Texts;
using ::qq::spreadsheet::testing::WriteBytes;
using ::qq::spreadsheet::testing::WriteWorkbook;
using ::qq::spreadsheet::testing::WriteZip;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

absl::StatusOr<std::vector<Row>> ReadXlsx(const std::string& path, const Limits& limits = {}) {
  absl::StatusOr<std::unique_ptr<RowReader>> reader = OpenXlsx(path, limits);
  if (!reader.ok()) return reader.status();
  return ReadAll(**reader);
}

// A workbook of customers as a station would type it, written with or without
// libxlsxwriter's constant-memory mode (inline strings instead of shared strings).
std::string WriteCustomers(bool constant_memory) {
  std::string path = ScratchPath(constant_memory ? "inline.xlsx" : "shared.xlsx");
  lxw_workbook_options options = {};
  options.constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE;
  lxw_workbook* workbook = workbook_new_opt(path.c_str(), &options);
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, "客户");
  const char* header[] = {"姓名", "电话", "地址", "水票", "单价"};
  for (int c = 0; c < 5; ++c) worksheet_write_string(sheet, 0, c, header[c], nullptr);
  worksheet_write_string(sheet, 1, 0, "张三", nullptr);
  worksheet_write_number(sheet, 1, 1, 13912345678, nullptr);  // a phone typed as a number
  worksheet_write_string(sheet, 1, 2, "上海市浦东新区张杨路 500 弄 3 号 402 室", nullptr);
  worksheet_write_number(sheet, 1, 3, 20, nullptr);
  worksheet_write_number(sheet, 1, 4, 12.5, nullptr);
  worksheet_write_string(sheet, 2, 0, "Tom & \"Jerry\" <b>", nullptr);
  worksheet_write_string(sheet, 2, 1, "021-62345678", nullptr);
  worksheet_write_string(sheet, 2, 2, "  leading and trailing spaces  ", nullptr);
  worksheet_write_number(sheet, 2, 3, 0.1 + 0.2, nullptr);
  worksheet_write_number(sheet, 2, 4, -3, nullptr);
  EXPECT_EQ(workbook_close(workbook), LXW_NO_ERROR);
  return path;
}

void ExpectCustomers(const std::vector<Row>& rows) {
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_THAT(Texts(rows[0]), ElementsAre("姓名", "电话", "地址", "水票", "单价"));
  EXPECT_THAT(Texts(rows[1]), ElementsAre("张三", "13912345678",
                                          "上海市浦东新区张杨路 500 弄 3 号 402 室", "20", "12.5"));
  EXPECT_EQ(rows[1].cells[0].kind, CellKind::kString);
  EXPECT_EQ(rows[1].cells[1].kind, CellKind::kNumber);
  EXPECT_THAT(Texts(rows[2]), ElementsAre("Tom & \"Jerry\" <b>", "021-62345678",
                                          "  leading and trailing spaces  ", "0.3", "-3"));
  for (const Row& row : rows) EXPECT_THAT(row.problems, IsEmpty());
  EXPECT_EQ(rows[2].number, 3);
}

TEST(XlsxReader, ReadsSharedStrings) {
  absl::StatusOr<std::vector<Row>> rows = ReadXlsx(WriteCustomers(/*constant_memory=*/false));
  ASSERT_TRUE(rows.ok()) << rows.status();
  ExpectCustomers(*rows);
}

TEST(XlsxReader, ReadsInlineStrings) {
  std::string path = WriteCustomers(/*constant_memory=*/true);
  ASSERT_THAT(testing::ReadZipEntry(path, "xl/worksheets/sheet1.xml"), HasSubstr("inlineStr"));
  absl::StatusOr<std::vector<Row>> rows = ReadXlsx(path);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ExpectCustomers(*rows);
}

TEST(XlsxReader, ShowsDatesByTheirNumberFormat) {
  std::string path = ScratchPath("dates.xlsx");
  lxw_workbook* workbook = workbook_new(path.c_str());
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, nullptr);
  lxw_format* iso = workbook_add_format(workbook);
  format_set_num_format(iso, "yyyy-mm-dd");
  lxw_format* chinese = workbook_add_format(workbook);
  format_set_num_format(chinese, "yyyy\"年\"m\"月\"d\"日\"");
  lxw_format* builtin = workbook_add_format(workbook);
  format_set_num_format_index(builtin, 14);
  lxw_format* with_time = workbook_add_format(workbook);
  format_set_num_format(with_time, "yyyy/m/d h:mm");
  lxw_format* money = workbook_add_format(workbook);
  format_set_num_format(money, "#,##0.00\"元\"");
  lxw_datetime day = {2024, 3, 5, 0, 0, 0};
  lxw_datetime moment = {2024, 3, 5, 14, 30, 0};
  worksheet_write_string(sheet, 0, 0, "开户日期", nullptr);
  worksheet_write_datetime(sheet, 1, 0, &day, iso);
  worksheet_write_datetime(sheet, 1, 1, &day, chinese);
  worksheet_write_datetime(sheet, 1, 2, &day, builtin);
  worksheet_write_datetime(sheet, 1, 3, &moment, with_time);
  worksheet_write_number(sheet, 1, 4, 45356, money);  // a date serial's size, not a date
  ASSERT_EQ(workbook_close(workbook), LXW_NO_ERROR);

  absl::StatusOr<std::vector<Row>> rows = ReadXlsx(path);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_THAT(Texts((*rows)[1]), ElementsAre("2024-03-05", "2024-03-05", "2024-03-05",
                                             "2024-03-05 14:30:00", "45356"));
  EXPECT_EQ((*rows)[1].cells[0].kind, CellKind::kDate);
  EXPECT_EQ((*rows)[1].cells[4].kind, CellKind::kNumber);
}

TEST(XlsxReader, ShowsBooleansAsTrueAndFalse) {
  std::string path = ScratchPath("bool.xlsx");
  lxw_workbook* workbook = workbook_new(path.c_str());
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, nullptr);
  worksheet_write_boolean(sheet, 0, 0, 1, nullptr);
  worksheet_write_boolean(sheet, 0, 1, 0, nullptr);
  ASSERT_EQ(workbook_close(workbook), LXW_NO_ERROR);
  absl::StatusOr<std::vector<Row>> rows = ReadXlsx(path);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(Texts((*rows)[0]), ElementsAre("TRUE", "FALSE"));
  EXPECT_EQ((*rows)[0].cells[0].kind, CellKind::kBool);
}

TEST(XlsxReader, ReportsFormulasOnTheirRowAndGoesOn) {
  std::string path = ScratchPath("formula.xlsx");
  lxw_workbook* workbook = workbook_new(path.c_str());
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, nullptr);
  worksheet_write_string(sheet, 0, 0, "姓名", nullptr);
  worksheet_write_string(sheet, 0, 1, "水票", nullptr);
  worksheet_write_string(sheet, 1, 0, "张三", nullptr);
  worksheet_write_formula_num(sheet, 1, 1, "=10+10", nullptr, 20);
  worksheet_write_string(sheet, 2, 0, "李四", nullptr);
  worksheet_write_number(sheet, 2, 1, 5, nullptr);
  ASSERT_EQ(workbook_close(workbook), LXW_NO_ERROR);

  absl::StatusOr<std::vector<Row>> rows = ReadXlsx(path);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 3u);
  const Row& with_formula = (*rows)[1];
  EXPECT_EQ(with_formula.cells[1].kind, CellKind::kFormula);
  EXPECT_EQ(with_formula.cells[1].text, "20");  // the value Excel computed
  ASSERT_EQ(with_formula.problems.size(), 1u);
  EXPECT_EQ(with_formula.problems[0].column, 1);
  EXPECT_THAT(with_formula.problems[0].reason, HasSubstr("formula"));
  EXPECT_THAT(with_formula.problems[0].reason, HasSubstr("paste it as values"));
  EXPECT_THAT((*rows)[2].problems, IsEmpty());
}

TEST(XlsxReader, ReportsMergedCellsOnEveryRowTheyCover) {
  std::string path = ScratchPath("merged.xlsx");
  lxw_workbook* workbook = workbook_new(path.c_str());
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, nullptr);
  worksheet_write_string(sheet, 0, 0, "地址", nullptr);
  worksheet_write_string(sheet, 0, 1, "姓名", nullptr);
  worksheet_merge_range(sheet, 1, 0, 2, 0, "上海市浦东新区", nullptr);  // A2:A3
  worksheet_write_string(sheet, 1, 1, "张三", nullptr);
  worksheet_write_string(sheet, 2, 1, "李四", nullptr);
  worksheet_write_string(sheet, 3, 0, "北京市", nullptr);
  worksheet_write_string(sheet, 3, 1, "王五", nullptr);
  ASSERT_EQ(workbook_close(workbook), LXW_NO_ERROR);

  absl::StatusOr<std::vector<Row>> rows = ReadXlsx(path);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_THAT((*rows)[0].problems, IsEmpty());
  for (int i : {1, 2}) {
    ASSERT_EQ((*rows)[i].problems.size(), 1u) << "row " << (*rows)[i].number;
    EXPECT_EQ((*rows)[i].problems[0].column, 0);
    EXPECT_THAT((*rows)[i].problems[0].reason, HasSubstr("merged cells A2:A3"));
  }
  EXPECT_EQ((*rows)[1].cells[0].text, "上海市浦东新区");
  EXPECT_THAT((*rows)[3].problems, IsEmpty());
}

TEST(XlsxReader, SkipsEmptyRowsButKeepsExcelsNumbers) {
  std::string path = ScratchPath("gaps.xlsx");
  lxw_workbook* workbook = workbook_new(path.c_str());
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, nullptr);
  lxw_format* yellow = workbook_add_format(workbook);
  format_set_bg_color(yellow, LXW_COLOR_YELLOW);
  worksheet_write_string(sheet, 0, 0, "姓名", nullptr);
  worksheet_write_string(sheet, 1, 0, "张三", nullptr);
  worksheet_write_blank(sheet, 2, 0, yellow);        // styled but empty
  worksheet_write_string(sheet, 3, 0, "", nullptr);  // an empty string
  worksheet_write_string(sheet, 6, 0, "李四", nullptr);
  ASSERT_EQ(workbook_close(workbook), LXW_NO_ERROR);

  absl::StatusOr<std::vector<Row>> rows = ReadXlsx(path);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[1].number, 2);
  EXPECT_EQ((*rows)[2].number, 7);
  EXPECT_THAT(Texts((*rows)[2]), ElementsAre("李四"));
}

TEST(XlsxReader, RefusesTenThousandColumnsQuicklyAndClearly) {
  std::string path = ScratchPath("wide.xlsx");
  lxw_workbook_options options = {};
  options.constant_memory = LXW_TRUE;
  lxw_workbook* workbook = workbook_new_opt(path.c_str(), &options);
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, nullptr);
  for (int row = 0; row < 3; ++row) {
    for (int c = 0; c < 10000; ++c) worksheet_write_number(sheet, row, c, c, nullptr);
  }
  ASSERT_EQ(workbook_close(workbook), LXW_NO_ERROR);

  auto start = std::chrono::steady_clock::now();
  absl::StatusOr<std::vector<Row>> rows = ReadXlsx(path);
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(rows.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(rows.status().message(), HasSubstr("column NTP (10000 columns)"));
  EXPECT_THAT(rows.status().message(), HasSubstr("at most 200 columns"));
  EXPECT_LT(elapsed, std::chrono::seconds(1));
}

TEST(XlsxReader, ReportsAStrayValueBeyondTheColumnLimitOnItsRow) {
  std::string path = ScratchPath("stray.xlsx");
  lxw_workbook* workbook = workbook_new(path.c_str());
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, nullptr);
  worksheet_write_string(sheet, 0, 0, "姓名", nullptr);
  worksheet_write_string(sheet, 1, 0, "张三", nullptr);
  worksheet_write_string(sheet, 1, 300, "stray", nullptr);
  ASSERT_EQ(workbook_close(workbook), LXW_NO_ERROR);

  absl::StatusOr<std::vector<Row>> rows = ReadXlsx(path);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[1].cells.size(), 1u);
  ASSERT_EQ((*rows)[1].problems.size(), 1u);
  EXPECT_EQ((*rows)[1].problems[0].column, 300);
  EXPECT_THAT((*rows)[1].problems[0].reason, HasSubstr("(GR)"));
}

// Shapes other writers produce: no r attributes, prefixed elements, rich text with
// phonetic runs, entities, _xHHHH_ escapes, error cells, ISO dates, 1904 dates.
TEST(XlsxReader, ReadsHandWrittenSheetShapes) {
  std::string path = ScratchPath("hand.xlsx");
  std::string shared =
      absl::StrCat(R"(<?xml version="1.0" encoding="UTF-8"?><sst xmlns=")", testing::kMainNs,
                   R"(" count="3" uniqueCount="3">)", R"(<si><t>姓名</t></si>)",
                   R"(<si><r><rPr><b/></rPr><t>张</t></r><r><t xml:space="preserve">三 </t></r>)",
                   R"(<rPh sb="0" eb="1"><t>ZHANG</t></rPh></si>)",
                   R"(<si><t>A &amp; B &lt;&#x4E2D;&gt;_x000D__x000A_next</t></si></sst>)");
  std::string styles = absl::StrCat(
      R"(<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns=")", testing::kMainNs, R"(">)",
      R"(<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy/mm/dd"/></numFmts>)",
      R"(<cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>)",
      R"(<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>)");
  std::string sheet =
      absl::StrCat(R"(<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x=")",
                   testing::kMainNs, R"("><x:dimension ref="A1:D3"/><x:sheetData>)",
                   R"(<x:row><x:c t="s"><x:v>0</x:v></x:c></x:row>)",
                   R"(<x:row><x:c t="s"><x:v>1</x:v></x:c><x:c t="s"><x:v>2</x:v></x:c>)",
                   R"(<x:c t="e"><x:v>#N/A</x:v></x:c><x:c s="1"><x:v>43894</x:v></x:c></x:row>)",
                   R"(<x:row r="5"><x:c r="C5" t="d"><x:v>2024-03-05T00:00:00</x:v></x:c>)",
                   R"(<x:c r="D5" t="inlineStr"><x:is><x:t>行内</x:t></x:is></x:c></x:row>)",
                   R"(</x:sheetData></x:worksheet>)");
  WriteWorkbook(path, sheet, shared, styles, R"(<workbookPr date1904="1"/>)");

  absl::StatusOr<std::vector<Row>> rows = ReadXlsx(path);
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_THAT(Texts((*rows)[0]), ElementsAre("姓名"));
  const Row& second = (*rows)[1];
  EXPECT_EQ(second.number, 2);
  EXPECT_THAT(Texts(second), ElementsAre("张三 ", "A & B <中>\r\nnext", "#N/A", "2024-03-05"));
  EXPECT_EQ(second.cells[2].kind, CellKind::kError);
  EXPECT_EQ(second.cells[3].kind, CellKind::kDate);
  ASSERT_EQ(second.problems.size(), 1u);
  EXPECT_EQ(second.problems[0].column, 2);
  EXPECT_THAT(second.problems[0].reason, HasSubstr("#N/A"));
  const Row& fifth = (*rows)[2];
  EXPECT_EQ(fifth.number, 5);
  EXPECT_THAT(Texts(fifth), ElementsAre("", "", "2024-03-05", "行内"));
  EXPECT_EQ(fifth.cells[0].kind, CellKind::kEmpty);
}

TEST(XlsxReader, PassesOverHiddenSheetsToTheFirstVisibleOne) {
  std::string path = ScratchPath("hidden.xlsx");
  lxw_workbook* workbook = workbook_new(path.c_str());
  lxw_worksheet* hidden = workbook_add_worksheet(workbook, "lists");
  worksheet_write_string(hidden, 0, 0, "hidden", nullptr);
  worksheet_hide(hidden);
  lxw_worksheet* shown = workbook_add_worksheet(workbook, "customers");
  worksheet_write_string(shown, 0, 0, "shown", nullptr);
  worksheet_activate(shown);
  ASSERT_EQ(workbook_close(workbook), LXW_NO_ERROR);
  absl::StatusOr<std::vector<Row>> rows = ReadXlsx(path);
  ASSERT_TRUE(rows.ok()) << rows.status();
  EXPECT_THAT(Texts((*rows)[0]), ElementsAre("shown"));
}

TEST(XlsxReader, RefusesAZipThatIsNotAWorkbook) {
  std::string path = ScratchPath("photos.zip");
  WriteZip(path, {{"photo1.txt", "not a sheet"}});
  absl::StatusOr<std::vector<Row>> rows = ReadXlsx(path);
  ASSERT_EQ(rows.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(rows.status().message(), HasSubstr("not an Excel workbook"));
}

TEST(XlsxReader, RefusesAWordDocument) {
  std::string path = ScratchPath("letter.docx");
  WriteZip(
      path,
      {{"_rels/.rels",
        R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>)"},
       {"word/document.xml", "<document/>"}});
  absl::StatusOr<std::vector<Row>> rows = ReadXlsx(path);
  ASSERT_EQ(rows.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(rows.status().message(), HasSubstr("Word document"));
}

TEST(XlsxReader, RefusesATruncatedFile) {
  std::string path = WriteCustomers(/*constant_memory=*/false);
  std::string bytes = ReadBytes(path);
  WriteBytes(path, bytes.substr(0, bytes.size() / 2));
  absl::StatusOr<std::vector<Row>> rows = ReadXlsx(path);
  ASSERT_EQ(rows.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(rows.status().message(), HasSubstr("damaged or incomplete"));
}

TEST(XlsxReader, RefusesAFileThatIsNotAZip) {
  std::string path = ScratchPath("fake.xlsx");
  WriteBytes(path, "姓名,电话\n");
  absl::StatusOr<std::vector<Row>> rows = ReadXlsx(path);
  ASSERT_EQ(rows.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(rows.status().message(), HasSubstr("not an .xlsx file"));
}

TEST(XlsxReader, HandsOutGoodRowsThenRefusesBrokenXml) {
  std::string path = ScratchPath("broken.xlsx");
  WriteWorkbook(path, absl::StrCat(R"(<worksheet xmlns=")", testing::kMainNs,
                                   R"("><sheetData><row r="1"><c t="inlineStr"><is><t>ok</t>)",
                                   R"(</is></c></row><row r="2"><c><v>1</c></row>)"));
  absl::StatusOr<std::unique_ptr<RowReader>> reader = OpenXlsx(path);
  ASSERT_TRUE(reader.ok()) << reader.status();
  Row row;
  absl::StatusOr<bool> first = (*reader)->Next(&row);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_THAT(Texts(row), ElementsAre("ok"));
  absl::StatusOr<bool> second = (*reader)->Next(&row);
  ASSERT_EQ(second.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(second.status().message(), HasSubstr("xl/worksheets/sheet1.xml line 1"));
}

TEST(XlsxReader, RefusesADoctype) {
  std::string path = ScratchPath("dtd.xlsx");
  WriteWorkbook(path, absl::StrCat(R"(<!DOCTYPE x [<!ENTITY a "aaaaaaaa">]><worksheet xmlns=")",
                                   testing::kMainNs, R"("><sheetData/></worksheet>)"));
  absl::StatusOr<std::vector<Row>> rows = ReadXlsx(path);
  ASSERT_EQ(rows.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(rows.status().message(), HasSubstr("DTD"));
}

TEST(XlsxReader, RefusesRowsOutOfOrder) {
  std::string path = ScratchPath("order.xlsx");
  WriteWorkbook(path,
                SheetXml(R"(<row r="3"><c><v>1</v></c></row><row r="2"><c><v>2</v></c></row>)"));
  absl::StatusOr<std::vector<Row>> rows = ReadXlsx(path);
  EXPECT_EQ(rows.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(XlsxReader, RefusesAPartThatUnpacksPastTheLimit) {
  // 2 MB of zeros deflate to a few KB: the shape of a zip bomb.
  std::string path = ScratchPath("bomb.xlsx");
  WriteWorkbook(path, SheetXml(absl::StrCat(R"(<row r="1"><c t="inlineStr"><is><t>)",
                                            std::string(2 << 20, '0'), "</t></is></c></row>")));
  Limits limits;
  limits.max_entry_bytes = 1 << 20;
  limits.max_cell_bytes = 4 << 20;
  absl::StatusOr<std::vector<Row>> rows = ReadXlsx(path, limits);
  ASSERT_EQ(rows.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(rows.status().message(), HasSubstr("unpacks to more than 1.0 MB"));
}

TEST(XlsxReader, RefusesAGiantTagInsteadOfBufferingIt) {
  std::string path = ScratchPath("tag.xlsx");
  WriteWorkbook(path, SheetXml(absl::StrCat(R"(<row r="1"><c r="A1" junk=")",
                                            std::string(2 << 20, 'y'), R"("/></row>)")));
  absl::StatusOr<std::vector<Row>> rows = ReadXlsx(path);
  ASSERT_EQ(rows.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(rows.status().message(), HasSubstr("XML tag larger than 1.0 MB"));
}

TEST(XlsxReader, RefusesSharedStringsPastTheLimit) {
  std::string path = ScratchPath("strings.xlsx");
  lxw_workbook* workbook = workbook_new(path.c_str());
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, nullptr);
  for (int row = 0; row < 2000; ++row) {
    worksheet_write_string(sheet, row, 0, absl::StrCat("客户名称很长的字符串", row).c_str(),
                           nullptr);
  }
  ASSERT_EQ(workbook_close(workbook), LXW_NO_ERROR);
  Limits limits;
  limits.max_shared_strings_bytes = 10 << 10;
  absl::StatusOr<std::vector<Row>> rows = ReadXlsx(path, limits);
  ASSERT_EQ(rows.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(rows.status().message(), HasSubstr("shared text"));
}

TEST(XlsxReader, StopsAtTheRowLimit) {
  Limits limits;
  limits.max_rows = 2;
  absl::StatusOr<std::vector<Row>> rows = ReadXlsx(WriteCustomers(false), limits);
  ASSERT_EQ(rows.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(rows.status().message(), HasSubstr("more than 2 rows"));
}

long PeakRssKb() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

long CurrentRssKb() {
  long pages = 0, resident = 0;
  if (std::FILE* statm = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(statm, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(statm);
  }
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

// 100,000 rows: the sheet part unpacks to tens of MB, yet reading it raises peak memory
// by only a few MB, because rows are parsed from 64 KB chunks as they come.
TEST(XlsxReader, StreamsALargeSheet) {
  constexpr int kRows = 100'000;
  std::string path = ScratchPath("large.xlsx");
  lxw_workbook_options options = {};
  options.constant_memory = LXW_TRUE;
  lxw_workbook* workbook = workbook_new_opt(path.c_str(), &options);
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, nullptr);
  const char* header[] = {"姓名", "电话", "地址", "标签", "水票", "备注"};
  for (int c = 0; c < 6; ++c) worksheet_write_string(sheet, 0, c, header[c], nullptr);
  for (int row = 1; row <= kRows; ++row) {
    worksheet_write_string(sheet, row, 0, absl::StrCat("客户", row).c_str(), nullptr);
    worksheet_write_number(sheet, row, 1, 13900000000.0 + row, nullptr);
    worksheet_write_string(
        sheet, row, 2,
        absl::StrCat("上海市浦东新区张杨路", row % 900, "弄", row % 30, "号", row % 700, "室")
            .c_str(),
        nullptr);
    worksheet_write_string(sheet, row, 3, "高层无电梯,下午3点后送", nullptr);
    worksheet_write_number(sheet, row, 4, row % 50, nullptr);
    worksheet_write_string(sheet, row, 5, "老客户，按时送水，敲门轻一点", nullptr);
  }
  ASSERT_EQ(workbook_close(workbook), LXW_NO_ERROR);
  {  // the sheet part's unpacked size, from the zip directory
    int error = 0;
    zip_t* zip = zip_open(path.c_str(), ZIP_RDONLY, &error);
    ASSERT_NE(zip, nullptr);
    zip_stat_t stat;
    ASSERT_EQ(zip_stat(zip, "xl/worksheets/sheet1.xml", 0, &stat), 0);
    EXPECT_GT(stat.size, 30u << 20);
    zip_discard(zip);
  }

  long peak_before = PeakRssKb();
  long rss_before = CurrentRssKb();
  long rss_most = rss_before;
  auto start = std::chrono::steady_clock::now();
  absl::StatusOr<std::unique_ptr<RowReader>> reader = OpenXlsx(path);
  ASSERT_TRUE(reader.ok()) << reader.status();
  Row row;
  int64_t count = 0;
  for (;;) {
    absl::StatusOr<bool> more = (*reader)->Next(&row);
    ASSERT_TRUE(more.ok()) << more.status();
    if (!*more) break;
    ++count;
    if (count % 1000 == 0) rss_most = std::max(rss_most, CurrentRssKb());
    if (count == kRows + 1) {
      EXPECT_THAT(Texts(row),
                  ElementsAre(absl::StrCat("客户", kRows), "13900100000",
                              "上海市浦东新区张杨路100弄10号600室", "高层无电梯,下午3点后送", "0",
                              "老客户，按时送水，敲门轻一点"));
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  long growth_kb = rss_most - rss_before;
  EXPECT_EQ(count, kRows + 1);
  EXPECT_LT(growth_kb, 8 << 10) << "RSS grew by " << growth_kb << " KB while reading";
  EXPECT_LT(PeakRssKb() - peak_before, 8 << 10);
  std::printf("BENCH xlsx_read_rows_per_s %.0f rows/s\n", count / seconds);
  std::printf("BENCH xlsx_read_rss_growth_kb %ld KB\n", growth_kb);
}

}  // namespace
}  // namespace qq::spreadsheet
