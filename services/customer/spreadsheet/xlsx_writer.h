// Writes one-sheet .xlsx exports row by row with libxlsxwriter's constant-memory mode:
// each row goes to a temporary file as soon as the next one starts, so an export of a
// million customers costs about one row of memory.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

struct lxw_workbook;
struct lxw_worksheet;
struct lxw_format;

namespace qq::spreadsheet {

struct CellValue {
  enum class Kind { kEmpty, kText, kNumber, kDate };

  static CellValue Empty() { return {}; }
  static CellValue Text(std::string text) { return {Kind::kText, std::move(text)}; }
  static CellValue Number(double number) { return {Kind::kNumber, {}, number}; }
  static CellValue Date(absl::CivilDay day) { return {Kind::kDate, {}, 0, day}; }

  Kind kind = Kind::kEmpty;
  std::string text;
  double number = 0;
  absl::CivilDay date;
};

class XlsxWriter {
 public:
  // Starts a workbook at `path` (replaced if it exists) with one sheet named
  // `sheet_name`. INVALID_ARGUMENT for a name Excel refuses (over 31 characters or
  // holding []:*?/\); INTERNAL when `path` cannot be written.
  static absl::StatusOr<std::unique_ptr<XlsxWriter>> Open(const std::string& path,
                                                          absl::string_view sheet_name);

  // Without Close() the file is removed: a half-written export never looks finished.
  ~XlsxWriter();
  XlsxWriter(const XlsxWriter&) = delete;
  XlsxWriter& operator=(const XlsxWriter&) = delete;

  // The next row in bold, frozen at the top when it is the first row.
  absl::Status WriteHeader(const std::vector<std::string>& labels);

  // The next row. Dates show as yyyy-mm-dd. Text is cleaned of characters XML cannot
  // hold and cut at Excel's 32,767-character limit. RESOURCE_EXHAUSTED past Excel's
  // 1,048,576 rows; INVALID_ARGUMENT past its 16,384 columns; FAILED_PRECONDITION after
  // Close().
  absl::Status WriteRow(const std::vector<CellValue>& cells);

  // Sets column widths from what was written and finishes the file. INTERNAL when it
  // cannot be written.
  absl::Status Close();

 private:
  XlsxWriter(std::string path, lxw_workbook* workbook, lxw_worksheet* sheet);
  void NoteWidth(int column, double width);

  std::string path_;
  lxw_workbook* workbook_;
  lxw_worksheet* sheet_;
  lxw_format* bold_;
  lxw_format* date_;
  int next_row_ = 0;
  std::vector<double> widths_;  // in character widths, from the first rows
};

}  // namespace qq::spreadsheet
