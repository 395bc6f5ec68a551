#include "services/order/attachments/image_type.h"

#include <gtest/gtest.h>
#include <magic.h>

#include <cstdint>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

// These tests run libmagic itself (Debian 12: file 5.44 and its compiled database), so they
// also pin down what that database says about each header we build here.

namespace qq::order {
namespace {

using std::string_literals::operator""s;

std::string Be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}
std::string Le32(uint32_t v) {
  return {static_cast<char>(v), static_cast<char>(v >> 8), static_cast<char>(v >> 16),
          static_cast<char>(v >> 24)};
}

// SOI, then an APP0 JFIF 1.01 segment: what most encoders write.
std::string JpegJfifHead() {
  return "\xFF\xD8\xFF\xE0\x00\x10"
         "JFIF\0\x01\x01\0\0\x01\0\x01\0\0"s;
}
// SOI, then APP1 Exif (big-endian TIFF header): what phone cameras write.
std::string JpegExifHead() {
  return "\xFF\xD8\xFF\xE1\x00\x10"
         "Exif\0\0MM\0\x2A\0\0\0\x08"s;
}
// Signature and the IHDR chunk of a 640x480 8-bit RGB image, with its real CRC.
std::string PngHead() {
  return "\x89PNG\r\n\x1A\n"s + Be32(13) + "IHDR" + Be32(640) + Be32(480) + "\x08\x02\0\0\0"s +
         Be32(0xBAB34BB3);
}
std::string Riff(const std::string& chunks) {
  return "RIFF" + Le32(4 + chunks.size()) + "WEBP" + chunks;
}
// Lossy: a VP8 key frame header of a 1x1 picture.
std::string WebpLossyHead() {
  return Riff("VP8 " + Le32(10) + "\x30\x01\x00\x9D\x01\x2A\x01\x00\x01\x00"s);
}
std::string WebpLosslessHead() { return Riff("VP8L" + Le32(5) + "\x2F\0\0\0\0\0"s); }
// An ISO-BMFF `ftyp` box (major brand, minor version 0, compatible brands), then the start
// of a `meta` box as in a real HEIF file.
std::string HeifHead(const std::string& major, const std::string& compatible) {
  const std::string ftyp_body = major + Be32(0) + compatible;
  return Be32(8 + ftyp_body.size()) + "ftyp" + ftyp_body + Be32(34) + "meta" + Be32(0) + Be32(22) +
         "hdlr" + Be32(0) + Be32(0) + "pict";
}

// `head` padded to 4 KiB with noise, like the compressed data after a real header.
std::string PadTo4KiB(std::string head) {
  std::mt19937 random(42);
  while (head.size() < 4096) head.push_back(static_cast<char>(random()));
  return head;
}

struct AcceptedCase {
  std::string name;
  std::string head;
  std::string type;
};

class SniffAccepts : public ::testing::TestWithParam<AcceptedCase> {};

TEST_P(SniffAccepts, MinimalHeader) {
  absl::StatusOr<std::string> type = SniffImageType(GetParam().head);
  ASSERT_TRUE(type.ok()) << type.status();
  EXPECT_EQ(*type, GetParam().type);
}

TEST_P(SniffAccepts, HeaderFollowedByData) {
  absl::StatusOr<std::string> type = SniffImageType(PadTo4KiB(GetParam().head));
  ASSERT_TRUE(type.ok()) << type.status();
  EXPECT_EQ(*type, GetParam().type);
}

INSTANTIATE_TEST_SUITE_P(
    Photos, SniffAccepts,
    ::testing::Values(AcceptedCase{"JpegJfif", JpegJfifHead(), "image/jpeg"},
                      AcceptedCase{"JpegExif", JpegExifHead(), "image/jpeg"},
                      AcceptedCase{"Png", PngHead(), "image/png"},
                      AcceptedCase{"WebpLossy", WebpLossyHead(), "image/webp"},
                      AcceptedCase{"WebpLossless", WebpLosslessHead(), "image/webp"},
                      // libmagic: image/heic.
                      AcceptedCase{"HeicBrand", HeifHead("heic", "mif1heic"), "image/heic"},
                      AcceptedCase{"HeixBrand", HeifHead("heix", "mif1heix"), "image/heic"},
                      // libmagic: image/heif.
                      AcceptedCase{"Mif1Brand", HeifHead("mif1", "mif1heic"), "image/heic"},
                      // libmagic: image/heif-sequence.
                      AcceptedCase{"Msf1Brand", HeifHead("msf1", "msf1"), "image/heic"},
                      // libmagic: image/heic-sequence.
                      AcceptedCase{"HevcBrand", HeifHead("hevc", "msf1hevc"), "image/heic"}),
    [](const ::testing::TestParamInfo<AcceptedCase>& info) { return info.param.name; });

// What libmagic itself answers for the headers above, before SniffImageType maps HEIF
// flavours to image/heic: proof that file 5.44 knows every accepted type without help.
TEST(Libmagic, NamesEachPhotoHeaderItself) {
  magic_t cookie = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR | MAGIC_NO_CHECK_COMPRESS);
  ASSERT_NE(cookie, nullptr);
  ASSERT_EQ(magic_load(cookie, nullptr), 0) << magic_error(cookie);
  auto raw = [&](const std::string& head) {
    const char* type = magic_buffer(cookie, head.data(), head.size());
    return std::string(type != nullptr ? type : "(error)");
  };
  const std::pair<std::string, std::string> cases[] = {
      {JpegJfifHead(), "image/jpeg"},
      {JpegExifHead(), "image/jpeg"},
      {PngHead(), "image/png"},
      {WebpLossyHead(), "image/webp"},
      {WebpLosslessHead(), "image/webp"},
      {HeifHead("heic", "mif1heic"), "image/heic"},
      {HeifHead("heix", "mif1heix"), "image/heic"},
      {HeifHead("mif1", "mif1heic"), "image/heif"},
      {HeifHead("msf1", "msf1"), "image/heif-sequence"},
      {HeifHead("hevc", "msf1hevc"), "image/heic-sequence"},
      {HeifHead("avif", "mif1avif"), "image/avif"},
  };
  for (const auto& [head, type] : cases) {
    EXPECT_EQ(raw(head), type);
    EXPECT_EQ(raw(PadTo4KiB(head)), type);
  }
  EXPECT_EQ(raw(""), "application/x-empty");
  magic_close(cookie);
}

TEST(SniffImageType, OnlyTheFirst64KiBCount) {
  std::string file = PngHead();
  file.append(1 << 20, '\0');
  absl::StatusOr<std::string> type = SniffImageType(file);
  ASSERT_TRUE(type.ok()) << type.status();
  EXPECT_EQ(*type, "image/png");
}

std::string Rejection(const std::string& head) {
  absl::StatusOr<std::string> type = SniffImageType(head);
  EXPECT_FALSE(type.ok()) << "accepted as " << *type;
  if (type.ok()) return "";
  EXPECT_EQ(type.status().code(), absl::StatusCode::kInvalidArgument) << type.status();
  return std::string(type.status().message());
}

TEST(SniffImageType, RejectsTheStartOfBinTrue) {
  std::ifstream in("/bin/true", std::ios::binary);
  ASSERT_TRUE(in) << "no /bin/true";
  std::string head(4096, '\0');
  in.read(head.data(), head.size());
  head.resize(in.gcount());
  ASSERT_EQ(head.substr(0, 4),
            "\x7F"
            "ELF");
  // Debian 12's /bin/true is a PIE binary, which file 5.44 calls application/x-sharedlib;
  // other builds may be x-executable or x-pie-executable.
  const std::string message = Rejection(head);
  bool known = false;
  for (const char* type : {"x-sharedlib", "x-executable", "x-pie-executable"}) {
    known |= message == absl::StrCat("the file is application/", type,
                                     ", not a JPEG, PNG, WebP or HEIC photo");
  }
  EXPECT_TRUE(known) << message;
}

TEST(SniffImageType, RejectsAnElfExecutableHeader) {
  // 64-bit little-endian ELF header, ET_EXEC, x86-64.
  std::string elf =
      "\x7F"
      "ELF\x02\x01\x01"s +
      std::string(9, '\0') + "\x02\x00\x3E\x00"s;
  elf.resize(64, '\0');
  EXPECT_EQ(Rejection(elf),
            "the file is application/x-executable, not a JPEG, PNG, WebP or HEIC photo");
}

TEST(SniffImageType, RejectsAWindowsExecutable) {
  std::string pe(256, '\0');
  pe.replace(0, 2, "MZ");
  pe.replace(0x3C, 4, Le32(0x80));
  pe.replace(0x80, 6, "PE\0\0\x64\x86"s);  // PE signature, machine x86-64
  EXPECT_EQ(Rejection(pe),
            "the file is application/vnd.microsoft.portable-executable, not a JPEG, PNG, WebP "
            "or HEIC photo");
}

TEST(SniffImageType, RejectsAShellScript) {
  EXPECT_EQ(Rejection("#!/bin/sh\nrm -rf /srv/photos\n"),
            "the file is text/x-shellscript, not a JPEG, PNG, WebP or HEIC photo");
}

TEST(SniffImageType, RejectsAPdf) {
  EXPECT_EQ(Rejection("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"),
            "the file is application/pdf, not a JPEG, PNG, WebP or HEIC photo");
}

TEST(SniffImageType, RejectsAZip) {
  // The first 4 KiB of a real archive: a local file header (version 20, deflate, CRC, sizes,
  // name "photos/IMG_0001.txt"), then deflated data.
  const std::string zip = "PK\x03\x04\x14\0\0\0\x08\0\xEA\xBC\x85\x5D"s + Le32(0xC3E77E81) +
                          Le32(100006) + Le32(100000) + "\x13\0\0\0photos/IMG_0001.txt"s;
  EXPECT_EQ(Rejection(PadTo4KiB(zip)),
            "the file is application/zip, not a JPEG, PNG, WebP or HEIC photo");
  // A header cut short after a few bytes: libmagic cannot tell more than "data".
  EXPECT_EQ(Rejection("PK\x03\x04"s + std::string(26, '\0')),
            "the file is application/octet-stream, not a JPEG, PNG, WebP or HEIC photo");
}

TEST(SniffImageType, RejectsPlainText) {
  EXPECT_EQ(Rejection("Meter 4711 leaks at the kitchen tap.\n"),
            "the file is text/plain, not a JPEG, PNG, WebP or HEIC photo");
}

TEST(SniffImageType, RejectsEmptyInput) {
  EXPECT_EQ(Rejection(""), "the file is empty, not a JPEG, PNG, WebP or HEIC photo");
}

TEST(SniffImageType, RejectsOtherImagesAndMedia) {
  EXPECT_EQ(Rejection("GIF89a\x01\0\x01\0\x80\0\0"s + std::string(20, '\0')),
            "the file is image/gif, not a JPEG, PNG, WebP or HEIC photo");
  EXPECT_EQ(Rejection(HeifHead("avif", "mif1avif")),
            "the file is image/avif, not a JPEG, PNG, WebP or HEIC photo");
  EXPECT_EQ(Rejection(HeifHead("isom", "isomiso2mp41")),
            "the file is video/mp4, not a JPEG, PNG, WebP or HEIC photo");
}

// libmagic decides; our own magic-number check only explains. A PNG signature glued to an
// ELF file has no IHDR chunk, so libmagic calls it plain data and the upload is refused.
TEST(SniffImageType, PngSignatureGluedToElfIsJudgedByLibmagic) {
  std::string elf =
      "\x7F"
      "ELF\x02\x01\x01"s +
      std::string(9, '\0') + "\x02\x00\x3E\x00"s;
  elf.resize(4096, '\0');
  EXPECT_EQ(Rejection("\x89PNG\r\n\x1A\n"s + elf),
            "the file is application/octet-stream (it starts like a PNG but is not a valid "
            "one), not a JPEG, PNG, WebP or HEIC photo");
}

TEST(SniffImageType, JpegMarkerAloneIsNotAPhoto) {
  EXPECT_EQ(Rejection("\xFF\xD8\xFF"s),
            "the file is text/plain (it starts like a JPEG but is not a valid one), not a "
            "JPEG, PNG, WebP or HEIC photo");
}

TEST(SniffImageType, WorksFromManyThreadsAtOnce) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {JpegExifHead(), "image/jpeg"},
      {PngHead(), "image/png"},
      {WebpLossyHead(), "image/webp"},
      {HeifHead("heic", "mif1heic"), "image/heic"},
      {"%PDF-1.7\n", ""}};
  std::vector<int> wrong(8, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        const auto& [head, want] = cases[(t + i) % cases.size()];
        absl::StatusOr<std::string> type = SniffImageType(head);
        if (want.empty() ? type.ok() : (!type.ok() || *type != want)) ++wrong[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong, std::vector<int>(8, 0));
}

}  // namespace
}  // namespace qq::order
