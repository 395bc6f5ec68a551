#include "services/common/page_token.h"

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "services/common/ids.h"
#include "services/common/status.h"

namespace qq {

std::string EncodePageToken(long long created_micros, const std::string& id) {
  return absl::WebSafeBase64Escape(absl::StrCat(created_micros, "/", id));
}

absl::StatusOr<PageCursor> DecodePageToken(const std::string& token) {
  PageCursor cursor;
  if (token.empty()) return cursor;
  std::string decoded;
  size_t sep = std::string::npos;
  if (!absl::WebSafeBase64Unescape(token, &decoded) ||
      (sep = decoded.find('/')) == std::string::npos ||
      !absl::SimpleAtoi(decoded.substr(0, sep), &cursor.after_micros) || cursor.after_micros <= 0 ||
      !LooksLikeUuid(decoded.substr(sep + 1))) {
    return InvalidField("pageToken", "is not a token from a previous page");
  }
  cursor.after_id = decoded.substr(sep + 1);
  return cursor;
}

absl::StatusOr<int> PageSizeOf(int requested, int max, int default_size) {
  int size = requested == 0 ? default_size : requested;
  if (size < 1 || size > max) {
    return InvalidField("pageSize", absl::StrCat("must be between 1 and ", max));
  }
  return size;
}

absl::StatusOr<int> DecodeOffsetToken(const std::string& token, int max_offset) {
  int offset = 0;
  if (!token.empty() && (!absl::SimpleAtoi(token, &offset) || offset < 0 || offset > max_offset)) {
    return InvalidField("pageToken", "is not a token this service issued");
  }
  return offset;
}

}  // namespace qq
