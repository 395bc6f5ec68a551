#include "services/common/text/utf8_text.h"

#include <gtest/gtest.h>

namespace qq::text {
namespace {

// 30 characters, 80 bytes: the 60th byte falls inside a character.
constexpr char kRepairResult[] = "更换DN100阀门后恢复供水，已通知用户并清理现场，明日回访";

TEST(Utf8Text, CountsCharactersNotBytes) {
  EXPECT_EQ(Utf8Length(kRepairResult), 30u);
  EXPECT_EQ(CharCount(kRepairResult), 30u);
  EXPECT_EQ(Utf8Length("水💧a"), 3u);
  EXPECT_EQ(Utf8Length("\xE6\xB0"), std::nullopt);  // a cut character
  EXPECT_EQ(CharCount("\xE6\xB0"), 2u);
}

TEST(Utf8Text, TruncatesAtCharacterBoundaries) {
  for (size_t max = 0; max <= 32; ++max) {
    std::string cut = TruncateChars(kRepairResult, max);
    ASSERT_TRUE(Utf8Length(cut).has_value()) << max;
    EXPECT_LE(*Utf8Length(cut), max) << max;
  }
  EXPECT_EQ(TruncateChars(kRepairResult, 30), kRepairResult);
  EXPECT_EQ(TruncateChars(kRepairResult, 6), "更换DN1…");
  EXPECT_EQ(TruncateChars(kRepairResult, 6, ""), "更换DN10");
  EXPECT_EQ(TruncateChars("💧💧💧", 2), "💧…");
  EXPECT_EQ(TruncateChars("abc", 1), "a");  // no room for the ellipsis
}

TEST(Utf8Text, NormalizesFullWidthDigitsAndLetters) {
  EXPECT_EQ(NormalizeNfkc("１３９１２３４５６７１"), "13912345671");
  EXPECT_EQ(NormalizeNfkc("９１３９"), "9139");
  EXPECT_EQ(NormalizeNfkc("ＤＮ１００"), "DN100");
  EXPECT_EQ(NormalizeNfkc("①"), "1");
  EXPECT_EQ(NormalizeNfkc("e\u0301"), "\u00e9");  // combining accent composed
  EXPECT_EQ(NormalizeNfkc("张三 13912345678"), "张三 13912345678");
  EXPECT_EQ(NormalizeNfkc("\xE6\xB0"), "\xE6\xB0");  // invalid input unchanged
}

TEST(Utf8Text, FoldsFullWidthAndTrimsChineseSpaces) {
  EXPECT_EQ(FoldFullWidth("１８．９Ｌ"), "18.9L");
  EXPECT_EQ(TrimSpaces("\u3000 水站 \u00a0"), "水站");
}

TEST(Utf8Text, FindsControlCharacters) {
  EXPECT_TRUE(HasControlCharacters("a\x01"));
  EXPECT_FALSE(HasControlCharacters("第一行\n第二行\t"));
}

TEST(Utf8Text, SafeFileNameKeepsOnlyABaseName) {
  EXPECT_EQ(SafeFileName("../../../etc/passwd", 200), "passwd");
  EXPECT_EQ(SafeFileName("C:\\Users\\王\\现场照片.jpg", 200), "现场照片.jpg");
  EXPECT_EQ(SafeFileName(std::string("a\r\nb\0c.png", 10), 200), "abc.png");
  EXPECT_EQ(SafeFileName("..", 200), "");
  EXPECT_EQ(SafeFileName("/", 200), "");
  EXPECT_EQ(SafeFileName("  照片.png\u3000", 200), "照片.png");
  std::string long_name;
  for (int i = 0; i < 300; ++i) long_name += "照";
  std::string cut = SafeFileName(long_name + ".jpeg", 200);
  EXPECT_EQ(Utf8Length(cut), 200u);
  EXPECT_EQ(cut.substr(cut.size() - 5), ".jpeg");
}

}  // namespace
}  // namespace qq::text
