// A validated condition flattened for sweeps over many subjects: nodes in one array in
// prefix order (a group knows its subtree's size, so short-circuiting skips by index), fact
// ids instead of names, numbers parsed, enum values as indexes and in-sets pre-built.
//
// Unset facts: every comparison on an unset fact is false (eq, ne, lt, in, not_in,
// contains, not_contains, is_empty, is_not_empty alike) except is_not_set; `not` then
// inverts. So "customer.ticket_balance ne 0" is false on a work order without a customer,
// and {"not": {... "eq" ...}} is true there. Pure: no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "services/notification/domain/rules/condition.h"
#include "services/notification/domain/rules/facts.h"

namespace qq::notification::rules {

// One leaf as evaluated, for the audit log and dry runs.
struct LeafResult {
  std::string path;      // "condition.all[1].not"
  std::string field;     // "customer.tags"
  std::string key;       // "18.9L"; empty without a key
  std::string op;        // "contains"
  std::string expected;  // the rule's value as JSON ("VIP", 2, ["CREATED"]); "" for none
  std::string actual;    // the fact as JSON; "null" when unset
  bool outcome = false;  // the leaf's own result, before any enclosing `not`
};

struct Evaluation {
  bool matched = false;
  // Every leaf in the rule's order, including those a short-circuit would skip.
  std::vector<LeafResult> leaves;

  // {"matched":true,"leaves":[{"path":…,"field":…,"key":…,"op":…,"expected":2,
  //  "actual":1,"outcome":true},…]} for the audit log.
  std::string ToJson() const;
  // One line per leaf, e.g. "customer.ticket_balance[18.9L] lte 2: actual 1 → true".
  std::string ToText() const;
};

class CompiledCondition {
 public:
  // `condition` must come from ParseCondition (or a Rule from ParseRule); the root path
  // names leaves in explanations.
  explicit CompiledCondition(const Condition& condition, std::string root_path = "condition");

  // The fast path for sweeps: no allocation, short-circuits.
  bool Matches(const Facts& facts) const;

  // The slow path for audit and dry runs: the same result, with every leaf explained.
  Evaluation Explain(const Facts& facts) const;

 private:
  // Leaf opcodes with the fact's type folded in, so evaluation switches once per leaf.
  enum class Code : uint8_t {
    kAll,
    kAny,
    kNot,
    kIsSet,
    kIsNotSet,
    kIntCmp,        // op in Node::op, operand in number
    kIntIn,         // sorted int_sets_[aux]; negated for not_in
    kEnumIn,        // bitmask of enum indexes in number (eq/in); negated for ne/not_in
    kBoolEq,        // number 0/1
    kStringEq,      // strings_[aux]; negated for ne
    kStringIn,      // sorted string_sets_[aux]; negated for not_in
    kListContains,  // strings_[aux]; negated for not_contains
    kListEmpty,     // negated for is_not_empty
  };
  struct Node {
    Code code;
    FactId fact;
    Op op;
    bool negate = false;
    uint16_t size = 1;  // nodes in this subtree, itself included
    int16_t key = -1;   // index into keys_ for keyed int facts
    int32_t aux = -1;   // index into a side table (see Code)
    int32_t leaf = -1;  // index into leaf_info_
    int64_t number = 0;
  };
  struct LeafInfo {
    std::string path;
    std::string expected;
  };

  void Append(const Condition& condition, const std::string& path);
  bool Eval(size_t i, const Facts& facts) const;
  bool EvalLeaf(const Node& node, const Facts& facts) const;
  std::string Actual(const Node& node, const Facts& facts) const;

  std::vector<Node> nodes_;
  std::vector<std::string> keys_;
  std::vector<std::string> strings_;
  std::vector<std::vector<int64_t>> int_sets_;
  std::vector<std::vector<std::string>> string_sets_;
  std::vector<LeafInfo> leaf_info_;
};

}  // namespace qq::notification::rules
