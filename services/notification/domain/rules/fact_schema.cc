#include "services/notification/domain/rules/fact_schema.h"

#include <array>
#include <boost/json.hpp>

#include "services/notification/domain/rules/json_support.h"

namespace qq::notification::rules {
namespace {

// The proto enums' names (UNSPECIFIED excluded), so a rule's value is checked when saved
// instead of silently never matching.
// qingquan.customer.v1.Customer.Status
constexpr absl::string_view kCustomerStatuses[] = {"ACTIVE", "SILENT", "CHURNED"};
// qingquan.customer.v1.Customer.Channel
constexpr absl::string_view kCustomerChannels[] = {
    "PHONE", "WECHAT_OFFICIAL_ACCOUNT", "WECHAT_MINI_PROGRAM", "WEB", "COUNTER", "IMPORT"};
// qingquan.order.v1.WorkOrder.Type
constexpr absl::string_view kWorkOrderTypes[] = {"NEW_CONNECTION",  "REPAIR",    "COMPLAINT",
                                                 "ENQUIRY",         "FOLLOW_UP", "WATER_CHANGE",
                                                 "DISPENSER_REPAIR"};
// qingquan.order.v1.WorkOrder.Urgency
constexpr absl::string_view kUrgencies[] = {"NORMAL", "URGENT", "CRITICAL"};
// qingquan.order.v1.Channel
constexpr absl::string_view kOrderChannels[] = {"PHONE", "WECHAT_OFFICIAL_ACCOUNT",
                                                "WECHAT_MINI_PROGRAM", "WEB", "COUNTER"};
// qingquan.order.v1.DeliveryOrder.Payment
constexpr absl::string_view kPayments[] = {"TICKETS", "CASH", "ONLINE"};

using enum FactId;
using enum FactType;
constexpr Subject kC = Subject::kCustomer;
constexpr Subject kW = Subject::kWorkOrder;
constexpr Subject kD = Subject::kDeliveryOrder;

const std::array<FactDescriptor, kFactCount>& Table() {
  static const std::array<FactDescriptor, kFactCount> table = {{
      {kCustomerStatus, "customer.status", kC, kEnum,
       "Activity status derived from the last activity: active within 90 days, silent "
       "within a year, churned after.",
       "客户状态", false, "", kCustomerStatuses},
      {kCustomerTags, "customer.tags", kC, kStringList, "The customer's tags.", "客户标签"},
      {kCustomerAreaId, "customer.area_id", kC, kString,
       "Id of the service area of the customer's first address.", "所属片区"},
      {kCustomerChannel, "customer.channel", kC, kEnum, "Where the customer was registered.",
       "客户来源", false, "", kCustomerChannels},
      {kCustomerTicketBalance, "customer.ticket_balance", kC, kInt,
       "Water tickets left; with a key, of that product, else the total over products.", "水票余额",
       true, "product, e.g. 18.9L (产品)"},
      {kCustomerDaysSinceLastOrder, "customer.days_since_last_order", kC, kInt,
       "Whole days since the last delivery order (tenant time); unset when the customer "
       "never ordered.",
       "距上次订水天数"},
      {kCustomerBirthdayToday, "customer.birthday_today", kC, kBool,
       "Today (tenant time) is the customer's birthday; false when no birthday is known.",
       "今天生日"},
      {kCustomerDaysSinceCreated, "customer.days_since_created", kC, kInt,
       "Whole days since the customer was created.", "建档天数"},
      {kWorkOrderType, "work_order.type", kW, kEnum, "Work order type.", "工单类型", false, "",
       kWorkOrderTypes},
      {kWorkOrderUrgency, "work_order.urgency", kW, kEnum, "Work order urgency.", "紧急程度", false,
       "", kUrgencies},
      {kWorkOrderState, "work_order.state", kW, kString,
       "Current state of the order's workflow, e.g. CREATED, DISPATCHED.", "工单状态"},
      {kWorkOrderChannel, "work_order.channel", kW, kEnum, "Where the work order came from.",
       "工单来源", false, "", kOrderChannels},
      {kWorkOrderAreaId, "work_order.area_id", kW, kString, "Id of the area it was routed to.",
       "工单片区"},
      {kWorkOrderTeamId, "work_order.team_id", kW, kString, "Id of the team handling it.",
       "处理班组"},
      {kWorkOrderMinutesSinceCreated, "work_order.minutes_since_created", kW, kInt,
       "Minutes since the work order was created.", "创建至今分钟数"},
      {kWorkOrderMinutesSinceLastStep, "work_order.minutes_since_last_step", kW, kInt,
       "Minutes since the last workflow step (creation when there was none).", "距上一步分钟数"},
      {kOrderQuantity, "order.quantity", kD, kInt,
       "Quantity ordered; with a key, of that product, else the total over products.", "订购数量",
       true, "product, e.g. 18.9L (产品)"},
      {kOrderPayment, "order.payment", kD, kEnum, "How the delivery order is paid.", "支付方式",
       false, "", kPayments},
      {kOrderProducts, "order.products", kD, kStringList, "Products in the delivery order.",
       "订购产品"},
  }};
  return table;
}

}  // namespace

absl::string_view SubjectName(Subject subject) {
  switch (subject) {
    case Subject::kCustomer:
      return "customer";
    case Subject::kWorkOrder:
      return "work_order";
    case Subject::kDeliveryOrder:
      return "delivery_order";
  }
  return "customer";
}

std::optional<Subject> ParseSubject(absl::string_view name) {
  for (Subject s : {Subject::kCustomer, Subject::kWorkOrder, Subject::kDeliveryOrder}) {
    if (SubjectName(s) == name) return s;
  }
  return std::nullopt;
}

absl::string_view FactTypeName(FactType type) {
  switch (type) {
    case kInt:
      return "int";
    case kBool:
      return "bool";
    case kString:
      return "string";
    case kEnum:
      return "enum";
    case kStringList:
      return "string_list";
  }
  return "int";
}

namespace {
constexpr absl::string_view kOpNames[] = {
    "eq",     "ne",     "lt",         "lte",      "gt",           "gte",      "in",
    "not_in", "is_set", "is_not_set", "contains", "not_contains", "is_empty", "is_not_empty"};
}  // namespace

absl::string_view OpName(Op op) { return kOpNames[static_cast<int>(op)]; }

std::optional<Op> ParseOp(absl::string_view name) {
  for (size_t i = 0; i < std::size(kOpNames); ++i) {
    if (kOpNames[i] == name) return static_cast<Op>(i);
  }
  return std::nullopt;
}

bool OpAppliesTo(Op op, FactType type) {
  if (op == Op::kIsSet || op == Op::kIsNotSet) return true;
  switch (type) {
    case kInt:
      return op == Op::kEq || op == Op::kNe || op == Op::kLt || op == Op::kLte || op == Op::kGt ||
             op == Op::kGte || op == Op::kIn || op == Op::kNotIn;
    case kString:
    case kEnum:
      return op == Op::kEq || op == Op::kNe || op == Op::kIn || op == Op::kNotIn;
    case kBool:
      return op == Op::kEq;
    case kStringList:
      return op == Op::kContains || op == Op::kNotContains || op == Op::kIsEmpty ||
             op == Op::kIsNotEmpty;
  }
  return false;
}

bool OpTakesValue(Op op) {
  return op != Op::kIsSet && op != Op::kIsNotSet && op != Op::kIsEmpty && op != Op::kIsNotEmpty;
}

bool OpTakesList(Op op) { return op == Op::kIn || op == Op::kNotIn; }

std::span<const FactDescriptor> FactSchema() { return Table(); }

const FactDescriptor& Describe(FactId id) { return Table()[static_cast<size_t>(id)]; }

const FactDescriptor* FindFact(absl::string_view name) {
  for (const FactDescriptor& d : Table()) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

bool FactAppliesTo(FactId fact, Subject subject) {
  const Subject owner = Describe(fact).owner;
  return owner == subject || owner == Subject::kCustomer;
}

int EnumIndex(FactId fact, absl::string_view value) {
  const auto values = Describe(fact).enum_values;
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i] == value) return static_cast<int>(i);
  }
  return -1;
}

std::string FactSchemaJson() {
  namespace json = boost::json;
  json::array subjects;
  for (Subject s : {Subject::kCustomer, Subject::kWorkOrder, Subject::kDeliveryOrder}) {
    subjects.emplace_back(internal::Js(SubjectName(s)));
  }
  json::array facts;
  for (const FactDescriptor& d : Table()) {
    json::object f;
    f["name"] = internal::Js(d.name);
    f["subject"] = internal::Js(SubjectName(d.owner));
    f["type"] = internal::Js(FactTypeName(d.type));
    f["description"] = internal::Js(d.description);
    f["label_zh"] = internal::Js(d.label_zh);
    f["takes_key"] = d.takes_key;
    if (d.takes_key) f["key_description"] = internal::Js(d.key_description);
    if (d.type == kEnum) {
      json::array values;
      for (absl::string_view v : d.enum_values) values.emplace_back(internal::Js(v));
      f["enum_values"] = std::move(values);
    }
    json::array ops;
    for (size_t i = 0; i < std::size(kOpNames); ++i) {
      if (OpAppliesTo(static_cast<Op>(i), d.type)) ops.emplace_back(internal::Js(kOpNames[i]));
    }
    f["operators"] = std::move(ops);
    facts.emplace_back(std::move(f));
  }
  json::object root;
  root["subjects"] = std::move(subjects);
  root["facts"] = std::move(facts);
  return json::serialize(root);
}

}  // namespace qq::notification::rules
