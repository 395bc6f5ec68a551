#include "services/notification/domain/rules/compiled_condition.h"

#include <algorithm>
#include <boost/json.hpp>

#include "absl/strings/str_cat.h"
#include "services/notification/domain/rules/json_support.h"

namespace qq::notification::rules {
namespace {

namespace json = boost::json;

std::string ValueJson(const ConditionValue& value) {
  if (std::holds_alternative<std::monostate>(value)) return "";
  Condition leaf;
  leaf.kind = Condition::Kind::kLeaf;
  leaf.value = value;
  // The leaf's JSON carries the value in the canonical form; take just that member.
  return json::serialize(internal::ConditionJson(leaf).as_object().at("value"));
}

bool Compare(Op op, int64_t actual, int64_t expected) {
  switch (op) {
    case Op::kEq:
      return actual == expected;
    case Op::kNe:
      return actual != expected;
    case Op::kLt:
      return actual < expected;
    case Op::kLte:
      return actual <= expected;
    case Op::kGt:
      return actual > expected;
    case Op::kGte:
      return actual >= expected;
    default:
      return false;
  }
}

}  // namespace

CompiledCondition::CompiledCondition(const Condition& condition, std::string root_path) {
  Append(condition, root_path);
}

void CompiledCondition::Append(const Condition& condition, const std::string& path) {
  const size_t index = nodes_.size();
  Node node{.code = Code::kAll, .fact = condition.fact, .op = condition.op};
  switch (condition.kind) {
    case Condition::Kind::kAll:
    case Condition::Kind::kAny: {
      const bool all = condition.kind == Condition::Kind::kAll;
      node.code = all ? Code::kAll : Code::kAny;
      nodes_.push_back(node);
      for (size_t i = 0; i < condition.children.size(); ++i) {
        Append(condition.children[i], absl::StrCat(path, all ? ".all[" : ".any[", i, "]"));
      }
      nodes_[index].size = static_cast<uint16_t>(nodes_.size() - index);
      return;
    }
    case Condition::Kind::kNot:
      node.code = Code::kNot;
      nodes_.push_back(node);
      if (condition.children.empty()) {
        // Not reachable from ParseCondition; `not` of nothing is `not all[]`.
        nodes_.push_back(Node{.code = Code::kAll});
      } else {
        Append(condition.children.front(), absl::StrCat(path, ".not"));
      }
      nodes_[index].size = static_cast<uint16_t>(nodes_.size() - index);
      return;
    case Condition::Kind::kLeaf:
      break;
  }

  const FactType type = Describe(condition.fact).type;
  const Op op = condition.op;
  node.leaf = static_cast<int32_t>(leaf_info_.size());
  leaf_info_.push_back({path, ValueJson(condition.value)});
  if (condition.key) {
    node.key = static_cast<int16_t>(keys_.size());
    keys_.push_back(*condition.key);
  }
  if (op == Op::kIsSet || op == Op::kIsNotSet) {
    node.code = op == Op::kIsSet ? Code::kIsSet : Code::kIsNotSet;
    nodes_.push_back(node);
    return;
  }
  node.negate =
      op == Op::kNe || op == Op::kNotIn || op == Op::kNotContains || op == Op::kIsNotEmpty;
  switch (type) {
    case FactType::kInt:
      if (OpTakesList(op)) {
        node.code = Code::kIntIn;
        std::vector<int64_t> set = std::get<std::vector<int64_t>>(condition.value);
        std::sort(set.begin(), set.end());
        set.erase(std::unique(set.begin(), set.end()), set.end());
        node.aux = static_cast<int32_t>(int_sets_.size());
        int_sets_.push_back(std::move(set));
      } else {
        // ne compares directly; the negation flag is for set membership only.
        node.code = Code::kIntCmp;
        node.negate = false;
        node.number = std::get<int64_t>(condition.value);
      }
      break;
    case FactType::kBool:
      node.code = Code::kBoolEq;
      node.number = std::get<bool>(condition.value) ? 1 : 0;
      break;
    case FactType::kEnum: {
      node.code = Code::kEnumIn;
      uint64_t mask = 0;
      auto add = [&](const std::string& name) {
        const int i = EnumIndex(condition.fact, name);
        if (i >= 0) mask |= uint64_t{1} << i;
      };
      if (const auto* names = std::get_if<std::vector<std::string>>(&condition.value)) {
        for (const std::string& name : *names) add(name);
      } else {
        add(std::get<std::string>(condition.value));
      }
      node.number = static_cast<int64_t>(mask);
      break;
    }
    case FactType::kString:
      if (OpTakesList(op)) {
        node.code = Code::kStringIn;
        std::vector<std::string> set = std::get<std::vector<std::string>>(condition.value);
        std::sort(set.begin(), set.end());
        set.erase(std::unique(set.begin(), set.end()), set.end());
        node.aux = static_cast<int32_t>(string_sets_.size());
        string_sets_.push_back(std::move(set));
      } else {
        node.code = Code::kStringEq;
        node.aux = static_cast<int32_t>(strings_.size());
        strings_.push_back(std::get<std::string>(condition.value));
      }
      break;
    case FactType::kStringList:
      if (op == Op::kContains || op == Op::kNotContains) {
        node.code = Code::kListContains;
        node.aux = static_cast<int32_t>(strings_.size());
        strings_.push_back(std::get<std::string>(condition.value));
      } else {
        node.code = Code::kListEmpty;
      }
      break;
  }
  nodes_.push_back(node);
}

bool CompiledCondition::Matches(const Facts& facts) const {
  return nodes_.empty() || Eval(0, facts);
}

bool CompiledCondition::Eval(size_t i, const Facts& facts) const {
  const Node& node = nodes_[i];
  switch (node.code) {
    case Code::kAll: {
      const size_t end = i + node.size;
      for (size_t j = i + 1; j < end; j += nodes_[j].size) {
        if (!Eval(j, facts)) return false;
      }
      return true;
    }
    case Code::kAny: {
      const size_t end = i + node.size;
      for (size_t j = i + 1; j < end; j += nodes_[j].size) {
        if (Eval(j, facts)) return true;
      }
      return false;
    }
    case Code::kNot:
      return !Eval(i + 1, facts);
    default:
      return EvalLeaf(node, facts);
  }
}

bool CompiledCondition::EvalLeaf(const Node& node, const Facts& facts) const {
  const bool set = facts.IsSet(node.fact);
  if (node.code == Code::kIsSet) return set;
  if (node.code == Code::kIsNotSet) return !set;
  if (!set) return false;  // every comparison on an unset fact is false
  bool result = false;
  switch (node.code) {
    case Code::kIntCmp:
    case Code::kIntIn: {
      const int64_t actual =
          node.key >= 0 ? *facts.Keyed(node.fact, keys_[node.key]) : facts.Number(node.fact);
      if (node.code == Code::kIntCmp) return Compare(node.op, actual, node.number);
      const auto& values = int_sets_[node.aux];
      result = std::binary_search(values.begin(), values.end(), actual);
      break;
    }
    case Code::kEnumIn: {
      const int64_t index = facts.Number(node.fact);
      result = index >= 0 && index < 64 && ((static_cast<uint64_t>(node.number) >> index) & 1u);
      break;
    }
    case Code::kBoolEq:
      return facts.Number(node.fact) == node.number;
    case Code::kStringEq:
      result = facts.String(node.fact) == strings_[node.aux];
      break;
    case Code::kStringIn: {
      const auto& values = string_sets_[node.aux];
      result = std::binary_search(values.begin(), values.end(), facts.String(node.fact));
      break;
    }
    case Code::kListContains: {
      const auto& list = facts.List(node.fact);
      result = std::find(list.begin(), list.end(), strings_[node.aux]) != list.end();
      break;
    }
    case Code::kListEmpty:
      result = facts.List(node.fact).empty();
      break;
    default:
      return false;
  }
  return result != node.negate;
}

std::string CompiledCondition::Actual(const Node& node, const Facts& facts) const {
  if (!facts.IsSet(node.fact)) return "null";
  switch (Describe(node.fact).type) {
    case FactType::kInt:
      return absl::StrCat(node.key >= 0 ? *facts.Keyed(node.fact, keys_[node.key])
                                        : facts.Number(node.fact));
    case FactType::kBool:
      return facts.Number(node.fact) != 0 ? "true" : "false";
    case FactType::kEnum: {
      const absl::string_view name = facts.EnumName(node.fact);
      return json::serialize(
          json::value(internal::Js(name.empty() ? absl::string_view("(unknown)") : name)));
    }
    case FactType::kString:
      return json::serialize(json::value(facts.String(node.fact)));
    case FactType::kStringList: {
      json::array list;
      for (const std::string& item : facts.List(node.fact)) list.emplace_back(item);
      return json::serialize(list);
    }
  }
  return "null";
}

Evaluation CompiledCondition::Explain(const Facts& facts) const {
  Evaluation evaluation;
  // Every node is evaluated (no short-circuit) so the audit shows every leaf; the result
  // is the same as Matches' because evaluation has no side effects.
  auto explain = [&](auto& self, size_t i) -> bool {
    const Node& node = nodes_[i];
    switch (node.code) {
      case Code::kAll:
      case Code::kAny: {
        bool all = true, any = false;
        const size_t end = i + node.size;
        for (size_t j = i + 1; j < end; j += nodes_[j].size) {
          const bool r = self(self, j);
          all = all && r;
          any = any || r;
        }
        return node.code == Code::kAll ? all : any;
      }
      case Code::kNot:
        return !self(self, i + 1);
      default: {
        const LeafInfo& info = leaf_info_[node.leaf];
        LeafResult leaf;
        leaf.path = info.path;
        leaf.field = std::string(Describe(node.fact).name);
        if (node.key >= 0) leaf.key = keys_[node.key];
        leaf.op = std::string(OpName(node.op));
        leaf.expected = info.expected;
        leaf.actual = Actual(node, facts);
        leaf.outcome = EvalLeaf(node, facts);
        const bool outcome = leaf.outcome;
        evaluation.leaves.push_back(std::move(leaf));
        return outcome;
      }
    }
  };
  evaluation.matched = nodes_.empty() || explain(explain, 0);
  return evaluation;
}

std::string Evaluation::ToJson() const {
  json::array items;
  for (const LeafResult& leaf : leaves) {
    json::object item;
    item["path"] = leaf.path;
    item["field"] = leaf.field;
    if (!leaf.key.empty()) item["key"] = leaf.key;
    item["op"] = leaf.op;
    if (!leaf.expected.empty()) item["expected"] = json::parse(leaf.expected);
    item["actual"] = json::parse(leaf.actual);
    item["outcome"] = leaf.outcome;
    items.push_back(std::move(item));
  }
  json::object root;
  root["matched"] = matched;
  root["leaves"] = std::move(items);
  return json::serialize(root);
}

std::string Evaluation::ToText() const {
  std::string text = absl::StrCat("matched: ", matched ? "true" : "false", "\n");
  for (const LeafResult& leaf : leaves) {
    absl::StrAppend(&text, leaf.path, ": ", leaf.field, leaf.key.empty() ? "" : "[", leaf.key,
                    leaf.key.empty() ? "" : "]", " ", leaf.op, leaf.expected.empty() ? "" : " ",
                    leaf.expected, ", actual ", leaf.actual, " → ", leaf.outcome ? "true" : "false",
                    "\n");
  }
  return text;
}

}  // namespace qq::notification::rules
