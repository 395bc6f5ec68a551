// Customer import and export files: reads an uploaded .xlsx/.csv row by row (the file
// itself is a temp file on disk; only a batch of rows is in memory), checks every row,
// writes good new customers in batches through COPY, handles phones that already exist per
// the chosen policy, and reports every bad row. Export writes an .xlsx with libxlsxwriter's
// constant-memory mode.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "qingquan/customer/v1/customer.pb.h"
#include "services/customer/customer_store.h"
#include "services/customer/domain/import_mapping.h"

namespace qq::customer {

class DictionaryStore;
class ImportStore;
class LedgerStore;

struct ImportOptions {
  std::string file_name;
  // SHA-256 of the file: ticket additions of UPDATE are idempotent per file and row.
  std::string file_digest;
  qingquan::customer::v1::ImportCustomersRequest::DuplicatePolicy policy =
      qingquan::customer::v1::ImportCustomersRequest::SKIP;
  // Tags missing from the tenant's dictionary are added (else such rows are bad rows).
  bool create_missing_tags = false;
};

class CustomerImporter {
 public:
  // Rows written per transaction.
  static constexpr size_t kBatchRows = 2000;
  // Batches written at once, each on its own connection.
  static constexpr size_t kCopiesInFlight = 2;
  // Bad rows listed in full; beyond this they are only counted.
  static constexpr size_t kMaxListedErrors = 1000;

  CustomerImporter(CustomerStore& customers, DictionaryStore& dictionary, ImportStore& imports,
                   LedgerStore& ledger)
      : customers_(customers), dictionary_(dictionary), imports_(imports), ledger_(ledger) {}

  // INVALID_ARGUMENT for a file that is not a readable .xlsx/.csv or whose header lacks a
  // name column; RESOURCE_EXHAUSTED past the reader's limits. Row problems are in the
  // response, not errors.
  absl::StatusOr<qingquan::customer::v1::ImportCustomersResponse> Import(
      const std::string& tenant, const std::string& actor_id, const std::string& path,
      const ImportOptions& options);

  // Writes the filtered customers to an .xlsx at `path`.
  absl::Status Export(const std::string& tenant, const CustomerFilter& filter,
                      const std::string& path);

 private:
  absl::Status UpdateFromRow(const std::string& tenant, const std::string& actor_id,
                             const ImportOptions& options, const ImportedRow& row,
                             const std::string& id,
                             qingquan::customer::v1::ImportCustomersResponse& response);

  CustomerStore& customers_;
  DictionaryStore& dictionary_;
  ImportStore& imports_;
  LedgerStore& ledger_;
};

}  // namespace qq::customer
