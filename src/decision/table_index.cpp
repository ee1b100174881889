#include "decision/table_index.h"

namespace credo::decision {

void TableIndex::AddBlank(uint32_t rule) { blank_.push_back(rule); }

void TableIndex::AddLiterals(uint32_t rule, const std::vector<expr::Value>& literals) {
  for (const expr::Value& literal : literals) {
    std::vector<uint32_t>& rules = keyed_[*Key(literal)];
    if (rules.empty() || rules.back() != rule) rules.push_back(rule);  // `'A', 'A'` lists it once
  }
}

std::optional<TableIndex::Candidates> TableIndex::Lookup(const expr::Value& value) const {
  std::optional<std::string> key = Key(value);
  if (!key) return std::nullopt;
  auto it = keyed_.find(*key);
  if (it == keyed_.end()) return Candidates{{}, blank_};
  return Candidates{it->second, blank_};
}

std::optional<std::string> TableIndex::Key(const expr::Value& value) {
  switch (value.kind()) {
    case expr::ValueKind::kString:
      return "s" + value.as_string();
    case expr::ValueKind::kNumber:
      return "n" + value.as_number().ToString();  // canonical: 1.0 and 1 are "1"
    case expr::ValueKind::kBool:
      return value.as_bool() ? "t" : "f";
    default:
      return std::nullopt;  // null, arrays, objects, dates ('2024-01-01' equals a date)
  }
}

}  // namespace credo::decision
