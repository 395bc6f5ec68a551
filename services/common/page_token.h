// Keyset paging over (created_at, id), newest first: the opaque page token names the
// last row of the previous page.
#pragma once

#include <string>

#include "absl/status/statusor.h"

namespace qq {

struct PageCursor {
  // 0: start from the newest row.
  long long after_micros = 0;
  std::string after_id = "00000000-0000-0000-0000-000000000000";
};

std::string EncodePageToken(long long created_micros, const std::string& id);

// The token of the page after `rows`, fetched with LIMIT page_size + 1 so that one row
// more than the page says another page exists ("" when not). The page's last row holds
// the id in column 0 and the creation time in epoch microseconds in `created_column`.
template <typename Rows>
std::string NextPageTokenOf(const Rows& rows, int page_size, int created_column) {
  if (static_cast<int>(rows.size()) <= page_size) return "";
  const auto& last = rows[page_size - 1];
  return EncodePageToken(last[created_column].template as<long long>(),
                         last[0].template as<std::string>());
}

// "" decodes to the first page. INVALID_ARGUMENT (field "pageToken") for a token this
// service did not issue.
absl::StatusOr<PageCursor> DecodePageToken(const std::string& token);

// The page size a list request asked for: `default_size` for 0, INVALID_ARGUMENT (field
// "pageSize") outside 1..max.
absl::StatusOr<int> PageSizeOf(int requested, int max, int default_size = 20);

// Offset paging for short, ranked lists: "" is 0; INVALID_ARGUMENT (field "pageToken")
// for anything but an offset from 0 to `max_offset`.
absl::StatusOr<int> DecodeOffsetToken(const std::string& token, int max_offset);

}  // namespace qq
