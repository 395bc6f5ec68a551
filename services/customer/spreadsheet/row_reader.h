// Reading a spreadsheet upload (.xlsx or .csv) one row at a time, the way the user sees
// it in Excel. Problems with one cell or row travel inside the row so an import can name
// them and go on; problems with the whole file are a Status. Pure: files in, rows out.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qq::spreadsheet {

enum class CellKind {
  kEmpty,
  kString,
  kNumber,
  kDate,  // a number shown with a date or time format; text is YYYY-MM-DD (and time)
  kBool,
  kError,    // #N/A, #DIV/0! ... (always comes with a CellProblem)
  kFormula,  // text is the last value Excel computed (always comes with a CellProblem)
};

struct Cell {
  CellKind kind = CellKind::kEmpty;
  // The value as shown: strings as typed, integers without ".0" (13912345678, never
  // 1.39E+10), decimals as plain numbers, dates YYYY-MM-DD, booleans TRUE/FALSE.
  std::string text;
};

// Something wrong with one cell (or, with column -1, the whole row) that the import
// reports as "row 7, column C (电话): <reason>" before moving on.
struct CellProblem {
  int column = -1;  // 0 = A
  std::string reason;
};

struct Row {
  int64_t number = 0;       // 1-based, as Excel shows it (wholly empty rows still count)
  std::vector<Cell> cells;  // indexed by column, 0 = A; trailing empty cells dropped
  std::vector<CellProblem> problems;
};

// What one upload may hold. Exceeding a size limit is RESOURCE_EXHAUSTED naming it.
struct Limits {
  // A value further right is a CellProblem; in the first (header) row the whole file is
  // refused. Memory per row never grows past this many cells.
  int max_columns = 200;
  // Non-empty rows, header included.
  int64_t max_rows = 500'000;
  // The file as uploaded.
  int64_t max_file_bytes = 100LL << 20;
  // Each .xlsx part once unpacked (zip-bomb guard).
  int64_t max_entry_bytes = 1LL << 30;
  // Text of the shared-string table, which must stay in memory while rows stream.
  int64_t max_shared_strings_bytes = 64LL << 20;
  // One cell's text (Excel stops at 32,767 characters).
  int64_t max_cell_bytes = 128LL << 10;
};

class RowReader {
 public:
  virtual ~RowReader() = default;

  // Fills `row` with the next non-empty row and returns true, or returns false at the
  // end. INVALID_ARGUMENT when the file turns out to be damaged part way;
  // RESOURCE_EXHAUSTED when it goes past a limit. Rows already returned stay valid.
  virtual absl::StatusOr<bool> Next(Row* row) = 0;
};

// Opens `path` as .xlsx or .csv by looking at its bytes, not its name.
// INVALID_ARGUMENT for an empty file, an old .xls, other binary files and damaged
// workbooks, with a message a user can act on; RESOURCE_EXHAUSTED for a file over
// limits.max_file_bytes; NOT_FOUND when `path` does not exist.
absl::StatusOr<std::unique_ptr<RowReader>> OpenSpreadsheet(const std::string& path,
                                                           const Limits& limits = {});

// "A", "Z", "AA", ... for a 0-based column.
std::string ColumnName(int column);

}  // namespace qq::spreadsheet
