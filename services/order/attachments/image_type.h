// What an uploaded order photo really is, judged by its bytes (libmagic), never by its
// file name or the Content-Type the client claims.
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qq::order {

// The MIME types SniffImageType() returns.
inline constexpr absl::string_view kImageJpeg = "image/jpeg";
inline constexpr absl::string_view kImagePng = "image/png";
inline constexpr absl::string_view kImageWebp = "image/webp";
inline constexpr absl::string_view kImageHeic = "image/heic";

// How many leading bytes SniffImageType() looks at; a longer `head` is cut to this.
inline constexpr size_t kImageSniffBytes = 64 * 1024;

// `head`: the first bytes of the file, at least the first 4 KiB (or the whole file if it is
// shorter). Returns kImageJpeg, kImagePng, kImageWebp or kImageHeic as libmagic sees the
// bytes; every HEIF flavour (brands heic, heix, mif1, msf1, hevc…; libmagic's image/heif,
// image/heic-sequence, image/heif-sequence) is reported as kImageHeic. AVIF is not accepted.
//
// INVALID_ARGUMENT for anything else, with a reason naming what the bytes look like, e.g.
// "the file is application/x-executable, not a JPEG, PNG, WebP or HEIC photo".
// INTERNAL when libmagic cannot start or load its database.
//
// Thread-safe: each thread keeps its own libmagic handle, loaded on first use.
absl::StatusOr<std::string> SniffImageType(absl::string_view head);

}  // namespace qq::order
