#include "services/customer/demo_data.h"

#include <string>
#include <vector>

#include "services/common/log.h"
#include "services/common/status.h"
#include "services/customer/customer_store.h"
#include "services/customer/domain/customer_draft.h"
#include "services/customer/domain/password_hash.h"

namespace qq::customer {

absl::Status LoadDemoAccounts(CustomerStore& store) {
  const std::vector<std::string> utility_roles = {"agent",  "dispatcher", "leader",
                                                  "worker", "manager",    "admin"};
  std::vector<std::string> station_roles = utility_roles;
  station_roles.push_back("courier");
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
      QQ_RETURN_IF_ERROR(store.EnsureDemoStaffAccount(account));
    }
  }
  LogInfo("demo accounts ready");
  return absl::OkStatus();
}

namespace {

struct DemoCustomer {
  const char* tenant;
  const char* key;
  qingquan::customer::v1::Customer::Kind kind;
  const char* name;
  const char* phone;
  const char* address;
  double lat;
  double lng;
  const char* delivery_notes;
  const char* notes;
};

// Addresses fall in the demo areas 城东区 (lng 121.50–121.60) and 城西区 (121.40–121.50).
constexpr DemoCustomer kDemoCustomers[] = {
    {"utility-demo", "demo-customer-1", qingquan::customer::v1::Customer::PERSON, "李建国",
     "13812340001", "城东区 人民路 18 号 3 单元 502", 31.24, 121.53, "", "水表在楼道东侧"},
    {"utility-demo", "demo-customer-2", qingquan::customer::v1::Customer::PERSON, "王秀英",
     "13812340002", "城西区 长宁路 66 号", 31.22, 121.45, "", ""},
    {"utility-demo", "demo-customer-3", qingquan::customer::v1::Customer::ORGANISATION,
     "申江物业管理有限公司", "021-62345678", "城东区 世纪大道 100 号", 31.28, 121.58, "",
     "小区总表 DN100"},
    {"station-demo", "demo-customer-1", qingquan::customer::v1::Customer::PERSON, "陈晓明",
     "13912340003", "城东区 浦东南路 500 号 12 楼", 31.23, 121.52, "高层无电梯需带小推车",
     "下午3点后送"},
    {"station-demo", "demo-customer-2", qingquan::customer::v1::Customer::ORGANISATION,
     "清泉科技有限公司", "13912340004", "城西区 虹桥路 1 号 8 楼前台", 31.21, 121.42, "",
     "工作日派送，发票抬头：清泉科技有限公司"},
};

}  // namespace

absl::Status LoadDemoCustomers(CustomerStore& store) {
  for (const DemoCustomer& d : kDemoCustomers) {
    qingquan::customer::v1::Customer in;
    in.set_kind(d.kind);
    in.set_name(d.name);
    in.add_phones(d.phone);
    in.set_notes(d.notes);
    auto* address = in.add_addresses();
    address->set_text(d.address);
    address->mutable_location()->set_lat(d.lat);
    address->mutable_location()->set_lng(d.lng);
    address->set_delivery_notes(d.delivery_notes);
    QQ_ASSIGN_OR_RETURN(CustomerDraft draft, CheckNewCustomer(in));
    // An idempotency key per demo customer makes reloading the demo data a no-op.
    IdempotencyScope once{d.tenant, "demo-data", "LoadDemoCustomer", d.key, d.key};
    QQ_RETURN_IF_ERROR(store.CreateCustomer(d.tenant, draft, once).status());
  }
  LogInfo("demo customers ready");
  return absl::OkStatus();
}

}  // namespace qq::customer
