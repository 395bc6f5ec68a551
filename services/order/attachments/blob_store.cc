#include "services/order/attachments/blob_store.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "services/order/attachments/local_folder_blob_store.h"

namespace qq::order {
namespace {

bool IsKeyChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

absl::Status Unsupported(absl::string_view url, absl::string_view why) {
  return absl::InvalidArgumentError(
      absl::StrCat("unsupported blob store \"", url, "\": ", why,
                   "; use file:///absolute/path or an absolute path"));
}

}  // namespace

absl::Status ValidateBlobKey(absl::string_view key) {
  if (key.empty()) return absl::InvalidArgumentError("blob key is empty");
  if (key.size() > kMaxBlobKeyLength) {
    return absl::InvalidArgumentError(absl::StrCat(
        "blob key is ", key.size(), " characters long; the limit is ", kMaxBlobKeyLength));
  }
  for (absl::string_view segment : absl::StrSplit(key, '/')) {
    if (segment.empty()) {
      return absl::InvalidArgumentError(
          "blob key has an empty segment (a leading, trailing or doubled '/')");
    }
    if (segment == "." || segment == "..") {
      return absl::InvalidArgumentError("blob key has a \".\" or \"..\" segment");
    }
    for (char c : segment) {
      if (!IsKeyChar(c)) {
        return absl::InvalidArgumentError(
            "blob key may hold only letters, digits, '.', '_', '-' and '/'");
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<BlobStore>> MakeBlobStore(absl::string_view url) {
  std::string root;
  if (absl::string_view path = url; absl::ConsumePrefix(&path, "file://")) {
    if (!absl::StartsWith(path, "/")) {
      return Unsupported(url, "a file URL needs an empty host and an absolute path");
    }
    if (path.find_first_of("%?#") != absl::string_view::npos) {
      return Unsupported(url, "escapes, queries and fragments in file URLs are not supported");
    }
    root = std::string(path);
  } else if (size_t colon = url.find("://"); colon != absl::string_view::npos) {
    return Unsupported(url, absl::StrCat("scheme \"", url.substr(0, colon), "\" is not known"));
  } else if (absl::StartsWith(url, "/")) {
    root = std::string(url);
  } else {
    return Unsupported(url, "not a URL nor an absolute path");
  }
  absl::StatusOr<std::unique_ptr<LocalFolderBlobStore>> store =
      LocalFolderBlobStore::OpenFolder(std::move(root));
  if (!store.ok()) return store.status();
  return std::unique_ptr<BlobStore>(std::move(*store));
}

}  // namespace qq::order
