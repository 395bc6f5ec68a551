#include "services/notification/domain/rules/rule_templates.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/status.h"
#include "services/common/text/utf8_text.h"
#include "services/common/text_limits.h"
#include "services/notification/domain/rules/json_support.h"

namespace qq::notification::rules {
namespace {

namespace json = boost::json;

// Message template names (services/notification/domain/template_catalog.h).
constexpr char kTicketBalanceLowMessage[] = "ticket_balance_low";
constexpr char kBirthdayMessage[] = "birthday";
constexpr char kWorkOrderEscalatedMessage[] = "work_order_escalated";

TemplateParam IntParam(std::string name, std::string label, int64_t value, int64_t min,
                       int64_t max) {
  return {std::move(name), std::move(label), ParamType::kInt, value, min, max, {}};
}
TemplateParam StringParam(std::string name, std::string label, std::string value,
                          int64_t max_chars) {
  return {
      std::move(name), std::move(label), ParamType::kString, std::move(value), 0, max_chars, {}};
}

std::vector<RuleTemplate>* BuildTemplates() {
  auto* templates = new std::vector<RuleTemplate>;
  templates->push_back(
      {kTicketLowTemplate,
       "水票余额不足提醒",
       "客户某种桶装水的水票余额不高于阈值时，短信提醒续费并发放续费优惠券；记账后立即检查，"
       "也可改为每天定时检查。同一客户 7 天内只提醒一次。",
       {{"trigger", "检查时机", ParamType::kChoice, std::string("event"), 0, 0, {"event", "daily"}},
        StringParam("time", "每天检查时间（定时检查时）", "09:00", 5),
        StringParam("product", "水票产品", "18.9L", kMaxKeyChars),
        IntParam("threshold", "余额阈值（张）", 2, 0, 1000),
        StringParam("coupon", "优惠券名称", "续费95折", 40),
        IntParam("amount_fen", "优惠金额（分）", 500, 1, kMaxCouponFen),
        IntParam("valid_days", "优惠券有效天数", 30, 1, kMaxCouponValidDays)}});
  templates->push_back(
      {kIdle30DaysTemplate,
       "久未订水关怀",
       "活跃客户连续若干天未订水时，每天上午为客服创建关怀回访任务。同一客户 30 天内只创建一次。",
       {IntParam("days", "未订水天数", 30, 1, 365)}});
  templates->push_back({kBirthdayTemplate,
                        "生日祝福",
                        "客户生日当天上午发送生日祝福短信并赠送优惠券，每年一次。",
                        {StringParam("coupon", "优惠券名称", "生日券", 40),
                         IntParam("amount_fen", "优惠金额（分）", 500, 1, kMaxCouponFen),
                         IntParam("valid_days", "优惠券有效天数", 30, 1, kMaxCouponValidDays)}});
  templates->push_back(
      {kWorkOrderUnhandledTemplate,
       "工单超时未处理升级",
       "工单停留在待处理状态超过设定时间未推进时，升级给经理并发送站内提醒。同一工单 24 "
       "小时内只升级一次。",
       {{"states",
         "视为未处理的状态",
         ParamType::kStringList,
         // The default workflows' states before anyone took the order (待派单, 已派单).
         std::vector<std::string>{"CREATED", "DISPATCHED"},
         0,
         20,
         {}},
        IntParam("minutes", "超时分钟数", 120, 10, 7 * 24 * 60)}});
  return templates;
}

// Reads one parameter's value (or its default) with its type and range checked.
absl::StatusOr<ParamValue> ReadParam(const TemplateParam& param, const json::object& given) {
  const json::value* value = given.if_contains(param.name);
  if (value == nullptr) return param.default_value;
  const std::string field = absl::StrCat("params.", param.name);
  switch (param.type) {
    case ParamType::kInt: {
      int64_t n = 0;
      if (!internal::AsInt64(*value, &n)) {
        return InvalidField(
            field, absl::StrCat("must be an integer, not ", internal::JsonKindName(*value)));
      }
      if (n < param.min || n > param.max) {
        return InvalidField(field, absl::StrCat("must be between ", param.min, " and ", param.max));
      }
      return n;
    }
    case ParamType::kString:
    case ParamType::kChoice: {
      if (!value->is_string()) {
        return InvalidField(field,
                            absl::StrCat("must be a string, not ", internal::JsonKindName(*value)));
      }
      std::string text(text::TrimSpaces(
          absl::string_view(value->get_string().data(), value->get_string().size())));
      if (text.empty()) return InvalidField(field, "must not be empty");
      if (param.type == ParamType::kChoice) {
        if (std::find(param.choices.begin(), param.choices.end(), text) == param.choices.end()) {
          return InvalidField(field,
                              absl::StrCat("must be one of ", absl::StrJoin(param.choices, ", ")));
        }
        return text;
      }
      QQ_RETURN_IF_ERROR(CheckTextLength(field, text, static_cast<size_t>(param.max)));
      return text;
    }
    case ParamType::kStringList: {
      if (!value->is_array()) {
        return InvalidField(field, absl::StrCat("must be an array of strings, not ",
                                                internal::JsonKindName(*value)));
      }
      const json::array& items = value->get_array();
      if (items.empty()) return InvalidField(field, "must not be empty");
      if (items.size() > static_cast<size_t>(param.max)) {
        return InvalidField(field, absl::StrCat("at most ", param.max, " values"));
      }
      std::vector<std::string> list;
      for (size_t i = 0; i < items.size(); ++i) {
        const std::string item_field = internal::Index(field, i);
        if (!items[i].is_string()) return InvalidField(item_field, "must be a string");
        std::string text(text::TrimSpaces(
            absl::string_view(items[i].get_string().data(), items[i].get_string().size())));
        if (text.empty()) return InvalidField(item_field, "must not be empty");
        QQ_RETURN_IF_ERROR(CheckTextLength(item_field, text, kMaxValueChars));
        list.push_back(std::move(text));
      }
      return list;
    }
  }
  return InvalidField(field, "has no type");
}

json::value ParamJson(const ParamValue& value) {
  if (const auto* n = std::get_if<int64_t>(&value)) return *n;
  if (const auto* s = std::get_if<std::string>(&value)) return json::value(*s);
  json::array items;
  for (const std::string& s : std::get<std::vector<std::string>>(value)) items.emplace_back(s);
  return items;
}

json::object Leaf(absl::string_view field, absl::string_view op, json::value value) {
  return {{"field", internal::Js(field)}, {"op", internal::Js(op)}, {"value", std::move(value)}};
}

// The rule of template `id` with every parameter read and checked.
absl::StatusOr<json::object> BuildRule(absl::string_view id,
                                       const std::map<std::string, ParamValue>& p) {
  auto integer = [&p](const char* name) { return std::get<int64_t>(p.at(name)); };
  auto string = [&p](const char* name) { return std::get<std::string>(p.at(name)); };
  json::object rule;
  if (id == kTicketLowTemplate) {
    if (string("trigger") == "daily") {
      auto schedule = ParseSchedule(absl::StrCat("daily ", string("time")));
      if (!schedule.ok()) return InvalidField("params.time", "must be a time of day (HH:MM)");
      rule["trigger"] = {{"schedule", schedule->ToString()}};
    } else {
      rule["trigger"] = {{"event", "ledger.posted"}};
    }
    rule["subject"] = "customer";
    json::object balance{{"field", "customer.ticket_balance"},
                         {"key", string("product")},
                         {"op", "lte"},
                         {"value", integer("threshold")}};
    rule["condition"] = {{"all", json::array{std::move(balance)}}};
    rule["actions"] =
        json::array{{{"type", "send"}, {"template", kTicketBalanceLowMessage}, {"channel", "SMS"}},
                    {{"type", "issue_coupon"},
                     {"coupon", string("coupon")},
                     {"amount_fen", integer("amount_fen")},
                     {"valid_days", integer("valid_days")}}};
    rule["cooldown_hours"] = 7 * 24;
  } else if (id == kIdle30DaysTemplate) {
    rule["trigger"] = {{"schedule", "daily 09:00"}};
    rule["subject"] = "customer";
    rule["condition"] = {
        {"all", json::array{Leaf("customer.status", "eq", "ACTIVE"),
                            Leaf("customer.days_since_last_order", "gte", integer("days"))}}};
    rule["actions"] =
        json::array{{{"type", "create_task"},
                     {"task", "care"},
                     {"note", absl::StrCat("客户已 ", integer("days"), " 天未订水，请电话关怀")}}};
    rule["cooldown_hours"] = 30 * 24;
  } else if (id == kBirthdayTemplate) {
    rule["trigger"] = {{"schedule", "daily 09:00"}};
    rule["subject"] = "customer";
    rule["condition"] = {{"all", json::array{Leaf("customer.birthday_today", "eq", true)}}};
    rule["actions"] =
        json::array{{{"type", "send"}, {"template", kBirthdayMessage}, {"channel", "SMS"}},
                    {{"type", "issue_coupon"},
                     {"coupon", string("coupon")},
                     {"amount_fen", integer("amount_fen")},
                     {"valid_days", integer("valid_days")}}};
    rule["cooldown_hours"] = 365 * 24;
  } else if (id == kWorkOrderUnhandledTemplate) {
    rule["trigger"] = {{"schedule", "every 10 minutes"}};
    rule["subject"] = "work_order";
    rule["condition"] = {
        {"all",
         json::array{Leaf("work_order.state", "in", ParamJson(p.at("states"))),
                     Leaf("work_order.minutes_since_last_step", "gte", integer("minutes"))}}};
    rule["actions"] = json::array{
        {{"type", "escalate"}, {"role", "manager"}},
        {{"type", "send"}, {"template", kWorkOrderEscalatedMessage}, {"channel", "IN_APP"}}};
    rule["cooldown_hours"] = 24;
  }
  return rule;
}

}  // namespace

absl::string_view ParamTypeName(ParamType type) {
  switch (type) {
    case ParamType::kInt:
      return "int";
    case ParamType::kString:
      return "string";
    case ParamType::kStringList:
      return "string_list";
    case ParamType::kChoice:
      return "choice";
  }
  return "int";
}

const std::vector<RuleTemplate>& RuleTemplates() {
  static const std::vector<RuleTemplate>* const templates = BuildTemplates();
  return *templates;
}

const RuleTemplate* FindRuleTemplate(absl::string_view id) {
  for (const RuleTemplate& t : RuleTemplates()) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

std::string RuleTemplatesJson() {
  json::array out;
  for (const RuleTemplate& t : RuleTemplates()) {
    json::array params;
    for (const TemplateParam& p : t.params) {
      json::object param{{"name", p.name},
                         {"label_zh", p.label_zh},
                         {"type", internal::Js(ParamTypeName(p.type))},
                         {"default", ParamJson(p.default_value)}};
      if (p.type == ParamType::kInt) param["min"] = p.min;
      if (p.type != ParamType::kChoice) param["max"] = p.max;
      if (p.type == ParamType::kChoice) {
        json::array choices;
        for (const std::string& c : p.choices) choices.emplace_back(c);
        param["choices"] = std::move(choices);
      }
      params.push_back(std::move(param));
    }
    out.push_back(json::object{{"id", t.id},
                               {"name_zh", t.name_zh},
                               {"description_zh", t.description_zh},
                               {"params", std::move(params)}});
  }
  return json::serialize(out);
}

absl::StatusOr<InstantiatedRule> InstantiateRuleTemplate(absl::string_view template_id,
                                                         absl::string_view params_json) {
  const RuleTemplate* found = FindRuleTemplate(template_id);
  if (found == nullptr) {
    return WithField(absl::NotFoundError(absl::StrCat("no rule template '", template_id, "'")),
                     "template");
  }
  json::object given;
  if (!absl::StripAsciiWhitespace(params_json).empty()) {
    auto parsed = internal::ParseJsonText(params_json, "params");
    if (!parsed.ok()) return parsed.status();
    if (!parsed->is_object()) {
      return absl::InvalidArgumentError(
          absl::StrCat("params must be a JSON object, not ", internal::JsonKindName(*parsed)));
    }
    given = std::move(parsed->get_object());
  }
  for (const auto& member : given) {
    const absl::string_view name(member.key().data(), member.key().size());
    const bool known = std::any_of(found->params.begin(), found->params.end(),
                                   [&](const TemplateParam& p) { return p.name == name; });
    if (!known) {
      return InvalidField(absl::StrCat("params.", name),
                          absl::StrCat("unknown parameter of ", found->id));
    }
  }
  std::map<std::string, ParamValue> values;
  for (const TemplateParam& param : found->params) {
    auto value = ReadParam(param, given);
    if (!value.ok()) return value.status();
    values.emplace(param.name, std::move(*value));
  }
  auto rule_json = BuildRule(found->id, values);
  if (!rule_json.ok()) return rule_json.status();
  auto rule = ParseRule(json::serialize(*rule_json));
  // The parameters are checked above; what the rule check still finds (a product name of
  // characters the schema refuses) is reported against the parameters.
  if (!rule.ok()) {
    return InvalidField("params", absl::StrCat("make an invalid rule: ", rule.status().message()));
  }
  InstantiatedRule out{std::move(*rule), ""};
  out.json = RuleToJson(out.rule);
  return out;
}

}  // namespace qq::notification::rules
