// The prepaid ledger against a real PostgreSQL: balances never go below zero, also when
// many deductions race for the last tickets; entries cannot be changed; deductions and
// reversals happen once.
#include <atomic>
#include <thread>
#include <vector>

#include "services/common/status.h"
#include "services/customer/customer_pgtest_fixture.h"

namespace qq::customer {
namespace {

namespace v1 = qingquan::customer::v1;

class LedgerPgTest : public CustomerPgTest {
 protected:
  v1::LedgerEntry Purchase(const std::string& customer, int64_t tickets, int64_t fen,
                           const std::string& key) {
    LedgerEntryDraft entry{"PURCHASE", "TICKET", "18.9L", {tickets, fen}, "套餐", ""};
    IdempotencyScope scope{tenant_, "staff-1", "PostLedgerEntry", key, "hash-" + key};
    auto posted = ledger().PostEntry(tenant_, customer, entry, "staff-1", scope);
    EXPECT_TRUE(posted.ok()) << posted.status();
    return posted.ok() ? *posted : v1::LedgerEntry();
  }

  v1::LedgerBalance TicketBalance(const std::string& customer) {
    auto balances = ledger().Balances(tenant_, customer);
    EXPECT_TRUE(balances.ok()) << balances.status();
    for (const auto& b : *balances) {
      if (b.asset().kind() == v1::LedgerAsset::TICKET) return b;
    }
    return v1::LedgerBalance();
  }

  // Sum of the entries straight from the table, independent of the balance rows.
  std::pair<int64_t, int64_t> SumOfEntries(const std::string& customer) {
    std::pair<int64_t, int64_t> sum;
    EXPECT_TRUE(pool()
                    .Read([&](pqxx::work& txn) {
                      auto row = txn.exec_params1(
                          "SELECT coalesce(sum(quantity_delta), 0), "
                          "coalesce(sum(amount_fen_delta), 0) FROM ledger_entries "
                          "WHERE customer_id = $1 AND asset_kind = 'TICKET'",
                          customer);
                      sum = {row[0].as<int64_t>(), row[1].as<int64_t>()};
                      return absl::OkStatus();
                    })
                    .ok());
    return sum;
  }
};

TEST_F(LedgerPgTest, ConcurrentDeductionsNeverOverdraw) {
  const std::string customer = CreateCustomer("并发测试", "13900000001");
  Purchase(customer, 10, 18000, "buy-10");
  // 8 threads race 40 deductions of one ticket each, every order distinct.
  constexpr int kThreads = 8, kPerThread = 5;
  std::atomic<int> succeeded{0}, refused{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        auto entry = ledger().DeductForOrder(
            tenant_, customer, "order-" + std::to_string(t * 100 + i), "18.9L", 1, "order-service");
        if (entry.ok()) {
          ++succeeded;
        } else if (entry.status().code() == absl::StatusCode::kFailedPrecondition) {
          ++refused;
        } else {
          ++other;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(succeeded.load(), 10);
  EXPECT_EQ(refused.load(), kThreads * kPerThread - 10);
  EXPECT_EQ(other.load(), 0);
  v1::LedgerBalance balance = TicketBalance(customer);
  EXPECT_EQ(balance.quantity(), 0);
  EXPECT_EQ(balance.amount_fen(), 0);  // the held money goes with the last ticket
  EXPECT_EQ(SumOfEntries(customer), std::make_pair(int64_t{0}, int64_t{0}));
}

TEST_F(LedgerPgTest, ShortBalanceNamesTheBalance) {
  const std::string customer = CreateCustomer("余额不足", "13900000002");
  Purchase(customer, 1, 1800, "buy-1");
  auto entry = ledger().DeductForOrder(tenant_, customer, "order-x", "18.9L", 2, "svc");
  ASSERT_EQ(entry.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(entry.status().message().find("balance of TICKET 18.9L is 1"), std::string::npos)
      << entry.status();
  EXPECT_EQ(TicketBalance(customer).quantity(), 1);
}

TEST_F(LedgerPgTest, DeductionIsOncePerOrderAndRefundIsOnce) {
  const std::string customer = CreateCustomer("幂等", "13900000003");
  Purchase(customer, 10, 18000, "buy");
  auto first = ledger().DeductForOrder(tenant_, customer, "order-1", "18.9L", 2, "svc");
  auto again = ledger().DeductForOrder(tenant_, customer, "order-1", "18.9L", 2, "svc");
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first->id(), again->id());
  EXPECT_EQ(first->amount_fen_delta(), -3600);
  EXPECT_EQ(TicketBalance(customer).quantity(), 8);

  auto refund = ledger().RefundForOrder(tenant_, "order-1", "", "svc");
  auto refund_again = ledger().RefundForOrder(tenant_, "order-1", "", "svc");
  ASSERT_TRUE(refund.ok() && refund_again.ok()) << refund.status() << refund_again.status();
  EXPECT_EQ(refund->id(), refund_again->id());
  EXPECT_EQ(refund->reverses_entry_id(), first->id());
  EXPECT_EQ(TicketBalance(customer).quantity(), 10);
  EXPECT_EQ(TicketBalance(customer).amount_fen(), 18000);

  auto nothing = ledger().RefundForOrder(tenant_, "order-never", "", "svc");
  ASSERT_TRUE(nothing.ok());
  EXPECT_TRUE(nothing->id().empty());
}

TEST_F(LedgerPgTest, RetriedIdempotencyKeyPostsOnce) {
  const std::string customer = CreateCustomer("重试", "13900000004");
  v1::LedgerEntry first = Purchase(customer, 5, 9000, "same-key");
  v1::LedgerEntry second = Purchase(customer, 5, 9000, "same-key");
  EXPECT_EQ(first.id(), second.id());
  EXPECT_EQ(TicketBalance(customer).quantity(), 5);
}

TEST_F(LedgerPgTest, EntriesCannotBeChangedOrDeleted) {
  const std::string customer = CreateCustomer("不可改", "13900000005");
  v1::LedgerEntry entry = Purchase(customer, 5, 9000, "k");
  absl::Status update = pool().Transact([&](pqxx::work& txn) {
    txn.exec_params("UPDATE ledger_entries SET quantity_delta = 500 WHERE id = $1", entry.id());
    return absl::OkStatus();
  });
  EXPECT_FALSE(update.ok());
  absl::Status remove = pool().Transact([&](pqxx::work& txn) {
    txn.exec_params("DELETE FROM ledger_entries WHERE id = $1", entry.id());
    return absl::OkStatus();
  });
  EXPECT_FALSE(remove.ok());
  EXPECT_EQ(TicketBalance(customer).quantity(), 5);
}

TEST_F(LedgerPgTest, ReversalRestoresAndHappensOnce) {
  const std::string customer = CreateCustomer("冲正", "13900000006");
  v1::LedgerEntry purchase = Purchase(customer, 5, 9000, "k");
  auto reversal = ledger().Reverse(tenant_, purchase.id(), "录错了", "finance-1");
  ASSERT_TRUE(reversal.ok()) << reversal.status();
  EXPECT_EQ(reversal->quantity_delta(), -5);
  EXPECT_EQ(reversal->quantity_after(), 0);
  auto again = ledger().Reverse(tenant_, purchase.id(), "录错了", "finance-1");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id(), reversal->id());
  EXPECT_EQ(ledger().Reverse(tenant_, reversal->id(), "x", "f").status().code(),
            absl::StatusCode::kFailedPrecondition);
  // Another tenant sees nothing of it.
  EXPECT_EQ(ledger().Reverse("other-tenant", purchase.id(), "x", "f").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace qq::customer
