// The order store against a real PostgreSQL: SLA clocks stored with each work order, the
// scheduler's warnings, breaches and escalations (once, under one lock), the pool and the
// to-do list. A scratch database per run (QQ_TEST_PG_ADMIN_DSN); skipped without it.
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include "services/common/migrations.h"
#include "services/common/pg_pool.h"
#include "services/common/redis_client.h"
#include "services/common/status.h"
#include "services/common/testing/require_stack.h"
#include "services/common/testing/scratch_database.h"
#include "services/order/delivery_store.h"
#include "services/order/order_numbers.h"
#include "services/order/order_store.h"
#include "services/order/sla_store.h"
#include "services/order/standing_order_store.h"
#include "services/order/todo_store.h"
#include "services/order/workflow_store.h"

namespace qq::order {
namespace {

namespace v1 = qingquan::order::v1;

class OrderStorePgTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (testing::PgAdminDsn().empty()) return;
    auto db = testing::CreateMigratedDatabase("qq_order_test_" + std::to_string(getpid()),
                                              {"pgcrypto"}, "order", order_migrations());
    if (!db.ok()) {
      setup_error_ = db.status().ToString();
      return;
    }
    database_ = new testing::MigratedDatabase(std::move(*db));
    pool_ = database_->pool.get();
  }

  static void TearDownTestSuite() {
    pool_ = nullptr;
    delete database_;  // closes the pool, drops the database
    database_ = nullptr;
  }

  void SetUp() override {
    if (testing::PgAdminDsn().empty()) {
      QQ_SKIP_WITHOUT_STACK("QQ_TEST_PG_ADMIN_DSN");
    }
    ASSERT_TRUE(setup_error_.empty()) << setup_error_;
    tenant_ = std::string("t-") + ::testing::UnitTest::GetInstance()->current_test_info()->name();
    workflows_ = std::make_unique<WorkflowStore>(*pool_);
    sla_ = std::make_unique<SlaSettingsStore>(*pool_);
    numbers_ = std::make_unique<OrderNumbers>(*pool_, nullptr);
    store_ = std::make_unique<OrderStore>(*pool_, *workflows_, *sla_, *numbers_);
    todos_ = std::make_unique<TodoStore>(*pool_);
  }

  WorkOrder Create(v1::WorkOrder::Type type, v1::WorkOrder::Urgency urgency,
                   const std::string& description = "水管爆裂") {
    WorkOrderDraft draft{.type = type,
                         .channel = v1::PHONE,
                         .urgency = urgency,
                         .customer_id = "6f1c7a9e-4f1b-4c55-9d7e-2d7f0c1b8a11",
                         .description = description};
    CustomerSnapshot customer{.name = "张三", .contact_phone = "13912345678"};
    auto created = store_->CreateWorkOrder(tenant_, "agent-1", draft, customer, {});
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? *created : WorkOrder();
  }

  // Moves the order's creation (and so its clocks) `ago` into the past and makes its
  // next check due now, as if that time had passed.
  void Age(const std::string& id, absl::Duration ago) {
    ASSERT_TRUE(pool_
                    ->Transact([&](pqxx::work& txn) {
                      txn.exec_params(
                          "UPDATE work_orders SET created_at = created_at - "
                          "  make_interval(secs => $2), sla_next_check_at = now() "
                          "WHERE id = $1",
                          id, absl::ToDoubleSeconds(ago));
                      return absl::OkStatus();
                    })
                    .ok());
  }

  std::vector<std::string> OutboxTypes(const std::string& id) {
    std::vector<std::string> types;
    EXPECT_TRUE(pool_
                    ->Read([&](pqxx::work& txn) {
                      for (const auto& r : txn.exec_params(
                               "SELECT event_type FROM qq_outbox WHERE aggregate_id = $1 "
                               "  AND event_type LIKE 'sla.%' ORDER BY seq",
                               id)) {
                        types.push_back(r[0].as<std::string>());
                      }
                      return absl::OkStatus();
                    })
                    .ok());
    return types;
  }

  absl::StatusOr<WorkOrder> Step(const std::string& id, const std::string& transition,
                                 const std::string& actor, TransitionInput input = {}) {
    Identity who{tenant_, actor, actor, {"admin"}};
    return store_->ChangeWorkOrder(
        tenant_, id,
        [&](const WorkOrder& current, const Workflow& wf) -> absl::StatusOr<WorkOrderChange> {
          QQ_ASSIGN_OR_RETURN(const WorkflowTransition* t,
                              CheckTransition(wf, {current.state(), current.assignee_id()},
                                              transition, who, input));
          WorkOrderChange c{.to = t->to(), .transition = t->name(), .actor = actor};
          c.comment = input.comment;
          if (t->assigns()) c.assignee_id = input.assignee_id.empty() ? actor : input.assignee_id;
          if (!input.result.empty()) c.result = input.result;
          c.mark_resolved = t->resolves();
          c.reopen = t->reopens();
          c.closes = t->cancels();
          c.event_type = TransitionEventType(wf, *t);
          return c;
        });
  }

  static inline testing::MigratedDatabase* database_ = nullptr;
  static inline PgPool* pool_ = nullptr;
  static inline std::string setup_error_;
  std::string tenant_;
  std::unique_ptr<WorkflowStore> workflows_;
  std::unique_ptr<SlaSettingsStore> sla_;
  std::unique_ptr<OrderNumbers> numbers_;
  std::unique_ptr<OrderStore> store_;
  std::unique_ptr<TodoStore> todos_;
};

absl::Time TimeOf(const google::protobuf::Timestamp& t) {
  return absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
}

TEST_F(OrderStorePgTest, DeadlinesAreStoredWithTheOrder) {
  WorkOrder wo = Create(v1::WorkOrder::REPAIR, v1::WorkOrder::URGENT);
  // Urgent repairs count around the clock: respond within 1 h, resolve within 8 h.
  EXPECT_EQ(TimeOf(wo.response_due_time()) - TimeOf(wo.create_time()), absl::Hours(1));
  EXPECT_EQ(TimeOf(wo.resolve_due_time()) - TimeOf(wo.create_time()), absl::Hours(8));
  EXPECT_FALSE(wo.sla_paused());
}

TEST_F(OrderStorePgTest, OverdueOrdersAreEscalatedOnceUnderOneScheduler) {
  WorkOrder wo = Create(v1::WorkOrder::REPAIR, v1::WorkOrder::CRITICAL);
  // Critical: 30 min to respond, 4 h to resolve; 7 h later the leader's step (at the
  // deadline) and the manager's (two hours after it) are both due.
  Age(wo.id(), absl::Hours(7));

  // While another replica holds the scheduler lock this one does nothing.
  std::atomic<bool> holding{false}, release{false};
  std::thread other([&] {
    (void)pool_->Transact([&](pqxx::work& txn) {
      txn.exec("SELECT pg_advisory_xact_lock(hashtext('qq:order:sla-scheduler'))");
      holding = true;
      while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(5));
      return absl::OkStatus();
    });
  });
  while (!holding) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  auto blocked = store_->RunSlaChecks(100);
  release = true;
  other.join();
  ASSERT_TRUE(blocked.ok()) << blocked.status();
  EXPECT_EQ(blocked->looked_at, 0);
  EXPECT_TRUE(OutboxTypes(wo.id()).empty());

  auto ran = store_->RunSlaChecks(100);
  ASSERT_TRUE(ran.ok()) << ran.status();
  EXPECT_GE(ran->looked_at, 1);
  EXPECT_EQ(ran->failed, 0);
  EXPECT_EQ(OutboxTypes(wo.id()),
            (std::vector<std::string>{"sla.breached", "sla.breached", "sla.escalated",
                                      "sla.escalated"}));  // response, resolution, L1, L2
  // A second pass sends nothing again.
  ASSERT_TRUE(store_->RunSlaChecks(100).ok());
  EXPECT_EQ(OutboxTypes(wo.id()).size(), 4u);

  auto got = store_->GetWorkOrder(tenant_, wo.id());
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->escalation_level(), 2);
  int sla_entries = 0;
  for (const auto& e : got->timeline()) sla_entries += e.actor() == "system:sla";
  EXPECT_EQ(sla_entries, 4);

  // The leader and the manager each have an escalation to-do; the agent has none.
  auto leader = todos_->ListFor(tenant_, "leader-1", {"leader"}, 20, "");
  ASSERT_TRUE(leader.ok()) << leader.status();
  ASSERT_EQ(leader->todos.size(), 1u);
  EXPECT_EQ(leader->todos[0].kind(), Todo::ESCALATION);
  EXPECT_EQ(leader->todos[0].number(), wo.number());
  EXPECT_TRUE(leader->todos[0].overdue());
  auto manager = todos_->ListFor(tenant_, "manager-1", {"manager"}, 20, "");
  ASSERT_EQ(manager->todos.size(), 1u);
  EXPECT_EQ(todos_->ListFor(tenant_, "agent-1", {"agent"}, 20, "")->todos.size(), 0u);
  auto done = todos_->Complete(tenant_, leader->todos[0].id(), "leader-1", {"leader"}, "已督办");
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_TRUE(todos_->ListFor(tenant_, "leader-1", {"leader"}, 20, "")->todos.empty());
  EXPECT_EQ(
      todos_->Complete(tenant_, leader->todos[0].id(), "leader-1", {"leader"}, "").status().code(),
      absl::StatusCode::kNotFound);
}

// One order whose escalation cannot be written (a to-do insert fails, as a title cut inside
// a character once did) must not hold up the others: it is postponed with its error, and
// the other tenant's overdue order is escalated in the same pass.
TEST_F(OrderStorePgTest, APoisonedOrderIsPostponedAndTheOthersAreStillChecked) {
  auto exec = [&](const std::string& sql) {
    ASSERT_TRUE(pool_
                    ->Transact([&](pqxx::work& txn) {
                      txn.exec(sql);
                      return absl::OkStatus();
                    })
                    .ok())
        << sql;
  };
  exec(
      "CREATE OR REPLACE FUNCTION qq_test_poison() RETURNS trigger AS $$ BEGIN "
      "IF NEW.title LIKE '%POISON%' THEN RAISE EXCEPTION 'poisoned to-do'; END IF; "
      "RETURN NEW; END $$ LANGUAGE plpgsql");
  exec(
      "CREATE TRIGGER qq_test_poison BEFORE INSERT ON todos FOR EACH ROW "
      "EXECUTE FUNCTION qq_test_poison()");
  WorkOrder poisoned = Create(v1::WorkOrder::REPAIR, v1::WorkOrder::CRITICAL, "POISON 水管爆裂");
  const std::string poisoned_tenant = tenant_;
  tenant_ += "-other";
  // 30 characters, 80 bytes: the to-do title quotes it cut by characters.
  WorkOrder healthy = Create(v1::WorkOrder::REPAIR, v1::WorkOrder::CRITICAL,
                             "更换DN100阀门后恢复供水，已通知用户并清理现场，明日回访"
                             "更换DN100阀门后恢复供水，已通知用户并清理现场，明日回访💧");
  Age(poisoned.id(), absl::Hours(7));
  Age(healthy.id(), absl::Hours(7));

  auto pass = store_->RunSlaChecks(100);
  exec("DROP TRIGGER qq_test_poison ON todos");
  ASSERT_TRUE(pass.ok()) << pass.status();
  EXPECT_EQ(pass->failed, 1);
  EXPECT_EQ(OutboxTypes(poisoned.id()).size(), 0u);  // rolled back to its savepoint
  EXPECT_EQ(OutboxTypes(healthy.id()).size(), 4u);
  auto leader = todos_->ListFor(tenant_, "leader-1", {"leader"}, 20, "");
  ASSERT_TRUE(leader.ok()) << leader.status();
  ASSERT_EQ(leader->todos.size(), 1u);
  EXPECT_NE(leader->todos[0].title().find("更换DN100阀门后"), std::string::npos);
  EXPECT_NE(leader->todos[0].title().find("…"), std::string::npos);

  // The failure is on the row, and its next check is later, not now.
  ASSERT_TRUE(pool_
                  ->Read([&](pqxx::work& txn) {
                    pqxx::row r = txn.exec_params1(
                        "SELECT sla_check_failures, sla_check_error, "
                        "  sla_next_check_at > now() + interval '30 seconds' "
                        "FROM work_orders WHERE tenant_id = $1 AND id = $2",
                        poisoned_tenant, poisoned.id());
                    EXPECT_EQ(r[0].as<int>(), 1);
                    EXPECT_NE(r[1].as<std::string>(), "");
                    EXPECT_TRUE(r[2].as<bool>());
                    return absl::OkStatus();
                  })
                  .ok());
  // Once the cause is gone, the postponed order is checked like any other.
  Age(poisoned.id(), absl::Hours(7));
  auto again = store_->RunSlaChecks(100);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->failed, 0);
  EXPECT_EQ(OutboxTypes(poisoned.id()).size(), 4u);
}

TEST_F(OrderStorePgTest, WaitingForTheCustomerPausesTheClocksOnTheTimeline) {
  WorkOrder wo = Create(v1::WorkOrder::REPAIR, v1::WorkOrder::URGENT);
  ASSERT_TRUE(Step(wo.id(), "dispatch", "system:dispatch").ok());
  ASSERT_TRUE(Step(wo.id(), "accept", "worker-1").ok());
  auto waiting = Step(wo.id(), "wait_customer", "worker-1", {.comment = "客户不在家"});
  ASSERT_TRUE(waiting.ok()) << waiting.status();
  EXPECT_TRUE(waiting->sla_paused());
  EXPECT_FALSE(waiting->has_resolve_due_time());
  EXPECT_EQ(waiting->timeline().rbegin()->comment(), "SLA 暂停: 等待中不计时");
  EXPECT_TRUE(waiting->has_accept_time());  // the worker's accept was the response

  auto resumed = Step(wo.id(), "resume", "worker-1");
  ASSERT_TRUE(resumed.ok()) << resumed.status();
  EXPECT_FALSE(resumed->sla_paused());
  EXPECT_GE(TimeOf(resumed->resolve_due_time()), TimeOf(wo.resolve_due_time()));
  EXPECT_NE(resumed->timeline().rbegin()->comment().find("SLA 恢复计时"), std::string::npos);
}

TEST_F(OrderStorePgTest, ThePoolListsOpenUntakenOrdersMostUrgentFirst) {
  WorkOrder enquiry = Create(v1::WorkOrder::ENQUIRY, v1::WorkOrder::NORMAL, "咨询水价");
  WorkOrder critical = Create(v1::WorkOrder::REPAIR, v1::WorkOrder::CRITICAL, "主管爆裂");
  WorkOrder taken = Create(v1::WorkOrder::REPAIR, v1::WorkOrder::URGENT, "水表漏水");
  WorkOrder follow_up = Create(v1::WorkOrder::FOLLOW_UP, v1::WorkOrder::NORMAL, "回访");
  ASSERT_TRUE(Step(taken.id(), "assign", "leader-1", {.assignee_id = "worker-7"}).ok());
  ASSERT_TRUE(Step(follow_up.id(), "cancel", "agent-1", {.comment = "重复"}).ok());

  auto pool = store_->ListPool(tenant_, {}, 10, "");
  ASSERT_TRUE(pool.ok()) << pool.status();
  std::vector<std::string> numbers;
  for (const auto& wo : pool->work_orders) numbers.push_back(wo.number());
  EXPECT_EQ(numbers, (std::vector<std::string>{critical.number(), enquiry.number()}));
  auto repairs = store_->ListPool(tenant_, {.type = "REPAIR"}, 10, "");
  ASSERT_EQ(repairs->work_orders.size(), 1u);
  auto page = store_->ListPool(tenant_, {}, 1, "");
  ASSERT_EQ(page->work_orders.size(), 1u);
  auto next = store_->ListPool(tenant_, {}, 1, page->next_page_token);
  EXPECT_EQ(next->work_orders[0].number(), enquiry.number());
  EXPECT_EQ(store_->ListPool(tenant_, {}, 1, "garbage").status().code(),
            absl::StatusCode::kInvalidArgument);

  // The worker's own list has the order assigned to them.
  auto mine = todos_->ListFor(tenant_, "worker-7", {"worker"}, 20, "");
  ASSERT_TRUE(mine.ok()) << mine.status();
  ASSERT_EQ(mine->todos.size(), 1u);
  EXPECT_EQ(mine->todos[0].kind(), Todo::WORK_ORDER);
  EXPECT_EQ(mine->todos[0].order_id(), taken.id());
}

TEST_F(OrderStorePgTest, ResolvingOffersASurveyAndAFollowUp) {
  WorkOrder wo = Create(v1::WorkOrder::COMPLAINT, v1::WorkOrder::NORMAL, "水压低");
  ASSERT_TRUE(Step(wo.id(), "accept", "agent-1").ok());
  auto resolved = Step(wo.id(), "resolve", "agent-1", {.result = "已调整加压泵"});
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  auto follow_ups = todos_->ListFor(tenant_, "agent-2", {"agent"}, 20, "");
  ASSERT_TRUE(follow_ups.ok());
  ASSERT_EQ(follow_ups->todos.size(), 1u);
  EXPECT_EQ(follow_ups->todos[0].kind(), Todo::FOLLOW_UP);
  int surveys = 0;
  ASSERT_TRUE(pool_
                  ->Read([&](pqxx::work& txn) {
                    surveys = txn.exec_params(
                                     "SELECT count(*) FROM qq_outbox WHERE "
                                     "aggregate_id = $1 AND event_type = 'survey.offered'",
                                     wo.id())[0][0]
                                  .as<int>();
                    return absl::OkStatus();
                  })
                  .ok());
  EXPECT_EQ(surveys, 1);
}

TEST_F(OrderStorePgTest, ACounterThatLostItsLastBumpsHealsItself) {
  WorkOrder first = Create(v1::WorkOrder::ENQUIRY, v1::WorkOrder::NORMAL, "一");
  WorkOrder second = Create(v1::WorkOrder::ENQUIRY, v1::WorkOrder::NORMAL, "二");
  // As after a crash that lost the counter's unflushed bumps: it hands out "two" again.
  ASSERT_TRUE(pool_
                  ->Transact([&](pqxx::work& txn) {
                    txn.exec_params(
                        "UPDATE work_order_counters SET last = last - 1 WHERE tenant_id = $1",
                        tenant_);
                    return absl::OkStatus();
                  })
                  .ok());
  WorkOrder third = Create(v1::WorkOrder::ENQUIRY, v1::WorkOrder::NORMAL, "三");
  ASSERT_FALSE(third.id().empty());
  EXPECT_NE(third.number(), second.number());
  EXPECT_EQ(third.number().substr(0, 12), first.number().substr(0, 12));  // WO-YYYYMMDD-
  EXPECT_EQ(std::stoi(third.number().substr(12)), std::stoi(second.number().substr(12)) + 1);
}

// Two generators (replicas, or one restarted mid-way) working on the same standing order:
// the lease hands the occurrence to one; even past the lease, the guard on the delivery
// day and the unique index leave exactly one order per day.
TEST_F(OrderStorePgTest, AStandingOrderDayGetsExactlyOneOrder) {
  DeliveryStore deliveries(*pool_, *workflows_, *sla_, *numbers_);
  StandingOrderStore standing(*pool_);
  StandingOrder spec;
  spec.set_channel(v1::PHONE);
  spec.set_customer_id("6f1c7a9e-4f1b-4c55-9d7e-2d7f0c1b8a11");
  auto* item = spec.add_items();
  item->set_product("18.9L");
  item->set_quantity(2);
  spec.set_payment(v1::DeliveryOrder::CASH);
  spec.mutable_recurrence()->set_frequency(Recurrence::DAILY);
  const absl::TimeZone utc = absl::UTCTimeZone();
  const absl::CivilDay today = absl::ToCivilDay(absl::Now(), utc);
  auto schedule = CheckStandingSchedule(spec, today);
  ASSERT_TRUE(schedule.ok()) << schedule.status();
  const Occurrence first = OccurrenceOn(*schedule, today + 1, utc);  // due: created today
  auto created = standing.Create(tenant_, "agent-1", spec, first, {});
  ASSERT_TRUE(created.ok()) << created.status();

  auto claimed = standing.ClaimDue(100, absl::Minutes(2));
  ASSERT_TRUE(claimed.ok()) << claimed.status();
  int mine = 0;
  for (const auto& due : *claimed) mine += due.order.id() == created->id();
  EXPECT_EQ(mine, 1);
  auto again = standing.ClaimDue(100, absl::Minutes(2));
  ASSERT_TRUE(again.ok());
  for (const auto& due : *again) EXPECT_NE(due.order.id(), created->id()) << "leased twice";

  auto draft = CheckStandingOrderTemplate(spec);
  ASSERT_TRUE(draft.ok()) << draft.status();
  draft->standing_order_id = created->id();
  auto make = [&](absl::CivilDay day, const NextOccurrence& after) {
    draft->occurrence_date = IsoDay(day);
    return deliveries.Create(tenant_, "system:standing-order", *draft,
                             DeliveryCustomer{.name = "王阿姨"}, {},
                             [&](pqxx::work& txn, const DeliveryOrder& order) {
                               return StandingOrderStore::RecordOccurrenceIn(
                                   txn, tenant_, created->id(), day, after, order.id());
                             });
  };
  const NextOccurrence next = OccurrenceOn(*schedule, today + 2, utc);
  auto order = make(today + 1, next);
  ASSERT_TRUE(order.ok()) << order.status();
  EXPECT_EQ(order->occurrence_date(), IsoDay(today + 1));
  // A second generator past the lease, still on the same day: the unique index stops it.
  EXPECT_EQ(make(today + 1, next).status().code(), absl::StatusCode::kAlreadyExists);
  // One that raced a pause: the guard rolls its whole transaction back.
  ASSERT_TRUE(standing.PauseForProblem(tenant_, created->id(), "test").ok());
  EXPECT_EQ(make(today + 2, std::nullopt).status().code(), absl::StatusCode::kAborted);
  auto listed = deliveries.List(tenant_, {.standing_order_id = created->id()}, 10, "");
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->orders.size(), 1u);

  auto after = standing.Get(tenant_, created->id());
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->created_count(), 1);
  EXPECT_EQ(after->last_delivery_date(), IsoDay(today + 1));
  EXPECT_EQ(after->next_delivery_date(), IsoDay(today + 2));
  EXPECT_EQ(after->state(), StandingOrder::PAUSED);
  EXPECT_EQ(after->last_order_id(), order->id());
}

// The Redis counter: a Redis that lost its data (restarted without persistence) hands out
// a number again; the unique index refuses it and the counter heals past the highest used.
TEST_F(OrderStorePgTest, ARedisCounterThatLostItsDataHealsItself) {
  const char* redis_addr = std::getenv("QQ_TEST_REDIS_ADDR");
  if (redis_addr == nullptr) {
    QQ_SKIP_WITHOUT_STACK("QQ_TEST_REDIS_ADDR");
  }
  RedisClient redis(redis_addr, std::chrono::milliseconds(1000));
  OrderNumbers numbers(*pool_, &redis);
  OrderStore store(*pool_, *workflows_, *sla_, numbers);
  WorkOrderDraft draft{.type = v1::WorkOrder::ENQUIRY,
                       .channel = v1::PHONE,
                       .urgency = v1::WorkOrder::NORMAL,
                       .customer_id = "6f1c7a9e-4f1b-4c55-9d7e-2d7f0c1b8a11",
                       .description = "水费查询"};
  auto create = [&] { return store.CreateWorkOrder(tenant_, "agent-1", draft, {}, {}); };
  auto first = create();
  auto second = create();
  ASSERT_TRUE(first.ok() && second.ok()) << first.status() << second.status();
  const std::string day = first->number().substr(3, 8);
  EXPECT_EQ(first->number(), "WO-" + day + "-0001");
  EXPECT_EQ(second->number(), "WO-" + day + "-0002");
  ASSERT_TRUE(redis.Command({"DEL", "qq:order:number:WO:" + tenant_ + ":" + day}).ok());
  auto third = create();
  ASSERT_TRUE(third.ok()) << third.status();
  EXPECT_EQ(third->number(), "WO-" + day + "-0003");
}

}  // namespace
}  // namespace qq::order
