#include "services/customer/domain/pinyin/pinyin_search_keys.h"

#include <unicode/utf8.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/types/span.h"
#include "services/customer/domain/pinyin/pinyin_reading_table.h"

namespace qq::customer {
namespace {

constexpr size_t kMixedSpelledOut = 2;  // mixed keys spell out the first 1 or 2 characters

// Full-width ASCII (Ａ, ｚ, ０), as Chinese input methods type it, to ASCII.
char32_t FoldFullWidth(char32_t c) { return c >= 0xFF01 && c <= 0xFF5E ? c - 0xFEE0 : c; }

bool IsSpace(char32_t c) {
  return c == ' ' || (c >= 0x09 && c <= 0x0D) || c == 0xA0 || c == 0x3000;
}

// Decodes UTF-8, skipping invalid sequences; `visit(c, begin, end)` gets each code point
// with its byte range and returns false to stop.
template <typename Visit>
void ForEachCodePoint(absl::string_view text, Visit visit) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  int32_t length = static_cast<int32_t>(std::min<size_t>(text.size(), INT32_MAX));
  int32_t i = 0;
  while (i < length) {
    int32_t begin = i;
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) continue;
    if (!visit(static_cast<char32_t>(c), begin, i)) return;
  }
}

// One spelled element: a Han character (its readings) or a run of Latin letters or digits.
struct Unit {
  absl::Span<const std::string> readings;  // Han: several; Latin word or number: one
  bool is_number = false;
};

class KeyBuilder {
 public:
  KeyBuilder(const std::vector<Unit>& units, size_t max_variants)
      : units_(units), max_variants_(std::max<size_t>(max_variants, 1)), choice_(units.size()) {
    for (size_t i = 0; i < units.size(); ++i) {
      if (units[i].readings.size() > 1) heteronyms_.push_back(i);
    }
  }

  std::vector<std::string> Build() {
    for (size_t deviations = 0; deviations <= heteronyms_.size() && !Done(); ++deviations) {
      Vary(0, deviations);
    }
    DropPrefixes();
    return std::move(keys_);
  }

 private:
  bool Done() const { return variants_ >= max_variants_; }

  // Every way of moving `left` of the heteronyms from index `from` on off their first
  // reading (the others stay on it).
  void Vary(size_t from, size_t left) {
    if (Done()) return;
    if (left == 0) {
      EmitVariant();
      return;
    }
    for (size_t h = from; h + left <= heteronyms_.size() && !Done(); ++h) {
      size_t unit = heteronyms_[h];
      for (size_t r = 1; r < units_[unit].readings.size() && !Done(); ++r) {
        choice_[unit] = r;
        Vary(h + 1, left - 1);
      }
      choice_[unit] = 0;
    }
  }

  const std::string& Spelling(size_t unit) const { return units_[unit].readings[choice_[unit]]; }

  std::string_view Initial(size_t unit) const {
    std::string_view spelling = Spelling(unit);
    return units_[unit].is_number ? spelling : spelling.substr(0, 1);
  }

  void EmitVariant() {
    ++variants_;
    size_t n = units_.size();
    std::string full;
    for (size_t u = 0; u < n; ++u) full += Spelling(u);
    Add(std::move(full));
    std::string initials;
    for (size_t u = 0; u < n; ++u) initials.append(Initial(u));
    Add(std::move(initials));
    for (size_t spelled = 1; spelled <= kMixedSpelledOut && spelled + 2 <= n; ++spelled) {
      std::string mixed;
      for (size_t u = 0; u < n; ++u) {
        if (u < spelled) {
          mixed += Spelling(u);
        } else {
          mixed.append(Initial(u));
        }
      }
      Add(std::move(mixed));
    }
  }

  void Add(std::string key) {
    if (key.size() > kMaxPinyinKeyLength) key.resize(kMaxPinyinKeyLength);
    if (key.empty() || std::find(keys_.begin(), keys_.end(), key) != keys_.end()) return;
    keys_.push_back(std::move(key));
  }

  // A key that begins another matches no query the longer one misses.
  void DropPrefixes() {
    std::vector<bool> redundant(keys_.size());
    for (size_t i = 0; i < keys_.size(); ++i) {
      for (size_t j = 0; j < keys_.size() && !redundant[i]; ++j) {
        redundant[i] = keys_[j].size() > keys_[i].size() &&
                       keys_[j].compare(0, keys_[i].size(), keys_[i]) == 0;
      }
    }
    std::vector<std::string> kept;
    for (size_t i = 0; i < keys_.size(); ++i) {
      if (!redundant[i]) kept.push_back(std::move(keys_[i]));
    }
    keys_ = std::move(kept);
  }

  const std::vector<Unit>& units_;
  const size_t max_variants_;
  std::vector<size_t> choice_;      // reading index per unit
  std::vector<size_t> heteronyms_;  // units with more than one reading
  size_t variants_ = 0;
  std::vector<std::string> keys_;
};

// Shared by fragment keys and fragment queries: `name` with whitespace and middle dots
// removed, ASCII lowercased and full-width ASCII folded; `starts` gets each character's
// byte offset (and the end), for at most `max_chars` characters.
std::string NormaliseFragmentText(absl::string_view name, size_t max_chars,
                                  std::vector<size_t>* starts) {
  std::string out;
  ForEachCodePoint(name, [&](char32_t c, int32_t begin, int32_t end) {
    c = FoldFullWidth(c);
    if (IsSpace(c) || c == 0x00B7 || c == 0x2022 || c == 0x2027 || c == 0x30FB) return true;
    if (starts->size() == max_chars) return false;
    starts->push_back(out.size());
    if (c < 0x80) {
      out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
    } else {
      out.append(name.data() + begin, end - begin);
    }
    return true;
  });
  starts->push_back(out.size());
  return out;
}

}  // namespace

std::vector<std::string> PinyinSearchKeys(absl::string_view text, size_t max_variants) {
  const PinyinReadingTable& table = PinyinReadingTable::Get();
  std::vector<Unit> units;
  // Latin words and numbers; reserved so the spans in `units` stay valid.
  std::vector<std::string> runs;
  runs.reserve(kMaxPinyinUnits);
  std::string run;
  bool run_is_number = false;
  auto flush = [&] {
    if (run.empty()) return;
    if (units.size() < kMaxPinyinUnits) {
      runs.push_back(std::move(run));
      units.push_back({absl::MakeConstSpan(&runs.back(), 1), run_is_number});
    }
    run.clear();
  };
  ForEachCodePoint(text, [&](char32_t c, int32_t, int32_t) {
    c = FoldFullWidth(c);
    if (c == 0xFC || c == 0xDC) c = 'v';  // ü, Ü
    bool letter = c < 0x80 && absl::ascii_isalpha(static_cast<unsigned char>(c));
    bool digit = c < 0x80 && absl::ascii_isdigit(static_cast<unsigned char>(c));
    if (letter || digit) {
      if (!run.empty() && run_is_number != digit) flush();
      run_is_number = digit;
      run.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
      return true;
    }
    flush();
    absl::Span<const std::string> readings = table.ReadingsOf(c);
    if (!readings.empty() && units.size() < kMaxPinyinUnits) units.push_back({readings, false});
    return units.size() < kMaxPinyinUnits;
  });
  flush();
  if (units.empty()) return {};
  return KeyBuilder(units, max_variants).Build();
}

std::string NormalisePinyinQuery(absl::string_view query) {
  std::string out;
  bool pinyin = true;
  size_t decoded_bytes = 0;
  ForEachCodePoint(query, [&](char32_t c, int32_t begin, int32_t end) {
    decoded_bytes += end - begin;
    c = FoldFullWidth(c);
    if (c == 0xFC || c == 0xDC) c = 'v';
    if (c < 0x80 && absl::ascii_isalpha(static_cast<unsigned char>(c))) {
      if (out.size() < kMaxPinyinKeyLength) {
        out.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
      }
      return true;
    }
    if (IsSpace(c) || c == '\'' || c == 0x2019) return true;  // xi'an, xi’an
    pinyin = false;
    return false;
  });
  // Invalid UTF-8 (skipped by the decoder) means it is no pinyin query either.
  if (!pinyin || decoded_bytes != query.size()) return "";
  return out;
}

bool LooksLikePinyinQuery(absl::string_view query) { return !NormalisePinyinQuery(query).empty(); }

std::vector<std::string> NameFragmentKeys(absl::string_view name) {
  std::vector<size_t> starts;
  std::string text = NormaliseFragmentText(name, kMaxFragmentStarts + kMaxFragmentLength, &starts);
  size_t chars = starts.size() - 1;
  std::vector<std::string> keys;
  for (size_t first = 0; first < chars && first < kMaxFragmentStarts; ++first) {
    size_t last = std::min(first + kMaxFragmentLength, chars);
    std::string key = text.substr(starts[first], starts[last] - starts[first]);
    // A suffix that begins an earlier fragment ("哈" in 哈哈哈) matches nothing new.
    bool redundant = std::any_of(keys.begin(), keys.end(), [&](const std::string& other) {
      return other.compare(0, key.size(), key) == 0;
    });
    if (!redundant) keys.push_back(std::move(key));
  }
  return keys;
}

std::string NormaliseFragmentQuery(absl::string_view query) {
  std::vector<size_t> starts;
  return NormaliseFragmentText(query, kMaxFragmentLength, &starts);
}

}  // namespace qq::customer
