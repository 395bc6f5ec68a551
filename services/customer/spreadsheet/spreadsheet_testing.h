// Test support for the spreadsheet tests: scratch files, hand-built zip packages (for
// .xlsx shapes libxlsxwriter never writes) and reading every row of a reader.
#pragma once

#include <zip.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "services/customer/spreadsheet/row_reader.h"

namespace qq::spreadsheet::testing {

// A fresh path under the test temp dir, unique per test.
inline std::string ScratchPath(const std::string& name) {
  const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string path = absl::StrCat(::testing::TempDir(), "/qq_sheet_", test->test_suite_name(), "_",
                                  test->name(), "_", name);
  std::remove(path.c_str());
  return path;
}

inline void WriteBytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Writes a zip holding `entries` (name, content), deflated.
inline void WriteZip(const std::string& path,
                     const std::vector<std::pair<std::string, std::string>>& entries) {
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  ASSERT_NE(zip, nullptr) << "zip_open error " << error;
  for (const auto& [name, content] : entries) {
    zip_source_t* source = zip_source_buffer(zip, content.data(), content.size(), 0);
    ASSERT_NE(source, nullptr);
    ASSERT_GE(zip_file_add(zip, name.c_str(), source, ZIP_FL_OVERWRITE), 0);
  }
  ASSERT_EQ(zip_close(zip), 0);
}

// The text of one entry of a zip, "" when it is missing.
inline std::string ReadZipEntry(const std::string& path, const std::string& name) {
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_RDONLY, &error);
  if (zip == nullptr) return "";
  std::string content;
  if (zip_file_t* file = zip_fopen(zip, name.c_str(), 0); file != nullptr) {
    char buffer[4096];
    for (zip_int64_t n; (n = zip_fread(file, buffer, sizeof(buffer))) > 0;) {
      content.append(buffer, n);
    }
    zip_fclose(file);
  }
  zip_discard(zip);
  return content;
}

inline constexpr char kMainNs[] = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
inline constexpr char kRelNs[] =
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

// A minimal workbook package around `sheet_xml` (the whole worksheet part), with
// optional shared strings and styles parts.
inline void WriteWorkbook(const std::string& path, const std::string& sheet_xml,
                          const std::string& shared_strings_xml = "",
                          const std::string& styles_xml = "", const std::string& workbook_pr = "") {
  std::string rels = absl::StrCat(
      R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)",
      R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)",
      R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>)");
  if (!shared_strings_xml.empty()) {
    absl::StrAppend(
        &rels,
        R"(<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>)");
  }
  if (!styles_xml.empty()) {
    absl::StrAppend(
        &rels,
        R"(<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>)");
  }
  absl::StrAppend(&rels, "</Relationships>");
  std::vector<std::pair<std::string, std::string>> entries = {
      {"_rels/.rels",
       R"(<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>)"},
      {"xl/workbook.xml",
       absl::StrCat(
           R"(<?xml version="1.0" encoding="UTF-8"?><workbook xmlns=")", kMainNs, R"(" xmlns:r=")",
           kRelNs, R"(">)", workbook_pr,
           R"(<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>)")},
      {"xl/_rels/workbook.xml.rels", rels},
      {"xl/worksheets/sheet1.xml", sheet_xml},
  };
  if (!shared_strings_xml.empty()) entries.push_back({"xl/sharedStrings.xml", shared_strings_xml});
  if (!styles_xml.empty()) entries.push_back({"xl/styles.xml", styles_xml});
  WriteZip(path, entries);
}

// A worksheet part around `sheet_data` (the <row> elements).
inline std::string SheetXml(const std::string& sheet_data, const std::string& after = "") {
  return absl::StrCat(R"(<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns=")", kMainNs,
                      R"(" xmlns:r=")", kRelNs, R"("><sheetData>)", sheet_data, "</sheetData>",
                      after, "</worksheet>");
}

// Every row left in `reader`, or its error.
inline absl::StatusOr<std::vector<Row>> ReadAll(RowReader& reader) {
  std::vector<Row> rows;
  for (;;) {
    Row row;
    absl::StatusOr<bool> more = reader.Next(&row);
    if (!more.ok()) return more.status();
    if (!*more) return rows;
    rows.push_back(std::move(row));
  }
}

// Cell texts of a row, for compact expectations.
inline std::vector<std::string> Texts(const Row& row) {
  std::vector<std::string> texts;
  for (const Cell& cell : row.cells) texts.push_back(cell.text);
  return texts;
}

}  // namespace qq::spreadsheet::testing
