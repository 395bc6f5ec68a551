// Streams the first worksheet of an .xlsx workbook: libzip inflates the sheet part in
// chunks, expat parses each chunk, rows come out as they complete.
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/customer/spreadsheet/row_reader.h"

namespace qq::spreadsheet {

// Opens the first visible worksheet (workbook order) of the .xlsx at `path`, after
// loading its shared strings and number formats and collecting merged ranges.
// INVALID_ARGUMENT when `path` is not a zip, is a zip but not a workbook (.docx, .ods,
// .xlsb ...), has no worksheet, or holds broken XML; RESOURCE_EXHAUSTED when the file,
// a part of it or its shared strings exceed `limits`; NOT_FOUND when there is no file.
absl::StatusOr<std::unique_ptr<RowReader>> OpenXlsx(const std::string& path,
                                                    const Limits& limits = {});

}  // namespace qq::spreadsheet
