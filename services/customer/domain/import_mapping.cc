#include "services/customer/domain/import_mapping.h"

#include <cstring>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "services/common/forms/field_values.h"
#include "services/common/status.h"
#include "services/common/text/utf8_text.h"
#include "services/customer/domain/custom_fields.h"

namespace qq::customer {

namespace v1 = qingquan::customer::v1;

namespace {

constexpr char kCustomPrefix[] = "custom.";

// Splits on any of the separators people use between list items in one cell.
std::vector<std::string> SplitList(absl::string_view text, bool spaces_separate) {
  std::string unified(text);
  for (absl::string_view sep : {"，", "；", "、", "／"}) {
    unified = absl::StrReplaceAll(unified, {{sep, ","}});
  }
  std::vector<std::string> out;
  for (absl::string_view part :
       absl::StrSplit(unified, absl::ByAnyChar(spaces_separate ? ",;/ \n" : ",;/\n"))) {
    part = absl::StripAsciiWhitespace(part);
    if (!part.empty()) out.emplace_back(part);
  }
  return out;
}

// The import field a request field path belongs to ("phones[1]" -> "phone").
std::string ImportFieldOf(const std::string& path) {
  if (absl::StartsWith(path, "phones")) return "phone";
  if (absl::StartsWith(path, "tags")) return "tags";
  if (absl::StartsWith(path, "addresses")) {
    return absl::StrContains(path, "deliveryNotes") ? "delivery_notes" : "address";
  }
  if (absl::StartsWith(path, "customFields.")) {
    return absl::StrCat(kCustomPrefix, path.substr(strlen("customFields.")));
  }
  if (path == "idNumber") return "id_number";
  return path;  // name, notes, birthday
}

}  // namespace

std::vector<std::string> SplitImportTags(absl::string_view cell) { return SplitList(cell, false); }

std::vector<spreadsheet::FieldSpec> ImportFieldSpecs(
    const std::vector<v1::FieldDefinition>& custom_fields) {
  std::vector<spreadsheet::FieldSpec> specs = {
      {"name", {"姓名", "客户名称", "名称", "客户姓名", "name", "customer name"}, true},
      {"phone",
       {"电话", "手机", "手机号", "手机号码", "联系电话", "电话号码", "phone", "mobile", "tel"}},
      {"address", {"地址", "送水地址", "详细地址", "住址", "address"}},
      {"delivery_notes", {"送水备注", "配送备注", "送货备注", "delivery notes"}},
      {"tags", {"标签", "客户标签", "tags", "tag"}},
      {"tickets", {"水票", "水票数", "剩余水票", "tickets"}},
      {"notes", {"备注", "说明", "notes", "remark", "remarks"}},
      {"id_number", {"身份证", "身份证号", "证件号码", "统一社会信用代码", "id number"}},
      {"birthday", {"生日", "出生日期", "birthday"}},
      {"kind", {"客户类型", "类型", "kind", "type"}},
  };
  for (const auto& d : custom_fields) {
    if (!d.active() || d.entity() != v1::FieldDefinition::CUSTOMER) continue;
    specs.push_back({absl::StrCat(kCustomPrefix, d.key()), {d.label(), d.key()}, false});
  }
  return specs;
}

bool MapImportRow(const spreadsheet::Row& row, const spreadsheet::HeaderMap& header,
                  const std::vector<v1::FieldDefinition>& custom_fields, const ArchiveRules& rules,
                  ImportedRow* out, std::vector<ImportRowError>* errors) {
  auto fail = [&](const std::string& field, const std::string& reason) {
    int column = header.ColumnOf(field);
    errors->push_back({row.number, column >= 0 ? header.DescribeColumn(column) : "", reason});
    return false;
  };
  if (!row.problems.empty()) {
    const auto& p = row.problems.front();
    errors->push_back({row.number, p.column >= 0 ? header.DescribeColumn(p.column) : "", p.reason});
    return false;
  }
  v1::Customer in;
  in.set_name(std::string(header.Value(row, "name")));
  // Numbers typed with a Chinese input method (１３９１２３４５６７１, full-width separators
  // and spaces) are read in their NFKC form.
  for (const std::string& phone :
       SplitList(text::NormalizeNfkc(header.Value(row, "phone")), true)) {
    in.add_phones(phone);
  }
  for (const std::string& tag : SplitImportTags(header.Value(row, "tags"))) in.add_tags(tag);
  in.set_notes(std::string(header.Value(row, "notes")));
  in.set_id_number(std::string(header.Value(row, "id_number")));
  in.set_birthday(std::string(header.Value(row, "birthday")));
  in.set_channel(v1::Customer::IMPORT);
  absl::string_view kind = absl::StripAsciiWhitespace(header.Value(row, "kind"));
  if (kind == "单位" || kind == "企业" || kind == "公司" ||
      absl::EqualsIgnoreCase(kind, "ORGANISATION")) {
    in.set_kind(v1::Customer::ORGANISATION);
  } else if (kind.empty() || kind == "个人" || absl::EqualsIgnoreCase(kind, "PERSON")) {
    in.set_kind(v1::Customer::PERSON);
  } else {
    return fail("kind", absl::StrCat("'", kind, "' is neither 个人 nor 单位"));
  }
  if (std::string address(absl::StripAsciiWhitespace(header.Value(row, "address")));
      !address.empty()) {
    auto* a = in.add_addresses();
    a->set_text(address);
    a->set_delivery_notes(std::string(header.Value(row, "delivery_notes")));
  }
  for (const auto& d : custom_fields) {
    const std::string field = absl::StrCat(kCustomPrefix, d.key());
    if (header.ColumnOf(field) < 0) continue;
    const bool numeric =
        d.type() == v1::FieldDefinition::NUMBER || d.type() == v1::FieldDefinition::DATE;
    const std::string cell = numeric ? text::NormalizeNfkc(header.Value(row, field))
                                     : std::string(header.Value(row, field));
    auto value = forms::ParseCellText(forms::ToFormField(d), cell);
    if (!value.ok()) return fail(field, std::string(value.status().message()));
    if (value->kind_case() != google::protobuf::Value::kNullValue) {
      (*in.mutable_custom_fields()->mutable_fields())[d.key()] = *std::move(value);
    }
  }
  out->row = row.number;
  out->tickets = 0;
  const std::string tickets_cell = text::NormalizeNfkc(header.Value(row, "tickets"));
  if (absl::string_view tickets = text::TrimSpaces(tickets_cell); !tickets.empty()) {
    if (!absl::SimpleAtoi(tickets, &out->tickets) || out->tickets < 0 || out->tickets > 100000) {
      return fail("tickets", absl::StrCat("'", tickets,
                                          "' is not a whole number of tickets "
                                          "between 0 and 100000"));
    }
  }
  auto draft = CheckNewCustomer(in, rules);
  if (!draft.ok()) {
    std::string reason(draft.status().message());
    return fail(ImportFieldOf(FieldOf(draft.status())), reason);
  }
  std::vector<forms::FieldDefinition> forms_fields;
  for (const auto& d : custom_fields) {
    if (d.entity() == v1::FieldDefinition::CUSTOMER) forms_fields.push_back(forms::ToFormField(d));
  }
  forms::ValuesContext context;
  context.field_path = "customFields";
  absl::Status values = forms::ValidateValues(forms_fields, &draft->custom_fields,
                                              forms::WriteMode::kCreate, context);
  if (!values.ok()) return fail(ImportFieldOf(FieldOf(values)), std::string(values.message()));
  out->draft = *std::move(draft);
  return true;
}

}  // namespace qq::customer
