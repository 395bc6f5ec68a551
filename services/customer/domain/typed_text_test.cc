// Text as people really type it into the customer archive: full-width digits from Chinese
// input methods are read as digits (phones, search, ID numbers, birthdays, meter and
// account numbers, import cells), and every length limit counts characters (CJK, emoji,
// full-width forms alike), with an error naming the field and the limit in characters.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "qingquan/customer/v1/customer.pb.h"
#include "services/common/status.h"
#include "services/common/text/utf8_text.h"
#include "services/customer/domain/custom_fields.h"
#include "services/customer/domain/customer_draft.h"
#include "services/customer/domain/id_number.h"
#include "services/customer/domain/import_mapping.h"
#include "services/customer/domain/ledger_rules.h"
#include "services/customer/domain/phone_number.h"
#include "services/customer/domain/search_query.h"
#include "services/customer/domain/utility_rules.h"

namespace qq::customer {
namespace {

namespace v1 = qingquan::customer::v1;
using ::testing::HasSubstr;

// `n` characters cycling through CJK, ASCII letters, digits, an emoji (4 UTF-8 bytes) and
// full-width forms, so a byte count and a character count always disagree.
std::string MixedText(size_t n) {
  static const std::vector<std::string> kPieces = {"水", "a",  "1",  "😀", "Ａ",
                                                   "桶", "９", "（", "Z"};
  std::string out;
  for (size_t i = 0; i < n; ++i) out += kPieces[i % kPieces.size()];
  EXPECT_EQ(text::CharCount(out), n);
  return out;
}

// OK at the limit and one below; at limit + 1 INVALID_ARGUMENT naming `field` and the
// limit in characters.
template <typename Check>
void ExpectCharacterLimit(const std::string& field, size_t limit, Check check) {
  for (size_t n : {limit - 1, limit}) {
    absl::Status status = check(MixedText(n));
    EXPECT_TRUE(status.ok()) << field << " at " << n << " characters: " << status;
  }
  absl::Status over = check(MixedText(limit + 1));
  EXPECT_EQ(over.code(), absl::StatusCode::kInvalidArgument) << field;
  EXPECT_EQ(FieldOf(over), field);
  EXPECT_THAT(std::string(over.message()),
              HasSubstr("at most " + std::to_string(limit) + " characters"))
      << field;
}

TEST(NormalisePhone, ReadsFullWidthDigitsAsDigits) {
  EXPECT_EQ(*NormalisePhone("p", "１３９１２３４５６７１"), "13912345671");
  EXPECT_EQ(*NormalisePhone("p", "＋８６ １３９－１２３４－５６７１"), "13912345671");
  EXPECT_EQ(*NormalisePhone("p", "（０２１）６２３４５６７８"), "021-62345678");
  EXPECT_EQ(*NormalisePhone("p", "１３９　１２３４　５６７１"), "13912345671");  // U+3000
  EXPECT_EQ(FieldOf(NormalisePhone("phones[0]", "１３９").status()), "phones[0]");
}

TEST(PlanSearch, FullWidthDigitsAreAPhoneOrItsEnd) {
  auto suffix = PlanSearch("９１３９");
  ASSERT_TRUE(suffix.ok()) << suffix.status();
  EXPECT_EQ(suffix->kind, SearchPlan::kPhoneSuffix);
  EXPECT_EQ(suffix->text, "9139");
  auto phone = PlanSearch("　１３９１２３４５６７１　");
  ASSERT_TRUE(phone.ok()) << phone.status();
  EXPECT_EQ(phone->kind, SearchPlan::kPhone);
  EXPECT_EQ(phone->text, "13912345671");
  EXPECT_EQ(PlanSearch("ＺＳ")->kind, SearchPlan::kPinyin);
  EXPECT_EQ(PlanSearch("ＺＳ")->text, "zs");
  // A fragment is looked up as typed: names and addresses are stored that way.
  EXPECT_EQ(PlanSearch("解放路１号")->text, "解放路１号");
}

TEST(PlanSearch, LimitsTheQueryInCharacters) {
  ExpectCharacterLimit("q", kMaxSearchQueryChars,
                       [](const std::string& q) { return PlanSearch(q).status(); });
}

TEST(CheckNewCustomer, ReadsFullWidthDatesAndIdNumbers) {
  v1::Customer c;
  c.set_name("王小明");
  c.add_phones("１３９１２３４５６７１");
  c.set_birthday("１９９０-０５-０１");
  c.set_id_number("１１０１０５１９４９１２３１００２Ｘ");
  auto draft = CheckNewCustomer(c, {});
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->phones.at(0), "13912345671");
  EXPECT_EQ(draft->birthday, "1990-05-01");
  EXPECT_EQ(draft->id_number, "11010519491231002X");
}

TEST(CheckNewCustomer, LimitsTextInCharacters) {
  auto with = [](auto set) {
    return [set](const std::string& text) {
      v1::Customer c;
      c.set_name("王小明");
      set(c, text);
      return CheckNewCustomer(c, {}).status();
    };
  };
  ExpectCharacterLimit("name", kMaxNameChars,
                       with([](v1::Customer& c, const std::string& t) { c.set_name(t); }));
  ExpectCharacterLimit("notes", kMaxNotesChars,
                       with([](v1::Customer& c, const std::string& t) { c.set_notes(t); }));
  ExpectCharacterLimit(
      "addresses[0].text", kMaxAddressTextChars,
      with([](v1::Customer& c, const std::string& t) { c.add_addresses()->set_text(t); }));
  ExpectCharacterLimit("addresses[0].deliveryNotes", kMaxDeliveryNotesChars,
                       with([](v1::Customer& c, const std::string& t) {
                         auto* a = c.add_addresses();
                         a->set_text("城东区 解放路 1 号");
                         a->set_delivery_notes(t);
                       }));
}

TEST(CheckNewCustomer, KeepsMixedTextAsTyped) {
  v1::Customer c;
  c.set_name("Anna 王-2号😀");
  c.set_notes("下午3点后送，ＶＩＰ客户（含押金）");
  auto draft = CheckNewCustomer(c, {});
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->name, "Anna 王-2号😀");
  EXPECT_EQ(draft->notes, "下午3点后送，ＶＩＰ客户（含押金）");
}

TEST(CheckNewCustomer, ATooLongTagNamesItsLimit) {
  v1::Customer c;
  c.set_name("王小明");
  c.add_tags(MixedText(61));
  absl::Status status = CheckNewCustomer(c, {}).status();
  EXPECT_EQ(FieldOf(status), "tags[0]");
  EXPECT_THAT(std::string(status.message()), HasSubstr("at most 60 characters"));
}

TEST(CheckStaffEntry, LimitsProductAndReasonInCharacters) {
  LedgerEntryDraft entry{"PURCHASE", "TICKET", "农夫山泉·19L桶装水（含押金）", {10, 18000}, "", ""};
  EXPECT_TRUE(CheckStaffEntry(entry).ok());
  ExpectCharacterLimit("entry.asset.product", kMaxLedgerProductChars, [&](const std::string& p) {
    LedgerEntryDraft e = entry;
    e.product = p;
    return CheckStaffEntry(e);
  });
  ExpectCharacterLimit("entry.reason", kMaxLedgerReasonChars, [&](const std::string& r) {
    LedgerEntryDraft e = entry;
    e.reason = r;
    return CheckStaffEntry(e);
  });
}

TEST(NormaliseIdentifier, FoldsFullWidthAndCountsCharacters) {
  EXPECT_EQ(*NormaliseIdentifier("meter.number", " ＳＨ－２０１９－００４２１３７　", 40),
            "SH-2019-0042137");
  EXPECT_EQ(*NormaliseIdentifier("contract.accountNumber", "３１０００１２３４５", 40),
            "3100012345");
  EXPECT_EQ(FieldOf(NormaliseIdentifier("meter.number", "　", 40).status()), "meter.number");
  ExpectCharacterLimit("meter.number", kMaxMeterNumberChars, [](const std::string& t) {
    return NormaliseIdentifier("meter.number", t, kMaxMeterNumberChars).status();
  });
}

TEST(CheckNewFieldDefinition, ANewFieldIsActiveUnlessSentInactive) {
  v1::FieldDefinition d;
  d.set_entity(v1::FieldDefinition::CUSTOMER);
  d.set_key("floor");
  d.set_label("楼层");
  d.set_type(v1::FieldDefinition::NUMBER);
  auto defaulted = CheckNewFieldDefinition(d);
  ASSERT_TRUE(defaulted.ok()) << defaulted.status();
  EXPECT_TRUE(defaulted->active());
  d.set_active(false);
  auto retired = CheckNewFieldDefinition(d);
  ASSERT_TRUE(retired.ok()) << retired.status();
  EXPECT_FALSE(retired->active());
}

spreadsheet::Row RowOf(int64_t number, const std::vector<std::string>& cells) {
  spreadsheet::Row row;
  row.number = number;
  for (const std::string& c : cells) {
    row.cells.push_back(
        {c.empty() ? spreadsheet::CellKind::kEmpty : spreadsheet::CellKind::kString, c});
  }
  return row;
}

TEST(MapImportRow, ReadsFullWidthPhonesAndTickets) {
  auto header = spreadsheet::HeaderMap::Build(RowOf(1, {"姓名", "电话", "水票", "标签"}),
                                              ImportFieldSpecs({}));
  ASSERT_TRUE(header.ok()) << header.status();
  ArchiveRules rules;
  rules.tag_names = {"高层无电梯"};
  ImportedRow out;
  std::vector<ImportRowError> errors;
  ASSERT_TRUE(MapImportRow(RowOf(2, {"陈晓明", "１３９１２３４５６７１／０２１－６２３４５６７８",
                                     "２０", "高层无电梯"}),
                           *header, {}, rules, &out, &errors))
      << (errors.empty() ? "" : errors[0].reason);
  EXPECT_THAT(out.draft.phones, ::testing::ElementsAre("13912345671", "021-62345678"));
  EXPECT_EQ(out.tickets, 20);

  errors.clear();
  EXPECT_FALSE(MapImportRow(RowOf(3, {"陈晓明", "13912345672", "", MixedText(61)}), *header, {},
                            rules, &out, &errors));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0].column, HasSubstr("标签"));
  EXPECT_THAT(errors[0].reason, HasSubstr("at most 60 characters"));
}

}  // namespace
}  // namespace qq::customer
