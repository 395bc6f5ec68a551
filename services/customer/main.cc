// qq-customer-svc: the customer archive (search, 360 view, dictionaries, utility data,
// prepaid ledger) and the logins that issue access tokens.
#include <thread>

#include "absl/flags/flag.h"
#include "qingquan/dispatch/v1/dispatch.grpc.pb.h"
#include "qingquan/order/v1/order.grpc.pb.h"
#include "services/common/auth.h"
#include "services/common/call_guard.h"
#include "services/common/client.h"
#include "services/common/config.h"
#include "services/common/event_consumer.h"
#include "services/common/log.h"
#include "services/common/metrics.h"
#include "services/common/outbox.h"
#include "services/common/pg_pool.h"
#include "services/common/redis_client.h"
#include "services/common/server.h"
#include "services/common/service_main.h"
#include "services/customer/area_resolver.h"
#include "services/customer/customer_events.h"
#include "services/customer/customer_importer.h"
#include "services/customer/customer_outbox.h"
#include "services/customer/customer_service.h"
#include "services/customer/customer_store.h"
#include "services/customer/demo_data.h"
#include "services/customer/dictionary_store.h"
#include "services/customer/domain/pii_cipher.h"
#include "services/customer/domain/pinyin/pinyin_reading_table.h"
#include "services/customer/domain/search_query.h"
#include "services/customer/import_store.h"
#include "services/customer/ledger_store.h"
#include "services/customer/login_throttle.h"
#include "services/customer/utility_store.h"

ABSL_FLAG(std::string, pii_keys, "",
          "Keys for personal data at rest, id:hex64[,id:hex64...]; the first is current, the "
          "others still open old values (rotation).");
ABSL_FLAG(std::string, scratch_dir, "/tmp",
          "Where uploads and exports are kept while they are processed (removed after).");
ABSL_FLAG(int64_t, max_upload_bytes, 64LL << 20, "Largest import file accepted.");
ABSL_FLAG(int32_t, view_deadline_ms, 300,
          "How long the 360 view waits for the order service before answering without it.");

namespace {

// Seals what migration 0001 left in plain text and moves values off retired keys, in
// small batches so it never holds long locks.
void SealPersonalData(qq::customer::CustomerStore& store) {
  int total = 0;
  while (true) {
    auto changed = store.SealPersonalDataBatch(500);
    if (!changed.ok()) {
      qq::LogError("sealing personal data", {{"error", std::string(changed.status().message())}});
      return;
    }
    if (*changed == 0) break;
    total += *changed;
  }
  if (total > 0) qq::LogInfo("personal data sealed under the current key");
}

// Customers saved before search terms existed (migration 0003) get them now.
void BackfillSearchTerms(qq::customer::CustomerStore& store) {
  int total = 0;
  while (true) {
    auto done = store.BackfillSearchTermsBatch(500, qq::customer::SearchTermsForName);
    if (!done.ok()) {
      qq::LogError("search terms backfill", {{"error", std::string(done.status().message())}});
      return;
    }
    if (*done == 0) break;
    total += *done;
  }
  if (total > 0) qq::LogInfo("search terms computed for older customers");
}

}  // namespace

int main(int argc, char** argv) {
  qq::BlockShutdownSignals();
  qq::InitFlags(argc, argv, "qq-customer-svc: customer archive and logins");
  qq::InitLogging("customer", absl::GetFlag(FLAGS_log_level));

  const std::string dsn = absl::GetFlag(FLAGS_pg_dsn);
  auto keys = qq::ExitIfError(qq::ParseJwtKeys(absl::GetFlag(FLAGS_jwt_keys)), "jwt keys");
  qq::TokenVerifier verifier(keys);
  qq::TokenIssuer issuer(keys.front());
  auto cipher = qq::ExitIfError(qq::customer::PiiCipher::FromConfig(absl::GetFlag(FLAGS_pii_keys)),
                                "pii keys (QQ_PII_KEYS)");
  // Builds the pinyin table now (a quarter second) rather than in the first request.
  qq::customer::PinyinReadingTable::Get();
  qq::Metrics metrics("customer");
  qq::ExitIfError(metrics.Serve(absl::GetFlag(FLAGS_admin_listen)), "metrics endpoint");
  qq::ExitIfError(qq::MigrateWhenReachable(dsn, "customer", qq::customer_migrations(),
                                           std::chrono::seconds(60)),
                  "migrations");
  auto pool = qq::ExitIfError(qq::PgPool::Connect(dsn, absl::GetFlag(FLAGS_pg_pool_size), &metrics),
                              "database");
  qq::RedisClient redis(absl::GetFlag(FLAGS_redis_addr), std::chrono::milliseconds(500));

  // Publishes customer.* and ledger.posted to qq:events:customer; the stores append them
  // in the transactions of the changes and wake it after each commit.
  qq::OutboxRelay relay(*pool, redis, &metrics, {});
  relay.Start();
  qq::CallGuard guard(verifier, metrics);
  qq::customer::CustomerOutbox outbox(*pool, cipher, &relay);
  qq::customer::CustomerStore store(*pool, cipher, outbox);
  qq::customer::DictionaryStore dictionary(*pool, outbox);
  qq::customer::UtilityStore utility(*pool, outbox);
  qq::customer::LedgerStore ledger(*pool, outbox);
  qq::customer::ImportStore imports(*pool, cipher, outbox);
  qq::customer::CustomerImporter importer(store, dictionary, imports, ledger);
  SealPersonalData(store);
  BackfillSearchTerms(store);
  if (absl::GetFlag(FLAGS_load_demo_data)) {
    qq::ExitIfError(qq::customer::LoadDemoAccounts(store), "demo accounts");
    qq::ExitIfError(qq::customer::LoadDemoDictionaries(dictionary), "demo dictionaries");
    qq::ExitIfError(qq::customer::LoadDemoCustomers(store, utility, ledger), "demo customers");
  }

  auto dispatch = qingquan::dispatch::v1::DispatchService::NewStub(
      qq::MakeChannel(absl::GetFlag(FLAGS_dispatch_addr)));
  qq::customer::AreaResolver areas(store, std::move(dispatch), issuer,
                                   std::chrono::milliseconds(300));
  areas.Start(std::chrono::seconds(5));
  qq::customer::CustomerEventHandler events(store);
  qq::EventConsumer consumer(
      *pool, absl::GetFlag(FLAGS_redis_addr), &metrics,
      {.group = "customer",
       .consumer = qq::ConsumerName("customer"),
       .streams = {qq::EventStreamName("dispatch"), qq::EventStreamName("order")},
       .types = {qq::customer::kAreaChangedEvent, qq::customer::kWorkOrderCreatedEvent,
                 qq::customer::kDeliveryOrderCreatedEvent},
       .after_commit =
           [&areas, &relay](const qq::StreamEvent& event) {
             if (event.type == qq::customer::kAreaChangedEvent) {
               areas.Wake();
             } else {
               relay.Wake();  // the customer's moved last activity
             }
           }},
      [&events](pqxx::work& txn, const qq::StreamEvent& event) {
        return events.Handle(txn, event);
      });
  consumer.Start();
  auto order_channel = qq::MakeChannel(absl::GetFlag(FLAGS_order_addr));
  std::shared_ptr<qingquan::order::v1::WorkOrderService::StubInterface> work_orders =
      qingquan::order::v1::WorkOrderService::NewStub(order_channel);
  std::shared_ptr<qingquan::order::v1::DeliveryOrderService::StubInterface> delivery_orders =
      qingquan::order::v1::DeliveryOrderService::NewStub(order_channel);

  qq::customer::LoginThrottle throttle(redis, /*max_failures=*/5, std::chrono::minutes(15));
  qq::customer::CustomerServiceImpl customers(
      guard, store, dictionary, utility, ledger, areas, importer, work_orders, delivery_orders,
      std::chrono::milliseconds(absl::GetFlag(FLAGS_view_deadline_ms)),
      absl::GetFlag(FLAGS_scratch_dir), absl::GetFlag(FLAGS_max_upload_bytes));
  qq::customer::DictionaryServiceImpl dictionaries(guard, dictionary);
  qq::customer::UtilityServiceImpl utilities(guard, utility);
  qq::customer::LedgerServiceImpl ledgers(guard, ledger);
  qq::customer::AuthServiceImpl auth(guard, store, throttle, issuer);

  qq::GrpcServer server;
  qq::ExitIfError(server.Start(absl::GetFlag(FLAGS_listen),
                               {&customers, &dictionaries, &utilities, &ledgers, &auth}),
                  "grpc server");
  qq::WaitForShutdownSignal();
  server.Shutdown(std::chrono::seconds(5));
  consumer.Stop();
  areas.Stop();
  relay.Stop();
  return 0;
}
