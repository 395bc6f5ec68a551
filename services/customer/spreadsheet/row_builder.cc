// Row assembly under Limits; see row_builder.h.
#include "services/customer/spreadsheet/row_builder.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace qq::spreadsheet {

void RowBuilder::Start(int64_t number, Row* row) {
  row_ = row;
  row_->number = number;
  row_->cells.clear();
  row_->problems.clear();
  first_beyond_ = -1;
  last_beyond_ = -1;
}

void RowBuilder::Put(int column, Cell cell) {
  if (cell.kind == CellKind::kEmpty) return;
  if (column >= limits_.max_columns) {
    if (first_beyond_ < 0) first_beyond_ = column;
    last_beyond_ = column;
    return;
  }
  if (row_->cells.size() <= static_cast<size_t>(column)) row_->cells.resize(column + 1);
  row_->cells[column] = std::move(cell);
}

void RowBuilder::AddProblem(int column, std::string reason) {
  row_->problems.push_back(CellProblem{column, std::move(reason)});
}

bool RowBuilder::HasContent() const {
  return !row_->cells.empty() || !row_->problems.empty() || first_beyond_ >= 0;
}

absl::StatusOr<bool> RowBuilder::Finish() {
  if (first_beyond_ >= 0) {
    if (rows_out_ == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("row ", row_->number, " has values as far right as column ",
                       ColumnName(last_beyond_), " (", last_beyond_ + 1, " columns); at most ",
                       limits_.max_columns, " columns can be imported"));
    }
    AddProblem(first_beyond_, absl::StrCat("value beyond the last column that can be imported (",
                                           ColumnName(limits_.max_columns - 1), ")"));
  }
  if (!HasContent()) return false;
  if (++rows_out_ > limits_.max_rows) {
    return absl::ResourceExhaustedError(
        absl::StrCat("the sheet has more than ", limits_.max_rows,
                     " rows, the most one import takes; split it into smaller files"));
  }
  std::stable_sort(row_->problems.begin(), row_->problems.end(),
                   [](const CellProblem& a, const CellProblem& b) { return a.column < b.column; });
  return true;
}

std::string ByteSize(int64_t bytes) {
  if (bytes >= (1LL << 20)) return absl::StrFormat("%.1f MB", bytes / 1048576.0);
  if (bytes >= (1LL << 10)) return absl::StrFormat("%.1f KB", bytes / 1024.0);
  return absl::StrCat(bytes, " bytes");
}

absl::StatusOr<int64_t> CheckedFileSize(const std::string& path, const Limits& limits) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return absl::NotFoundError(absl::StrCat("no file at ", path));
    return absl::InternalError(absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  }
  if (!S_ISREG(info.st_mode)) {
    return absl::InvalidArgumentError(absl::StrCat(path, " is not a regular file"));
  }
  if (info.st_size > limits.max_file_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the file is ", ByteSize(info.st_size), "; files up to ", ByteSize(limits.max_file_bytes),
        " can be imported; split it into smaller files"));
  }
  return static_cast<int64_t>(info.st_size);
}

}  // namespace qq::spreadsheet
