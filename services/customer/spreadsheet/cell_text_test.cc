// Tests for cell_text: the text Excel would show for stored values.
#include "services/customer/spreadsheet/cell_text.h"

#include "gtest/gtest.h"

namespace qq::spreadsheet {
namespace {

TEST(DateStyleOfBuiltinFormat, KnowsDateTimeAndPlainIds) {
  EXPECT_EQ(DateStyleOfBuiltinFormat(14), DateStyle::kDate);
  EXPECT_EQ(DateStyleOfBuiltinFormat(31), DateStyle::kDate);  // yyyy"年"m"月"d"日" in zh-CN
  EXPECT_EQ(DateStyleOfBuiltinFormat(22), DateStyle::kDateTime);
  EXPECT_EQ(DateStyleOfBuiltinFormat(20), DateStyle::kTime);
  EXPECT_EQ(DateStyleOfBuiltinFormat(0), DateStyle::kNone);
  EXPECT_EQ(DateStyleOfBuiltinFormat(49), DateStyle::kNone);  // "@" text
}

TEST(DateStyleOfFormatCode, ReadsCustomCodes) {
  EXPECT_EQ(DateStyleOfFormatCode("yyyy-mm-dd"), DateStyle::kDate);
  EXPECT_EQ(DateStyleOfFormatCode("yyyy\"年\"m\"月\"d\"日\""), DateStyle::kDate);
  EXPECT_EQ(DateStyleOfFormatCode("[$-804]yyyy/m/d;@"), DateStyle::kDate);
  EXPECT_EQ(DateStyleOfFormatCode("mmm-yy"), DateStyle::kDate);
  EXPECT_EQ(DateStyleOfFormatCode("yyyy/m/d h:mm"), DateStyle::kDateTime);
  EXPECT_EQ(DateStyleOfFormatCode("h:mm AM/PM"), DateStyle::kTime);
  EXPECT_EQ(DateStyleOfFormatCode("[h]:mm"), DateStyle::kTime);
  EXPECT_EQ(DateStyleOfFormatCode("mm:ss"), DateStyle::kTime);
}

TEST(DateStyleOfFormatCode, LeavesNumberFormatsAlone) {
  EXPECT_EQ(DateStyleOfFormatCode("General"), DateStyle::kNone);
  EXPECT_EQ(DateStyleOfFormatCode("0.00"), DateStyle::kNone);
  EXPECT_EQ(DateStyleOfFormatCode("#,##0.00\"元\""), DateStyle::kNone);
  EXPECT_EQ(DateStyleOfFormatCode("[Red]#,##0;[Blue]-#,##0"), DateStyle::kNone);
  EXPECT_EQ(DateStyleOfFormatCode("0.00E+00"), DateStyle::kNone);
  EXPECT_EQ(DateStyleOfFormatCode("\"days\" 0"), DateStyle::kNone);
  EXPECT_EQ(DateStyleOfFormatCode("@"), DateStyle::kNone);
}

TEST(NumberText, ShowsIntegersWithEveryDigitAndNoExponent) {
  EXPECT_EQ(NumberText("13912345678"), "13912345678");
  EXPECT_EQ(NumberText("1.3912345678E10"), "13912345678");
  EXPECT_EQ(NumberText("1.3912345678e+10"), "13912345678");
  EXPECT_EQ(NumberText("42.0"), "42");
  EXPECT_EQ(NumberText("-7"), "-7");
  EXPECT_EQ(NumberText("007"), "7");
  EXPECT_EQ(NumberText("-0"), "0");
  EXPECT_EQ(NumberText("1E20"), "100000000000000000000");
}

TEST(NumberText, ShowsDecimalsPlainlyToFifteenDigits) {
  EXPECT_EQ(NumberText("3.5"), "3.5");
  EXPECT_EQ(NumberText("0.30000000000000004"), "0.3");
  EXPECT_EQ(NumberText("1.5E-7"), "0.00000015");
  EXPECT_EQ(NumberText("-12.25"), "-12.25");
  EXPECT_EQ(NumberText(" 2.50 "), "2.5");
}

TEST(NumberText, RefusesWhatIsNotANumber) {
  EXPECT_EQ(NumberText(""), std::nullopt);
  EXPECT_EQ(NumberText("abc"), std::nullopt);
  EXPECT_EQ(NumberText("12abc"), std::nullopt);
  EXPECT_EQ(NumberText("inf"), std::nullopt);
}

TEST(SerialDateText, CountsFromExcelsEpochs) {
  EXPECT_EQ(SerialDateText(45356, DateStyle::kDate, false), "2024-03-05");
  EXPECT_EQ(SerialDateText(1, DateStyle::kDate, false), "1900-01-01");
  EXPECT_EQ(SerialDateText(59, DateStyle::kDate, false), "1900-02-28");
  EXPECT_EQ(SerialDateText(61, DateStyle::kDate, false), "1900-03-01");
  EXPECT_EQ(SerialDateText(0, DateStyle::kDate, true), "1904-01-01");
  EXPECT_EQ(SerialDateText(43894, DateStyle::kDate, true), "2024-03-05");
}

TEST(SerialDateText, ShowsTimesWhenTheFormatHasThem) {
  EXPECT_EQ(SerialDateText(45356.5, DateStyle::kDate, false), "2024-03-05");
  EXPECT_EQ(SerialDateText(45356.5, DateStyle::kDateTime, false), "2024-03-05 12:00:00");
  EXPECT_EQ(SerialDateText(45356, DateStyle::kDateTime, false), "2024-03-05");
  EXPECT_EQ(SerialDateText(0.75, DateStyle::kTime, false), "18:00:00");
  EXPECT_EQ(SerialDateText(1.5, DateStyle::kTime, false), "36:00:00");
  // Rounding to the second may roll over into the next day.
  EXPECT_EQ(SerialDateText(45356.9999999, DateStyle::kDateTime, false), "2024-03-06");
}

TEST(SerialDateText, RefusesSerialsOutsideExcelDates) {
  EXPECT_EQ(SerialDateText(-1, DateStyle::kDate, false), std::nullopt);
  EXPECT_EQ(SerialDateText(3e6, DateStyle::kDate, false), std::nullopt);
  EXPECT_EQ(SerialDateText(45356, DateStyle::kNone, false), std::nullopt);
}

TEST(DecodeXmlStringEscapes, ReplacesEscapesOnly) {
  std::string text = "a_x000D__x000A_b_x005F_x0041_ c_xZZZZ_ d_x4E2D_";
  DecodeXmlStringEscapes(&text);
  EXPECT_EQ(text, "a\r\nb_x0041_ c_xZZZZ_ d中");
  std::string pair = "_xD83D__xDE00_";
  DecodeXmlStringEscapes(&pair);
  EXPECT_EQ(pair, "\xF0\x9F\x98\x80");
}

}  // namespace
}  // namespace qq::spreadsheet
