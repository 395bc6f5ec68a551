#include "services/customer/domain/pinyin/pinyin_search_keys.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "absl/strings/match.h"

namespace qq::customer {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// What the store's `key LIKE 'query%'` does.
bool Finds(const std::vector<std::string>& keys, absl::string_view typed) {
  std::string query = NormalisePinyinQuery(typed);
  if (query.empty()) return false;
  for (const std::string& key : keys) {
    if (absl::StartsWith(key, query)) return true;
  }
  return false;
}

bool FindsFragment(const std::vector<std::string>& keys, absl::string_view typed) {
  std::string query = NormaliseFragmentQuery(typed);
  for (const std::string& key : keys) {
    if (absl::StartsWith(key, query)) return true;
  }
  return false;
}

TEST(PinyinSearchKeys, GivesFullSpellingAndInitials) {
  EXPECT_THAT(PinyinSearchKeys("张三"), ElementsAre("zhangsan", "zs"));
}

TEST(PinyinSearchKeys, FindsANameByWhatAgentsType) {
  auto keys = PinyinSearchKeys("张三丰");
  EXPECT_THAT(keys, ElementsAre("zhangsanfeng", "zsf", "zhangsf"));
  for (const char* typed : {"zs", "zsf", "zhang", "zhangs", "zhangsan", "zhangsf", "zhangsanf",
                            "zhangsanfeng", "Zhang San", "ZS"}) {
    EXPECT_TRUE(Finds(keys, typed)) << typed;
  }
  for (const char* typed : {"sanfeng", "zhs", "zhangf", "zsanfeng", "li"}) {
    EXPECT_FALSE(Finds(keys, typed)) << typed;
  }
}

TEST(PinyinSearchKeys, SpellsOutCompoundSurnames) {
  auto keys = PinyinSearchKeys("欧阳娜娜");
  for (const char* typed : {"ouyangnana", "oynn", "ouyangnn", "ouynn"}) {
    EXPECT_TRUE(Finds(keys, typed)) << typed;
  }
}

TEST(PinyinSearchKeys, FindsAHeteronymByEachReading) {
  auto shan = PinyinSearchKeys("单丽");
  for (const char* typed : {"shanli", "sl", "danli", "dl", "chanli"}) {
    EXPECT_TRUE(Finds(shan, typed)) << typed;
  }
  EXPECT_EQ(shan[0], "shanli");  // the surname reading first

  auto zeng = PinyinSearchKeys("曾国藩");
  for (const char* typed : {"zengguofan", "zgf", "zengguof", "zenggf", "cengguofan", "cgf"}) {
    EXPECT_TRUE(Finds(zeng, typed)) << typed;
  }

  struct Case {
    const char* name;
    std::vector<const char*> typed;
  };
  for (const Case& c : std::vector<Case>{
           {"解放", {"xiefang", "jiefang"}},
           {"区伟", {"ouwei", "quwei"}},
           {"仇英", {"qiuying", "chouying"}},
           {"查良镛", {"zhaliangyong", "chaliangyong", "zly", "cly"}},
           {"朴信惠", {"piaoxinhui", "puxinhui"}},
           {"翟峰", {"zhaifeng", "difeng"}},
           {"乐嘉", {"yuejia", "lejia"}},
           {"覃明", {"qinming", "tanming"}},
           {"缪斯", {"miaosi", "mousi"}},
           {"尉迟恭", {"yuchigong", "weichigong", "ycg", "wcg"}},
           {"长孙无忌", {"zhangsunwuji", "changsunwuji", "zswj", "zhangsunwj"}},
           {"重阳", {"chongyang", "zhongyang"}},
           {"万俟卨", {"moqi", "wansi"}},
           {"盖聂", {"genie", "gainie"}},
           {"召忽", {"shaohu", "zhaohu"}},
           {"黑明", {"heming", "heiming"}},
           {"隗嚣", {"weixiao", "kuixiao"}},
       }) {
    auto keys = PinyinSearchKeys(c.name);
    for (const char* typed : c.typed) EXPECT_TRUE(Finds(keys, typed)) << c.name << " " << typed;
  }
}

TEST(PinyinSearchKeys, CombinesReadingsOfSeveralHeteronyms) {
  auto all = PinyinSearchKeys("单曾", 16);
  for (const char* typed : {"shanzeng", "danceng", "shanceng", "danzeng", "chanceng"}) {
    EXPECT_TRUE(Finds(all, typed)) << typed;
  }
}

TEST(PinyinSearchKeys, CapsVariantsButKeepsEveryReadingOfEveryCharacter) {
  // Six heteronyms of 2-3 readings: 2*2*3*2*3*2 = 288 combinations.
  const char* text = "曾单解乐长朴";
  auto one = PinyinSearchKeys(text, 1);
  EXPECT_THAT(one, ElementsAre("zengshanxieyuechangpiao", "zsxycp", "zengsxycp", "zengshanxycp"));
  auto capped = PinyinSearchKeys(text, 16);
  EXPECT_LE(capped.size(), 16u * 4);
  // With 1 + (1+2+1+2+1+2) = 10 variants every reading has appeared once.
  for (const char* typed :
       {"ceng", "zengdan", "zengchan", "zengshanjie", "zengshanxiele", "zengshanxieyao",
        "zengshanxieyuezhang", "zengshanxieyuechangpu", "zengshanxieyuechangpo"}) {
    EXPECT_TRUE(Finds(capped, typed)) << typed;
  }
  auto zero = PinyinSearchKeys(text, 0);  // treated as 1
  EXPECT_EQ(zero, one);
  EXPECT_GT(PinyinSearchKeys(text, 1000).size(), capped.size());
}

TEST(PinyinSearchKeys, KeepsLatinLettersAndDigits) {
  EXPECT_THAT(PinyinSearchKeys("Anna李"), ElementsAre("annali", "al"));
  EXPECT_THAT(PinyinSearchKeys("王2"), ElementsAre("wang2", "w2"));
  EXPECT_THAT(PinyinSearchKeys("李 A-12"), ElementsAre("lia12", "la12"));
  EXPECT_THAT(PinyinSearchKeys("ＡＢＣ王"), ElementsAre("abcwang", "aw"));  // full-width
  EXPECT_THAT(PinyinSearchKeys("John Smith"), ElementsAre("johnsmith", "js"));
}

TEST(PinyinSearchKeys, WritesUWithDiaeresisAsV) {
  auto keys = PinyinSearchKeys("吕布");
  EXPECT_THAT(keys, ElementsAre("lvbu", "lb"));
  EXPECT_TRUE(Finds(keys, "lvbu"));
  EXPECT_TRUE(Finds(keys, "lübu"));
  EXPECT_TRUE(Finds(PinyinSearchKeys("女娲"), "nvwa"));
}

TEST(PinyinSearchKeys, GivesNothingForEmptyOrUnspellableText) {
  EXPECT_THAT(PinyinSearchKeys(""), IsEmpty());
  EXPECT_THAT(PinyinSearchKeys("  ，。！？·——"), IsEmpty());
  EXPECT_THAT(PinyinSearchKeys("😀あ"), IsEmpty());
  EXPECT_THAT(PinyinSearchKeys("\xff\xfe"), IsEmpty());  // invalid UTF-8
  EXPECT_THAT(PinyinSearchKeys("张·三！"), ElementsAre("zhangsan", "zs"));
}

TEST(PinyinSearchKeys, DropsKeysThatBeginAnotherKey) {
  EXPECT_THAT(PinyinSearchKeys("张"), ElementsAre("zhang"));  // "z" begins "zhang"
  EXPECT_THAT(PinyinSearchKeys("A"), ElementsAre("a"));
}

TEST(PinyinSearchKeys, BoundsLongText) {
  std::string text;
  for (int i = 0; i < 200; ++i) text += "张";
  auto keys = PinyinSearchKeys(text);
  ASSERT_FALSE(keys.empty());
  for (const std::string& key : keys) EXPECT_LE(key.size(), kMaxPinyinKeyLength);
  EXPECT_EQ(keys[0].substr(0, 10), "zhangzhang");
}

TEST(NormalisePinyinQuery, LowercasesAndDropsSpacesAndApostrophes) {
  EXPECT_EQ(NormalisePinyinQuery("ZhangSan"), "zhangsan");
  EXPECT_EQ(NormalisePinyinQuery(" zhang san "), "zhangsan");
  EXPECT_EQ(NormalisePinyinQuery("xi'an"), "xian");
  EXPECT_EQ(NormalisePinyinQuery("xi’an"), "xian");
  EXPECT_EQ(NormalisePinyinQuery("ｚｓ"), "zs");  // full-width
  EXPECT_EQ(NormalisePinyinQuery("lü"), "lv");
  EXPECT_EQ(NormalisePinyinQuery(std::string(100, 'a')), std::string(kMaxPinyinKeyLength, 'a'));
}

TEST(NormalisePinyinQuery, IsEmptyForWhatIsNoPinyin) {
  for (const char* other : {"", "   ", "1234", "zs1", "张三", "zhang三", "a-b", "\xff"}) {
    EXPECT_EQ(NormalisePinyinQuery(other), "") << other;
    EXPECT_FALSE(LooksLikePinyinQuery(other)) << other;
  }
  EXPECT_TRUE(LooksLikePinyinQuery("zs"));
}

TEST(NameFragmentKeys, GivesEverySuffix) {
  EXPECT_THAT(NameFragmentKeys("张三丰"), ElementsAre("张三丰", "三丰", "丰"));
  auto keys = NameFragmentKeys("北京清泉水务有限公司");
  for (const char* typed : {"北京", "清泉", "清泉水务", "公司", "水务有限公司"}) {
    EXPECT_TRUE(FindsFragment(keys, typed)) << typed;
  }
  EXPECT_FALSE(FindsFragment(keys, "清水"));
}

TEST(NameFragmentKeys, NormalisesSpacesDotsCaseAndFullWidth) {
  EXPECT_THAT(NameFragmentKeys(" 张 三 "), ElementsAre("张三", "三"));
  EXPECT_THAT(NameFragmentKeys("阿卜杜·热合曼")[0], "阿卜杜热合曼");
  EXPECT_TRUE(FindsFragment(NameFragmentKeys("阿卜杜·热合曼"), "热合曼"));
  EXPECT_THAT(NameFragmentKeys("Anna李"), ElementsAre("anna李", "nna李", "na李", "a李", "李"));
  EXPECT_TRUE(FindsFragment(NameFragmentKeys("ＡＢ"), "ab"));
  EXPECT_EQ(NormaliseFragmentQuery(" 张 三 "), "张三");
}

TEST(NameFragmentKeys, LeavesOutSuffixesThatBeginAnEarlierFragment) {
  EXPECT_THAT(NameFragmentKeys("哈哈哈"), ElementsAre("哈哈哈"));
  EXPECT_THAT(NameFragmentKeys(""), IsEmpty());
  EXPECT_THAT(NameFragmentKeys("  "), IsEmpty());
}

TEST(NameFragmentKeys, CutsFragmentsAndStarts) {
  std::string name;
  const char* digits[] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
  for (int i = 0; i < 50; ++i) name += digits[i % 10];
  auto keys = NameFragmentKeys(name);
  EXPECT_EQ(keys[0], "零一二三四五六七");  // 8 characters
  EXPECT_EQ(keys.size(), 10u);             // the rest repeat the first ten
  EXPECT_EQ(NormaliseFragmentQuery("零一二三四五六七八九"), "零一二三四五六七");
}

// Keys for 100,000 generated names: the import path. Prints the rate; asserts loosely.
TEST(PinyinSearchKeys, IsFastEnoughForBulkImport) {
  PinyinSearchKeys("预热");  // builds the reading table outside the timing
  const char* surnames[] = {"王", "李", "张",   "刘", "陈", "杨",   "黄", "赵", "吴", "周",
                            "曾", "单", "欧阳", "解", "区", "司马", "朴", "翟", "乐", "覃"};
  const char* given[] = {"伟", "芳", "娜",   "秀英", "敏", "静", "丽", "强", "磊",   "军",
                         "洋", "勇", "艳",   "杰",   "娟", "涛", "明", "超", "秀兰", "霞",
                         "平", "刚", "桂英", "长",   "重", "行", "乐", "思", "茜",   "晟"};
  std::vector<std::string> names;
  names.reserve(100000);
  for (int i = 0; i < 100000; ++i) {
    std::string name = surnames[i % 20];
    name += given[(i / 20) % 30];
    if (i % 3) name += given[(i / 7) % 30];
    names.push_back(std::move(name));
  }
  size_t keys = 0;
  auto start = std::chrono::steady_clock::now();
  for (const std::string& name : names) keys += PinyinSearchKeys(name).size();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("pinyin keys: 100000 names in %.0f ms (%.0f names/s, %.1f keys a name)\n",
              seconds * 1000, 100000 / seconds, keys / 100000.0);
  EXPECT_LT(seconds, 5.0);  // well under 1 s on a quiet machine; loose for shared CI
}

}  // namespace
}  // namespace qq::customer
