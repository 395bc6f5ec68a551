#include "services/order/attachments/local_folder_blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace qq::order {
namespace {

constexpr char kTempPrefix = '~';

std::string Quoted(absl::string_view key) { return absl::StrCat("\"", key, "\""); }

// `error` (an errno value) as a Status: "<action> \"<subject>\": <strerror>". Call it as
// ErrnoStatus(errno, ...): the other arguments allocate nothing, so errno is read intact.
absl::Status ErrnoStatus(int error, absl::string_view action, absl::string_view subject) {
  return absl::ErrnoToStatus(error, absl::StrCat(action, " ", Quoted(subject)));
}

// Two lowercase hex digits from the top byte of the key's 64-bit FNV-1a hash. Stable across
// builds and machines (unlike absl::Hash), since it decides where blobs are on disk.
std::string ShardOf(absl::string_view key) {
  uint64_t hash = 14695981039346656037ULL;
  for (unsigned char c : key) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  const unsigned top = static_cast<unsigned>(hash >> 56);
  return {kHex[top >> 4], kHex[top & 0xF]};
}

bool IsShardName(absl::string_view name) {
  auto is_hex = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); };
  return name.size() == 2 && is_hex(name[0]) && is_hex(name[1]);
}

std::string FileNameOf(absl::string_view key) { return absl::StrReplaceAll(key, {{"/", "+"}}); }

absl::Status SyncFolder(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open folder", dir);
  const int rc = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  if (rc != 0) return ErrnoStatus(error, "fsync folder", dir);
  return absl::OkStatus();
}

// Creates a temp file from `path_template` (ending in XXXXXX, filled in place).
absl::StatusOr<int> MakeTempFile(std::string& path_template) {
  const int fd = ::mkostemp(path_template.data(), O_CLOEXEC);
  if (fd < 0) return absl::ErrnoToStatus(errno, "create a temp file");
  return fd;
}

class LocalBlobWriter final : public BlobWriter {
 public:
  LocalBlobWriter(std::string key, int fd, std::string temp_path, std::string final_path,
                  std::string folder)
      : key_(std::move(key)),
        fd_(fd),
        temp_path_(std::move(temp_path)),
        final_path_(std::move(final_path)),
        folder_(std::move(folder)) {}
  LocalBlobWriter(const LocalBlobWriter&) = delete;
  LocalBlobWriter& operator=(const LocalBlobWriter&) = delete;
  ~LocalBlobWriter() override { Discard(); }

  absl::Status Append(absl::string_view bytes) override {
    if (absl::Status usable = CheckWriting(); !usable.ok()) return usable;
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return Break(ErrnoStatus(errno, "write blob", key_));
      }
      bytes.remove_prefix(static_cast<size_t>(n));
      size_ += static_cast<uint64_t>(n);
    }
    return absl::OkStatus();
  }

  absl::Status Commit() override {
    if (absl::Status usable = CheckWriting(); !usable.ok()) return usable;
    if (::fsync(fd_) != 0) {
      return Break(ErrnoStatus(errno, "fsync blob", key_));
    }
    const int fd = std::exchange(fd_, -1);
    if (::close(fd) != 0) {
      return Break(ErrnoStatus(errno, "close blob", key_));
    }
    if (::rename(temp_path_.c_str(), final_path_.c_str()) != 0) {
      return Break(ErrnoStatus(errno, "commit blob", key_));
    }
    temp_path_.clear();
    state_ = State::kCommitted;
    // Makes the rename itself durable; the new bytes are already visible.
    return SyncFolder(folder_);
  }

  uint64_t size() const override { return size_; }

 private:
  enum class State { kWriting, kBroken, kCommitted };

  absl::Status CheckWriting() const {
    switch (state_) {
      case State::kWriting:
        return absl::OkStatus();
      case State::kBroken:
        return absl::FailedPreconditionError(
            absl::StrCat("blob ", Quoted(key_), ": an earlier write failed"));
      case State::kCommitted:
        break;
    }
    return absl::FailedPreconditionError(
        absl::StrCat("blob ", Quoted(key_), " is already committed"));
  }

  absl::Status Break(absl::Status error) {
    Discard();
    state_ = State::kBroken;
    return error;
  }

  void Discard() {
    if (fd_ >= 0) ::close(std::exchange(fd_, -1));
    if (!temp_path_.empty()) {
      ::unlink(temp_path_.c_str());
      temp_path_.clear();
    }
  }

  const std::string key_;
  int fd_;
  std::string temp_path_;  // empty once renamed or removed
  const std::string final_path_;
  const std::string folder_;
  uint64_t size_ = 0;
  State state_ = State::kWriting;
};

class LocalBlobReader final : public BlobReader {
 public:
  LocalBlobReader(std::string key, int fd, uint64_t size)
      : key_(std::move(key)), fd_(fd), size_(size) {}
  LocalBlobReader(const LocalBlobReader&) = delete;
  LocalBlobReader& operator=(const LocalBlobReader&) = delete;
  ~LocalBlobReader() override { ::close(fd_); }

  absl::StatusOr<bool> Read(size_t max_bytes, std::string& out) override {
    if (max_bytes == 0) return absl::InvalidArgumentError("Read needs max_bytes > 0");
    const size_t want = static_cast<size_t>(std::min<uint64_t>(max_bytes, size_ - offset_));
    out.resize(want);
    size_t got = 0;
    while (got < want) {
      const ssize_t n = ::read(fd_, out.data() + got, want - got);
      if (n < 0) {
        if (errno == EINTR) continue;
        out.clear();
        return ErrnoStatus(errno, "read blob", key_);
      }
      if (n == 0) {
        out.clear();
        return absl::DataLossError(
            absl::StrCat("blob ", Quoted(key_), " ends at byte ", offset_ + got, " of ", size_));
      }
      got += static_cast<size_t>(n);
    }
    offset_ += want;
    return offset_ < size_;
  }

  uint64_t size() const override { return size_; }

 private:
  const std::string key_;
  const int fd_;
  const uint64_t size_;
  uint64_t offset_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<LocalFolderBlobStore>> LocalFolderBlobStore::OpenFolder(
    std::string root) {
  if (root.empty() || root.front() != '/') {
    return absl::InvalidArgumentError(
        absl::StrCat("blob store root must be an absolute path, not \"", root, "\""));
  }
  while (root.size() > 1 && root.back() == '/') root.pop_back();

  std::error_code error;
  std::filesystem::create_directories(root, error);
  if (error) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot create blob store root ", root, ": ", error.message()));
  }
  struct stat st;
  if (::stat(root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("blob store root ", root, " is not a folder"));
  }
  std::string probe =
      absl::StrCat(root == "/" ? "" : root, "/", std::string(1, kTempPrefix), "probe.XXXXXX");
  absl::StatusOr<int> fd = MakeTempFile(probe);
  if (!fd.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("blob store root ", root, " is not writable: ", fd.status().message()));
  }
  ::close(*fd);
  ::unlink(probe.c_str());
  return std::unique_ptr<LocalFolderBlobStore>(new LocalFolderBlobStore(std::move(root)));
}

absl::StatusOr<std::unique_ptr<BlobWriter>> LocalFolderBlobStore::Create(absl::string_view key) {
  if (absl::Status valid = ValidateBlobKey(key); !valid.ok()) return valid;
  const std::string folder = absl::StrCat(root_, "/", ShardOf(key));
  if (::mkdir(folder.c_str(), 0750) == 0) {
    if (absl::Status synced = SyncFolder(root_); !synced.ok()) return synced;
  } else if (errno != EEXIST) {
    return ErrnoStatus(errno, "create folder", folder);
  }
  const std::string name = FileNameOf(key);
  std::string temp_path = absl::StrCat(folder, "/", std::string(1, kTempPrefix), name, ".XXXXXX");
  absl::StatusOr<int> fd = MakeTempFile(temp_path);
  if (!fd.ok()) {
    return absl::Status(fd.status().code(),
                        absl::StrCat("blob ", Quoted(key), ": ", fd.status().message()));
  }
  return std::make_unique<LocalBlobWriter>(std::string(key), *fd, std::move(temp_path),
                                           absl::StrCat(folder, "/", name), folder);
}

absl::StatusOr<std::unique_ptr<BlobReader>> LocalFolderBlobStore::Open(absl::string_view key) {
  if (absl::Status valid = ValidateBlobKey(key); !valid.ok()) return valid;
  const std::string path = absl::StrCat(root_, "/", ShardOf(key), "/", FileNameOf(key));
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return absl::NotFoundError(absl::StrCat("no blob ", Quoted(key)));
    return ErrnoStatus(errno, "open blob", key);
  }
  struct stat st;
  if (::fstat(fd, &st) != 0) {
    const int error = errno;
    ::close(fd);
    return ErrnoStatus(error, "stat blob", key);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return absl::InternalError(absl::StrCat("blob ", Quoted(key), " is not a regular file"));
  }
  return std::make_unique<LocalBlobReader>(std::string(key), fd, static_cast<uint64_t>(st.st_size));
}

absl::Status LocalFolderBlobStore::Delete(absl::string_view key) {
  if (absl::Status valid = ValidateBlobKey(key); !valid.ok()) return valid;
  const std::string folder = absl::StrCat(root_, "/", ShardOf(key));
  const std::string path = absl::StrCat(folder, "/", FileNameOf(key));
  if (::unlink(path.c_str()) != 0) {
    if (errno == ENOENT) return absl::OkStatus();
    return ErrnoStatus(errno, "delete blob", key);
  }
  return SyncFolder(folder);
}

absl::StatusOr<int> LocalFolderBlobStore::RemoveStaleTempFiles(absl::Duration min_age) {
  namespace fs = std::filesystem;
  const absl::Time cutoff = absl::Now() - min_age;
  std::vector<std::string> folders = {root_};
  std::error_code error;
  for (fs::directory_iterator it(root_, error), end; !error && it != end; it.increment(error)) {
    if (IsShardName(it->path().filename().string())) folders.push_back(it->path().string());
  }
  if (error) {
    return ErrnoStatus(error.value(), "list blob store root", root_);
  }
  int removed = 0;
  for (const std::string& folder : folders) {
    for (fs::directory_iterator it(folder, error), end; !error && it != end; it.increment(error)) {
      const std::string name = it->path().filename().string();
      if (name.empty() || name.front() != kTempPrefix) continue;
      struct stat st;
      const std::string path = it->path().string();
      if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      if (absl::TimeFromTimespec(st.st_mtim) > cutoff) continue;
      if (::unlink(path.c_str()) == 0) {
        ++removed;
      } else if (errno != ENOENT) {
        return ErrnoStatus(errno, "remove temp file", path);
      }
    }
    if (error && error != std::errc::no_such_file_or_directory) {
      return ErrnoStatus(error.value(), "list folder", folder);
    }
    error.clear();
  }
  return removed;
}

}  // namespace qq::order
