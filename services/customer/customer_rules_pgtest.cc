// Rules of issue 13 against a real PostgreSQL: lists under a customer answer NOT_FOUND for
// another tenant's customer instead of an empty list; every create honours its
// idempotency scope in its own transaction; tags are renamed and removed on the customers
// carrying them; long mixed-script text reads back unchanged; staff accounts are looked up
// by id within their tenant only, with display names.
#include <gmock/gmock.h>
#include <google/protobuf/util/time_util.h>

#include <pqxx/pqxx>

#include <memory>

#include "services/common/status.h"
#include "services/common/text/utf8_text.h"
#include "services/customer/customer_pgtest_fixture.h"
#include "services/customer/dictionary_store.h"
#include "services/customer/utility_store.h"

namespace qq::customer {
namespace {

namespace v1 = qingquan::customer::v1;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class CustomerRulesPgTest : public CustomerPgTest {
 protected:
  static void SetUpTestSuite() {
    CustomerPgTest::SetUpTestSuite();
    if (testing::PgAdminDsn().empty() || pool_of_suite() == nullptr) return;
    dictionary_ = new DictionaryStore(*pool_of_suite(), *suite_outbox());
    utility_ = new UtilityStore(*pool_of_suite(), *suite_outbox());
  }
  static void TearDownTestSuite() {
    delete dictionary_;
    delete utility_;
    dictionary_ = nullptr;
    utility_ = nullptr;
    CustomerPgTest::TearDownTestSuite();
  }

  DictionaryStore& dictionary() { return *dictionary_; }
  UtilityStore& utility() { return *utility_; }

  // A scope as IdempotencyScopeOf makes it: same key and hash = a retry.
  IdempotencyScope Key(const std::string& operation, const std::string& key,
                       const std::string& hash) {
    return {tenant_, "staff-1", operation, key, hash};
  }

  int CountRows(const std::string& sql, const std::string& param) {
    int n = -1;
    EXPECT_TRUE(pool()
                    .Read([&](pqxx::work& txn) {
                      n = txn.exec_params1(sql, param)[0].as<int>();
                      return absl::OkStatus();
                    })
                    .ok());
    return n;
  }

  std::vector<std::string> TagsOf(const std::string& customer_id) {
    auto c = store().GetCustomer(tenant_, customer_id);
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? std::vector<std::string>(c->tags().begin(), c->tags().end())
                  : std::vector<std::string>{};
  }

 private:
  static PgPool* pool_of_suite() { return CustomerPgTest::suite_pool(); }
  static inline DictionaryStore* dictionary_ = nullptr;
  static inline UtilityStore* utility_ = nullptr;
};

TEST_F(CustomerRulesPgTest, ListsUnderAnotherTenantsCustomerAreNotFound) {
  const std::string mine = CreateCustomer("张三", "13911110001");
  const std::string theirs = CreateCustomer("李四", "13911110002", tenant_ + "-other");
  auto expect_not_found = [](const absl::Status& status, const char* what) {
    EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << what << ": " << status;
    EXPECT_EQ(FieldOf(status), "customerId") << what;
  };
  std::string next;
  expect_not_found(store().ListCommunications(tenant_, theirs, 20, "", &next).status(),
                   "communications");
  expect_not_found(utility().Payments(tenant_, theirs, 20, 0).status(), "payments");
  expect_not_found(ledger().Balances(tenant_, theirs).status(), "balances");
  expect_not_found(ledger().Entries(tenant_, theirs, 20, "", &next).status(), "entries");
  // A deleted customer of our own is gone for lists too.
  const std::string deleted = CreateCustomer("王五", "13911110003");
  ASSERT_TRUE(store().DeleteCustomer(tenant_, deleted).ok());
  expect_not_found(ledger().Balances(tenant_, deleted).status(), "deleted customer's balances");
  // Our own customer with nothing recorded: an empty list, not an error.
  auto none = store().ListCommunications(tenant_, mine, 20, "", &next);
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_THAT(*none, IsEmpty());
  EXPECT_TRUE(utility().Payments(tenant_, mine, 20, 0).ok());
  EXPECT_TRUE(ledger().Balances(tenant_, mine).ok());
  EXPECT_TRUE(ledger().Entries(tenant_, mine, 20, "", &next).ok());
}

TEST_F(CustomerRulesPgTest, CommunicationCreateHonoursItsIdempotencyKey) {
  const std::string id = CreateCustomer("张三", "13911120001");
  v1::Communication record;
  record.set_kind(v1::Communication::CALL_IN);
  // 4000 characters of CJK, ASCII, digits, emoji and full-width forms: 11000+ bytes.
  std::string summary;
  const char* pieces[] = {"更换DN100阀门后恢复供水，", "已通知用户😀", "１２号楼"};
  while (qq::text::CharCount(summary) < 4010) summary += pieces[summary.size() % 3];
  summary = qq::text::TruncateChars(summary, 4000, "");
  ASSERT_EQ(qq::text::CharCount(summary), 4000u);
  record.set_summary(summary);
  *record.mutable_time() = google::protobuf::util::TimeUtil::GetCurrentTime();
  auto first = store().AddCommunication(tenant_, id, record, Key("AddCommunication", "k1", "h1"));
  ASSERT_TRUE(first.ok()) << first.status();
  auto retry = store().AddCommunication(tenant_, id, record, Key("AddCommunication", "k1", "h1"));
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->id(), first->id());
  record.set_summary("另一次通话");
  auto reused = store().AddCommunication(tenant_, id, record, Key("AddCommunication", "k1", "h2"));
  EXPECT_EQ(reused.status().code(), absl::StatusCode::kFailedPrecondition) << reused.status();
  EXPECT_EQ(CountRows("SELECT count(*)::int FROM communications WHERE customer_id = $1", id), 1);
  std::string next;
  auto listed = store().ListCommunications(tenant_, id, 20, "", &next);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->at(0).summary(), summary);  // read back unchanged
}

TEST_F(CustomerRulesPgTest, EveryCreateHonoursItsIdempotencyKey) {
  const std::string id = CreateCustomer("张三", "13911130001");
  // Tag.
  v1::Tag tag;
  tag.set_name("高层无电梯需带小推车下午3点后送偏好大桶水工作日");
  auto tag1 = dictionary().CreateTag(tenant_, tag, Key("CreateTag", "t", "h"));
  auto tag2 = dictionary().CreateTag(tenant_, tag, Key("CreateTag", "t", "h"));
  ASSERT_TRUE(tag1.ok() && tag2.ok()) << tag1.status() << tag2.status();
  EXPECT_EQ(tag1->id(), tag2->id());
  EXPECT_EQ(dictionary().CreateTag(tenant_, tag, Key("CreateTag", "t", "other")).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // Field definition.
  v1::FieldDefinition d;
  d.set_entity(v1::FieldDefinition::CUSTOMER);
  d.set_key("floor");
  d.set_label("楼层");
  d.set_type(v1::FieldDefinition::NUMBER);
  d.set_active(true);
  auto d1 = dictionary().CreateFieldDefinition(tenant_, d, Key("CreateFieldDefinition", "d", "h"));
  auto d2 = dictionary().CreateFieldDefinition(tenant_, d, Key("CreateFieldDefinition", "d", "h"));
  ASSERT_TRUE(d1.ok() && d2.ok()) << d1.status() << d2.status();
  EXPECT_EQ(d1->id(), d2->id());
  // Address.
  AddressDraft address;
  address.text = "城东区 解放路 1 号 ３ 单元";
  auto a1 = store().AddAddress(tenant_, id, address, Key("AddAddress", "a", "h"));
  auto a2 = store().AddAddress(tenant_, id, address, Key("AddAddress", "a", "h"));
  ASSERT_TRUE(a1.ok() && a2.ok()) << a1.status() << a2.status();
  EXPECT_EQ(a1->id(), a2->id());
  EXPECT_EQ(CountRows("SELECT count(*)::int FROM addresses WHERE customer_id = $1", id), 1);
  // Meter, reading, contract.
  v1::Meter meter;
  meter.set_number("SH-2019-0042137-" + tenant_);
  meter.set_caliber_mm(20);
  auto m1 = utility().AddMeter(tenant_, id, meter, Key("AddMeter", "m", "h"));
  auto m2 = utility().AddMeter(tenant_, id, meter, Key("AddMeter", "m", "h"));
  ASSERT_TRUE(m1.ok() && m2.ok()) << m1.status() << m2.status();
  EXPECT_EQ(m1->id(), m2->id());
  auto r1 = utility().RecordReading(tenant_, m1->id(), 12.5, 1790000000000000LL,
                                    Key("RecordMeterReading", "r", "h"));
  ASSERT_TRUE(r1.ok()) << r1.status();
  // A later reading under the same key is a reuse, not a second reading.
  EXPECT_EQ(utility()
                .RecordReading(tenant_, m1->id(), 99, 1790000100000000LL,
                               Key("RecordMeterReading", "r", "other"))
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  auto r2 = utility().RecordReading(tenant_, m1->id(), 12.5, 1790000000000000LL,
                                    Key("RecordMeterReading", "r", "h"));
  ASSERT_TRUE(r2.ok());
  EXPECT_DOUBLE_EQ(r2->last_reading(), 12.5);
  v1::Contract contract;
  contract.set_account_number("31000-" + tenant_);
  contract.set_water_use("居民生活用水");
  auto c1 = utility().AddContract(tenant_, id, contract, Key("AddContract", "c", "h"));
  auto c2 = utility().AddContract(tenant_, id, contract, Key("AddContract", "c", "h"));
  ASSERT_TRUE(c1.ok() && c2.ok()) << c1.status() << c2.status();
  EXPECT_EQ(c1->id(), c2->id());
}

TEST_F(CustomerRulesPgTest, RenamingATagRenamesItOnItsCustomersAndDeletingRemovesIt) {
  v1::Tag afternoon;
  afternoon.set_name("下午3点后送");
  v1::Tag vip;
  vip.set_name("VIP");
  auto t1 = dictionary().CreateTag(tenant_, afternoon);
  auto t2 = dictionary().CreateTag(tenant_, vip);
  ASSERT_TRUE(t1.ok() && t2.ok());
  CustomerDraft draft;
  draft.kind = "PERSON";
  draft.name = "陈晓明";
  draft.channel = "PHONE";
  draft.phones = {"13911140001"};
  draft.tags = {"下午3点后送", "VIP"};
  auto carrier = store().CreateCustomer(tenant_, draft, {}, IdempotencyScope{});
  ASSERT_TRUE(carrier.ok()) << carrier.status();
  // Another tenant's customer with a tag of the same name is not touched.
  v1::Tag theirs;
  theirs.set_name("下午3点后送");
  ASSERT_TRUE(dictionary().CreateTag(tenant_ + "-other", theirs).ok());
  CustomerDraft other = draft;
  other.phones = {"13911140002"};
  other.tags = {"下午3点后送"};
  auto other_carrier = store().CreateCustomer(tenant_ + "-other", other, {}, IdempotencyScope{});
  ASSERT_TRUE(other_carrier.ok());

  v1::Tag renamed = *t1;
  renamed.set_name("工作日下午3点后送😀");
  renamed.set_color("#e4572e");
  auto updated = dictionary().UpdateTag(tenant_, renamed);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_THAT(TagsOf(carrier->id()), ElementsAre("工作日下午3点后送😀", "VIP"));
  auto their_customer = store().GetCustomer(tenant_ + "-other", other_carrier->id());
  ASSERT_TRUE(their_customer.ok());
  EXPECT_THAT(their_customer->tags(), ElementsAre("下午3点后送"));
  auto tags = dictionary().ListTags(tenant_);
  ASSERT_TRUE(tags.ok());
  std::vector<std::string> names;
  for (const auto& t : *tags) names.push_back(t.name());
  EXPECT_THAT(names, UnorderedElementsAre("工作日下午3点后送😀", "VIP"));

  // A name another tag has: ALREADY_EXISTS; an unknown or another tenant's id: NOT_FOUND.
  renamed.set_name("VIP");
  EXPECT_EQ(dictionary().UpdateTag(tenant_, renamed).status().code(),
            absl::StatusCode::kAlreadyExists);
  renamed.set_id(t2->id());
  EXPECT_EQ(dictionary().UpdateTag(tenant_ + "-other", renamed).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(dictionary().DeleteTag(tenant_ + "-other", t2->id()).status().code(),
            absl::StatusCode::kNotFound);

  auto deleted = dictionary().DeleteTag(tenant_, t2->id());
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(deleted->name(), "VIP");
  EXPECT_THAT(TagsOf(carrier->id()), ElementsAre("工作日下午3点后送😀"));
  EXPECT_EQ(dictionary().GetTag(tenant_, t2->id()).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(CustomerRulesPgTest, StaffAccountsAreLookedUpWithinTheirTenant) {
  StaffAccount worker;
  worker.tenant = tenant_;
  worker.username = "worker";
  worker.display_name = "王师傅";
  worker.password_hash = "x";
  worker.roles = {"worker"};
  ASSERT_TRUE(store().EnsureDemoStaffAccount(worker).ok());
  StaffAccount agent = worker;
  agent.username = "agent";
  agent.display_name = "";
  agent.roles = {"agent", "dispatcher"};
  ASSERT_TRUE(store().EnsureDemoStaffAccount(agent).ok());
  StaffAccount stranger = worker;
  stranger.tenant = tenant_ + "-other";
  ASSERT_TRUE(store().EnsureDemoStaffAccount(stranger).ok());
  auto id_of = [&](const std::string& tenant, const std::string& name) {
    auto a = store().FindStaffAccount(tenant, name);
    EXPECT_TRUE(a.ok()) << a.status();
    return a.ok() ? a->id : "";
  };
  const std::string worker_id = id_of(tenant_, "worker");
  const std::string agent_id = id_of(tenant_, "agent");
  const std::string stranger_id = id_of(tenant_ + "-other", "worker");

  auto found = store().LookupStaffAccounts(tenant_, {agent_id, stranger_id, worker_id, agent_id,
                                                     "00000000-0000-0000-0000-000000000000"});
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ(found->at(0).id, agent_id);
  EXPECT_EQ(found->at(0).display_name, "");
  EXPECT_THAT(found->at(0).roles, ElementsAre("agent", "dispatcher"));
  EXPECT_EQ(found->at(1).id, worker_id);
  EXPECT_EQ(found->at(1).display_name, "王师傅");
  EXPECT_EQ(found->at(1).username, "worker");

  // A demo account made before display names existed gets one when the demo data loads.
  ASSERT_TRUE(pool()
                  .Transact([&](pqxx::work& txn) {
                    txn.exec_params("UPDATE qq_auth.users SET display_name = '' WHERE id = $1",
                                    worker_id);
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_TRUE(store().EnsureDemoStaffAccount(worker).ok());
  auto again = store().LookupStaffAccounts(tenant_, {worker_id});
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ(again->at(0).display_name, "王师傅");
}

}  // namespace
}  // namespace qq::customer
