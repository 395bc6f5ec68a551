// Streaming .xlsx export over libxlsxwriter; see xlsx_writer.h.
#include "services/customer/spreadsheet/xlsx_writer.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "services/customer/spreadsheet/utf8.h"

namespace qq::spreadsheet {
namespace {

constexpr int kMaxRows = 1'048'576;
constexpr int kMaxColumns = 16'384;
constexpr size_t kMaxTextBytes = 32'767;  // Excel's limit is in characters; bytes is safe
constexpr int kRowsMeasured = 1000;       // column widths come from the first rows

// Text XML 1.0 can carry: valid UTF-8, no control characters but tab and line feed,
// no U+FFFE/U+FFFF, at most kMaxTextBytes. Also measures its display width (CJK
// characters are two columns wide).
std::string CleanText(absl::string_view text, double* width) {
  std::string out;
  out.reserve(text.size());
  double line_width = 0;
  *width = 0;
  for (size_t i = 0; i < text.size();) {
    uint32_t cp = NextCodePoint(text, &i);
    if ((cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0xFFFE || cp == 0xFFFF) continue;
    size_t before = out.size();
    AppendUtf8(cp, &out);
    if (out.size() > kMaxTextBytes) {
      out.resize(before);
      break;
    }
    if (cp == '\n') {
      line_width = 0;
      continue;
    }
    line_width += cp >= 0x1100 ? 2 : 1;
    *width = std::max(*width, line_width);
  }
  return out;
}

absl::Status LxwError(absl::string_view what, lxw_error error) {
  return absl::InternalError(absl::StrCat(what, ": ", lxw_strerror(error)));
}

}  // namespace

absl::StatusOr<std::unique_ptr<XlsxWriter>> XlsxWriter::Open(const std::string& path,
                                                             absl::string_view sheet_name) {
  // libxlsxwriter only opens the file when closing; find out now if it can be written.
  std::FILE* probe = std::fopen(path.c_str(), "wb");
  if (probe == nullptr) {
    return absl::InternalError(absl::StrCat("cannot write ", path, ": ", std::strerror(errno)));
  }
  std::fclose(probe);

  lxw_workbook_options options = {};
  options.constant_memory = LXW_TRUE;
  lxw_workbook* workbook = workbook_new_opt(path.c_str(), &options);
  if (workbook == nullptr) {
    std::remove(path.c_str());
    return absl::InternalError(absl::StrCat("cannot start a workbook at ", path));
  }
  std::string name(sheet_name);
  if (lxw_error error = workbook_validate_sheet_name(workbook, name.c_str());
      error != LXW_NO_ERROR) {
    lxw_workbook_free(workbook);
    std::remove(path.c_str());
    return absl::InvalidArgumentError(
        absl::StrCat("sheet name \"", sheet_name, "\": ", lxw_strerror(error)));
  }
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, name.c_str());
  if (sheet == nullptr) {
    lxw_workbook_free(workbook);
    std::remove(path.c_str());
    return absl::InternalError("cannot add a worksheet");
  }
  return std::unique_ptr<XlsxWriter>(new XlsxWriter(path, workbook, sheet));
}

XlsxWriter::XlsxWriter(std::string path, lxw_workbook* workbook, lxw_worksheet* sheet)
    : path_(std::move(path)), workbook_(workbook), sheet_(sheet) {
  bold_ = workbook_add_format(workbook_);
  format_set_bold(bold_);
  date_ = workbook_add_format(workbook_);
  format_set_num_format(date_, "yyyy-mm-dd");
}

XlsxWriter::~XlsxWriter() {
  if (workbook_ != nullptr) {
    lxw_workbook_free(workbook_);
    std::remove(path_.c_str());
  }
}

void XlsxWriter::NoteWidth(int column, double width) {
  if (next_row_ > kRowsMeasured) return;
  if (widths_.size() <= static_cast<size_t>(column)) widths_.resize(column + 1, 0);
  widths_[column] = std::max(widths_[column], width);
}

absl::Status XlsxWriter::WriteHeader(const std::vector<std::string>& labels) {
  if (workbook_ == nullptr) return absl::FailedPreconditionError("the workbook is closed");
  if (next_row_ >= kMaxRows) {
    return absl::ResourceExhaustedError("an .xlsx sheet holds at most 1,048,576 rows");
  }
  if (labels.size() > static_cast<size_t>(kMaxColumns)) {
    return absl::InvalidArgumentError("an .xlsx sheet holds at most 16,384 columns");
  }
  for (size_t column = 0; column < labels.size(); ++column) {
    double width;
    std::string text = CleanText(labels[column], &width);
    if (text.empty()) continue;
    lxw_error error = worksheet_write_string(sheet_, next_row_, column, text.c_str(), bold_);
    if (error != LXW_NO_ERROR) return LxwError("writing the header", error);
    NoteWidth(column, width * 1.1);  // bold is wider
  }
  if (next_row_ == 0) worksheet_freeze_panes(sheet_, 1, 0);
  ++next_row_;
  return absl::OkStatus();
}

absl::Status XlsxWriter::WriteRow(const std::vector<CellValue>& cells) {
  if (workbook_ == nullptr) return absl::FailedPreconditionError("the workbook is closed");
  if (next_row_ >= kMaxRows) {
    return absl::ResourceExhaustedError("an .xlsx sheet holds at most 1,048,576 rows");
  }
  if (cells.size() > static_cast<size_t>(kMaxColumns)) {
    return absl::InvalidArgumentError("an .xlsx sheet holds at most 16,384 columns");
  }
  for (size_t column = 0; column < cells.size(); ++column) {
    const CellValue& cell = cells[column];
    lxw_error error = LXW_NO_ERROR;
    switch (cell.kind) {
      case CellValue::Kind::kEmpty:
        break;
      case CellValue::Kind::kText: {
        double width;
        std::string text = CleanText(cell.text, &width);
        if (text.empty()) break;
        error = worksheet_write_string(sheet_, next_row_, column, text.c_str(), nullptr);
        NoteWidth(column, width);
        break;
      }
      case CellValue::Kind::kNumber: {
        if (!std::isfinite(cell.number)) break;  // Excel has no NaN or infinity
        error = worksheet_write_number(sheet_, next_row_, column, cell.number, nullptr);
        NoteWidth(column, absl::StrCat(cell.number).size());
        break;
      }
      case CellValue::Kind::kDate: {
        lxw_datetime datetime = {
            static_cast<int>(cell.date.year()), cell.date.month(), cell.date.day(), 0, 0, 0};
        error = worksheet_write_datetime(sheet_, next_row_, column, &datetime, date_);
        NoteWidth(column, 10);
        break;
      }
    }
    if (error != LXW_NO_ERROR) {
      return LxwError(absl::StrCat("writing row ", next_row_ + 1), error);
    }
  }
  ++next_row_;
  return absl::OkStatus();
}

absl::Status XlsxWriter::Close() {
  if (workbook_ == nullptr) return absl::FailedPreconditionError("the workbook is closed");
  for (size_t column = 0; column < widths_.size(); ++column) {
    if (widths_[column] <= 0) continue;
    double width = std::clamp(widths_[column] + 2, 8.0, 60.0);
    worksheet_set_column(sheet_, column, column, width, nullptr);
  }
  lxw_error error = workbook_close(workbook_);  // frees the workbook either way
  workbook_ = nullptr;
  if (error != LXW_NO_ERROR) {
    std::remove(path_.c_str());
    return LxwError(absl::StrCat("writing ", path_), error);
  }
  return absl::OkStatus();
}

}  // namespace qq::spreadsheet
