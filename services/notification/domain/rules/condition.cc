#include "services/notification/domain/rules/condition.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/common/status.h"
#include "services/common/text/utf8_text.h"
#include "services/common/text_limits.h"
#include "services/notification/domain/rules/json_support.h"

namespace qq::notification::rules {
namespace {

namespace json = boost::json;
using internal::Child;
using internal::Index;
using internal::JsonKindName;

struct ParseState {
  Subject subject;
  std::string root;  // path of the whole condition, where the leaf limit is reported
  int leaves = 0;
  int groups = 0;
};

// Products are compared as the order service stores them: NFKC-folded, so that a rule
// typed with full-width characters (１８．９Ｌ) still matches 18.9L.
bool IsProductText(FactId fact) {
  return fact == FactId::kCustomerTicketBalance || fact == FactId::kOrderQuantity ||
         fact == FactId::kOrderProducts;
}

absl::StatusOr<std::string> ParseText(const json::value& value, const std::string& path,
                                      bool product, size_t max_chars) {
  if (!value.is_string()) {
    return InvalidField(path, absl::StrCat("must be a string, not ", JsonKindName(value)));
  }
  const absl::string_view raw(value.get_string().data(), value.get_string().size());
  std::string text(product ? text::TrimSpaces(text::NormalizeNfkc(raw)) : text::TrimSpaces(raw));
  if (text.empty()) return InvalidField(path, "must not be empty");
  if (text::HasControlCharacters(text)) return InvalidField(path, "has control characters");
  QQ_RETURN_IF_ERROR(CheckTextLength(path, text, max_chars));
  return text;
}

// One scalar of the fact's type: an int, a bool, a string or an enum value's name.
absl::StatusOr<ConditionValue> ParseScalar(const FactDescriptor& fact, const json::value& value,
                                           const std::string& path) {
  switch (fact.type) {
    case FactType::kInt: {
      int64_t n = 0;
      if (!internal::AsInt64(value, &n)) {
        return InvalidField(path, absl::StrCat("must be an integer for ", fact.name, ", not ",
                                               JsonKindName(value)));
      }
      return n;
    }
    case FactType::kBool:
      if (!value.is_bool()) {
        return InvalidField(path, absl::StrCat("must be true or false for ", fact.name));
      }
      return value.get_bool();
    case FactType::kEnum: {
      if (!value.is_string()) {
        return InvalidField(
            path, absl::StrCat("must be a string for ", fact.name, ", not ", JsonKindName(value)));
      }
      const absl::string_view name(value.get_string().data(), value.get_string().size());
      if (EnumIndex(fact.id, name) < 0) {
        return InvalidField(path, absl::StrCat("'", name, "' is not a value of ", fact.name, " (",
                                               absl::StrJoin(fact.enum_values, ", "), ")"));
      }
      return std::string(name);
    }
    case FactType::kString:
    case FactType::kStringList:
      return ParseText(value, path, IsProductText(fact.id), kMaxValueChars);
  }
  return InvalidField(path, "has no type");
}

absl::StatusOr<ConditionValue> ParseValue(const FactDescriptor& fact, Op op,
                                          const json::value& value, const std::string& path) {
  if (!OpTakesList(op)) return ParseScalar(fact, value, path);
  if (!value.is_array()) {
    return InvalidField(
        path, absl::StrCat("must be an array for '", OpName(op), "', not ", JsonKindName(value)));
  }
  const json::array& items = value.get_array();
  if (items.empty()) return InvalidField(path, "must not be empty");
  if (items.size() > kMaxInValues) {
    return InvalidField(path, absl::StrCat("at most ", kMaxInValues, " values"));
  }
  std::vector<int64_t> numbers;
  std::vector<std::string> strings;
  for (size_t i = 0; i < items.size(); ++i) {
    auto scalar = ParseScalar(fact, items[i], Index(path, i));
    if (!scalar.ok()) return scalar.status();
    if (auto* n = std::get_if<int64_t>(&*scalar)) numbers.push_back(*n);
    if (auto* s = std::get_if<std::string>(&*scalar)) strings.push_back(std::move(*s));
  }
  if (fact.type == FactType::kInt) return numbers;
  return strings;
}

absl::StatusOr<Condition> ParseLeaf(const json::object& node, const std::string& path,
                                    ParseState& state) {
  QQ_RETURN_IF_ERROR(internal::RejectUnknownMembers(node, {"field", "key", "op", "value"}, path));
  const std::string field_path = Child(path, "field");
  const json::value& field = node.at("field");
  if (!field.is_string()) {
    return InvalidField(field_path,
                        absl::StrCat("must be a fact name (a string), not ", JsonKindName(field)));
  }
  const absl::string_view name(field.get_string().data(), field.get_string().size());
  const FactDescriptor* fact = FindFact(name);
  if (fact == nullptr) return InvalidField(field_path, absl::StrCat("unknown fact '", name, "'"));
  if (!FactAppliesTo(fact->id, state.subject)) {
    return InvalidField(field_path, absl::StrCat(fact->name, " is not a fact of ",
                                                 SubjectName(state.subject), " rules"));
  }

  Condition leaf;
  leaf.kind = Condition::Kind::kLeaf;
  leaf.fact = fact->id;
  if (const json::value* key = node.if_contains("key")) {
    const std::string key_path = Child(path, "key");
    if (!fact->takes_key) {
      return InvalidField(key_path, absl::StrCat(fact->name, " takes no key"));
    }
    auto text = ParseText(*key, key_path, IsProductText(fact->id), kMaxKeyChars);
    if (!text.ok()) return text.status();
    leaf.key = std::move(*text);
  }

  const std::string op_path = Child(path, "op");
  const json::value* op_value = node.if_contains("op");
  if (op_value == nullptr) return InvalidField(op_path, "is required");
  if (!op_value->is_string()) {
    return InvalidField(op_path, absl::StrCat("must be a string, not ", JsonKindName(*op_value)));
  }
  const absl::string_view op_name(op_value->get_string().data(), op_value->get_string().size());
  const std::optional<Op> op = ParseOp(op_name);
  if (!op) return InvalidField(op_path, absl::StrCat("unknown operator '", op_name, "'"));
  if (!OpAppliesTo(*op, fact->type)) {
    return InvalidField(op_path, absl::StrCat("operator '", op_name, "' does not apply to ",
                                              fact->name, " (", FactTypeName(fact->type), ")"));
  }
  leaf.op = *op;

  const std::string value_path = Child(path, "value");
  const json::value* value = node.if_contains("value");
  if (!OpTakesValue(*op)) {
    if (value != nullptr) {
      return InvalidField(value_path, absl::StrCat("'", op_name, "' takes no value"));
    }
  } else {
    if (value == nullptr) {
      return InvalidField(value_path, absl::StrCat("is required for '", op_name, "'"));
    }
    auto parsed = ParseValue(*fact, *op, *value, value_path);
    if (!parsed.ok()) return parsed.status();
    leaf.value = std::move(*parsed);
  }

  if (++state.leaves > kMaxConditionLeaves) {
    return InvalidField(state.root, absl::StrCat("more than ", kMaxConditionLeaves, " leaves"));
  }
  return leaf;
}

absl::StatusOr<Condition> ParseNode(const json::value& value, const std::string& path, int depth,
                                    ParseState& state) {
  if (depth > kMaxConditionDepth) {
    return InvalidField(path, absl::StrCat("nested deeper than ", kMaxConditionDepth, " levels"));
  }
  if (!value.is_object()) {
    return InvalidField(path, absl::StrCat("must be an object, not ", JsonKindName(value)));
  }
  const json::object& node = value.get_object();
  int forms = 0;
  for (absl::string_view form : {"all", "any", "not", "field"}) {
    forms += node.contains(internal::Js(form)) ? 1 : 0;
  }
  if (forms != 1) {
    return InvalidField(path, forms == 0 ? "needs one of 'all', 'any', 'not' or 'field'"
                                         : "has more than one of 'all', 'any', 'not', 'field'");
  }
  if (node.contains("field")) return ParseLeaf(node, path, state);
  if (++state.groups > kMaxConditionGroups) {
    return InvalidField(state.root,
                        absl::StrCat("more than ", kMaxConditionGroups, " all/any/not groups"));
  }

  Condition group;
  if (const json::value* inner = node.if_contains("not")) {
    QQ_RETURN_IF_ERROR(internal::RejectUnknownMembers(node, {"not"}, path));
    group.kind = Condition::Kind::kNot;
    auto child = ParseNode(*inner, Child(path, "not"), depth + 1, state);
    if (!child.ok()) return child.status();
    group.children.push_back(std::move(*child));
    return group;
  }
  const bool all = node.contains("all");
  const absl::string_view form = all ? "all" : "any";
  QQ_RETURN_IF_ERROR(internal::RejectUnknownMembers(node, {form}, path));
  group.kind = all ? Condition::Kind::kAll : Condition::Kind::kAny;
  const std::string items_path = Child(path, form);
  const json::value& items = node.at(internal::Js(form));
  if (!items.is_array()) {
    return InvalidField(items_path, absl::StrCat("must be an array, not ", JsonKindName(items)));
  }
  for (size_t i = 0; i < items.get_array().size(); ++i) {
    auto child = ParseNode(items.get_array()[i], Index(items_path, i), depth + 1, state);
    if (!child.ok()) return child.status();
    group.children.push_back(std::move(*child));
  }
  return group;
}

}  // namespace

namespace internal {

absl::StatusOr<Condition> ParseConditionJson(const json::value& value, Subject subject,
                                             const std::string& path) {
  ParseState state{subject, path};
  return ParseNode(value, path, 1, state);
}

json::value ConditionJson(const Condition& condition) {
  json::object node;
  switch (condition.kind) {
    case Condition::Kind::kAll:
    case Condition::Kind::kAny: {
      json::array items;
      for (const Condition& child : condition.children) items.push_back(ConditionJson(child));
      node[condition.kind == Condition::Kind::kAll ? "all" : "any"] = std::move(items);
      break;
    }
    case Condition::Kind::kNot:
      node["not"] = condition.children.empty() ? json::value(json::object())
                                               : ConditionJson(condition.children.front());
      break;
    case Condition::Kind::kLeaf: {
      node["field"] = internal::Js(Describe(condition.fact).name);
      if (condition.key) node["key"] = *condition.key;
      node["op"] = internal::Js(OpName(condition.op));
      std::visit(
          [&node](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::vector<int64_t>> ||
                          std::is_same_v<T, std::vector<std::string>>) {
              json::array items;
              for (const auto& item : v) items.emplace_back(item);
              node["value"] = std::move(items);
            } else if constexpr (!std::is_same_v<T, std::monostate>) {
              node["value"] = v;
            }
          },
          condition.value);
      break;
    }
  }
  return node;
}

}  // namespace internal

absl::StatusOr<Condition> ParseCondition(absl::string_view json_text, Subject subject) {
  auto value = internal::ParseJsonText(json_text, "condition");
  if (!value.ok()) return value.status();
  return internal::ParseConditionJson(*value, subject, "condition");
}

std::string ConditionToJson(const Condition& condition) {
  return json::serialize(internal::ConditionJson(condition));
}

int CountLeaves(const Condition& condition) {
  if (condition.kind == Condition::Kind::kLeaf) return 1;
  int leaves = 0;
  for (const Condition& child : condition.children) leaves += CountLeaves(child);
  return leaves;
}

}  // namespace qq::notification::rules
