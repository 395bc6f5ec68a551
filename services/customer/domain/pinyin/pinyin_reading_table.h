// Toneless pinyin readings per Han character, built once from ICU's Han-Latin
// transliterator plus our heteronym list, so computing search keys never calls ICU.
//
// Building costs about 250 ms (ICU's transliterator is slow: ~5 µs a character for the
// 28,000 characters of the CJK Unified Ideographs, Extension A and compatibility blocks).
// It happens on the first Get(); a service calls Get() at start-up to pay it there and to
// check status(). After that the table is immutable and safe to read from any thread.
// Characters outside those blocks (Extension B and later) have readings only when the
// heteronym list names them.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"

namespace qq::customer {

class PinyinReadingTable {
 public:
  // The process-wide table, built on the first call (thread-safe). Immutable data derived
  // from ICU, like a constant table; not a service dependency.
  static const PinyinReadingTable& Get();

  // Lowercase ASCII readings (ü as v), the likeliest in a name first; empty when `c` is
  // not a Han character with a known reading.
  absl::Span<const std::string> ReadingsOf(char32_t c) const;

  // OK, or why ICU could not be used (then only heteronym-list characters have readings).
  const absl::Status& status() const { return status_; }
  double build_ms() const { return build_ms_; }
  size_t characters_with_readings() const { return characters_with_readings_; }
  size_t heteronym_count() const { return heteronym_count_; }

  PinyinReadingTable(const PinyinReadingTable&) = delete;
  PinyinReadingTable& operator=(const PinyinReadingTable&) = delete;

 private:
  PinyinReadingTable();

  struct Block {
    char32_t first;
    std::vector<uint16_t> list_ids;  // index c - first; 0 = no reading
  };

  uint16_t* Slot(char32_t c);

  std::vector<std::vector<std::string>> lists_;  // lists_[0] is empty
  std::vector<Block> blocks_;
  std::vector<std::pair<char32_t, uint16_t>> sparse_;  // sorted; characters outside blocks_
  absl::Status status_;
  double build_ms_ = 0;
  size_t characters_with_readings_ = 0;
  size_t heteronym_count_ = 0;
};

}  // namespace qq::customer
