// Picks the reader for an upload by its first bytes; see row_reader.h.
#include "services/customer/spreadsheet/row_reader.h"

#include <cstdio>
#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/customer/spreadsheet/csv_reader.h"
#include "services/customer/spreadsheet/row_builder.h"
#include "services/customer/spreadsheet/xlsx_reader.h"

namespace qq::spreadsheet {
namespace {

constexpr char kSaveAs[] = "open it in Excel or WPS and save it as .xlsx or CSV (UTF-8)";

bool StartsWithBytes(absl::string_view head, absl::string_view magic) {
  return absl::StartsWith(head, magic);
}

// Names a well-known binary format from its magic number, or "".
std::string KnownBinaryFormat(absl::string_view head) {
  if (StartsWithBytes(head, "\x89PNG")) return "a PNG image";
  if (StartsWithBytes(head, "\xFF\xD8\xFF")) return "a JPEG image";
  if (StartsWithBytes(head, "GIF8")) return "a GIF image";
  if (StartsWithBytes(head, "%PDF")) return "a PDF document";
  if (StartsWithBytes(head, "Rar!")) return "a RAR archive";
  if (StartsWithBytes(head, "7z\xBC\xAF")) return "a 7-Zip archive";
  if (StartsWithBytes(head, "\x1F\x8B")) return "a gzip archive";
  return "";
}

// Text that is not CSV but is often saved under a spreadsheet name: systems export
// HTML tables as ".xls", and Excel has an "XML Spreadsheet 2003" format.
bool LooksLikeMarkup(absl::string_view head) {
  if (StartsWithBytes(head, "\xEF\xBB\xBF")) head.remove_prefix(3);
  head = absl::StripLeadingAsciiWhitespace(head);
  return absl::StartsWithIgnoreCase(head, "<?xml") || absl::StartsWithIgnoreCase(head, "<html") ||
         absl::StartsWithIgnoreCase(head, "<!doctype") ||
         absl::StartsWithIgnoreCase(head, "<table");
}

// Binary if it has NUL bytes or more than a few control characters; text in any of the
// encodings the CSV reader takes has neither (UTF-16 is recognised by its BOM first).
bool LooksBinary(absl::string_view head) {
  size_t control = 0;
  for (unsigned char c : head) {
    if (c == 0) return true;
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7F) ++control;
  }
  return control * 50 > head.size();
}

}  // namespace

std::string ColumnName(int column) {
  std::string name;
  for (int n = column + 1; n > 0; n = (n - 1) / 26) {
    name.insert(name.begin(), static_cast<char>('A' + (n - 1) % 26));
  }
  return name;
}

absl::StatusOr<std::unique_ptr<RowReader>> OpenSpreadsheet(const std::string& path,
                                                           const Limits& limits) {
  absl::StatusOr<int64_t> size = CheckedFileSize(path, limits);
  if (!size.ok()) return size.status();
  if (*size == 0) return absl::InvalidArgumentError("the file is empty");

  char buffer[4096];
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    return absl::InternalError(absl::StrCat("cannot open ", path, ": ", std::strerror(errno)));
  }
  size_t n = std::fread(buffer, 1, sizeof(buffer), file);
  std::fclose(file);
  absl::string_view head(buffer, n);

  if (StartsWithBytes(head, "PK\x03\x04") || StartsWithBytes(head, "PK\x05\x06")) {
    return OpenXlsx(path, limits);
  }
  if (StartsWithBytes(head, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) {
    return absl::InvalidArgumentError(
        absl::StrCat("this is an old Excel 97-2003 (.xls) or password-protected workbook, "
                     "which cannot be imported; ",
                     kSaveAs, " (without a password)"));
  }
  if (std::string format = KnownBinaryFormat(head); !format.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("this is ", format, ", not a spreadsheet; upload an .xlsx or .csv file"));
  }
  if (LooksLikeMarkup(head)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "this is a web page or XML file with a spreadsheet's name, not .xlsx or .csv; ", kSaveAs));
  }
  bool utf16 = StartsWithBytes(head, "\xFF\xFE") || StartsWithBytes(head, "\xFE\xFF");
  if (!utf16 && LooksBinary(head)) {
    return absl::InvalidArgumentError(
        "this is a binary file, not .xlsx or .csv; upload an Excel workbook (.xlsx) or a CSV "
        "file");
  }
  return OpenCsv(path, limits);
}

}  // namespace qq::spreadsheet
