#include "services/customer/domain/customer_draft.h"

#include <gtest/gtest.h>

#include "qingquan/customer/v1/customer.pb.h"
#include "services/common/status.h"

namespace qq::customer {
namespace {

qingquan::customer::v1::Customer ValidCustomer() {
  qingquan::customer::v1::Customer c;
  c.set_name("  张三 ");
  c.add_phones("139 1234 5678");
  auto* a = c.add_addresses();
  a->set_text("城东区 解放路 1 号");
  a->mutable_location()->set_lat(31.25);
  a->mutable_location()->set_lng(121.55);
  return c;
}

TEST(CheckNewCustomer, NormalisesAValidCustomer) {
  auto draft = CheckNewCustomer(ValidCustomer(), {});
  ASSERT_TRUE(draft.ok()) << draft.status();
  EXPECT_EQ(draft->name, "张三");
  EXPECT_EQ(draft->kind, "PERSON");
  ASSERT_EQ(draft->phones.size(), 1u);
  EXPECT_EQ(draft->phones[0], "13912345678");
  ASSERT_EQ(draft->addresses.size(), 1u);
  EXPECT_DOUBLE_EQ(*draft->addresses[0].lat, 31.25);
}

TEST(CheckNewCustomer, NamesTheFirstBadField) {
  auto c = ValidCustomer();
  c.set_name(" ");
  EXPECT_EQ(FieldOf(CheckNewCustomer(c, {}).status()), "name");

  c = ValidCustomer();
  c.add_phones("12");
  EXPECT_EQ(FieldOf(CheckNewCustomer(c, {}).status()), "phones[1]");

  c = ValidCustomer();
  c.add_phones("+86 13912345678");
  EXPECT_EQ(FieldOf(CheckNewCustomer(c, {}).status()), "phones[1]");  // duplicate

  c = ValidCustomer();
  c.mutable_addresses(0)->mutable_location()->set_lat(91);
  EXPECT_EQ(FieldOf(CheckNewCustomer(c, {}).status()), "addresses[0].location.lat");

  c = ValidCustomer();
  c.add_addresses();
  EXPECT_EQ(FieldOf(CheckNewCustomer(c, {}).status()), "addresses[1].text");
}

TEST(CheckNewCustomer, AddressWithoutLocationHasNone) {
  auto c = ValidCustomer();
  c.mutable_addresses(0)->clear_location();
  auto draft = CheckNewCustomer(c, {});
  ASSERT_TRUE(draft.ok());
  EXPECT_FALSE(draft->addresses[0].lat.has_value());
}

}  // namespace
}  // namespace qq::customer
