// Where attachment bytes live: a local folder by default (LocalFolderBlobStore), an
// S3-like service later. Callers see only these three small interfaces.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qq::order {

// Bytes on their way into a store. Use from one thread at a time.
class BlobWriter {
 public:
  // Without a successful Commit(), removes everything written: the key keeps what it had.
  virtual ~BlobWriter() = default;

  // Adds `bytes` at the end. After a failed Append the writer is broken and Commit() fails.
  // FAILED_PRECONDITION after Commit() or a failed Append; RESOURCE_EXHAUSTED when the disk
  // is full; other codes for I/O errors.
  virtual absl::Status Append(absl::string_view bytes) = 0;

  // Makes the bytes visible under the key all at once, replacing any blob there before:
  // a reader sees the old blob or the new one, never a part. Durable once it returns OK.
  // FAILED_PRECONDITION when called twice or after a failed Append. On another error the
  // key may hold the old or the new bytes; write again or Delete().
  virtual absl::Status Commit() = 0;

  // Bytes appended so far.
  virtual uint64_t size() const = 0;
};

// One committed blob, read from the start in chunks. It keeps reading the bytes it opened
// even if the key is deleted or replaced meanwhile. Use from one thread at a time.
class BlobReader {
 public:
  virtual ~BlobReader() = default;

  // Replaces `out` with the next bytes, at most `max_bytes` and fewer only at the end.
  // Returns true while more bytes follow, false once `out` holds the last of the blob (an
  // empty blob gives one empty chunk and false). Reading on after false gives "" and false.
  // INVALID_ARGUMENT when max_bytes is 0; DATA_LOSS if the blob was cut short underneath.
  virtual absl::StatusOr<bool> Read(size_t max_bytes, std::string& out) = 0;

  // The blob's whole size.
  virtual uint64_t size() const = 0;
};

// Implementations are thread-safe; writers and readers they hand out are not.
class BlobStore {
 public:
  virtual ~BlobStore() = default;

  // Starts writing a new blob; the bytes become visible under `key` only on Commit().
  // INVALID_ARGUMENT for a key ValidateBlobKey() rejects.
  virtual absl::StatusOr<std::unique_ptr<BlobWriter>> Create(absl::string_view key) = 0;

  // NOT_FOUND when no blob was committed under `key`; INVALID_ARGUMENT for a bad key.
  virtual absl::StatusOr<std::unique_ptr<BlobReader>> Open(absl::string_view key) = 0;

  // Removes the blob; a missing one is OK. INVALID_ARGUMENT for a bad key.
  virtual absl::Status Delete(absl::string_view key) = 0;
};

inline constexpr size_t kMaxBlobKeyLength = 200;

// A key is 1..kMaxBlobKeyLength characters: segments of [A-Za-z0-9._-] joined by '/', none
// empty, "." or ".." (so no leading or trailing '/', no "//"). INVALID_ARGUMENT otherwise.
// Every store enforces this, so a key can never name a path outside the store.
absl::Status ValidateBlobKey(absl::string_view key);

// The configurable store: "file:///abs/path" or a plain absolute path "/abs/path" opens a
// LocalFolderBlobStore there (see LocalFolderBlobStore::OpenFolder for its errors).
// INVALID_ARGUMENT "unsupported blob store …" for other schemes, relative paths, a host in
// a file URL, or '%', '?', '#' in a file URL (escapes, queries, fragments are not decoded).
absl::StatusOr<std::unique_ptr<BlobStore>> MakeBlobStore(absl::string_view url);

}  // namespace qq::order
