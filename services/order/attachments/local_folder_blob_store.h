// BlobStore over a local folder (the default; the folder may be a network mount).
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/order/attachments/blob_store.h"

namespace qq::order {

// On disk, the blob under key "orders/42/photo-1.jpg" is the file
//   <root>/<hh>/orders+42+photo-1.jpg
// <hh>: two hex digits of the key's 64-bit FNV-1a hash (256 shard folders, made when first
// needed). '/' becomes '+', which keys cannot hold, so "a/b" and "a/b/c" never collide and
// no folder tree grows under a shard. The hash is part of the format: changing it strands
// existing blobs.
//
// A writer fills "<root>/<hh>/~<name>.XXXXXX" (mode 0600), and Commit() fsyncs it, renames
// it over the final name and fsyncs the folder. Keys cannot start with '~', so every file
// whose name does is a temp file: an abandoned writer removes its own, a crash leaves them
// behind for RemoveStaleTempFiles().
//
// Thread-safe; several processes may share one root.
class LocalFolderBlobStore final : public BlobStore {
 public:
  // Creates `root` and missing parents, then checks it is writable by creating and
  // removing a file in it. INVALID_ARGUMENT when `root` is not an absolute path;
  // FAILED_PRECONDITION, naming the folder and the reason, when it cannot be created, is
  // not a folder, or is not writable. (Not called Open: an Open(std::string) overload would
  // win over BlobStore::Open(key) for a std::string key and open a folder named after it.)
  static absl::StatusOr<std::unique_ptr<LocalFolderBlobStore>> OpenFolder(std::string root);

  absl::StatusOr<std::unique_ptr<BlobWriter>> Create(absl::string_view key) override;
  absl::StatusOr<std::unique_ptr<BlobReader>> Open(absl::string_view key) override;
  absl::Status Delete(absl::string_view key) override;

  // Removes temp files last written at least `min_age` ago (left by crashed writers) and
  // returns how many went. A live writer's file counts as stale if it paused longer than
  // `min_age` between appends, so pass something generous, like an hour.
  absl::StatusOr<int> RemoveStaleTempFiles(absl::Duration min_age);

  const std::string& root() const { return root_; }

 private:
  explicit LocalFolderBlobStore(std::string root) : root_(std::move(root)) {}

  std::string root_;  // absolute, no trailing '/' (unless it is "/")
};

}  // namespace qq::order
