// Shared by the readers: puts one row's cells together while holding it to Limits
// (columns, rows), so both formats refuse the same files with the same words.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "services/customer/spreadsheet/row_reader.h"

namespace qq::spreadsheet {

class RowBuilder {
 public:
  explicit RowBuilder(const Limits& limits) : limits_(limits) {}

  // Starts sheet row `number` in `row`, clearing it but keeping its allocations.
  void Start(int64_t number, Row* row);

  // Places a non-empty cell. Cells must come left to right. Past the column limit the
  // cell is only noted (no memory is spent on it).
  void Put(int column, Cell cell);

  void AddProblem(int column, std::string reason);

  // True when the row holds a value or a problem.
  bool HasContent() const;

  // Ends the row. Returns true when it is to be handed out, false when it is wholly
  // empty. INVALID_ARGUMENT when the first row reaches past the column limit (a sheet
  // that wide is refused as a whole); RESOURCE_EXHAUSTED past limits.max_rows.
  absl::StatusOr<bool> Finish();

 private:
  const Limits limits_;
  Row* row_ = nullptr;
  int first_beyond_ = -1;
  int last_beyond_ = -1;
  int64_t rows_out_ = 0;
};

// "12.3 MB" for messages.
std::string ByteSize(int64_t bytes);

// The size of the upload at `path`. NOT_FOUND when it is missing, RESOURCE_EXHAUSTED
// past limits.max_file_bytes, INVALID_ARGUMENT when it is not a regular file.
absl::StatusOr<int64_t> CheckedFileSize(const std::string& path, const Limits& limits);

}  // namespace qq::spreadsheet
