#include "services/customer/demo_data.h"

#include <map>
#include <string>
#include <vector>

#include "services/common/log.h"
#include "services/common/status.h"
#include "services/customer/customer_store.h"
#include "services/customer/dictionary_store.h"
#include "services/customer/domain/customer_draft.h"
#include "services/customer/domain/password_hash.h"
#include "services/customer/domain/search_query.h"
#include "services/customer/ledger_store.h"
#include "services/customer/utility_store.h"

namespace qq::customer {

namespace v1 = qingquan::customer::v1;

absl::Status LoadDemoAccounts(CustomerStore& store) {
  const std::vector<std::string> utility_roles = {"agent",  "dispatcher", "leader",
                                                  "worker", "manager",    "admin"};
  std::vector<std::string> station_roles = utility_roles;
  station_roles.push_back("courier");
  // The names people know them by, shown on timelines and boards instead of the login.
  const std::map<std::string, std::string> display_names = {
      {"worker", "王师傅"},  {"courier", "李师傅"},      {"leader", "张组长"},
      {"agent", "客服小刘"}, {"dispatcher", "调度小陈"}, {"manager", "赵经理"},
      {"admin", "管理员"}};
  // One hash for all: hashing is deliberately slow and the password is the same.
  QQ_ASSIGN_OR_RETURN(std::string hash, HashPassword("demo12345"));
  for (const auto& [tenant, names] : {std::pair{std::string("utility-demo"), utility_roles},
                                      std::pair{std::string("station-demo"), station_roles}}) {
    for (const std::string& name : names) {
      StaffAccount account;
      account.tenant = tenant;
      account.username = name;
      account.password_hash = hash;
      account.roles = {name};
      if (auto it = display_names.find(name); it != display_names.end()) {
        account.display_name = it->second;
      }
      QQ_RETURN_IF_ERROR(store.EnsureDemoStaffAccount(account));
    }
  }
  StaffAccount billing;
  billing.tenant = "utility-demo";
  billing.username = "billing-demo";
  QQ_ASSIGN_OR_RETURN(billing.password_hash, HashPassword("demo-billing-secret"));
  billing.roles = {"billing"};
  QQ_RETURN_IF_ERROR(store.EnsureDemoServiceAccount(billing));
  LogInfo("demo accounts ready");
  return absl::OkStatus();
}

namespace {

absl::Status IgnoreExisting(absl::Status status) {
  return status.code() == absl::StatusCode::kAlreadyExists ? absl::OkStatus() : status;
}

}  // namespace

absl::Status LoadDemoDictionaries(DictionaryStore& dictionary) {
  const std::vector<std::string> tags = {"高层无电梯", "下午3点后送", "VIP",
                                         "老人独居",   "需开发票",    "小区总表"};
  for (const char* tenant : {"utility-demo", "station-demo"}) {
    for (const std::string& name : tags) {
      v1::Tag tag;
      tag.set_name(name);
      QQ_RETURN_IF_ERROR(IgnoreExisting(dictionary.CreateTag(tenant, tag).status()));
    }
  }
  v1::FieldDefinition floor;
  floor.set_entity(v1::FieldDefinition::ADDRESS);
  floor.set_key("floor");
  floor.set_label("楼层");
  floor.set_type(v1::FieldDefinition::NUMBER);
  floor.set_min(-5);
  floor.set_max(120);
  floor.set_decimals(0);
  floor.set_active(true);
  QQ_RETURN_IF_ERROR(
      IgnoreExisting(dictionary.CreateFieldDefinition("station-demo", floor).status()));
  v1::FieldDefinition dispenser;
  dispenser.set_entity(v1::FieldDefinition::CUSTOMER);
  dispenser.set_key("dispenser");
  dispenser.set_label("饮水机型号");
  dispenser.set_type(v1::FieldDefinition::SINGLE_SELECT);
  dispenser.set_active(true);
  for (const auto& [value, label] : {std::pair{"desktop", "台式"}, std::pair{"standing", "立式"},
                                     std::pair{"pipeline", "管线机"}}) {
    auto* option = dispenser.add_options();
    option->set_value(value);
    option->set_label(label);
  }
  QQ_RETURN_IF_ERROR(
      IgnoreExisting(dictionary.CreateFieldDefinition("station-demo", dispenser).status()));
  v1::FieldDefinition water_use;
  water_use.set_entity(v1::FieldDefinition::CUSTOMER);
  water_use.set_key("water_use");
  water_use.set_label("用水性质");
  water_use.set_type(v1::FieldDefinition::SINGLE_SELECT);
  water_use.set_active(true);
  for (const auto& [value, label] :
       {std::pair{"residential", "居民生活用水"}, std::pair{"commercial", "非居民用水"}}) {
    auto* option = water_use.add_options();
    option->set_value(value);
    option->set_label(label);
  }
  QQ_RETURN_IF_ERROR(
      IgnoreExisting(dictionary.CreateFieldDefinition("utility-demo", water_use).status()));
  LogInfo("demo dictionaries ready");
  return absl::OkStatus();
}

namespace {

struct DemoCustomer {
  const char* tenant;
  const char* key;
  v1::Customer::Kind kind;
  const char* name;
  const char* phone;
  const char* address;
  double lat;
  double lng;
  const char* delivery_notes;
  const char* notes;
  std::vector<const char*> tags;
};

// Addresses fall in the demo areas 城东区 (lng 121.50–121.60) and 城西区 (121.40–121.50).
const DemoCustomer kDemoCustomers[] = {
    {"utility-demo",
     "demo-customer-1",
     v1::Customer::PERSON,
     "李建国",
     "13812340001",
     "城东区 人民路 18 号 3 单元 502",
     31.24,
     121.53,
     "",
     "水表在楼道东侧",
     {"老人独居"}},
    {"utility-demo",
     "demo-customer-2",
     v1::Customer::PERSON,
     "王秀英",
     "13812340002",
     "城西区 长宁路 66 号",
     31.22,
     121.45,
     "",
     "",
     {}},
    {"utility-demo",
     "demo-customer-3",
     v1::Customer::ORGANISATION,
     "申江物业管理有限公司",
     "021-62345678",
     "城东区 世纪大道 100 号",
     31.28,
     121.58,
     "",
     "小区总表 DN100",
     {"小区总表"}},
    {"station-demo",
     "demo-customer-1",
     v1::Customer::PERSON,
     "陈晓明",
     "13912340003",
     "城东区 浦东南路 500 号 12 楼",
     31.23,
     121.52,
     "高层无电梯需带小推车",
     "下午3点后送",
     {"高层无电梯", "下午3点后送"}},
    {"station-demo",
     "demo-customer-2",
     v1::Customer::ORGANISATION,
     "清泉科技有限公司",
     "13912340004",
     "城西区 虹桥路 1 号 8 楼前台",
     31.21,
     121.42,
     "",
     "工作日派送，发票抬头：清泉科技有限公司",
     {"需开发票"}},
    {"station-demo",
     "demo-customer-3",
     v1::Customer::PERSON,
     "单丽",
     "13912340005",
     "城东区 张杨路 500 弄 3 号 402 室",
     31.235,
     121.525,
     "",
     "",
     {"VIP"}},
};

}  // namespace

absl::Status LoadDemoCustomers(CustomerStore& store, UtilityStore& utility, LedgerStore& ledger) {
  for (const DemoCustomer& d : kDemoCustomers) {
    v1::Customer in;
    in.set_kind(d.kind);
    in.set_name(d.name);
    in.add_phones(d.phone);
    in.set_notes(d.notes);
    in.set_channel(v1::Customer::PHONE);
    for (const char* tag : d.tags) in.add_tags(tag);
    auto* address = in.add_addresses();
    address->set_text(d.address);
    address->mutable_location()->set_lat(d.lat);
    address->mutable_location()->set_lng(d.lng);
    address->set_delivery_notes(d.delivery_notes);
    ArchiveRules rules;
    rules.tag_names = {d.tags.begin(), d.tags.end()};
    QQ_ASSIGN_OR_RETURN(CustomerDraft draft, CheckNewCustomer(in, rules));
    // An idempotency key per demo customer makes reloading the demo data a no-op.
    IdempotencyScope once{d.tenant, "demo-data", "LoadDemoCustomer", d.key, d.key};
    QQ_ASSIGN_OR_RETURN(
        v1::Customer customer,
        store.CreateCustomer(d.tenant, draft, SearchTermsForName(draft.name), once));
    if (std::string(d.tenant) == "utility-demo" && std::string(d.key) == "demo-customer-1") {
      v1::Meter meter;
      meter.set_number("SH-2019-0042137");
      meter.set_caliber_mm(20);
      meter.set_install_date("2019-05-12");
      QQ_RETURN_IF_ERROR(IgnoreExisting(utility.AddMeter(d.tenant, customer.id(), meter).status()));
      v1::Contract contract;
      contract.set_account_number("3100012345");
      contract.set_water_use("居民生活用水");
      contract.set_start_date("2019-05-12");
      QQ_RETURN_IF_ERROR(
          IgnoreExisting(utility.AddContract(d.tenant, customer.id(), contract).status()));
    }
    if (std::string(d.tenant) == "station-demo" && std::string(d.key) == "demo-customer-1") {
      LedgerEntryDraft tickets;
      tickets.kind = "PURCHASE";
      tickets.asset_kind = "TICKET";
      tickets.product = "18.9L";
      tickets.delta = {20, 36000};
      tickets.reason = "开户赠送套餐 20 张";
      IdempotencyScope once_tickets{d.tenant, "demo-data", "DemoTickets", d.key, d.key};
      QQ_RETURN_IF_ERROR(
          ledger.PostEntry(d.tenant, customer.id(), tickets, "demo-data", once_tickets).status());
    }
  }
  LogInfo("demo customers ready");
  return absl::OkStatus();
}

}  // namespace qq::customer
