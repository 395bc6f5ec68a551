// The customer service's events against a real PostgreSQL: every change leaves exactly
// its outbox rows (customer.created / updated / status_changed / deleted, ledger.posted)
// with the full state in the payload, versions grow, and a change that fails leaves none.
#include <gmock/gmock.h>
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "qingquan/common/v1/events.pb.h"
#include "services/common/status.h"
#include "services/customer/customer_pgtest_fixture.h"
#include "services/customer/dictionary_store.h"
#include "services/customer/domain/import_mapping.h"
#include "services/customer/import_store.h"
#include "services/customer/utility_store.h"

namespace qq::customer {
namespace {

namespace v1 = qingquan::customer::v1;
namespace events = qingquan::common::v1;
using google::protobuf::util::TimeUtil;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

struct OutboxRow {
  std::string stream;
  std::string type;
  std::string aggregate_id;
  std::string payload;

  events::CustomerChanged Customer() const {
    events::CustomerChanged c;
    EXPECT_TRUE(c.ParseFromString(payload)) << type;
    return c;
  }
  events::LedgerPosted Ledger() const {
    events::LedgerPosted e;
    EXPECT_TRUE(e.ParseFromString(payload)) << type;
    return e;
  }
};

class CustomerOutboxPgTest : public CustomerPgTest {
 protected:
  // The tenant's outbox rows after the first `skip`, in order.
  std::vector<OutboxRow> Events(size_t skip = 0) {
    std::vector<OutboxRow> out;
    EXPECT_TRUE(pool()
                    .Read([&](pqxx::work& txn) {
                      out.clear();
                      for (const auto& row : txn.exec_params(
                               "SELECT stream, event_type, aggregate_id, encode(payload, 'hex') "
                               "FROM qq_outbox WHERE tenant_id = $1 ORDER BY seq",
                               tenant_)) {
                        out.push_back({row[0].as<std::string>(), row[1].as<std::string>(),
                                       row[2].as<std::string>(),
                                       absl::HexStringToBytes(row[3].as<std::string>())});
                      }
                      return absl::OkStatus();
                    })
                    .ok());
    out.erase(out.begin(), out.begin() + std::min(skip, out.size()));
    return out;
  }

  std::vector<std::string> TypesOf(const std::vector<OutboxRow>& rows) {
    std::vector<std::string> types;
    for (const auto& r : rows) types.push_back(r.type);
    return types;
  }

  CustomerDraft Draft(const std::string& name, std::vector<std::string> phones) {
    CustomerDraft draft;
    draft.kind = "PERSON";
    draft.name = name;
    draft.channel = "WECHAT_MINI_PROGRAM";
    draft.phones = std::move(phones);
    draft.birthday = "1990-05-17";
    draft.tags = {"VIP", "高层无电梯"};
    return draft;
  }

  absl::StatusOr<v1::LedgerEntry> Post(const std::string& customer, const std::string& kind,
                                       int64_t tickets, int64_t fen, const std::string& key,
                                       const std::string& rule = "") {
    LedgerEntryDraft entry{kind, "TICKET", "18.9L", {tickets, fen}, "测试", ""};
    entry.caused_by_rule = rule;
    IdempotencyScope scope{tenant_, "staff-1", "PostLedgerEntry", key, "hash-" + key};
    return ledger().PostEntry(tenant_, customer, entry, "staff-1", scope);
  }

  void SetLastActivityDaysAgo(const std::string& customer, int days) {
    ASSERT_TRUE(pool()
                    .Transact([&](pqxx::work& txn) {
                      txn.exec_params(
                          "UPDATE customers SET last_activity_at = now() - make_interval(days => "
                          "$2) WHERE id = $1",
                          customer, days);
                      return absl::OkStatus();
                    })
                    .ok());
  }
};

TEST_F(CustomerOutboxPgTest, CreateAppendsTheCustomerInFull) {
  auto created = store().CreateCustomer(tenant_, Draft("单丽", {"13700000001", "02188886666"}),
                                        SearchTermsForName("单丽"), IdempotencyScope{});
  ASSERT_TRUE(created.ok()) << created.status();
  auto rows = Events();
  ASSERT_THAT(TypesOf(rows), ElementsAre("customer.created"));
  EXPECT_EQ(rows[0].stream, "qq:events:customer");
  EXPECT_EQ(rows[0].aggregate_id, created->id());
  events::CustomerChanged c = rows[0].Customer();
  EXPECT_EQ(c.customer_id(), created->id());
  EXPECT_EQ(c.name(), "单丽");
  EXPECT_THAT(c.phones(), ElementsAre("13700000001", "02188886666"));  // plain, in order
  EXPECT_EQ(c.birthday(), "1990-05-17");
  EXPECT_THAT(c.tags(), ElementsAre("VIP", "高层无电梯"));
  EXPECT_EQ(c.status(), "ACTIVE");
  EXPECT_EQ(c.previous_status(), "");
  EXPECT_EQ(c.channel(), "WECHAT_MINI_PROGRAM");
  EXPECT_EQ(c.kind(), "PERSON");
  EXPECT_EQ(c.create_time(), created->create_time());
  EXPECT_EQ(c.last_activity_time(), created->last_activity_time());
  EXPECT_GT(c.version(), 0);
  EXPECT_FALSE(c.deleted());

  // A retry with the same idempotency key publishes nothing more.
  IdempotencyScope once{tenant_, "staff-1", "CreateCustomer", "key-1", "hash-1"};
  ASSERT_TRUE(store().CreateCustomer(tenant_, Draft("王五", {"13700000002"}), {}, once).ok());
  ASSERT_TRUE(store().CreateCustomer(tenant_, Draft("王五", {"13700000002"}), {}, once).ok());
  EXPECT_EQ(Events(1).size(), 1u);
}

TEST_F(CustomerOutboxPgTest, UpdateAndDeleteCarryGrowingVersions) {
  const std::string id = CreateCustomer("张三", "13700000011");
  CustomerDraft changed = Draft("张三丰", {"13700000012"});
  auto updated = store().UpdateCustomer(tenant_, id, changed, SearchTermsForName("张三丰"));
  ASSERT_TRUE(updated.ok()) << updated.status();
  ASSERT_TRUE(store().DeleteCustomer(tenant_, id).ok());

  auto rows = Events();
  ASSERT_THAT(TypesOf(rows),
              ElementsAre("customer.created", "customer.updated", "customer.deleted"));
  events::CustomerChanged created = rows[0].Customer(), update = rows[1].Customer(),
                          deleted = rows[2].Customer();
  EXPECT_EQ(update.name(), "张三丰");
  EXPECT_THAT(update.phones(), ElementsAre("13700000012"));
  EXPECT_THAT(update.tags(), ElementsAre("VIP", "高层无电梯"));
  EXPECT_EQ(update.channel(), "WECHAT_MINI_PROGRAM");
  EXPECT_FALSE(update.deleted());
  EXPECT_TRUE(deleted.deleted());
  EXPECT_EQ(deleted.name(), "张三丰");  // the last state, so a consumer can still name it
  EXPECT_GT(update.version(), created.version());
  EXPECT_GT(deleted.version(), update.version());
}

TEST_F(CustomerOutboxPgTest, FailedChangesLeaveNoEvents) {
  const std::string id = CreateCustomer("李四", "13700000021");
  const size_t before = Events().size();
  // A phone that is someone else's: the create rolls back.
  auto taken =
      store().CreateCustomer(tenant_, Draft("别人", {"13700000021"}), {}, IdempotencyScope{});
  EXPECT_EQ(taken.status().code(), absl::StatusCode::kAlreadyExists);
  // A deduction beyond the balance: refused after the balance row was locked.
  auto short_of_tickets = ledger().DeductForOrder(tenant_, id, "order-1", "18.9L", 3, "order-svc");
  EXPECT_EQ(short_of_tickets.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      store()
          .UpdateCustomer(tenant_, "00000000-0000-0000-0000-000000000000", Draft("无人", {}), {})
          .status()
          .code(),
      absl::StatusCode::kNotFound);
  // An event appended and then rolled back with the rest of its transaction.
  absl::Status rolled_back = pool().Transact([&](pqxx::work& txn) -> absl::Status {
    QQ_RETURN_IF_ERROR(store().RecordActivityIn(
        txn, tenant_, id, TimeUtil::TimestampToMicroseconds(TimeUtil::GetCurrentTime())));
    return absl::AbortedError("changed my mind");
  });
  EXPECT_EQ(rolled_back.code(), absl::StatusCode::kAborted);
  EXPECT_THAT(Events(before), IsEmpty());
}

TEST_F(CustomerOutboxPgTest, LedgerEntriesCarryTheBalanceAfterThem) {
  const std::string id = CreateCustomer("王芳", "13700000031");
  const size_t before = Events().size();
  auto bought = Post(id, "PURCHASE", 10, 18000, "buy");
  ASSERT_TRUE(bought.ok()) << bought.status();
  auto deducted = ledger().DeductForOrder(tenant_, id, "order-7", "18.9L", 2, "service:order");
  ASSERT_TRUE(deducted.ok()) << deducted.status();
  // Repeats post nothing, so they publish nothing.
  ASSERT_TRUE(ledger().DeductForOrder(tenant_, id, "order-7", "18.9L", 2, "service:order").ok());
  auto refunded = ledger().RefundForOrder(tenant_, "order-7", "", "service:order");
  ASSERT_TRUE(refunded.ok()) << refunded.status();
  auto coupon = Post(id, "ADJUSTMENT", 1, 0, "rule-coupon", "rule-birthday");
  ASSERT_TRUE(coupon.ok()) << coupon.status();

  // Each entry also moves the customer's last activity: customer.updated after it.
  auto rows = Events(before);
  ASSERT_THAT(TypesOf(rows), ElementsAre("ledger.posted", "customer.updated", "ledger.posted",
                                         "customer.updated", "ledger.posted", "customer.updated",
                                         "ledger.posted", "customer.updated"));
  events::LedgerPosted purchase = rows[0].Ledger(), deduction = rows[2].Ledger(),
                       reversal = rows[4].Ledger(), by_rule = rows[6].Ledger();
  EXPECT_EQ(rows[0].aggregate_id, id);
  EXPECT_EQ(purchase.entry_id(), bought->id());
  EXPECT_EQ(purchase.customer_id(), id);
  EXPECT_EQ(purchase.kind(), "PURCHASE");
  EXPECT_EQ(purchase.asset_kind(), "TICKET");
  EXPECT_EQ(purchase.product(), "18.9L");
  EXPECT_EQ(purchase.quantity_delta(), 10);
  EXPECT_EQ(purchase.amount_fen_delta(), 18000);
  EXPECT_EQ(purchase.quantity_after(), 10);
  EXPECT_EQ(purchase.amount_fen_after(), 18000);
  EXPECT_EQ(purchase.actor(), "staff-1");
  EXPECT_EQ(purchase.time(), bought->create_time());
  EXPECT_EQ(purchase.caused_by_rule(), "");
  EXPECT_EQ(deduction.kind(), "DELIVERY_DEDUCTION");
  EXPECT_EQ(deduction.order_id(), "order-7");
  EXPECT_EQ(deduction.quantity_delta(), -2);
  EXPECT_EQ(deduction.quantity_after(), 8);
  EXPECT_EQ(deduction.amount_fen_after(), 14400);
  EXPECT_EQ(reversal.kind(), "REVERSAL");
  EXPECT_EQ(reversal.quantity_after(), 10);
  EXPECT_EQ(reversal.amount_fen_after(), 18000);
  EXPECT_EQ(by_rule.caused_by_rule(), "rule-birthday");
  EXPECT_EQ(by_rule.quantity_after(), 11);
  EXPECT_EQ(coupon->caused_by_rule(), "rule-birthday");  // stored with the entry

  int64_t version = 0;
  for (size_t i = 1; i < rows.size(); i += 2) {
    events::CustomerChanged c = rows[i].Customer();
    EXPECT_EQ(c.customer_id(), id);
    EXPECT_THAT(c.phones(), ElementsAre("13700000031"));
    EXPECT_GT(c.version(), version);
    version = c.version();
  }
}

TEST_F(CustomerOutboxPgTest, ActivityOfASilentCustomerChangesItsStatus) {
  const std::string id = CreateCustomer("赵六", "13700000041");
  SetLastActivityDaysAgo(id, 200);
  const size_t before = Events().size();
  auto record = [&](const google::protobuf::Duration& ago) {
    return pool().Transact([&](pqxx::work& txn) {
      return store().RecordActivityIn(
          txn, tenant_, id, TimeUtil::TimestampToMicroseconds(TimeUtil::GetCurrentTime() - ago));
    });
  };
  // An order of 300 days ago is older than the last activity: nothing moves.
  ASSERT_TRUE(record(TimeUtil::HoursToDuration(300 * 24)).ok());
  EXPECT_THAT(Events(before), IsEmpty());
  // An order of 100 days ago: still silent, but the last activity moved.
  ASSERT_TRUE(record(TimeUtil::HoursToDuration(100 * 24)).ok());
  // An order today: active again.
  ASSERT_TRUE(record(TimeUtil::SecondsToDuration(1)).ok());
  auto rows = Events(before);
  ASSERT_THAT(TypesOf(rows), ElementsAre("customer.updated", "customer.status_changed"));
  EXPECT_EQ(rows[0].Customer().status(), "SILENT");
  EXPECT_EQ(rows[0].Customer().previous_status(), "");
  events::CustomerChanged changed = rows[1].Customer();
  EXPECT_EQ(changed.status(), "ACTIVE");
  EXPECT_EQ(changed.previous_status(), "SILENT");
  EXPECT_GT(changed.version(), rows[0].Customer().version());
  auto stored = store().GetCustomer(tenant_, id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(changed.last_activity_time(), stored->last_activity_time());

  // A communication record counts as activity too.
  SetLastActivityDaysAgo(id, 400);
  v1::Communication call;
  call.set_kind(v1::Communication::CALL_IN);
  call.set_summary("回访");
  *call.mutable_time() = TimeUtil::GetCurrentTime();
  call.set_staff_id("staff-1");
  ASSERT_TRUE(store().AddCommunication(tenant_, id, call).ok());
  rows = Events(before + 2);
  ASSERT_THAT(TypesOf(rows), ElementsAre("customer.status_changed"));
  EXPECT_EQ(rows[0].Customer().previous_status(), "CHURNED");
}

TEST_F(CustomerOutboxPgTest, AddressAreaChangesOfTheFirstAddressAreUpdates) {
  const std::string id = CreateCustomer("钱七", "13700000051");
  AddressDraft first;
  first.text = "城东区 张杨路 1 号";
  first.lat = 31.2;
  first.lng = 121.5;
  auto a1 = store().AddAddress(tenant_, id, first);
  ASSERT_TRUE(a1.ok()) << a1.status();
  AddressDraft second = first;
  second.text = "城西区 2 号";
  second.lat = 31.1;
  auto a2 = store().AddAddress(tenant_, id, second);
  ASSERT_TRUE(a2.ok()) << a2.status();
  const size_t before = Events().size();
  EXPECT_EQ(before, 1u);  // new addresses have no area yet: nothing changed

  ASSERT_TRUE(store().SetAddressArea(tenant_, a1->id(), 31.2, 121.5, {"area-east", "城东区"}).ok());
  ASSERT_TRUE(store().SetAddressArea(tenant_, a2->id(), 31.1, 121.5, {"area-west", "城西区"}).ok());
  // The same answer again (a re-resolution after area.changed): no change, no event.
  ASSERT_TRUE(store().SetAddressArea(tenant_, a1->id(), 31.2, 121.5, {"area-east", "城东区"}).ok());
  ASSERT_TRUE(store().DeleteAddress(tenant_, id, a1->id()).ok());
  auto rows = Events(before);
  ASSERT_THAT(TypesOf(rows), ElementsAre("customer.updated", "customer.updated"));
  EXPECT_EQ(rows[0].Customer().area_id(), "area-east");
  EXPECT_EQ(rows[1].Customer().area_id(), "area-west");  // the second became first
  EXPECT_GT(rows[1].Customer().version(), rows[0].Customer().version());
}

TEST_F(CustomerOutboxPgTest, TagRenameAndDeleteUpdateEveryCarrier) {
  DictionaryStore dictionary(pool(), outbox());
  v1::Tag tag;
  tag.set_name("VIP");
  auto created = dictionary.CreateTag(tenant_, tag, IdempotencyScope{});
  ASSERT_TRUE(created.ok()) << created.status();
  auto carrier = [&](const std::string& name, const std::string& phone) {
    auto c = store().CreateCustomer(tenant_, Draft(name, {phone}), {}, IdempotencyScope{});
    EXPECT_TRUE(c.ok()) << c.status();
    return c.ok() ? c->id() : "";
  };
  const std::string a = carrier("甲", "13700000061");
  const std::string b = carrier("乙", "13700000062");
  CreateCustomer("丙", "13700000063");  // no tags
  const size_t before = Events().size();
  v1::Tag renamed = *created;
  renamed.set_name("贵宾");
  ASSERT_TRUE(dictionary.UpdateTag(tenant_, renamed).ok());
  ASSERT_TRUE(dictionary.DeleteTag(tenant_, created->id()).ok());
  auto rows = Events(before);
  ASSERT_THAT(TypesOf(rows), ElementsAre("customer.updated", "customer.updated", "customer.updated",
                                         "customer.updated"));
  std::vector<std::string> ids;
  for (const auto& r : rows) ids.push_back(r.aggregate_id);
  std::vector<std::string> expected = {a, b};
  std::sort(expected.begin(), expected.end());
  EXPECT_THAT(ids, ElementsAre(expected[0], expected[1], expected[0], expected[1]));
  EXPECT_THAT(rows[0].Customer().tags(), ElementsAre("贵宾", "高层无电梯"));
  EXPECT_THAT(rows[2].Customer().tags(), ElementsAre("高层无电梯"));
  EXPECT_GT(rows[2].Customer().version(), rows[0].Customer().version());
}

TEST_F(CustomerOutboxPgTest, ImportedCustomersAndOpeningTicketsArePublished) {
  ImportStore imports(pool(), cipher(), outbox());
  std::vector<ImportedRow> rows(3);
  std::vector<NewImportedCustomer> batch;
  for (int i = 0; i < 3; ++i) {
    rows[i].row = i + 2;
    rows[i].draft.kind = "PERSON";
    rows[i].draft.name = "导入" + std::to_string(i);
    rows[i].draft.channel = "IMPORT";
    rows[i].draft.phones = {"1370000007" + std::to_string(i)};
    rows[i].draft.tags = {"VIP"};
    rows[i].tickets = i == 1 ? 20 : 0;
  }
  for (const auto& row : rows) batch.push_back({&row, SearchTermsForName(row.draft.name)});
  ASSERT_TRUE(imports.CopyNewCustomers(tenant_, "staff-1", "客户.xlsx", batch).ok());

  auto events = Events();
  ASSERT_THAT(TypesOf(events), ElementsAre("customer.created", "customer.created", "ledger.posted",
                                           "customer.created"));
  auto owners = imports.PhoneOwners(tenant_, {"13700000071"});
  ASSERT_TRUE(owners.ok());
  const std::string second = owners->at("13700000071");
  events::CustomerChanged c = events[1].Customer();
  EXPECT_EQ(c.customer_id(), second);
  EXPECT_EQ(c.name(), "导入1");
  EXPECT_THAT(c.phones(), ElementsAre("13700000071"));
  EXPECT_THAT(c.tags(), ElementsAre("VIP"));
  EXPECT_EQ(c.channel(), "IMPORT");
  EXPECT_EQ(c.status(), "ACTIVE");
  // What was published is what was stored.
  auto stored = store().GetCustomer(tenant_, second);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(c.create_time(), stored->create_time());
  EXPECT_EQ(c.last_activity_time(), stored->last_activity_time());
  events::LedgerPosted tickets = events[2].Ledger();
  EXPECT_EQ(tickets.customer_id(), second);
  EXPECT_EQ(tickets.quantity_after(), 20);
  EXPECT_EQ(tickets.kind(), "ADJUSTMENT");
  auto entries = ledger().Entries(tenant_, second, 10, "", nullptr);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ(tickets.entry_id(), entries->front().id());
  // A later change of an imported customer has a higher version.
  ASSERT_TRUE(store().UpdateCustomer(tenant_, second, Draft("导入一", {"13700000071"}), {}).ok());
  EXPECT_GT(Events(4).front().Customer().version(), c.version());
}

TEST_F(CustomerOutboxPgTest, PaymentsMoveActivityWithAnEvent) {
  UtilityStore utility(pool(), outbox());
  const std::string id = CreateCustomer("孙八", "13700000081");
  v1::Contract contract;
  contract.set_account_number("ACC-" + tenant_);
  ASSERT_TRUE(utility.AddContract(tenant_, id, contract).ok());
  SetLastActivityDaysAgo(id, 100);
  const size_t before = Events().size();
  v1::PaymentRecord payment;
  payment.set_source("billing");
  payment.set_record_id("r-1");
  payment.set_account_number(contract.account_number());
  payment.set_amount_fen(5000);
  *payment.mutable_paid_time() = TimeUtil::GetCurrentTime();
  auto result = utility.IngestPayment(tenant_, payment, "hash");
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->outcome(), v1::PaymentResult::ACCEPTED);
  auto rows = Events(before);
  ASSERT_THAT(TypesOf(rows), ElementsAre("customer.status_changed"));
  EXPECT_EQ(rows[0].Customer().previous_status(), "SILENT");
}

}  // namespace
}  // namespace qq::customer
