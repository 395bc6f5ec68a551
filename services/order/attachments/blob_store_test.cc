#include "services/order/attachments/blob_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <utility>

#include "services/order/attachments/test_temp_dir.h"

namespace qq::order {
namespace {

using std::string_literals::operator""s;

TEST(ValidateBlobKey, AcceptsPlainKeys) {
  for (const std::string& key :
       {"a"s, "orders/42/photo-1.jpg"s, "A.b_c-d"s, "...dots/x"s, ".hidden"s, std::string(200, 'k'),
        "t1/2025/06/01/0b6f3c2e.heic"s}) {
    EXPECT_TRUE(ValidateBlobKey(key).ok()) << key << ": " << ValidateBlobKey(key);
  }
}

TEST(ValidateBlobKey, RejectsTraversalAndOddCharacters) {
  for (const std::string& key :
       {""s, "../x"s, "/etc/passwd"s, "a/../../b"s, "a\\b"s, ".."s, "."s, "a/./b"s, "a//b"s, "a/"s,
        "a b"s, "a\0b"s, "~tmp"s, "a:b"s, "caf\xC3\xA9"s, "a%2F..%2Fb"s, std::string(201, 'k')}) {
    absl::Status status = ValidateBlobKey(key);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << key << ": " << status;
  }
  EXPECT_EQ(ValidateBlobKey("a/../../b").message(), "blob key has a \".\" or \"..\" segment");
  EXPECT_EQ(ValidateBlobKey("/etc/passwd").message(),
            "blob key has an empty segment (a leading, trailing or doubled '/')");
  EXPECT_EQ(ValidateBlobKey(std::string(201, 'k')).message(),
            "blob key is 201 characters long; the limit is 200");
  EXPECT_EQ(ValidateBlobKey("a\\b").message(),
            "blob key may hold only letters, digits, '.', '_', '-' and '/'");
}

void ExpectRoundTrip(BlobStore& store) {
  absl::StatusOr<std::unique_ptr<BlobWriter>> writer = store.Create("k");
  ASSERT_TRUE(writer.ok()) << writer.status();
  ASSERT_TRUE((*writer)->Append("bytes").ok());
  ASSERT_TRUE((*writer)->Commit().ok());
  absl::StatusOr<std::unique_ptr<BlobReader>> reader = store.Open("k");
  ASSERT_TRUE(reader.ok()) << reader.status();
  std::string chunk;
  absl::StatusOr<bool> more = (*reader)->Read(100, chunk);
  ASSERT_TRUE(more.ok()) << more.status();
  EXPECT_FALSE(*more);
  EXPECT_EQ(chunk, "bytes");
}

TEST(MakeBlobStore, FileUrlOpensALocalFolder) {
  TestTempDir dir;
  const std::string root = dir.path() + "/blobs";
  absl::StatusOr<std::unique_ptr<BlobStore>> store = MakeBlobStore("file://" + root);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_TRUE(std::filesystem::is_directory(root));
  ExpectRoundTrip(**store);
}

TEST(MakeBlobStore, AbsolutePathOpensALocalFolder) {
  TestTempDir dir;
  const std::string root = dir.path() + "/plain/";
  absl::StatusOr<std::unique_ptr<BlobStore>> store = MakeBlobStore(root);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_TRUE(std::filesystem::is_directory(root));
  ExpectRoundTrip(**store);
}

TEST(MakeBlobStore, RejectsOtherStores) {
  const std::string kHint = "; use file:///absolute/path or an absolute path";
  const std::pair<std::string, std::string> cases[] = {
      {"s3://bucket/photos", "scheme \"s3\" is not known"},
      {"https://example.com/x", "scheme \"https\" is not known"},
      {"relative/path", "not a URL nor an absolute path"},
      {"", "not a URL nor an absolute path"},
      {"file:relative", "not a URL nor an absolute path"},
      {"file://host/srv/photos", "a file URL needs an empty host and an absolute path"},
      {"file:///srv/my%20photos", "escapes, queries and fragments in file URLs are not supported"},
      {"file:///srv/photos?mode=ro",
       "escapes, queries and fragments in file URLs are not supported"},
  };
  for (const auto& [url, why] : cases) {
    absl::StatusOr<std::unique_ptr<BlobStore>> store = MakeBlobStore(url);
    ASSERT_FALSE(store.ok()) << url;
    EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument) << url;
    EXPECT_EQ(store.status().message(), "unsupported blob store \"" + url + "\": " + why + kHint);
  }
}

TEST(MakeBlobStore, PassesOnTheFolderError) {
  absl::StatusOr<std::unique_ptr<BlobStore>> store = MakeBlobStore("file:///proc");
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition) << store.status();
}

}  // namespace
}  // namespace qq::order
