// Test fixture of the customer tests against a real PostgreSQL (test code only): a
// scratch database per suite from QQ_TEST_PG_ADMIN_DSN, migrated, dropped at the end.
// Without the variable every test is skipped. Each test works in a tenant of its own.
#pragma once

#include <unistd.h>

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "services/common/migrations.h"
#include "services/common/pg_pool.h"
#include "services/common/testing/require_stack.h"
#include "services/common/testing/scratch_database.h"
#include "services/customer/customer_outbox.h"
#include "services/customer/customer_store.h"
#include "services/customer/domain/pii_cipher.h"
#include "services/customer/domain/search_query.h"
#include "services/customer/ledger_store.h"

namespace qq::customer {

inline constexpr char kTestPiiKeys[] =
    "k2:2222222222222222222222222222222222222222222222222222222222222222,"
    "k1:1111111111111111111111111111111111111111111111111111111111111111";

class CustomerPgTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (testing::PgAdminDsn().empty()) return;
    auto db = testing::ScratchDatabase::Create("qq_customer_test_" + std::to_string(getpid()),
                                               {"pgcrypto", "pg_trgm"});
    if (!db.ok()) {
      setup_error_ = db.status().ToString();
      return;
    }
    database_ = new testing::ScratchDatabase(std::move(*db));
    absl::Status migrated =
        ApplyServiceMigrations(database_->dsn(), "customer", customer_migrations());
    if (!migrated.ok()) {
      setup_error_ = migrated.ToString();
      return;
    }
    auto pool = PgPool::Connect(database_->dsn(), 8);
    if (!pool.ok()) {
      setup_error_ = pool.status().ToString();
      return;
    }
    pool_ = std::move(*pool).release();
    cipher_ = new PiiCipher(*PiiCipher::FromConfig(kTestPiiKeys));
    outbox_ = new CustomerOutbox(*pool_, *cipher_, nullptr);
    store_ = new CustomerStore(*pool_, *cipher_, *outbox_);
    ledger_ = new LedgerStore(*pool_, *outbox_);
  }

  static void TearDownTestSuite() {
    delete ledger_;
    delete store_;
    delete outbox_;
    delete cipher_;
    delete pool_;
    delete database_;  // drops it
    ledger_ = nullptr;
    store_ = nullptr;
    outbox_ = nullptr;
    cipher_ = nullptr;
    pool_ = nullptr;
    database_ = nullptr;
  }

  void SetUp() override {
    if (testing::PgAdminDsn().empty()) {
      QQ_SKIP_WITHOUT_STACK("QQ_TEST_PG_ADMIN_DSN (a PostgreSQL superuser DSN)");
    }
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
    tenant_ = std::string("t-") + ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }

  // Creates a customer with one phone; returns its id.
  std::string CreateCustomer(const std::string& name, const std::string& phone,
                             const std::string& tenant = "") {
    CustomerDraft draft;
    draft.kind = "PERSON";
    draft.name = name;
    draft.channel = "PHONE";
    if (!phone.empty()) draft.phones = {phone};
    auto customer = store().CreateCustomer(tenant.empty() ? tenant_ : tenant, draft,
                                           SearchTermsForName(name), IdempotencyScope{});
    EXPECT_TRUE(customer.ok()) << customer.status();
    return customer.ok() ? customer->id() : "";
  }

  CustomerStore& store() { return *store_; }
  LedgerStore& ledger() { return *ledger_; }
  PgPool& pool() { return *pool_; }
  const PiiCipher& cipher() { return *cipher_; }
  CustomerOutbox& outbox() { return *outbox_; }

  std::string tenant_;

  // The suite's pool (null without a database), for fixtures that build more stores on it
  // in their own SetUpTestSuite.
  static PgPool* suite_pool() { return pool_; }
  static CustomerOutbox* suite_outbox() { return outbox_; }

 private:
  static inline testing::ScratchDatabase* database_ = nullptr;
  static inline PgPool* pool_ = nullptr;
  static inline PiiCipher* cipher_ = nullptr;
  static inline CustomerOutbox* outbox_ = nullptr;
  static inline CustomerStore* store_ = nullptr;
  static inline LedgerStore* ledger_ = nullptr;
  static inline std::string setup_error_;
};

}  // namespace qq::customer
