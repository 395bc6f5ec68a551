// Header labels to fields; see header_map.h.
#include "services/customer/spreadsheet/header_map.h"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace qq::spreadsheet {
namespace {

// NFKC with case folding (full-width to half-width, "Ｎａｍｅ" to "name"), then
// without spaces and without the "*" or ":" templates put after labels.
std::string FoldLabel(absl::string_view label) {
  UErrorCode error = U_ZERO_ERROR;
  const icu::Normalizer2* folding = icu::Normalizer2::getNFKCCasefoldInstance(error);
  std::string folded;
  if (U_SUCCESS(error)) {
    icu::UnicodeString text =
        icu::UnicodeString::fromUTF8(icu::StringPiece(label.data(), label.size()));
    icu::UnicodeString normal = folding->normalize(text, error);
    if (U_SUCCESS(error)) normal.toUTF8String(folded);
  }
  if (U_FAILURE(error)) folded = absl::AsciiStrToLower(label);
  std::string out;
  for (char c : folded) {
    if (!absl::ascii_isspace(static_cast<unsigned char>(c))) out.push_back(c);
  }
  while (!out.empty() && (out.back() == '*' || out.back() == ':')) out.pop_back();
  return out;
}

// "水票(张)" -> "水票"; "" when the label has no trailing parenthesis.
std::string WithoutTrailingNote(const std::string& folded) {
  if (folded.empty() || folded.back() != ')') return "";
  size_t open = folded.rfind('(');
  if (open == std::string::npos || open == 0) return "";
  std::string base = folded.substr(0, open);
  while (!base.empty() && (base.back() == '*' || base.back() == ':')) base.pop_back();
  return base;
}

}  // namespace

absl::StatusOr<HeaderMap> HeaderMap::Build(const Row& header,
                                           const std::vector<FieldSpec>& fields) {
  // Folded alias -> field index; the first field listed keeps a shared alias.
  std::vector<std::pair<std::string, int>> aliases;
  for (size_t i = 0; i < fields.size(); ++i) {
    for (const std::string& alias : fields[i].aliases) {
      aliases.emplace_back(FoldLabel(alias), static_cast<int>(i));
    }
  }
  auto match = [&aliases](const std::string& folded) {
    for (const auto& [alias, index] : aliases) {
      if (!folded.empty() && alias == folded) return index;
    }
    return -1;
  };

  HeaderMap map;
  std::vector<int> column_of_field(fields.size(), -1);
  std::vector<std::string> problems;
  for (size_t column = 0; column < header.cells.size(); ++column) {
    const std::string& label = header.cells[column].text;
    map.labels_.push_back(label);
    map.field_index_by_column_.push_back(-1);
    std::string folded = FoldLabel(label);
    if (folded.empty()) continue;
    int field = match(folded);
    if (field < 0) field = match(WithoutTrailingNote(folded));
    if (field < 0) {
      map.warnings_.push_back(
          absl::StrCat("column ", map.DescribeColumn(column), " matches no field and is ignored"));
      continue;
    }
    if (column_of_field[field] >= 0) {
      problems.push_back(absl::StrCat(
          "columns ", map.DescribeColumn(column_of_field[field]), " and ",
          map.DescribeColumn(column), " both mean ",
          fields[field].aliases.empty() ? fields[field].field : fields[field].aliases[0]));
      continue;
    }
    column_of_field[field] = static_cast<int>(column);
    map.field_index_by_column_[column] = static_cast<int>(map.fields_.size());
    map.fields_.push_back(fields[field]);
    map.field_columns_.push_back(static_cast<int>(column));
  }
  std::vector<std::string> missing;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].required && column_of_field[i] < 0) {
      missing.push_back(fields[i].aliases.empty() ? fields[i].field : fields[i].aliases[0]);
    }
  }
  if (!missing.empty()) {
    problems.push_back(absl::StrCat("missing required column", missing.size() > 1 ? "s" : "", " ",
                                    absl::StrJoin(missing, ", ")));
  }
  if (!problems.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("header row ", header.number, ": ", absl::StrJoin(problems, "; ")));
  }
  return map;
}

int HeaderMap::ColumnOf(absl::string_view field) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].field == field) return field_columns_[i];
  }
  return -1;
}

const FieldSpec* HeaderMap::FieldAt(int column) const {
  if (column < 0 || static_cast<size_t>(column) >= field_index_by_column_.size()) return nullptr;
  int index = field_index_by_column_[column];
  return index < 0 ? nullptr : &fields_[index];
}

absl::string_view HeaderMap::Value(const Row& row, absl::string_view field) const {
  int column = ColumnOf(field);
  if (column < 0 || static_cast<size_t>(column) >= row.cells.size()) return "";
  return row.cells[column].text;
}

std::string HeaderMap::DescribeColumn(int column) const {
  std::string name = ColumnName(column);
  if (column >= 0 && static_cast<size_t>(column) < labels_.size() && !labels_[column].empty()) {
    absl::StrAppend(&name, " (", labels_[column], ")");
  }
  return name;
}

}  // namespace qq::spreadsheet
