#include "services/order/attachments/local_folder_blob_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/order/attachments/test_temp_dir.h"

namespace qq::order {
namespace {

namespace fs = std::filesystem;

// Deterministic bytes that differ per `seed` and per position.
std::string Pattern(size_t size, int seed) {
  std::string bytes(size, '\0');
  uint32_t x = 2463534242u + static_cast<uint32_t>(seed) * 7919u;
  for (char& c : bytes) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    c = static_cast<char>(x);
  }
  return bytes;
}

// Every regular file under `dir`, relative to it.
std::vector<std::string> FilesUnder(const std::string& dir) {
  std::vector<std::string> files;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(fs::relative(entry.path(), dir).string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

class LocalFolderBlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = dir_.path() + "/blobs";
    absl::StatusOr<std::unique_ptr<LocalFolderBlobStore>> store =
        LocalFolderBlobStore::OpenFolder(root_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }

  absl::Status Put(absl::string_view key, absl::string_view bytes) {
    absl::StatusOr<std::unique_ptr<BlobWriter>> writer = store_->Create(key);
    if (!writer.ok()) return writer.status();
    if (absl::Status appended = (*writer)->Append(bytes); !appended.ok()) return appended;
    return (*writer)->Commit();
  }

  // The whole blob, read in chunks of `chunk_size`; counts the chunks in `chunks`.
  absl::StatusOr<std::string> Get(absl::string_view key, size_t chunk_size = 1 << 16,
                                  int* chunks = nullptr) {
    absl::StatusOr<std::unique_ptr<BlobReader>> reader = store_->Open(key);
    if (!reader.ok()) return reader.status();
    return ReadAll(**reader, chunk_size, chunks);
  }

  static absl::StatusOr<std::string> ReadAll(BlobReader& reader, size_t chunk_size,
                                             int* chunks = nullptr) {
    std::string all, chunk;
    for (;;) {
      absl::StatusOr<bool> more = reader.Read(chunk_size, chunk);
      if (!more.ok()) return more.status();
      all += chunk;
      if (chunks != nullptr) ++*chunks;
      if (!*more) return all;
    }
  }

  TestTempDir dir_;
  std::string root_;
  std::unique_ptr<LocalFolderBlobStore> store_;
};

TEST_F(LocalFolderBlobStoreTest, WritesInChunksAndReadsBackMoreThanAMebibyte) {
  const std::string bytes = Pattern(1536 * 1024 + 7, 1);
  absl::StatusOr<std::unique_ptr<BlobWriter>> writer = store_->Create("orders/42/photo-1.jpg");
  ASSERT_TRUE(writer.ok()) << writer.status();
  for (size_t at = 0; at < bytes.size(); at += 65521) {
    ASSERT_TRUE((*writer)->Append(absl::string_view(bytes).substr(at, 65521)).ok());
  }
  EXPECT_EQ((*writer)->size(), bytes.size());
  ASSERT_TRUE((*writer)->Commit().ok());

  absl::StatusOr<std::unique_ptr<BlobReader>> reader = store_->Open("orders/42/photo-1.jpg");
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->size(), 1536u * 1024 + 7);
  int chunks = 0;
  absl::StatusOr<std::string> back = ReadAll(**reader, 100000, &chunks);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(chunks, 16);  // 15 full chunks of 100000 bytes and 72871 bytes
  EXPECT_EQ(back->size(), bytes.size());
  EXPECT_TRUE(*back == bytes);

  std::string chunk = "stale";
  absl::StatusOr<bool> more = (*reader)->Read(10, chunk);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
  EXPECT_EQ(chunk, "");
}

TEST_F(LocalFolderBlobStoreTest, ReadsAChunkThatEndsExactlyAtTheEnd) {
  ASSERT_TRUE(Put("k", "0123456789").ok());
  absl::StatusOr<std::unique_ptr<BlobReader>> reader = store_->Open("k");
  ASSERT_TRUE(reader.ok());
  std::string chunk;
  absl::StatusOr<bool> more = (*reader)->Read(5, chunk);
  ASSERT_TRUE(more.ok());
  EXPECT_TRUE(*more);
  EXPECT_EQ(chunk, "01234");
  more = (*reader)->Read(5, chunk);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
  EXPECT_EQ(chunk, "56789");
  EXPECT_EQ((*reader)->Read(0, chunk).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(LocalFolderBlobStoreTest, EmptyBlobReadsAsOneEmptyChunk) {
  ASSERT_TRUE(Put("empty", "").ok());
  int chunks = 0;
  absl::StatusOr<std::string> back = Get("empty", 10, &chunks);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(*back, "");
  EXPECT_EQ(chunks, 1);
}

TEST_F(LocalFolderBlobStoreTest, LaysBlobsOutInShardFolders) {
  ASSERT_TRUE(Put("orders/42/photo-1.jpg", "jpeg bytes").ok());
  const std::vector<std::string> files = FilesUnder(root_);
  ASSERT_EQ(files.size(), 1u);
  const fs::path path = files[0];
  EXPECT_EQ(path.filename(), "orders+42+photo-1.jpg");
  EXPECT_EQ(path.parent_path().string().size(), 2u);
  EXPECT_EQ(path.parent_path().string().find_first_not_of("0123456789abcdef"), std::string::npos);
  std::ifstream in(root_ + "/" + files[0]);
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "jpeg bytes");
}

TEST_F(LocalFolderBlobStoreTest, NestedLookingKeysDoNotCollide) {
  ASSERT_TRUE(Put("a", "1").ok());
  ASSERT_TRUE(Put("a/b", "2").ok());
  ASSERT_TRUE(Put("a/b/c", "3").ok());
  ASSERT_TRUE(Put("a.b", "4").ok());
  EXPECT_EQ(*Get("a"), "1");
  EXPECT_EQ(*Get("a/b"), "2");
  EXPECT_EQ(*Get("a/b/c"), "3");
  EXPECT_EQ(*Get("a.b"), "4");
  EXPECT_EQ(FilesUnder(root_).size(), 4u);
}

TEST_F(LocalFolderBlobStoreTest, NothingIsVisibleBeforeCommit) {
  absl::StatusOr<std::unique_ptr<BlobWriter>> writer = store_->Create("k");
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append("partial").ok());
  EXPECT_EQ(store_->Open("k").status().code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE((*writer)->Commit().ok());
  EXPECT_EQ(*Get("k"), "partial");
}

TEST_F(LocalFolderBlobStoreTest, AbandonedWriterLeavesNothingBehind) {
  {
    absl::StatusOr<std::unique_ptr<BlobWriter>> writer = store_->Create("orders/7/abandoned.png");
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Append(Pattern(300000, 2)).ok());
    // The temp file exists while the writer lives…
    ASSERT_EQ(FilesUnder(root_).size(), 1u);
    EXPECT_EQ(fs::path(FilesUnder(root_)[0]).filename().string().substr(0, 24),
              "~orders+7+abandoned.png.");
  }
  // …and goes with it.
  EXPECT_EQ(store_->Open("orders/7/abandoned.png").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(FilesUnder(root_), std::vector<std::string>{});
}

TEST_F(LocalFolderBlobStoreTest, AbandonedOverwriteKeepsTheOldBlob) {
  ASSERT_TRUE(Put("k", "old").ok());
  {
    absl::StatusOr<std::unique_ptr<BlobWriter>> writer = store_->Create("k");
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Append("new but abandoned").ok());
  }
  EXPECT_EQ(*Get("k"), "old");
  EXPECT_EQ(FilesUnder(root_).size(), 1u);
}

TEST_F(LocalFolderBlobStoreTest, CommitReplacesAndReadersKeepWhatTheyOpened) {
  ASSERT_TRUE(Put("k", "first version").ok());
  absl::StatusOr<std::unique_ptr<BlobReader>> reader = store_->Open("k");
  ASSERT_TRUE(reader.ok());
  ASSERT_TRUE(Put("k", "second").ok());
  EXPECT_EQ(*Get("k"), "second");
  EXPECT_EQ(*ReadAll(**reader, 4), "first version");

  absl::StatusOr<std::unique_ptr<BlobReader>> second = store_->Open("k");
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(store_->Delete("k").ok());
  EXPECT_EQ(*ReadAll(**second, 4), "second");
}

TEST_F(LocalFolderBlobStoreTest, WriterIsDoneAfterCommit) {
  absl::StatusOr<std::unique_ptr<BlobWriter>> writer = store_->Create("k");
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append("x").ok());
  ASSERT_TRUE((*writer)->Commit().ok());
  EXPECT_EQ((*writer)->Append("y").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ((*writer)->Commit().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ((*writer)->Commit().message(), "blob \"k\" is already committed");
  writer->reset();  // destroying a committed writer keeps the blob
  EXPECT_EQ(*Get("k"), "x");
}

TEST_F(LocalFolderBlobStoreTest, MissingBlobIsNotFound) {
  absl::StatusOr<std::unique_ptr<BlobReader>> reader = store_->Open("orders/1/none.jpg");
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(reader.status().message(), "no blob \"orders/1/none.jpg\"");
}

TEST_F(LocalFolderBlobStoreTest, DeleteIsIdempotent) {
  ASSERT_TRUE(Put("k", "bytes").ok());
  ASSERT_TRUE(Put("other", "stays").ok());
  EXPECT_TRUE(store_->Delete("k").ok());
  EXPECT_EQ(store_->Open("k").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(store_->Delete("k").ok());
  EXPECT_TRUE(store_->Delete("never/there").ok());
  EXPECT_EQ(*Get("other"), "stays");
  EXPECT_EQ(FilesUnder(root_).size(), 1u);
}

TEST_F(LocalFolderBlobStoreTest, BadKeysAreRejectedEverywhereAndTouchNothing) {
  // Files a traversal would hit if keys reached the file system unchecked.
  std::ofstream(dir_.path() + "/victim") << "keep me";
  for (const std::string& key :
       {std::string("../x"), std::string("/etc/passwd"), std::string("a/../../b"),
        std::string("a\\b"), std::string(""), std::string("../victim"), std::string("..")}) {
    EXPECT_EQ(store_->Create(key).status().code(), absl::StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(store_->Open(key).status().code(), absl::StatusCode::kInvalidArgument) << key;
    EXPECT_EQ(store_->Delete(key).code(), absl::StatusCode::kInvalidArgument) << key;
  }
  EXPECT_EQ(FilesUnder(dir_.path()), std::vector<std::string>{"victim"});
  std::ifstream in(dir_.path() + "/victim");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "keep me");
}

TEST_F(LocalFolderBlobStoreTest, ConcurrentWritersToDifferentKeys) {
  constexpr int kThreads = 8, kBlobsEach = 12;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kBlobsEach; ++i) {
        const int seed = t * 100 + i;
        const std::string bytes = Pattern(20000 + seed, seed);
        absl::StatusOr<std::unique_ptr<BlobWriter>> writer =
            store_->Create(absl::StrCat("t", t, "/blob-", i));
        if (!writer.ok()) {
          ++failures;
          continue;
        }
        for (size_t at = 0; at < bytes.size(); at += 4096) {
          if (!(*writer)->Append(absl::string_view(bytes).substr(at, 4096)).ok()) ++failures;
        }
        if (!(*writer)->Commit().ok()) ++failures;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kBlobsEach; ++i) {
      const int seed = t * 100 + i;
      absl::StatusOr<std::string> back = Get(absl::StrCat("t", t, "/blob-", i), 5000);
      ASSERT_TRUE(back.ok()) << back.status();
      EXPECT_TRUE(*back == Pattern(20000 + seed, seed)) << "t" << t << "/blob-" << i;
    }
  }
  EXPECT_EQ(FilesUnder(root_).size(), static_cast<size_t>(kThreads * kBlobsEach));
}

TEST_F(LocalFolderBlobStoreTest, ReadersNeverSeeHalfABlobWhileWritersRace) {
  // Four writers keep replacing one key with different 256 KiB blobs, written in small
  // appends; a reader keeps reading it. Every read must be exactly one writer's blob.
  std::vector<std::string> versions;
  for (int v = 0; v < 4; ++v) versions.push_back(Pattern(256 * 1024, 50 + v));
  ASSERT_TRUE(Put("hot", versions[0]).ok());
  std::atomic<bool> done{false};
  std::atomic<int> failures{0};
  std::vector<std::thread> writers;
  for (int v = 0; v < 4; ++v) {
    writers.emplace_back([&, v] {
      for (int round = 0; round < 15; ++round) {
        absl::StatusOr<std::unique_ptr<BlobWriter>> writer = store_->Create("hot");
        if (!writer.ok()) {
          ++failures;
          continue;
        }
        for (size_t at = 0; at < versions[v].size(); at += 8192) {
          (*writer)->Append(absl::string_view(versions[v]).substr(at, 8192)).IgnoreError();
        }
        if (!(*writer)->Commit().ok()) ++failures;
      }
    });
  }
  int reads = 0, torn = 0;
  std::thread reader([&] {
    while (!done.load()) {
      absl::StatusOr<std::string> back = Get("hot", 10000);
      ++reads;
      if (!back.ok() || std::find(versions.begin(), versions.end(), *back) == versions.end()) {
        ++torn;
      }
    }
  });
  for (std::thread& writer : writers) writer.join();
  done = true;
  reader.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(torn, 0) << "of " << reads << " reads";
  EXPECT_GT(reads, 0);
  EXPECT_EQ(FilesUnder(root_).size(), 1u);  // no temp files left
}

TEST_F(LocalFolderBlobStoreTest, RemovesOnlyStaleTempFiles) {
  ASSERT_TRUE(Put("orders/1/kept.jpg", "committed").ok());
  // What a crashed writer leaves: a temp file, last written two hours ago.
  absl::StatusOr<std::unique_ptr<BlobWriter>> crashed = store_->Create("orders/2/crashed.jpg");
  ASSERT_TRUE(crashed.ok());
  ASSERT_TRUE((*crashed)->Append("half").ok());
  std::string crashed_temp;
  for (const std::string& file : FilesUnder(root_)) {
    if (file.find("/~") != std::string::npos) crashed_temp = root_ + "/" + file;
  }
  ASSERT_FALSE(crashed_temp.empty());
  const std::string leftover = crashed_temp + ".copy";  // still named "~…"
  fs::copy_file(crashed_temp, leftover);
  struct timeval two_hours_ago[2] = {{::time(nullptr) - 7200, 0}, {::time(nullptr) - 7200, 0}};
  ASSERT_EQ(::utimes(leftover.c_str(), two_hours_ago), 0);
  // A live writer's temp file is fresh.
  absl::StatusOr<std::unique_ptr<BlobWriter>> live = store_->Create("orders/3/live.jpg");
  ASSERT_TRUE(live.ok());
  ASSERT_TRUE((*live)->Append("in progress").ok());

  absl::StatusOr<int> removed = store_->RemoveStaleTempFiles(absl::Hours(1));
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_EQ(*removed, 1);
  EXPECT_FALSE(fs::exists(leftover));
  EXPECT_TRUE(fs::exists(crashed_temp));
  ASSERT_TRUE((*live)->Commit().ok());
  EXPECT_EQ(*Get("orders/3/live.jpg"), "in progress");
  EXPECT_EQ(*Get("orders/1/kept.jpg"), "committed");
  EXPECT_EQ(*store_->RemoveStaleTempFiles(absl::Hours(1)), 0);
}

TEST(LocalFolderBlobStoreOpen, CreatesAMissingRootWithParents) {
  TestTempDir dir;
  const std::string root = dir.path() + "/x/y/z";
  absl::StatusOr<std::unique_ptr<LocalFolderBlobStore>> store =
      LocalFolderBlobStore::OpenFolder(root);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_TRUE(fs::is_directory(root));
  EXPECT_EQ((*store)->root(), root);
  EXPECT_EQ(FilesUnder(root), std::vector<std::string>{});  // the write probe is gone
}

TEST(LocalFolderBlobStoreOpen, RejectsARelativeRoot) {
  absl::StatusOr<std::unique_ptr<LocalFolderBlobStore>> store =
      LocalFolderBlobStore::OpenFolder("blobs");
  EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store.status().message(), "blob store root must be an absolute path, not \"blobs\"");
}

TEST(LocalFolderBlobStoreOpen, FailsClearlyWhenTheRootIsAFile) {
  TestTempDir dir;
  const std::string file = dir.path() + "/file";
  std::ofstream(file) << "x";
  for (const std::string& root : {file, file + "/below"}) {
    absl::StatusOr<std::unique_ptr<LocalFolderBlobStore>> store =
        LocalFolderBlobStore::OpenFolder(root);
    ASSERT_FALSE(store.ok()) << root;
    EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition) << store.status();
    EXPECT_NE(store.status().message().find(root), absl::string_view::npos) << store.status();
  }
}

TEST(LocalFolderBlobStoreOpen, FailsClearlyWhenTheRootIsNotWritable) {
  // /proc takes no new files, even from root (tests may run as root).
  absl::StatusOr<std::unique_ptr<LocalFolderBlobStore>> store =
      LocalFolderBlobStore::OpenFolder("/proc");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store.status().message().substr(0, 38), "blob store root /proc is not writable:");

  if (::geteuid() == 0) return;  // root writes anywhere; the part below needs a plain user
  TestTempDir dir;
  const std::string root = dir.path() + "/readonly";
  ASSERT_EQ(::mkdir(root.c_str(), 0555), 0);
  store = LocalFolderBlobStore::OpenFolder(root);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  ::chmod(root.c_str(), 0755);
}

}  // namespace
}  // namespace qq::order
