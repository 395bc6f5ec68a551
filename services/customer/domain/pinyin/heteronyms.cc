#include "services/customer/domain/pinyin/heteronyms.h"

namespace qq::customer {
namespace {

// Readings are facts about the language (《现代汉语词典》, surname usage); the list is ours.
// Order matters only when PinyinSearchKeys has to cap variants: the first reading is the
// one most likely in a person's or place's name (曾 zeng before ceng).
constexpr HeteronymEntry kHeteronyms[] = {
    // Surnames read differently from the everyday word, and surnames with two readings.
    {"单", "shan dan chan"},  // 单田芳 shan; 单于 chanyu
    {"曾", "zeng ceng"},      // 曾国藩
    {"解", "xie jie"},        // 解缙
    {"区", "ou qu"},          // 区姓 ou
    {"仇", "qiu chou"},       // 仇英
    {"查", "zha cha"},        // 查良镛
    {"朴", "piao pu po"},     // 朴姓 piao
    {"翟", "zhai di"},        // both used as a surname
    {"乐", "yue le yao"},     // both used as a surname
    {"覃", "qin tan"},        // both used as a surname
    {"缪", "miao mou miu"},   // 缪姓 miao
    {"尉", "wei yu"},         // 尉迟 yuchi
    {"长", "chang zhang"},    // 长孙 zhangsun
    {"重", "chong zhong"},    // 重阳, 重庆
    {"行", "xing hang"},
    {"万", "wan mo"},  // 万俟 moqi
    {"俟", "si qi"},   // 万俟 moqi
    {"盖", "gai ge"},  // 盖姓 ge
    {"宿", "su xiu"},
    {"召", "shao zhao"},    // 召公 shao
    {"秘", "bi mi"},        // 秘姓 bi
    {"黑", "hei he"},       // 黑姓 he
    {"隗", "wei kui"},      // both used as a surname
    {"折", "she zhe"},      // 折姓 she
    {"繁", "fan po"},       // 繁姓 po
    {"种", "chong zhong"},  // 种师道 chong
    {"员", "yuan yun"},     // 员姓 yun
    {"贲", "ben bi fei"},
    {"句", "gou ju"},  // 句姓 gou
    {"阚", "kan han"},
    {"费", "fei bi"},     // 费姓 (古) bi
    {"蕃", "fan pi bo"},  // 蕃姓 pi
    {"那", "na nuo"},
    {"能", "neng nai"},  // 能姓 nai
    {"都", "du dou"},
    {"薄", "bo bao"},
    {"牟", "mou mu"},     // 牟平 mu
    {"粘", "nian zhan"},  // 粘姓 nian
    {"参", "shen can cen"},
    {"奇", "qi ji"},
    {"射", "she ye yi"},
    {"柏", "bai bo"},
    {"晟", "sheng cheng"},
    {"郇", "xun huan"},
    {"阿", "a e"},
    {"谌", "chen shen"},
    {"炅", "gui jiong"},  // 炅姓 gui
    {"佴", "nai er"},     // 佴姓 nai
    {"澹", "tan dan"},    // 澹台 tantai
    {"祭", "zhai ji"},    // 祭姓 zhai
    {"褚", "chu zhu"},
    {"藏", "zang cang"},
    {"莘", "shen xin"},
    {"强", "qiang jiang"},
    {"和", "he huo hu"},
    {"大", "da dai"},
    {"朝", "zhao chao"},  // 朝阳 zhaoyang
    {"沓", "ta da"},
    {"冯", "feng ping"},
    {"车", "che ju"},
    {"孛", "bo bei"},
    {"番", "fan pan"},  // 番禺 panyu
    {"卜", "bu bo"},
    {"寻", "xun xin"},
    {"红", "hong gong"},
    {"提", "ti di"},
    {"谷", "gu yu"},  // 吐谷浑
    {"传", "chuan zhuan"},
    {"会", "hui kuai"},  // 会稽 kuaiji
    {"蔚", "wei yu"},    // 蔚县 yu
    {"率", "shuai lv"},
    {"陆", "lu liu"},
    {"叶", "ye xie she"},  // 叶公 she
    {"角", "jiao jue"},
    {"贾", "jia gu"},
    {"殷", "yin yan"},
    {"沈", "shen chen"},
    {"洗", "xi xian"},  // 洗姓 xian
    {"俞", "yu shu"},
    {"许", "xu hu"},
    {"齐", "qi ji zhai"},
    {"瞿", "qu ju"},
    {"拓", "tuo ta"},  // 拓跋 tuoba
    {"宓", "mi fu"},
    {"隽", "juan jun"},
    {"艾", "ai yi"},
    {"栎", "li yue"},       // 栎阳 yueyang
    {"龟", "gui jun qiu"},  // 龟兹 qiuci
    {"兹", "zi ci"},        // 龟兹 qiuci
    {"𠮷", "ji"},           // U+20BB7, a variant of 吉 seen in names; ICU has no reading
    // Given names.
    {"茜", "qian xi"},
    {"娜", "na nuo"},
    {"莎", "sha suo"},
    {"芾", "fu fei"},
    {"系", "xi ji"},
    {"靓", "jing liang"},
    {"屏", "ping bing"},
    {"颉", "xie jie"},
    {"汤", "tang shang"},
    {"伽", "jia qie ga"},
    {"炔", "gui que"},  // 炔姓 gui
    {"泷", "long shuang"},
    {"桧", "gui hui"},
    {"禅", "chan shan"},
    {"宛", "wan yuan"},
    {"纶", "lun guan"},
    {"思", "si sai"},
    {"家", "jia gu"},
    {"亲", "qin qing"},
    {"乾", "qian gan"},
    {"珩", "heng hang"},
    {"峤", "qiao jiao"},
    {"侗", "dong tong"},
    {"倩", "qian qing"},
    {"偲", "cai si"},
    {"南", "nan na"},
    {"棣", "di dai"},
    {"浚", "jun xun"},
    {"箐", "qing jing"},
    {"筠", "yun jun"},
    {"玟", "min wen"},
    {"矜", "jin guan qin"},
    {"嬛", "huan xuan qiong"},
    {"敦", "dun dui"},
    {"徵", "zheng zhi"},
    {"露", "lu lou"},
    {"绿", "lv lu"},
    {"盛", "sheng cheng"},
    {"省", "sheng xing"},
    {"仔", "zai zi"},
    {"伯", "bo bai"},
    {"佛", "fo fu"},
    {"期", "qi ji"},
    {"见", "jian xian"},
    {"校", "xiao jiao"},
    {"约", "yue yao"},
    {"说", "shuo shui yue"},
    {"尾", "wei yi"},
    {"识", "shi zhi"},
    {"似", "si shi"},
    {"属", "shu zhu"},
    {"藉", "jie ji"},
    {"将", "jiang qiang"},
    {"降", "jiang xiang"},
    {"乘", "cheng sheng"},
    {"调", "diao tiao"},
    {"弹", "dan tan"},
    {"便", "bian pian"},
    {"觉", "jue jiao"},
    {"还", "huan hai"},
    {"合", "he ge"},
    {"了", "le liao"},
    {"没", "mei mo"},
    {"模", "mo mu"},
    {"弄", "nong long"},
    {"圈", "quan juan"},
    {"塞", "sai se"},
    {"数", "shu shuo"},
    {"缩", "suo su"},
    {"巷", "xiang hang"},
    {"削", "xiao xue"},
    {"咽", "yan ye"},
    {"扎", "zha za"},
    {"择", "ze zhai"},
    {"着", "zhe zhao zhuo"},
    {"泊", "bo po"},
    {"否", "fou pi"},
    {"差", "cha chai ci"},
    {"色", "se shai"},
    {"给", "gei ji"},
    {"血", "xue xie"},
    {"落", "luo la lao"},
    {"剥", "bo bao"},
    {"熟", "shu shou"},
    {"恶", "e wu"},
    {"吓", "xia he"},
    {"卡", "ka qia"},
    {"咖", "ka ga"},
    {"蛤", "ge ha"},
    {"夹", "jia ga"},
    {"度", "du duo"},
    {"得", "de dei"},
    {"扁", "bian pian"},
    {"术", "shu zhu"},
    {"核", "he hu"},
    {"棱", "leng ling"},
    {"殖", "zhi shi"},
    {"畜", "chu xu"},
    {"碌", "lu liu"},
    {"稽", "ji qi"},
    {"脯", "fu pu"},
    {"臭", "chou xiu"},
    {"芥", "jie gai"},
    {"茄", "qie jia"},
    {"荨", "qian xun"},
    {"蔓", "man wan"},
    {"蛇", "she yi"},
    {"裳", "shang chang"},
    {"褪", "tui tun"},
    {"谁", "shei shui"},
    {"貉", "he hao mo"},
    {"赚", "zhuan zuan"},
    {"辟", "pi bi"},
    {"迫", "po pai"},
    {"钥", "yao yue"},
    {"镐", "gao hao"},  // 镐京 hao
    {"陂", "bei po pi"},
    {"雀", "que qiao"},
    {"颈", "jing geng"},
    {"骑", "qi ji"},
    {"邪", "xie ye"},
    {"偈", "ji jie"},
    {"凹", "ao wa"},
    {"匙", "chi shi"},
    {"叨", "dao tao"},
    {"吁", "xu yu"},
    {"咳", "ke hai"},
    {"夯", "hang ben"},
    {"尺", "chi che"},
    {"彷", "pang fang"},
    {"戏", "xi hu"},
    {"扒", "ba pa"},
    {"扛", "kang gang"},
    {"摩", "mo ma"},
    {"攒", "zan cuan"},
    {"柞", "zuo zha"},
    {"栖", "qi xi"},
    {"桔", "ju jie"},
    {"棹", "zhao zhuo"},
    {"椎", "zhui chui"},
    {"楷", "kai jie"},
    {"沌", "dun zhuan"},
    {"炮", "pao bao"},
    {"烙", "lao luo"},
    {"熨", "yun yu"},
    {"犍", "jian qian"},  // 犍为 qianwei
    {"磅", "bang pang"},
    {"祇", "qi zhi"},
    {"粳", "jing geng"},
    {"糜", "mi mei"},
    {"纤", "xian qian"},
    {"络", "luo lao"},
    {"缉", "ji qi"},
    {"罢", "ba pa"},
    {"胖", "pang pan"},
    {"胳", "ge ga"},
    {"腌", "yan a"},
    {"般", "ban bo pan"},
    {"菀", "wan yu"},
    {"螫", "shi zhe"},
    {"衰", "shuai cui"},
    {"褶", "zhe xi"},
    {"豁", "huo hua"},
    {"趄", "qie ju"},
    {"蹊", "xi qi"},
    {"轧", "ya zha ga"},
    {"遗", "yi wei"},
    {"铛", "dang cheng"},
    {"铤", "ting ding"},
    {"阏", "e yan"},
    {"鞘", "qiao shao"},
    {"颤", "chan zhan"},
    {"驮", "tuo duo"},
    {"骠", "biao piao"},
    {"鬲", "li ge"},
    {"鹄", "hu gu"},
    {"俶", "chu ti"},
    {"傀", "kui gui"},
    {"圻", "qi yin"},
    {"埏", "shan yan"},
    {"峙", "zhi shi"},
    {"佚", "yi die"},
    {"枞", "cong zong"},  // 枞阳 zongyang
    {"柜", "gui ju"},
    {"栅", "zha shan"},
    {"杉", "shan sha"},
    {"掺", "chan can shan"},
    {"屯", "tun zhun"},
    {"幢", "zhuang chuang"},
    {"拗", "ao niu"},
    // Place names, for addresses.
    {"厦", "xia sha"},     // 厦门 xiamen
    {"六", "liu lu"},      // 六安 lu'an
    {"蚌", "bang beng"},   // 蚌埠 bengbu
    {"莞", "guan wan"},    // 东莞 dongguan
    {"铅", "qian yan"},    // 铅山 yanshan
    {"洞", "dong tong"},   // 洪洞 hongtong
    {"歙", "she xi"},      // 歙县 shexian
    {"涌", "yong chong"},  // 河涌 chong
    {"浒", "hu xu"},       // 浒墅关 xu
    {"渑", "mian sheng"},  // 渑池 mianchi
    {"澄", "cheng deng"},
    {"泌", "mi bi"},      // 泌阳 biyang
    {"堡", "bao bu pu"},  // 十里堡 pu
    {"埔", "pu bu"},      // 大埔 bu
    {"圩", "wei xu"},
    {"漯", "luo ta"},  // 漯河 luohe
    {"涡", "wo guo"},  // 涡阳 guoyang
};

}  // namespace

absl::Span<const HeteronymEntry> Heteronyms() { return kHeteronyms; }

}  // namespace qq::customer
