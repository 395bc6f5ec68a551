// Streams a CSV file (RFC 4180 plus what Excel writes): UTF-8 with or without BOM,
// UTF-16 with BOM, and GB18030/GBK, which Excel on Chinese Windows uses for "CSV".
#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "services/customer/spreadsheet/row_reader.h"

namespace qq::spreadsheet {

// Opens `path` as CSV. Fields are split on commas (or on tabs when the first line has
// tabs and no commas); quoted fields may hold commas, doubled quotes and line breaks.
// Row numbers count records, as Excel shows them. Text that is not valid UTF-8 (and
// has no BOM) is read as GB18030 when the non-ASCII bytes come before any UTF-8 text.
// Every cell is kString or kEmpty. INVALID_ARGUMENT for binary data, mixed encodings
// or a quote never closed; RESOURCE_EXHAUSTED past `limits`; NOT_FOUND with no file.
absl::StatusOr<std::unique_ptr<RowReader>> OpenCsv(const std::string& path,
                                                   const Limits& limits = {});

}  // namespace qq::spreadsheet
