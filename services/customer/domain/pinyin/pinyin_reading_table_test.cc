#include "services/customer/domain/pinyin/pinyin_reading_table.h"

#include <gtest/gtest.h>
#include <unicode/utf8.h>

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "services/customer/domain/pinyin/heteronyms.h"

namespace qq::customer {
namespace {

char32_t CodePoint(const char* utf8) {
  int32_t i = 0;
  UChar32 c = 0;
  U8_NEXT(reinterpret_cast<const uint8_t*>(utf8), i, -1, c);
  return static_cast<char32_t>(c);
}

std::vector<std::string> Readings(const char* han) {
  auto span = PinyinReadingTable::Get().ReadingsOf(CodePoint(han));
  return {span.begin(), span.end()};
}

TEST(PinyinReadingTable, BuildsFromIcu) {
  const PinyinReadingTable& table = PinyinReadingTable::Get();
  EXPECT_TRUE(table.status().ok()) << table.status();
  EXPECT_GT(table.characters_with_readings(), 25000u);
  EXPECT_GT(table.heteronym_count(), 150u);
  std::printf("pinyin table: built in %.0f ms, %zu characters with readings, %zu heteronyms\n",
              table.build_ms(), table.characters_with_readings(), table.heteronym_count());
}

TEST(PinyinReadingTable, GivesTonelessLowercaseReadings) {
  EXPECT_EQ(Readings("张"), std::vector<std::string>{"zhang"});
  EXPECT_EQ(Readings("三"), std::vector<std::string>{"san"});
  EXPECT_EQ(Readings("〇"), std::vector<std::string>{"ling"});
  EXPECT_EQ(Readings("䶮"), std::vector<std::string>{"yan"});  // Extension A
}

TEST(PinyinReadingTable, WritesUWithDiaeresisAsV) {
  EXPECT_EQ(Readings("吕"), std::vector<std::string>{"lv"});
  EXPECT_EQ(Readings("女")[0], "nv");
  EXPECT_EQ(Readings("绿")[0], "lv");
}

TEST(PinyinReadingTable, PutsTheSurnameReadingOfAHeteronymFirst) {
  EXPECT_EQ(Readings("单"), (std::vector<std::string>{"shan", "dan", "chan"}));
  EXPECT_EQ(Readings("曾"), (std::vector<std::string>{"zeng", "ceng"}));  // ICU says ceng
  EXPECT_EQ(Readings("解")[0], "xie");
  EXPECT_EQ(Readings("区")[0], "ou");
  EXPECT_EQ(Readings("仇")[0], "qiu");
  EXPECT_EQ(Readings("朴")[0], "piao");
}

TEST(PinyinReadingTable, KnowsCharactersIcuLeavesOut) {
  EXPECT_EQ(Readings("𠮷"), std::vector<std::string>{"ji"});  // U+20BB7
}

TEST(PinyinReadingTable, HasNoReadingForWhatIsNotHan) {
  for (const char* other : {"a", "1", "あ", "，", "䷀", "😀"}) {
    EXPECT_TRUE(Readings(other).empty()) << other;
  }
}

TEST(PinyinReadingTable, HeteronymListHoldsOnlyRealSyllables) {
  // The syllables ICU uses for characters outside our list: every reading we wrote must be
  // one of them (a typo like "zhnag" would be caught here).
  std::set<char32_t> listed;
  for (const HeteronymEntry& entry : Heteronyms()) {
    EXPECT_TRUE(listed.insert(CodePoint(entry.han)).second) << entry.han << " listed twice";
  }
  // Syllables only one character has, which is on our list.
  std::set<std::string> syllables = {"neng", "dei", "shei"};
  for (char32_t c = 0x4E00; c <= 0x9FFF; ++c) {
    if (listed.count(c)) continue;
    for (const std::string& reading : PinyinReadingTable::Get().ReadingsOf(c)) {
      syllables.insert(reading);
    }
  }
  for (const HeteronymEntry& entry : Heteronyms()) {
    for (absl::string_view reading : absl::StrSplit(entry.readings, ' ')) {
      EXPECT_TRUE(syllables.count(std::string(reading)))
          << entry.han << " " << reading << " is no pinyin syllable";
    }
  }
}

}  // namespace
}  // namespace qq::customer
