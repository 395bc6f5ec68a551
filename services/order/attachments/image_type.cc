#include "services/order/attachments/image_type.h"

#include <magic.h>

#include <algorithm>
#include <array>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace qq::order {
namespace {

// MAGIC_NO_CHECK_COMPRESS: never decompress an upload to look inside it (no zip bombs, no
// helper processes); a gzip or xz file is still named as such by its own magic.
constexpr int kMagicFlags = MAGIC_MIME_TYPE | MAGIC_ERROR | MAGIC_NO_CHECK_COMPRESS;

constexpr absl::string_view kAllowedList = "a JPEG, PNG, WebP or HEIC photo";

// One libmagic handle per thread (handles are not thread-safe); the database is loaded once
// per handle, on first use. A failed start is retried on the next call.
class MagicHandle {
 public:
  MagicHandle() = default;
  MagicHandle(const MagicHandle&) = delete;
  MagicHandle& operator=(const MagicHandle&) = delete;
  ~MagicHandle() {
    if (cookie_ != nullptr) magic_close(cookie_);
  }

  absl::StatusOr<magic_t> Get() {
    if (cookie_ != nullptr) return cookie_;
    magic_t cookie = magic_open(kMagicFlags);
    if (cookie == nullptr) return absl::InternalError("libmagic: magic_open failed");
    if (magic_load(cookie, nullptr) != 0) {
      const char* error = magic_error(cookie);
      absl::Status status = absl::InternalError(absl::StrCat(
          "libmagic cannot load its database: ", error != nullptr ? error : "unknown error"));
      magic_close(cookie);
      return status;
    }
    cookie_ = cookie;
    return cookie_;
  }

 private:
  magic_t cookie_ = nullptr;
};

// libmagic's MIME type → what we report, for the accepted types only.
absl::string_view AcceptedType(absl::string_view mime) {
  if (mime == "image/jpeg") return kImageJpeg;
  if (mime == "image/png") return kImagePng;
  if (mime == "image/webp") return kImageWebp;
  if (mime == "image/heic" || mime == "image/heif" || mime == "image/heic-sequence" ||
      mime == "image/heif-sequence") {
    return kImageHeic;
  }
  return {};
}

// Our own look at the magic numbers. It never decides (libmagic does); it only explains a
// rejection of something that starts like a photo, e.g. a PNG signature glued to junk.
absl::string_view StartsLike(absl::string_view head) {
  if (absl::StartsWith(head, "\xFF\xD8\xFF")) return "JPEG";
  if (absl::StartsWith(head, "\x89PNG\r\n\x1A\n")) return "PNG";
  if (head.size() >= 12 && absl::StartsWith(head, "RIFF") && head.substr(8, 4) == "WEBP") {
    return "WebP";
  }
  if (head.size() >= 12 && head.substr(4, 4) == "ftyp") {
    static constexpr std::array<absl::string_view, 11> kHeifBrands = {
        "heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs", "mif1", "msf1", "heif"};
    const absl::string_view brand = head.substr(8, 4);
    if (std::find(kHeifBrands.begin(), kHeifBrands.end(), brand) != kHeifBrands.end()) {
      return "HEIC";
    }
  }
  return {};
}

}  // namespace

absl::StatusOr<std::string> SniffImageType(absl::string_view head) {
  if (head.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("the file is empty, not ", kAllowedList));
  }
  head = head.substr(0, kImageSniffBytes);

  thread_local MagicHandle handle;
  absl::StatusOr<magic_t> cookie = handle.Get();
  if (!cookie.ok()) return cookie.status();
  const char* found = magic_buffer(*cookie, head.data(), head.size());
  if (found == nullptr) {
    const char* error = magic_error(*cookie);
    return absl::InternalError(
        absl::StrCat("libmagic failed: ", error != nullptr ? error : "unknown error"));
  }
  const absl::string_view mime = found;

  if (absl::string_view accepted = AcceptedType(mime); !accepted.empty()) {
    return std::string(accepted);
  }
  if (absl::string_view looks = StartsLike(head); !looks.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("the file is ", mime, " (it starts like a ",
                                                   looks, " but is not a valid one), not ",
                                                   kAllowedList));
  }
  return absl::InvalidArgumentError(absl::StrCat("the file is ", mime, ", not ", kAllowedList));
}

}  // namespace qq::order
