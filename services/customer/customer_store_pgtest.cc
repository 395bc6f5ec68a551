// The customer archive against a real PostgreSQL: personal data is sealed at rest and
// found by blind index and last digits, search by pinyin and name fragments, duplicate
// phones, soft delete, search terms kept in step with renames and deletes, key rotation,
// delivery preferences stored as data and read back with their tags.
#include <gmock/gmock.h>

#include <pqxx/pqxx>

#include "services/common/status.h"
#include "services/customer/customer_pgtest_fixture.h"
#include "services/customer/import_store.h"

namespace qq::customer {
namespace {

std::vector<std::string> IdsOf(const absl::StatusOr<std::vector<SearchCandidate>>& hits) {
  std::vector<std::string> ids;
  EXPECT_TRUE(hits.ok()) << hits.status();
  if (hits.ok()) {
    for (const auto& h : *hits) ids.push_back(h.customer_id);
  }
  return ids;
}

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

TEST_F(CustomerPgTest, PhonesAreSealedAtRestAndFoundByIndexAndSuffix) {
  const std::string id = CreateCustomer("张三", "13912345678");
  // Nothing in the table shows the number.
  ASSERT_TRUE(pool()
                  .Read([&](pqxx::work& txn) {
                    auto row = txn.exec_params1(
                        "SELECT coalesce(phone, ''), encode(ciphertext, 'escape'), last4 "
                        "FROM customer_phones WHERE customer_id = $1",
                        id);
                    EXPECT_EQ(row[0].as<std::string>(), "");
                    EXPECT_EQ(row[1].as<std::string>().find("13912345678"), std::string::npos);
                    EXPECT_EQ(row[2].as<std::string>(), "5678");
                    return absl::OkStatus();
                  })
                  .ok());
  auto customer = store().GetCustomer(tenant_, id);
  ASSERT_TRUE(customer.ok()) << customer.status();
  ASSERT_EQ(customer->phones_size(), 1);
  EXPECT_EQ(customer->phones(0), "13912345678");

  EXPECT_THAT(IdsOf(store().FindByPhone(tenant_, "13912345678")), Contains(id));
  EXPECT_THAT(IdsOf(store().FindByPhoneSuffix(tenant_, "5678", 20)), Contains(id));
  EXPECT_THAT(IdsOf(store().FindByPhoneSuffix(tenant_, "345678", 20)), Contains(id));
  EXPECT_THAT(IdsOf(store().FindByPhoneSuffix(tenant_, "995678", 20)), Not(Contains(id)));
  // Another tenant's index differs: nothing found there.
  EXPECT_TRUE(IdsOf(store().FindByPhone("other-tenant", "13912345678")).empty());
}

TEST_F(CustomerPgTest, DuplicatePhoneNamesTheExistingCustomer) {
  const std::string first = CreateCustomer("李四", "13800001111");
  CustomerDraft draft;
  draft.kind = "PERSON";
  draft.name = "李四二";
  draft.phones = {"13800001111"};
  auto second = store().CreateCustomer(tenant_, draft, {}, IdempotencyScope{});
  ASSERT_EQ(second.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(FieldOf(second.status()), "phones[0]");
  EXPECT_NE(second.status().message().find(first), std::string::npos);
  // After a soft delete the number is free again, and the old customer stays readable
  // only for history (not in search).
  ASSERT_TRUE(store().DeleteCustomer(tenant_, first).ok());
  EXPECT_TRUE(store().CreateCustomer(tenant_, draft, {}, IdempotencyScope{}).ok());
  EXPECT_EQ(store().GetCustomer(tenant_, first).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(CustomerPgTest, PinyinAndNameFragmentsFindEveryReading) {
  const std::string zhang = CreateCustomer("张三", "13700000001");
  const std::string shan = CreateCustomer("单丽", "13700000002");
  const std::string zeng = CreateCustomer("曾国强", "13700000003");
  auto pinyin = [&](const std::string& q) {
    return IdsOf(store().FindByTermPrefix(tenant_, SearchTerm::kPinyin, q, 20));
  };
  EXPECT_THAT(pinyin("zs"), Contains(zhang));
  EXPECT_THAT(pinyin("zhangsan"), Contains(zhang));
  EXPECT_THAT(pinyin("zhangs"), Contains(zhang));
  EXPECT_THAT(pinyin("shanli"), Contains(shan));
  EXPECT_THAT(pinyin("danli"), Contains(shan));
  EXPECT_THAT(pinyin("sl"), Contains(shan));
  EXPECT_THAT(pinyin("dl"), Contains(shan));
  EXPECT_THAT(pinyin("zgq"), Contains(zeng));
  EXPECT_THAT(pinyin("cengguo"), Contains(zeng));
  EXPECT_THAT(pinyin("zs"), Not(Contains(shan)));
  auto name = [&](const std::string& q) {
    return IdsOf(store().FindByTermPrefix(tenant_, SearchTerm::kNameFragment, q, 20));
  };
  EXPECT_THAT(name("国强"), Contains(zeng));
  EXPECT_THAT(name("曾国"), Contains(zeng));
  EXPECT_THAT(name("三"), Contains(zhang));
  EXPECT_THAT(name("%"), Not(Contains(zhang)));  // LIKE wildcards are literal
}

TEST_F(CustomerPgTest, RenameAndDeleteReplaceTheSearchTerms) {
  // One customer created one by one, one imported through COPY: both keep the terms they
  // were given, and a rename or a delete removes exactly those.
  const std::string created = CreateCustomer("张三", "13500000001");
  ImportStore imports(pool(), cipher(), outbox());
  ImportedRow row;
  row.row = 2;
  row.draft.kind = "PERSON";
  row.draft.name = "单丽";
  row.draft.phones = {"13500000002"};
  ASSERT_TRUE(imports
                  .CopyNewCustomers(tenant_, "tester", "客户.csv",
                                    {{&row, SearchTermsForName(row.draft.name)}})
                  .ok());
  auto owners = imports.PhoneOwners(tenant_, {"13500000002"});
  ASSERT_TRUE(owners.ok()) << owners.status();
  const std::string imported = (*owners)["13500000002"];
  ASSERT_FALSE(imported.empty());
  auto pinyin = [&](const std::string& q) {
    return IdsOf(store().FindByTermPrefix(tenant_, SearchTerm::kPinyin, q, 20));
  };
  auto name = [&](const std::string& q) {
    return IdsOf(store().FindByTermPrefix(tenant_, SearchTerm::kNameFragment, q, 20));
  };
  ASSERT_THAT(pinyin("danli"), Contains(imported));

  for (const auto& [id, new_name] : {std::pair{created, "李四"}, std::pair{imported, "王芳"}}) {
    CustomerDraft draft;
    draft.kind = "PERSON";
    draft.name = new_name;
    draft.phones = {id == created ? "13500000001" : "13500000002"};
    ASSERT_TRUE(store().UpdateCustomer(tenant_, id, draft, SearchTermsForName(new_name)).ok());
  }
  EXPECT_THAT(pinyin("zs"), Not(Contains(created)));
  EXPECT_THAT(name("三"), Not(Contains(created)));
  EXPECT_THAT(pinyin("ls"), Contains(created));
  EXPECT_THAT(pinyin("danli"), Not(Contains(imported)));
  EXPECT_THAT(pinyin("shanli"), Not(Contains(imported)));
  EXPECT_THAT(pinyin("wangf"), Contains(imported));

  ASSERT_TRUE(store().DeleteCustomer(tenant_, imported).ok());
  EXPECT_THAT(pinyin("wangf"), Not(Contains(imported)));
  EXPECT_THAT(name("芳"), Not(Contains(imported)));
  // Nothing is left behind for either customer beyond the current name's terms.
  ASSERT_TRUE(pool()
                  .Read([&](pqxx::work& txn) {
                    auto row = txn.exec_params1(
                        "SELECT count(*) FILTER (WHERE customer_id = $1), "
                        "  count(*) FILTER (WHERE customer_id = $2) "
                        "FROM customer_search_terms WHERE tenant_id = $3",
                        created, imported, tenant_);
                    EXPECT_EQ(row[0].as<size_t>(), SearchTermsForName("李四").size());
                    EXPECT_EQ(row[1].as<int>(), 0);
                    return absl::OkStatus();
                  })
                  .ok());
}

TEST_F(CustomerPgTest, RotationResealsUnderTheCurrentKey) {
  // Seal with the old key alone, then open the store with the new key first.
  auto old_cipher =
      *PiiCipher::FromConfig("k1:1111111111111111111111111111111111111111111111111111111111111111");
  CustomerOutbox old_outbox(pool(), old_cipher, nullptr);
  CustomerStore old_store(pool(), old_cipher, old_outbox);
  CustomerDraft draft;
  draft.kind = "PERSON";
  draft.name = "王五";
  draft.phones = {"13600001234"};
  draft.id_number = "11010519491231002X";
  auto created = old_store.CreateCustomer(tenant_, draft, {}, IdempotencyScope{});
  ASSERT_TRUE(created.ok()) << created.status();
  // Found under the new configuration before and after re-sealing.
  EXPECT_THAT(IdsOf(store().FindByPhone(tenant_, "13600001234")), Contains(created->id()));
  while (true) {
    auto changed = store().SealPersonalDataBatch(100);
    ASSERT_TRUE(changed.ok()) << changed.status();
    if (*changed == 0) break;
  }
  auto customer = store().GetCustomer(tenant_, created->id());
  ASSERT_TRUE(customer.ok()) << customer.status();
  EXPECT_EQ(customer->phones(0), "13600001234");
  EXPECT_EQ(customer->id_number(), "11010519491231002X");
  EXPECT_THAT(IdsOf(store().FindByPhone(tenant_, "13600001234")), Contains(created->id()));
  ASSERT_TRUE(pool()
                  .Read([&](pqxx::work& txn) {
                    auto row = txn.exec_params1(
                        "SELECT count(*) FROM customer_phones WHERE key_id <> 'k2'");
                    EXPECT_EQ(row[0].as<int>(), 0);
                    return absl::OkStatus();
                  })
                  .ok());
}

TEST_F(CustomerPgTest, OlderCustomersGetSearchTermsBackfilled) {
  CustomerDraft draft;
  draft.kind = "PERSON";
  draft.name = "欧阳娜娜";
  auto created = store().CreateCustomer(tenant_, draft, /*terms=*/{}, IdempotencyScope{});
  ASSERT_TRUE(created.ok()) << created.status();
  // As saved before search terms existed: none computed (an empty list means "none").
  ASSERT_TRUE(pool()
                  .Transact([&](pqxx::work& txn) {
                    txn.exec_params(
                        "UPDATE customers SET search_terms = NULL, "
                        "search_term_kinds = NULL WHERE id = $1",
                        created->id());
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_TRUE(IdsOf(store().FindByTermPrefix(tenant_, SearchTerm::kPinyin, "oy", 20)).empty());
  while (true) {
    auto done = store().BackfillSearchTermsBatch(100, SearchTermsForName);
    ASSERT_TRUE(done.ok()) << done.status();
    if (*done == 0) break;
  }
  EXPECT_THAT(IdsOf(store().FindByTermPrefix(tenant_, SearchTerm::kPinyin, "oynn", 20)),
              Contains(created->id()));
  EXPECT_THAT(IdsOf(store().FindByTermPrefix(tenant_, SearchTerm::kNameFragment, "娜娜", 20)),
              Contains(created->id()));
}

TEST_F(CustomerPgTest, DeliveryPreferencesAreStoredAndReadBackWithTheirTags) {
  CustomerDraft draft;
  draft.kind = "PERSON";
  draft.name = "赵六";
  draft.phones = {"13300001111"};
  DeliveryPreferencesDraft wishes;
  wishes.window_start_local = "15:00";
  wishes.weekdays = {1, 2, 3, 4, 5};
  wishes.no_lift = true;
  wishes.needs_cart = true;
  wishes.floor = 6;
  draft.delivery_preferences = wishes;
  auto created =
      store().CreateCustomer(tenant_, draft, SearchTermsForName(draft.name), IdempotencyScope{});
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_EQ(created->delivery_preferences().window_start_local(), "15:00");
  EXPECT_THAT(created->preference_tags(),
              ElementsAre("15:00后送", "仅工作日送", "6楼无电梯", "需带小推车"));
  const std::string id = created->id();

  // Stored in the message's JSON form, defaults left out.
  ASSERT_TRUE(pool()
                  .Read([&](pqxx::work& txn) {
                    auto row = txn.exec_params1(
                        "SELECT delivery_preferences->>'windowStartLocal', "
                        "  delivery_preferences->'weekdays' = '[1,2,3,4,5]'::jsonb, "
                        "  delivery_preferences ? 'windowEndLocal' FROM customers WHERE id = $1",
                        id);
                    EXPECT_EQ(row[0].as<std::string>(), "15:00");
                    EXPECT_TRUE(row[1].as<bool>());
                    EXPECT_FALSE(row[2].as<bool>());
                    return absl::OkStatus();
                  })
                  .ok());

  // Every read carries them: get, list, load (search), the 360 view's read.
  auto got = store().GetCustomer(tenant_, id);
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_THAT(got->delivery_preferences().weekdays(), ElementsAre(1, 2, 3, 4, 5));
  EXPECT_TRUE(got->delivery_preferences().no_lift());
  EXPECT_TRUE(got->delivery_preferences().needs_cart());
  EXPECT_EQ(got->delivery_preferences().floor(), 6);
  EXPECT_THAT(got->preference_tags(), Contains("仅工作日送"));
  auto page = store().ListCustomers(tenant_, CustomerFilter{}, 10, "");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->customers.size(), 1u);
  EXPECT_THAT(page->customers[0].preference_tags(), Contains("15:00后送"));
  auto loaded = store().LoadCustomers(tenant_, {id});
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_EQ(loaded->size(), 1u);
  EXPECT_THAT(loaded->front().preference_tags(), Contains("需带小推车"));
  ASSERT_TRUE(pool()
                  .Read([&](pqxx::work& txn) {
                    auto in_view = store().GetCustomerIn(txn, tenant_, id);
                    QQ_RETURN_IF_ERROR(in_view.status());
                    EXPECT_THAT(in_view->preference_tags(), Contains("6楼无电梯"));
                    return absl::OkStatus();
                  })
                  .ok());

  // A draft that says nothing about them (an imported row) leaves them as they are.
  CustomerDraft renamed = draft;
  renamed.name = "赵六六";
  renamed.delivery_preferences.reset();
  auto kept = store().UpdateCustomer(tenant_, id, renamed, SearchTermsForName(renamed.name));
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_EQ(kept->name(), "赵六六");
  EXPECT_EQ(kept->delivery_preferences().window_start_local(), "15:00");
  EXPECT_THAT(kept->preference_tags(), Contains("仅工作日送"));

  // One that says something replaces them; none at all clears them.
  renamed.delivery_preferences = DeliveryPreferencesDraft{};
  renamed.delivery_preferences->window_start_local = "09:00";
  renamed.delivery_preferences->window_end_local = "11:00";
  auto replaced = store().UpdateCustomer(tenant_, id, renamed, SearchTermsForName(renamed.name));
  ASSERT_TRUE(replaced.ok()) << replaced.status();
  EXPECT_FALSE(replaced->delivery_preferences().no_lift());
  EXPECT_THAT(replaced->preference_tags(), ElementsAre("09:00-11:00送"));
  renamed.delivery_preferences = DeliveryPreferencesDraft{};
  auto cleared = store().UpdateCustomer(tenant_, id, renamed, SearchTermsForName(renamed.name));
  ASSERT_TRUE(cleared.ok()) << cleared.status();
  EXPECT_EQ(cleared->delivery_preferences().window_start_local(), "");
  EXPECT_THAT(cleared->preference_tags(), IsEmpty());

  // A customer created without any has none (and no tags).
  const std::string plain = CreateCustomer("孙七", "13300002222");
  auto plain_customer = store().GetCustomer(tenant_, plain);
  ASSERT_TRUE(plain_customer.ok()) << plain_customer.status();
  EXPECT_THAT(plain_customer->preference_tags(), IsEmpty());
  EXPECT_THAT(plain_customer->delivery_preferences().weekdays(), IsEmpty());
}

}  // namespace
}  // namespace qq::customer
