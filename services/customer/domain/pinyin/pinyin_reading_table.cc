#include "services/customer/domain/pinyin/pinyin_reading_table.h"

#include <unicode/translit.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <chrono>
#include <memory>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/customer/domain/pinyin/heteronyms.h"

namespace qq::customer {
namespace {

// Where Han characters live in the Basic Multilingual Plane: 〇, Extension A and the
// Unified Ideographs (one run; the 64 hexagram symbols between them get no reading), and
// the compatibility ideographs.
struct CodeRange {
  char32_t first;
  char32_t last;
};
constexpr CodeRange kHanRanges[] = {{0x3007, 0x3007}, {0x3400, 0x9FFF}, {0xF900, 0xFAFF}};

// ICU's "Han-Latin; NFD" output (e.g. "lu\u0308\u030C" for 吕) as lowercase ASCII: tone
// marks dropped, u with diaeresis written v. Empty when ICU left the character as it was.
std::string FoldTransliteration(const icu::UnicodeString& latin) {
  std::string out;
  for (int32_t i = 0; i < latin.length(); ++i) {
    char16_t ch = latin[i];
    if (ch < 0x80 && absl::ascii_isalpha(static_cast<unsigned char>(ch))) {
      out.push_back(absl::ascii_tolower(static_cast<unsigned char>(ch)));
    } else if (ch == 0x0308 && !out.empty() && out.back() == 'u') {
      out.back() = 'v';
    } else if ((ch >= 0x0300 && ch <= 0x036F) || ch == ' ' || ch == '\'') {
      continue;
    } else {
      return "";
    }
  }
  return out;
}

char32_t FirstCodePoint(const char* utf8) {
  int32_t length = static_cast<int32_t>(std::char_traits<char>::length(utf8));
  int32_t i = 0;
  UChar32 c = 0;
  U8_NEXT(reinterpret_cast<const uint8_t*>(utf8), i, length, c);
  return c < 0 ? 0 : static_cast<char32_t>(c);
}

}  // namespace

const PinyinReadingTable& PinyinReadingTable::Get() {
  // Never destroyed: readers may run during static destruction of other objects.
  static const PinyinReadingTable* const table = new PinyinReadingTable();
  return *table;
}

PinyinReadingTable::PinyinReadingTable() {
  auto start = std::chrono::steady_clock::now();
  lists_.emplace_back();  // id 0: no reading
  absl::flat_hash_map<std::string, uint16_t> list_ids;
  auto intern = [&](const std::vector<std::string>& readings) -> uint16_t {
    auto [it, inserted] =
        list_ids.try_emplace(absl::StrJoin(readings, " "), static_cast<uint16_t>(lists_.size()));
    if (inserted) lists_.push_back(readings);
    return it->second;
  };

  UErrorCode icu_error = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> han_latin(icu::Transliterator::createInstance(
      icu::UnicodeString::fromUTF8("Han-Latin; NFD"), UTRANS_FORWARD, icu_error));
  if (U_FAILURE(icu_error) || han_latin == nullptr) {
    status_ = absl::FailedPreconditionError(
        absl::StrCat("ICU Han-Latin transliterator unavailable: ", u_errorName(icu_error)));
    han_latin.reset();
  }

  for (const CodeRange& range : kHanRanges) {
    Block& block = blocks_.emplace_back();
    block.first = range.first;
    block.list_ids.assign(range.last - range.first + 1, 0);
    if (han_latin == nullptr) continue;
    for (char32_t c = range.first; c <= range.last; ++c) {
      icu::UnicodeString text(static_cast<UChar32>(c));
      han_latin->transliterate(text);
      std::string reading = FoldTransliteration(text);
      if (reading.empty()) continue;
      block.list_ids[c - range.first] = intern({std::move(reading)});
      ++characters_with_readings_;
    }
  }

  for (const HeteronymEntry& entry : Heteronyms()) {
    char32_t c = FirstCodePoint(entry.han);
    if (c == 0) continue;
    std::vector<std::string> readings = absl::StrSplit(entry.readings, ' ', absl::SkipWhitespace());
    uint16_t* slot = Slot(c);
    if (slot != nullptr && *slot != 0) {
      for (const std::string& icu_reading : lists_[*slot]) {
        if (std::find(readings.begin(), readings.end(), icu_reading) == readings.end()) {
          readings.push_back(icu_reading);
        }
      }
    } else {
      ++characters_with_readings_;
    }
    uint16_t id = intern(readings);
    if (slot != nullptr) {
      *slot = id;
    } else {
      sparse_.emplace_back(c, id);
    }
    ++heteronym_count_;
  }
  std::sort(sparse_.begin(), sparse_.end());

  build_ms_ =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

uint16_t* PinyinReadingTable::Slot(char32_t c) {
  for (Block& block : blocks_) {
    if (c >= block.first && c - block.first < block.list_ids.size()) {
      return &block.list_ids[c - block.first];
    }
  }
  return nullptr;
}

absl::Span<const std::string> PinyinReadingTable::ReadingsOf(char32_t c) const {
  for (const Block& block : blocks_) {
    if (c >= block.first && c - block.first < block.list_ids.size()) {
      return lists_[block.list_ids[c - block.first]];
    }
  }
  auto it = std::lower_bound(sparse_.begin(), sparse_.end(), std::make_pair(c, uint16_t{0}));
  if (it != sparse_.end() && it->first == c) return lists_[it->second];
  return {};
}

}  // namespace qq::customer
