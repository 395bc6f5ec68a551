// Search keys for finding a customer by what a hotline agent types: the pinyin of the
// name (full spelling, initials, or both mixed) and fragments of the Chinese name itself.
// The store keeps the keys beside the customer and matches a query by prefix
// (key LIKE 'query%' on a text_pattern_ops B-tree), so a key need only begin with every
// way of typing that should find it; a key that is a prefix of another is left out.
//
// Pinyin keys for 张三丰:
//   zhangsanfeng  full spelling: "zhang", "zhangsan", "zhangsanf" are its prefixes
//   zsf           initials, one letter a character ("zs" finds it too)
//   zhangsf       surname spelled out, the rest as initials: what agents type once the caller
//                 has given the surname ("zhangs", "zhangsf")
// With four or more characters a second mixed key spells out the first two, for compound
// surnames (欧阳娜娜 → ouyangnn). Not covered, by choice: the given name alone ("sanfeng";
// agents hear the surname first), zh/ch/sh as two-letter initials ("zhs"), and dialect
// fuzziness (z/zh, n/l, in/ing).
//
// A character with several readings (多音字) gives each reading: 单丽 → shanli, sl, danli,
// dl. The reading combinations ("variants") are taken in this order until `max_variants`:
// every character's first reading (the likeliest in a name: 曾 zeng, 单 shan); then one
// character at a time on each of its other readings; then two at a time; and so on. So
// every reading of every character appears in some key long before combinations of
// alternatives crowd out.
//
// Latin letters and digits are kept, lowercased: "Anna李" → annali, al (a Latin word gives
// its first letter to the initials), "王2" → wang2, w2 (a number gives all its digits).
// Full-width letters and digits count as ASCII; ü is written v (吕 → lv). Everything else
// (spaces, punctuation, kana, characters without a reading) is dropped.
//
// Readings come from PinyinReadingTable: no ICU call on this path. Its first use builds it
// (about 250 ms); call PinyinReadingTable::Get() at start-up.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace qq::customer {

// Keys and normalised queries are cut to this many bytes; a longer query still matches by
// its first 64 letters.
inline constexpr size_t kMaxPinyinKeyLength = 64;
// Characters (or Latin words / numbers) of the text that take part in pinyin keys.
inline constexpr size_t kMaxPinyinUnits = 32;
inline constexpr size_t kDefaultPinyinVariants = 16;

// Distinct lowercase ASCII keys for `text`, those of the likeliest reading first; empty
// when nothing in `text` can be spelled. `max_variants` is at least 1.
std::vector<std::string> PinyinSearchKeys(absl::string_view text,
                                          size_t max_variants = kDefaultPinyinVariants);

// The query written as the keys are: lowercase ASCII letters, spaces and apostrophes
// ("xi'an") dropped, full-width letters folded, ü as v, cut to kMaxPinyinKeyLength. Empty
// when the query holds anything else (digits, Han characters, punctuation): then it is
// not a pinyin query.
std::string NormalisePinyinQuery(absl::string_view query);

// True when NormalisePinyinQuery(query) is not empty.
bool LooksLikePinyinQuery(absl::string_view query);

// A fragment key is at most this many characters (code points) ...
inline constexpr size_t kMaxFragmentLength = 8;
// ... and starts within the first this many characters of the name.
inline constexpr size_t kMaxFragmentStarts = 32;

// Every suffix of `name`, each cut to kMaxFragmentLength characters, so that a fragment
// query matches by prefix: "三" and "张三" find 张三, "清泉" finds 北京清泉水务有限公司.
// Whitespace and middle dots (阿卜杜·热合曼) are removed, ASCII lowercased, full-width
// letters and digits folded to ASCII; invalid UTF-8 is dropped.
std::vector<std::string> NameFragmentKeys(absl::string_view name);

// The query normalised as NameFragmentKeys normalises names, cut to kMaxFragmentLength
// characters. A longer query matches by its first characters only, so a caller that needs
// exactness re-checks the name (name LIKE '%query%').
std::string NormaliseFragmentQuery(absl::string_view query);

}  // namespace qq::customer
