// One spreadsheet row of a customer import as a customer: which columns mean which fields
// (Chinese or English headers, the tenant's custom field labels), how cells become values,
// and which column to blame for a bad value. Pure: no I/O.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "qingquan/customer/v1/customer.pb.h"
#include "services/customer/domain/customer_draft.h"
#include "services/customer/spreadsheet/header_map.h"
#include "services/customer/spreadsheet/row_reader.h"

namespace qq::customer {

// The ticket product an import's 水票 column counts.
inline constexpr char kImportTicketProduct[] = "18.9L";

// Built-in columns (姓名/name required, 电话/phone, 地址/address, 送水备注/delivery notes,
// 标签/tags, 水票/tickets, 备注/notes, 身份证/ID number, 生日/birthday, 类型/kind) and one per
// active custom field of customers, by label or key ("custom.<key>" in the field name).
std::vector<spreadsheet::FieldSpec> ImportFieldSpecs(
    const std::vector<qingquan::customer::v1::FieldDefinition>& custom_fields);

// The tags of a cell: separated by , ， ; ； 、 or /.
std::vector<std::string> SplitImportTags(absl::string_view cell);

struct ImportedRow {
  int64_t row = 0;
  CustomerDraft draft;
  int64_t tickets = 0;
};

struct ImportRowError {
  int64_t row = 0;
  std::string column;  // "C (电话)", or "" for the whole row
  std::string reason;
};

// Maps and checks one row: the reader's cell problems, phones (several separated by
// / , ; 、 or spaces), tags (separated by , ， ; ； 、 or /), tickets (a whole number
// 0..100000), custom fields (as forms::ParseCellText reads cells), then the archive's own
// checks. Phones, tickets and number or date cells are read in their NFKC form, so
// full-width digits count as digits. Returns false and appends one error (the first problem) when
// the row is bad.
bool MapImportRow(const spreadsheet::Row& row, const spreadsheet::HeaderMap& header,
                  const std::vector<qingquan::customer::v1::FieldDefinition>& custom_fields,
                  const ArchiveRules& rules, ImportedRow* out, std::vector<ImportRowError>* errors);

}  // namespace qq::customer
