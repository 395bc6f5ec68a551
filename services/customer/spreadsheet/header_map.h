// Which column of an upload holds which field, from the header row's labels. The caller
// says at run time which fields exist and what they may be called (built-in fields and
// a tenant's custom field labels alike).
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/customer/spreadsheet/row_reader.h"

namespace qq::spreadsheet {

struct FieldSpec {
  std::string field;                 // the caller's key, e.g. "phone" or "custom.vip_level"
  std::vector<std::string> aliases;  // labels meaning it; aliases[0] names it in messages
  bool required = false;
};

class HeaderMap {
 public:
  // Maps each header cell to the field whose alias matches it. Labels are compared
  // after Unicode compatibility folding (full-width "ＮＡＭＥ" equals "name"), case
  // folding and removing spaces; a trailing "*" or ":" and, failing an exact match, a
  // trailing "(...)" such as "水票(张)" are ignored. When an alias belongs to several
  // fields, the one listed first wins. Headers that match no field are ignored and
  // listed in warnings(). INVALID_ARGUMENT when two columns mean the same field or a
  // required field has no column; the message names every such column and field.
  static absl::StatusOr<HeaderMap> Build(const Row& header, const std::vector<FieldSpec>& fields);

  // The 0-based column holding `field`, or -1.
  int ColumnOf(absl::string_view field) const;

  // The field of a column, or nullptr for an ignored column.
  const FieldSpec* FieldAt(int column) const;

  // The cell text of `field` in `row`, "" when the field has no column or the cell is empty.
  absl::string_view Value(const Row& row, absl::string_view field) const;

  // "C (电话)": the column letter and its header label, for messages about cells.
  std::string DescribeColumn(int column) const;

  // One line per ignored header, e.g. "column F (微信) matches no field and is ignored".
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  std::vector<std::string> labels_;         // header text by column
  std::vector<FieldSpec> fields_;           // the fields that have a column
  std::vector<int> field_columns_;          // parallel to fields_
  std::vector<int> field_index_by_column_;  // -1 when ignored
  std::vector<std::string> warnings_;
};

}  // namespace qq::spreadsheet
