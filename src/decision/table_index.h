// decision/table_index.h — module-internal: narrows a decision table's rules
// to those that can match, by one input column.
//
// The column qualifies when each rule's cell in it is blank (matches any
// value) or compares `$` by equality with string, number or bool literals
// (decimal.h's equality: 1 and 1.0 are one key; '1' and 1 are two). For a
// string, number or bool value the index yields, in ascending rule order,
// the rules whose literal equals it merged with the rules whose cell is
// blank; every other rule fails that cell, so evaluating only these gives
// the same first hit and the same collected hits as scanning every rule.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "expr/value.h"

namespace credo::decision {

class TableIndex {
 public:
  // Rules are added in ascending order. A blank cell: the rule is a candidate
  // for every value. Literals: for each of them.
  void AddBlank(uint32_t rule);
  void AddLiterals(uint32_t rule, const std::vector<expr::Value>& literals);

  // The two ascending lists whose merge is the candidate rules for `value`,
  // or nullopt when `value` is not a string, number or bool (scan every rule).
  struct Candidates {
    std::span<const uint32_t> keyed;
    std::span<const uint32_t> blank;
  };
  std::optional<Candidates> Lookup(const expr::Value& value) const;

  // Calls `visit(rule)` for each candidate of `value` in ascending order
  // until it returns true; false when `value` is not indexable (nothing visited).
  template <class Visit>
  bool ForEachCandidate(const expr::Value& value, Visit&& visit) const {
    std::optional<Candidates> c = Lookup(value);
    if (!c) return false;
    size_t i = 0, j = 0;
    while (i < c->keyed.size() || j < c->blank.size()) {
      const bool take_keyed = j == c->blank.size() || (i < c->keyed.size() && c->keyed[i] < c->blank[j]);
      if (visit(take_keyed ? c->keyed[i++] : c->blank[j++])) break;
    }
    return true;
  }

 private:
  // One text per class of equal values: kind tag + canonical text.
  static std::optional<std::string> Key(const expr::Value& value);

  std::unordered_map<std::string, std::vector<uint32_t>> keyed_;
  std::vector<uint32_t> blank_;
};

}  // namespace credo::decision
