// The rule templates a tenant starts from (the station seed's four rules): ticket balance
// low, 30 days without an order, birthday, work order unhandled. Each has a few tunable
// parameters; instantiating checks them and yields a rule that ParseRule accepts. Pure.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>
#include "absl/strings/string_view.h"

#include "absl/status/statusor.h"
#include "services/notification/domain/rules/rule.h"

namespace qq::notification::rules {

// Template ids.
inline constexpr char kTicketLowTemplate[] = "ticket_low";
inline constexpr char kIdle30DaysTemplate[] = "idle_30_days";
inline constexpr char kBirthdayTemplate[] = "birthday";
inline constexpr char kWorkOrderUnhandledTemplate[] = "work_order_unhandled";

enum class ParamType : uint8_t {
  kInt,         // JSON integer in [min, max]
  kString,      // JSON string, 1..max characters after trimming
  kStringList,  // JSON array of 1..max strings
  kChoice,      // JSON string, one of `choices`
};

// "int", "string", "string_list", "choice".
absl::string_view ParamTypeName(ParamType type);

using ParamValue = std::variant<int64_t, std::string, std::vector<std::string>>;

struct TemplateParam {
  std::string name;      // "threshold"
  std::string label_zh;  // 阈值
  ParamType type = ParamType::kInt;
  ParamValue default_value;
  int64_t min = 0;                   // kInt: the smallest value; kString/kStringList: unused
  int64_t max = 0;                   // kInt: the largest; kString: characters; kStringList: items
  std::vector<std::string> choices;  // kChoice
};

struct RuleTemplate {
  std::string id;
  std::string name_zh;
  std::string description_zh;
  std::vector<TemplateParam> params;
};

// The templates, in the order the console offers them.
const std::vector<RuleTemplate>& RuleTemplates();
// nullptr for an unknown id.
const RuleTemplate* FindRuleTemplate(absl::string_view id);

// The templates and their parameters as JSON for the console:
// [{"id","name_zh","description_zh","params":[{"name","label_zh","type","default",
//   "min","max","choices"}]}]
std::string RuleTemplatesJson();

struct InstantiatedRule {
  Rule rule;
  std::string json;  // RuleToJson(rule), what the store saves
};

// The template's rule with `params_json` (a JSON object of parameter values; missing ones
// take their defaults, "{}" or "" for all defaults).
// NOT_FOUND naming "template" for an unknown id; INVALID_ARGUMENT naming "params.<name>"
// for a parameter of the wrong type or out of range, or an unknown one; INVALID_ARGUMENT
// without a field when `params_json` is not a JSON object.
absl::StatusOr<InstantiatedRule> InstantiateRuleTemplate(absl::string_view template_id,
                                                         absl::string_view params_json);

}  // namespace qq::notification::rules
