// qq-bench-customer: the hotline's reads at archive scale. Loads generated customers
// (realistic Chinese names, mobile phones, Shanghai addresses, tags, tickets) through the
// import RPC, adds fixture ledger entries straight in the database, then measures get by
// id, the 360 view, phone-suffix search and pinyin search, through the gateway and
// directly over gRPC in the same run. Also times an import of a separate file against
// `psql \copy` of the same rows into an equivalent table (and into a bare one).
//
//   ./deploy/dev bench customer [--quick]      (quick: 10,000 customers)
//   qq-bench-customer --customers N --ledger-entries N --import-rows N
#include <grpcpp/grpcpp.h>
#include <unistd.h>

#include <pqxx/pqxx>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "qingquan/customer/v1/customer.grpc.pb.h"
#include "tests/support/http_client.h"
#include "tests/support/load_run.h"
#include "tests/support/stack.h"

namespace {

namespace v1 = qingquan::customer::v1;
using Clock = std::chrono::steady_clock;
using qq::testing::Percentile;
using qq::testing::Run;
using qq::testing::RunResult;

constexpr const char* kSurnames[] = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡",
    "郭", "何", "林", "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
    "彭", "曾", "肖", "田", "董", "潘", "袁", "蔡", "蒋", "余", "于", "杜", "叶", "程", "魏",
    "苏", "吕", "丁", "任", "卢", "姚", "沈", "钟", "姜", "崔", "谭", "陆", "范", "汪", "单"};
constexpr const char* kGiven[] = {
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
    "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "兰", "萍", "建", "国", "红",
    "梅", "飞", "鹏", "辉", "斌", "宇", "浩", "凯", "鑫", "晨", "欣", "怡", "涵", "轩", "雨",
    "佳", "琪", "博", "文", "海", "林", "波", "志", "晓", "婷", "雪", "慧", "俊", "峰", "乐"};
constexpr const char* kDistricts[] = {"浦东新区", "静安区", "徐汇区", "长宁区", "普陀区",
                                      "虹口区",   "杨浦区", "闵行区", "宝山区", "嘉定区"};
constexpr const char* kRoads[] = {"张杨路",   "世纪大道", "浦东南路", "延安中路", "漕溪北路",
                                  "长宁路",   "中山北路", "四平路",   "沪太路",   "曹安公路",
                                  "南京西路", "淮海中路", "虹桥路",   "天山路",   "杨高南路"};
constexpr const char* kTags[] = {"高层无电梯", "下午3点后送", "VIP", "老人独居", "需开发票", ""};
constexpr const char* kMobilePrefixes[] = {"139", "138", "137", "136", "135", "150",
                                           "151", "158", "159", "186", "188", "177"};

// The i-th generated customer; phones are unique per `salt` (a bijection of i).
struct Generated {
  std::string name, phone, address, tags, notes;
  int tickets;
};

Generated Customer(uint64_t i, uint64_t salt) {
  std::mt19937_64 r(i * 0x9E3779B97F4A7C15ULL + salt);
  Generated g;
  g.name = kSurnames[r() % std::size(kSurnames)];
  g.name += kGiven[r() % std::size(kGiven)];
  if (r() % 3 != 0) g.name += kGiven[r() % std::size(kGiven)];
  // 12 prefixes × 10^8: the index i is scrambled into the last 8 digits (odd multiplier).
  const uint64_t n = i + salt * 10'000'000ULL;
  const uint64_t digits = (n * 48271ULL + 12345ULL) % 100'000'000ULL;
  char phone[16];
  std::snprintf(phone, sizeof phone, "%s%08llu", kMobilePrefixes[(n / 100'000'000ULL) % 12],
                static_cast<unsigned long long>(digits));
  g.phone = phone;
  g.address = absl::StrCat("上海市", kDistricts[r() % std::size(kDistricts)],
                           kRoads[r() % std::size(kRoads)], " ", r() % 2000 + 1, " 弄 ",
                           r() % 40 + 1, " 号 ", r() % 30 + 1, "0", r() % 4 + 1, " 室");
  g.tags = kTags[r() % std::size(kTags)];
  g.tickets = static_cast<int>(r() % 50);
  g.notes = r() % 4 == 0 ? "电话先联系" : "";
  return g;
}

// Writes rows [from, from + count) as a CSV import file.
std::string WriteCsv(const std::string& path, uint64_t from, uint64_t count, uint64_t salt) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << "姓名,电话,地址,标签,水票,备注\n";
  for (uint64_t i = from; i < from + count; ++i) {
    Generated g = Customer(i, salt);
    out << g.name << ',' << g.phone << ',' << g.address << ',' << g.tags << ',' << g.tickets << ','
        << g.notes << '\n';
  }
  return path;
}

struct ImportOutcome {
  v1::ImportCustomersResponse response;
  double seconds = 0;
  bool ok = false;
};

ImportOutcome Import(v1::CustomerService::Stub& stub, const std::string& bearer,
                     const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  ImportOutcome outcome;
  auto start = Clock::now();
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", bearer);
  auto writer = stub.ImportCustomers(&ctx, &outcome.response);
  std::string buffer(1 << 20, '\0');
  bool first = true;
  while (in) {
    in.read(buffer.data(), buffer.size());
    v1::ImportCustomersRequest chunk;
    if (first) {
      chunk.set_file_name(path.substr(path.rfind('/') + 1));
      chunk.set_on_duplicate(v1::ImportCustomersRequest::SKIP);
      chunk.set_create_missing_tags(true);
      chunk.mutable_file()->set_content_type("text/csv");
      first = false;
    }
    chunk.mutable_file()->set_data(buffer.data(), static_cast<size_t>(in.gcount()));
    if (!writer->Write(chunk)) break;
  }
  writer->WritesDone();
  grpc::Status status = writer->Finish();
  outcome.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  outcome.ok = status.ok();
  if (!status.ok()) std::fprintf(stderr, "import failed: %s\n", status.error_message().c_str());
  return outcome;
}

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t customers = 1'000'000, ledger_entries = 10'000'000, import_rows = 100'000;
  int requests_per_thread = 500;
  for (int i = 1; i < argc; ++i) {
    auto next = [&]() -> uint64_t {
      return i + 1 < argc ? std::strtoull(argv[++i], nullptr, 10) : 0;
    };
    if (std::strcmp(argv[i], "--quick") == 0) {
      customers = 10'000;
      ledger_entries = 100'000;
      import_rows = 10'000;
      requests_per_thread = 200;
    } else if (std::strcmp(argv[i], "--customers") == 0) {
      customers = next();
    } else if (std::strcmp(argv[i], "--ledger-entries") == 0) {
      ledger_entries = next();
    } else if (std::strcmp(argv[i], "--import-rows") == 0) {
      import_rows = next();
    }
  }
  const std::string gateway = qq::testing::GatewayUrl();
  const std::string customer_addr = qq::testing::EnvOr("QQ_TEST_CUSTOMER_ADDR");
  if (gateway.empty() || customer_addr.empty() ||
      qq::testing::EnvOr("QQ_TEST_PG_ADMIN_DSN").empty()) {
    std::fprintf(stderr, "run through ./deploy/dev bench customer (needs the test stack)\n");
    return 2;
  }
  qq::testing::HttpClient login(gateway);
  const std::string token = qq::testing::LoginAs(login, "station-demo", "manager");
  const std::string bearer = "Bearer " + token;
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  auto stub = v1::CustomerService::NewStub(
      grpc::CreateCustomChannel(customer_addr, grpc::InsecureChannelCredentials(), args));
  const std::string scratch = "/tmp/qq-bench-customer-" + std::to_string(getpid());

  // 1. The archive, loaded through the import RPC in files of 100,000 rows.
  auto load_start = Clock::now();
  uint64_t loaded = 0;
  for (uint64_t from = 0; from < customers; from += 100'000) {
    const uint64_t count = std::min<uint64_t>(100'000, customers - from);
    ImportOutcome part = Import(*stub, bearer, WriteCsv(scratch + "-load.csv", from, count, 1));
    if (!part.ok) return 1;
    loaded += part.response.created();
    std::fprintf(stderr, "loaded %llu customers (%.0f rows/s)\n",
                 static_cast<unsigned long long>(from + count), count / part.seconds);
  }
  std::printf("BENCH load_customers %llu customers\n", static_cast<unsigned long long>(loaded));
  std::printf("BENCH load_rows_per_s %.0f rows/s\n", customers / Seconds(load_start));

  // 2. Fixture ledger entries, straight into the database (what years of deliveries leave).
  pqxx::connection db(qq::testing::ServiceDatabaseDsn("qq_customer"));
  {
    auto start = Clock::now();
    pqxx::work txn(db);
    // Per customer of the tenant, not per customer this run created: against a database
    // that already holds them, every row of the load files is skipped.
    const uint64_t tenant_customers =
        txn.exec_params1("SELECT count(*) FROM customers WHERE tenant_id = $1", "station-demo")[0]
            .as<uint64_t>();
    const uint64_t per_customer =
        std::max<uint64_t>(1, ledger_entries / std::max<uint64_t>(1, tenant_customers));
    txn.exec_params(
        "INSERT INTO ledger_entries (tenant_id, customer_id, kind, asset_kind, product, "
        "  quantity_delta, amount_fen_delta, quantity_after, amount_fen_after, reason, actor_id, "
        "  created_at) "
        "SELECT c.tenant_id, c.id, 'PURCHASE', 'TICKET', '18.9L', 1, 1800, g, g * 1800, "
        "  'bench fixture', 'bench', now() - make_interval(days => g) "
        "FROM customers c CROSS JOIN generate_series(1, $2::int) g WHERE c.tenant_id = $1",
        "station-demo", static_cast<int>(per_customer));
    txn.exec_params(
        "INSERT INTO ledger_balances (tenant_id, customer_id, asset_kind, product, quantity, "
        "  amount_fen) SELECT tenant_id, id, 'TICKET', '18.9L', $2::bigint, $2::bigint * 1800 "
        "FROM customers WHERE tenant_id = $1 "
        "ON CONFLICT (customer_id, asset_kind, product) DO UPDATE SET "
        "  quantity = ledger_balances.quantity + excluded.quantity, "
        "  amount_fen = ledger_balances.amount_fen + excluded.amount_fen",
        "station-demo", static_cast<long long>(per_customer));
    txn.commit();
    // What autovacuum does to a live archive in its own time: without it, the reads below
    // would share the cores with it working through the fresh ledger rows.
    pqxx::nontransaction vacuum(db);
    vacuum.exec("VACUUM (ANALYZE)");
    vacuum.commit();
    pqxx::work count(db);
    long long entries = count.exec1("SELECT count(*) FROM ledger_entries")[0].as<long long>();
    std::printf("BENCH ledger_entries %lld entries\n", entries);
    std::fprintf(stderr, "ledger fixture in %.1f s\n", Seconds(start));
  }

  // 3. Samples: customer ids, phones and pinyin initials of generated customers.
  std::vector<std::string> ids;
  {
    pqxx::work txn(db);
    for (const auto& row :
         txn.exec_params("SELECT id FROM customers WHERE tenant_id = $1 AND deleted_at IS NULL "
                         "ORDER BY random() LIMIT 2000",
                         "station-demo")) {
      ids.push_back(row[0].as<std::string>());
    }
  }
  if (ids.empty()) return 1;
  auto suffix_of = [&](int t, int i) {
    Generated g = Customer((static_cast<uint64_t>(t) * 7919 + i * 104729) % customers, 1);
    return g.phone.substr(g.phone.size() - 4);
  };
  constexpr const char* kPinyinQueries[] = {"zw", "wf", "lj", "chenm", "zhangw", "ly",
                                            "hj", "xm", "sl", "danl",  "zengy",  "gg"};

  const int threads = 4;
  std::vector<std::unique_ptr<qq::testing::HttpClient>> http;
  for (int t = 0; t < threads; ++t) {
    http.push_back(std::make_unique<qq::testing::HttpClient>(gateway));
  }
  auto http_ok = [&](int t, const std::string& target) {
    return http[t]->Get(target, token).status == 200;
  };
  std::vector<std::unique_ptr<v1::CustomerService::Stub>> stubs;
  for (int t = 0; t < threads; ++t) {
    grpc::ChannelArguments channel_args;
    channel_args.SetInt("grpc.channel_id", t);
    stubs.push_back(v1::CustomerService::NewStub(grpc::CreateCustomChannel(
        customer_addr, grpc::InsecureChannelCredentials(), channel_args)));
  }
  auto context = [&](grpc::ClientContext& ctx) {
    ctx.AddMetadata("authorization", bearer);
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  };
  const int n = requests_per_thread;
  auto id_at = [&](int t, int i) { return ids[(t * 997 + i * 31) % ids.size()]; };

  // Each figure through the gateway, then the same directly over gRPC, so that both see
  // the machine in the same state.
  RunResult get =
      Run(threads, n, [&](int t, int i) { return http_ok(t, "/v1/customers/" + id_at(t, i)); });
  RunResult get_grpc = Run(threads, n, [&](int t, int i) {
    grpc::ClientContext ctx;
    context(ctx);
    v1::GetCustomerRequest req;
    req.set_id(id_at(t, i));
    v1::Customer out;
    return stubs[t]->GetCustomer(&ctx, req, &out).ok();
  });
  RunResult view = Run(threads, n, [&](int t, int i) {
    return http_ok(t, "/v1/customers/" + id_at(t, i) + "/view");
  });
  RunResult view_grpc = Run(threads, n, [&](int t, int i) {
    grpc::ClientContext ctx;
    context(ctx);
    v1::GetCustomerViewRequest req;
    req.set_id(id_at(t, i));
    v1::CustomerView out;
    return stubs[t]->GetCustomerView(&ctx, req, &out).ok();
  });
  RunResult suffix = Run(threads, n, [&](int t, int i) {
    return http_ok(t, "/v1/customers:search?q=" + suffix_of(t, i));
  });
  RunResult suffix_grpc = Run(threads, n, [&](int t, int i) {
    grpc::ClientContext ctx;
    context(ctx);
    v1::SearchCustomersRequest req;
    req.set_q(suffix_of(t, i));
    v1::SearchCustomersResponse out;
    return stubs[t]->SearchCustomers(&ctx, req, &out).ok();
  });
  RunResult pinyin = Run(threads, n, [&](int t, int i) {
    return http_ok(t, std::string("/v1/customers:search?q=") +
                          kPinyinQueries[(t + i) % std::size(kPinyinQueries)]);
  });
  RunResult pinyin_grpc = Run(threads, n, [&](int t, int i) {
    grpc::ClientContext ctx;
    context(ctx);
    v1::SearchCustomersRequest req;
    req.set_q(kPinyinQueries[(t + i) % std::size(kPinyinQueries)]);
    v1::SearchCustomersResponse out;
    return stubs[t]->SearchCustomers(&ctx, req, &out).ok();
  });
  auto p99 = [](const char* name, const RunResult& r) {
    std::printf("BENCH %s %.2f ms\n", name, Percentile(r.latencies_ms, 0.99));
    if (r.errors > 0) std::printf("BENCH %s_errors %d count\n", name, r.errors);
  };
  p99("get_p99_ms", get);
  p99("view360_p99_ms", view);
  p99("search_suffix_p99_ms", suffix);
  p99("search_pinyin_p99_ms", pinyin);
  p99("get_p99_ms_grpc", get_grpc);
  p99("view360_p99_ms_grpc", view_grpc);
  p99("search_suffix_p99_ms_grpc", suffix_grpc);
  p99("search_pinyin_p99_ms_grpc", pinyin_grpc);
  std::fflush(stdout);

  // 4. Import of a separate file against psql \copy of the same rows. The equivalent
  // table holds the rows findable the ways an import makes them findable: by id, by exact
  // phone (unique per tenant), by its last four digits, by a fragment of the name or the
  // address (trigram), newest first per tenant. What only the import does (encryption,
  // pinyin keys, the opening ticket balance, checking every row) is its own cost. The
  // bare table, with no index at all, is printed too.
  const std::string file = WriteCsv(scratch + "-import.csv", 0, import_rows, 2);
  ImportOutcome imported = Import(*stub, bearer, file);
  if (!imported.ok) return 1;
  {
    pqxx::work txn(db);
    txn.exec(
        "DROP TABLE IF EXISTS bench_copy_bare, bench_copy_equivalent; "
        "CREATE TABLE bench_copy_bare "
        "(name text, phone text, address text, tags text, tickets int, notes text); "
        "CREATE TABLE bench_copy_equivalent (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), "
        "  tenant_id text NOT NULL DEFAULT 'bench', created_at timestamptz NOT NULL DEFAULT "
        "  now(), name text, phone text, address text, tags text, tickets int, notes text); "
        "CREATE UNIQUE INDEX ON bench_copy_equivalent (tenant_id, phone); "
        "CREATE INDEX ON bench_copy_equivalent (tenant_id, right(phone, 4)); "
        "CREATE INDEX ON bench_copy_equivalent USING gin (name gin_trgm_ops); "
        "CREATE INDEX ON bench_copy_equivalent USING gin (address gin_trgm_ops); "
        "CREATE INDEX ON bench_copy_equivalent (tenant_id, created_at)");
    txn.commit();
  }
  const std::string dsn = qq::testing::ServiceDatabaseDsn("qq_customer");
  auto copy_seconds = [&](const std::string& table) -> double {
    auto start = Clock::now();
    const std::string command =
        absl::StrCat("psql -q -v ON_ERROR_STOP=1 '", dsn, "' -c \"\\copy ", table,
                     " (name, phone, address, tags, tickets, notes) FROM '", file,
                     "' WITH (FORMAT csv, HEADER true)\"");
    if (std::system(command.c_str()) != 0) {
      std::fprintf(stderr, "psql \\copy failed: %s\n", command.c_str());
      return -1;
    }
    return Seconds(start);
  };
  const double equivalent_seconds = copy_seconds("bench_copy_equivalent");
  const double bare_seconds = copy_seconds("bench_copy_bare");
  if (equivalent_seconds < 0 || bare_seconds < 0) return 1;
  const double import_rate = import_rows / imported.seconds;
  const double copy_rate = import_rows / equivalent_seconds;
  const double bare_rate = import_rows / bare_seconds;
  std::printf("BENCH import_rows_per_s %.0f rows/s\n", import_rate);
  std::printf("BENCH copy_rows_per_s %.0f rows/s\n", copy_rate);
  std::printf("BENCH import_vs_copy %.3f ratio\n", import_rate / copy_rate);
  std::printf("BENCH bare_copy_rows_per_s %.0f rows/s\n", bare_rate);
  std::printf("BENCH import_vs_bare_copy %.3f ratio\n", import_rate / bare_rate);
  std::printf("BENCH import_created %lld rows\n",
              static_cast<long long>(imported.response.created()));
  std::remove((scratch + "-load.csv").c_str());
  std::remove(file.c_str());
  return 0;
}
