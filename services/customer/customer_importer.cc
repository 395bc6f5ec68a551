#include "services/customer/customer_importer.h"

#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <deque>
#include <future>
#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "services/common/log.h"
#include "services/common/status.h"
#include "services/customer/dictionary_store.h"
#include "services/customer/domain/import_mapping.h"
#include "services/customer/domain/tag_rules.h"
#include "services/customer/import_store.h"
#include "services/customer/ledger_store.h"
#include "services/customer/spreadsheet/header_map.h"
#include "services/customer/spreadsheet/row_reader.h"
#include "services/customer/spreadsheet/xlsx_writer.h"

namespace qq::customer {

namespace v1 = qingquan::customer::v1;

namespace {

void AddError(v1::ImportCustomersResponse& response, const ImportRowError& error) {
  response.set_failed(response.failed() + 1);
  if (static_cast<size_t>(response.errors_size()) >= CustomerImporter::kMaxListedErrors) return;
  auto* out = response.add_errors();
  out->set_row(error.row);
  out->set_column(error.column);
  out->set_reason(error.reason);
}

}  // namespace

absl::StatusOr<v1::ImportCustomersResponse> CustomerImporter::Import(const std::string& tenant,
                                                                     const std::string& actor_id,
                                                                     const std::string& path,
                                                                     const ImportOptions& options) {
  const std::string& file_name = options.file_name;
  QQ_ASSIGN_OR_RETURN(auto reader, spreadsheet::OpenSpreadsheet(path));
  QQ_ASSIGN_OR_RETURN(auto definitions,
                      dictionary_.ListFieldDefinitions(tenant, v1::FieldDefinition::CUSTOMER));
  ArchiveRules rules;
  QQ_ASSIGN_OR_RETURN(rules.tag_names, dictionary_.TagNames(tenant));

  spreadsheet::Row header_row;
  QQ_ASSIGN_OR_RETURN(bool has_header, reader->Next(&header_row));
  if (!has_header) return absl::InvalidArgumentError("the file has no rows");
  QQ_ASSIGN_OR_RETURN(spreadsheet::HeaderMap header,
                      spreadsheet::HeaderMap::Build(header_row, ImportFieldSpecs(definitions)));

  v1::ImportCustomersResponse response;
  for (const std::string& w : header.warnings()) response.add_warnings(w);
  const bool update = options.policy == v1::ImportCustomersRequest::UPDATE;
  std::map<std::string, int64_t> row_of_phone;  // phones seen in this file
  std::vector<ImportedRow> batch;
  std::vector<ImportRowError> errors;

  // New customers are written on their own connections while the next batch is read and
  // checked: the database's index upkeep is most of an import, and two batches in flight
  // keep both cores busy. Batches never share a phone (a repeat in the file is a bad row),
  // so they cannot conflict with each other.
  struct PendingCopy {
    std::vector<ImportedRow> rows;
    std::vector<NewImportedCustomer> fresh;  // points into `rows`
    std::future<absl::Status> copied;
  };
  std::deque<std::unique_ptr<PendingCopy>> pending;
  auto settle_oldest = [&]() -> absl::Status {
    std::unique_ptr<PendingCopy> done = std::move(pending.front());
    pending.pop_front();
    absl::Status copied = done->copied.get();
    if (copied.ok()) {
      response.set_created(response.created() + static_cast<int64_t>(done->fresh.size()));
      return absl::OkStatus();
    }
    if (copied.code() != absl::StatusCode::kAlreadyExists) return copied;
    // Someone created one of these phones meanwhile: go row by row so the rest land.
    for (const auto& f : done->fresh) {
      auto one = imports_.CopyNewCustomers(tenant, actor_id, file_name, {f});
      if (one.ok()) {
        response.set_created(response.created() + 1);
      } else if (one.code() == absl::StatusCode::kAlreadyExists) {
        response.set_skipped(response.skipped() + 1);
      } else {
        return one;
      }
    }
    return absl::OkStatus();
  };
  auto settle_all = [&]() -> absl::Status {
    absl::Status first_error;
    while (!pending.empty()) first_error.Update(settle_oldest());
    return first_error;
  };

  auto flush = [&]() -> absl::Status {
    if (batch.empty()) return absl::OkStatus();
    std::vector<std::string> phones;
    for (const auto& r : batch)
      phones.insert(phones.end(), r.draft.phones.begin(), r.draft.phones.end());
    QQ_ASSIGN_OR_RETURN(auto owners, imports_.PhoneOwners(tenant, phones));
    std::vector<NewImportedCustomer> fresh;
    std::vector<const ImportedRow*> existing;
    std::vector<std::string> existing_ids;
    for (const auto& r : batch) {
      std::string owner;
      for (const auto& phone : r.draft.phones) {
        if (auto it = owners.find(phone); it != owners.end()) owner = it->second;
      }
      if (owner.empty()) {
        fresh.push_back({&r, SearchTermsForName(r.draft.name)});
      } else if (!update) {
        response.set_skipped(response.skipped() + 1);
      } else {
        existing.push_back(&r);
        existing_ids.push_back(owner);
      }
    }
    while (pending.size() >= kCopiesInFlight) QQ_RETURN_IF_ERROR(settle_oldest());
    auto copy = std::make_unique<PendingCopy>();
    copy->rows = std::move(batch);  // moving keeps the rows where `fresh` points
    copy->fresh = std::move(fresh);
    copy->copied =
        std::async(std::launch::async, [this, &tenant, &actor_id, &file_name, job = copy.get()] {
          return imports_.CopyNewCustomers(tenant, actor_id, file_name, job->fresh);
        });
    pending.push_back(std::move(copy));
    for (size_t i = 0; i < existing.size(); ++i) {
      QQ_RETURN_IF_ERROR(
          UpdateFromRow(tenant, actor_id, options, *existing[i], existing_ids[i], response));
    }
    batch = {};
    return absl::OkStatus();
  };

  spreadsheet::Row row;
  while (true) {
    QQ_ASSIGN_OR_RETURN(bool more, reader->Next(&row));
    if (!more) break;
    response.set_rows(response.rows() + 1);
    ImportedRow imported;
    errors.clear();
    if (options.create_missing_tags) {
      for (const std::string& tag : SplitImportTags(header.Value(row, "tags"))) {
        if (std::find(rules.tag_names.begin(), rules.tag_names.end(), tag) !=
            rules.tag_names.end()) {
          continue;
        }
        v1::Tag wanted;
        wanted.set_name(tag);
        absl::StatusOr<v1::Tag> checked = CheckTag(wanted);
        if (!checked.ok()) continue;  // e.g. too long: the row check reports it
        absl::Status added = dictionary_.CreateTag(tenant, *checked).status();
        if (!added.ok() && added.code() != absl::StatusCode::kAlreadyExists) return added;
        rules.tag_names.push_back(checked->name());
      }
    }
    if (!MapImportRow(row, header, definitions, rules, &imported, &errors)) {
      for (const auto& e : errors) AddError(response, e);
      continue;
    }
    bool repeated = false;
    for (const auto& phone : imported.draft.phones) {
      auto [it, inserted] = row_of_phone.emplace(phone, row.number);
      if (!inserted) {
        int column = header.ColumnOf("phone");
        AddError(response, {row.number, column >= 0 ? header.DescribeColumn(column) : "",
                            absl::StrCat("phone ", phone, " is also in row ", it->second)});
        repeated = true;
        break;
      }
    }
    if (repeated) continue;
    batch.push_back(std::move(imported));
    if (batch.size() >= kBatchRows) {
      absl::Status flushed = flush();
      if (!flushed.ok()) {
        (void)settle_all();
        return flushed;
      }
    }
  }
  absl::Status flushed = flush();
  absl::Status settled = settle_all();
  QQ_RETURN_IF_ERROR(flushed);
  QQ_RETURN_IF_ERROR(settled);
  return response;
}

// UPDATE policy: a row whose phone belongs to customer `id` fills in that customer. What
// the row leaves empty keeps its current value, phones and custom fields are merged, a
// new address is added, and tickets are added once per file and row.
absl::Status CustomerImporter::UpdateFromRow(const std::string& tenant, const std::string& actor_id,
                                             const ImportOptions& options, const ImportedRow& r,
                                             const std::string& id,
                                             v1::ImportCustomersResponse& response) {
  auto current = customers_.GetCustomer(tenant, id);
  if (!current.ok()) return current.status();
  CustomerDraft merged = r.draft;
  merged.phones.clear();
  for (const auto& p : current->phones()) merged.phones.push_back(p);
  for (const auto& p : r.draft.phones) {
    if (std::find(merged.phones.begin(), merged.phones.end(), p) == merged.phones.end() &&
        merged.phones.size() < kMaxPhones) {
      merged.phones.push_back(p);
    }
  }
  if (r.draft.id_number.empty()) merged.id_number = current->id_number();
  if (r.draft.birthday.empty()) merged.birthday = current->birthday();
  if (r.draft.notes.empty()) merged.notes = current->notes();
  if (r.draft.tags.empty()) merged.tags = {current->tags().begin(), current->tags().end()};
  merged.channel = v1::Customer::Channel_Name(current->channel());
  for (const auto& [key, value] : current->custom_fields().fields()) {
    merged.custom_fields.mutable_fields()->insert({key, value});
  }
  auto updated = customers_.UpdateCustomer(tenant, id, merged, SearchTermsForName(merged.name));
  if (!updated.ok()) {
    AddError(response, {r.row, "", std::string(updated.status().message())});
    return absl::OkStatus();
  }
  if (!r.draft.addresses.empty()) {
    bool known = false;
    for (const auto& a : current->addresses()) known |= a.text() == r.draft.addresses[0].text;
    if (!known) {
      QQ_RETURN_IF_ERROR(customers_.AddAddress(tenant, id, r.draft.addresses[0]).status());
    }
  }
  if (r.tickets > 0) {
    LedgerEntryDraft tickets{"ADJUSTMENT",
                             "TICKET",
                             kImportTicketProduct,
                             {r.tickets, 0},
                             absl::StrCat("导入水票：", options.file_name, " 第 ", r.row, " 行"),
                             ""};
    IdempotencyScope once{tenant, actor_id, "ImportTickets",
                          absl::StrCat(options.file_digest.substr(0, 32), ":", r.row),
                          options.file_digest};
    QQ_RETURN_IF_ERROR(ledger_.PostEntry(tenant, id, tickets, actor_id, once).status());
  }
  response.set_updated(response.updated() + 1);
  return absl::OkStatus();
}

absl::Status CustomerImporter::Export(const std::string& tenant, const CustomerFilter& filter,
                                      const std::string& path) {
  QQ_ASSIGN_OR_RETURN(auto definitions,
                      dictionary_.ListFieldDefinitions(tenant, v1::FieldDefinition::CUSTOMER));
  QQ_ASSIGN_OR_RETURN(auto writer, spreadsheet::XlsxWriter::Open(path, "客户"));
  std::vector<std::string> labels = {"姓名", "电话", "地址", "标签", "水票",
                                     "备注", "类型", "来源", "状态", "创建时间"};
  for (const auto& d : definitions) labels.push_back(d.label());
  QQ_RETURN_IF_ERROR(writer->WriteHeader(labels));
  std::string token;
  do {
    QQ_ASSIGN_OR_RETURN(CustomerPage page, customers_.ListCustomers(tenant, filter, 500, token));
    std::vector<std::string> ids;
    for (const auto& c : page.customers) ids.push_back(c.id());
    QQ_ASSIGN_OR_RETURN(auto tickets, ledger_.TicketTotals(tenant, ids));
    for (const auto& c : page.customers) {
      using spreadsheet::CellValue;
      std::vector<CellValue> cells;
      cells.push_back(CellValue::Text(c.name()));
      cells.push_back(CellValue::Text(absl::StrJoin(c.phones(), " / ")));
      cells.push_back(CellValue::Text(c.addresses_size() > 0 ? c.addresses(0).text() : ""));
      cells.push_back(CellValue::Text(absl::StrJoin(c.tags(), "、")));
      cells.push_back(CellValue::Number(static_cast<double>(tickets[c.id()])));
      cells.push_back(CellValue::Text(c.notes()));
      cells.push_back(CellValue::Text(c.kind() == v1::Customer::ORGANISATION ? "单位" : "个人"));
      cells.push_back(CellValue::Text(v1::Customer::Channel_Name(c.channel())));
      cells.push_back(CellValue::Text(v1::Customer::Status_Name(c.status())));
      cells.push_back(CellValue::Text(
          c.create_time().seconds() > 0
              ? absl::FormatTime("%Y-%m-%d %H:%M", absl::FromUnixSeconds(c.create_time().seconds()),
                                 absl::FixedTimeZone(8 * 3600))
              : ""));
      for (const auto& d : definitions) {
        auto it = c.custom_fields().fields().find(d.key());
        if (it == c.custom_fields().fields().end()) {
          cells.push_back(CellValue::Empty());
        } else if (it->second.has_number_value()) {
          cells.push_back(CellValue::Number(it->second.number_value()));
        } else if (it->second.has_string_value()) {
          cells.push_back(CellValue::Text(it->second.string_value()));
        } else {
          std::string json;
          (void)google::protobuf::util::MessageToJsonString(it->second, &json);
          cells.push_back(CellValue::Text(json));
        }
      }
      QQ_RETURN_IF_ERROR(writer->WriteRow(cells));
    }
    token = page.next_page_token;
  } while (!token.empty());
  return writer->Close();
}

}  // namespace qq::customer
