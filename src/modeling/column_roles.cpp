#include "modeling/column_roles.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <unordered_set>

namespace credo::modeling {
namespace {

// Categorical columns with more levels than this share of rows look like free text or keys.
constexpr double kHighCardinalityShare = 0.5;
constexpr size_t kHighCardinalityLevels = 1000;

bool NameLooksLikeId(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char ch) { return std::tolower(ch); });
  return name == "id" || name.starts_with("id_") || name.ends_with("_id") || name.starts_with("sk_id") ||
         name.starts_with("unnamed_") || name == "index" || name == "row" || name == "row_number";
}

// Text unique per row, or whole numbers unique per row that are a row
// number (a run of consecutive integers) or carry an id-like name. A
// continuous measure that happens to be unique is not an identifier.
bool LooksLikeIdentifier(const data::Column& c) {
  const size_t n = c.size();
  if (n < 2 || c.CountMissing() > 0) return false;
  if (c.type == data::ColumnType::kCategorical) return c.levels.size() == n;
  if (c.type != data::ColumnType::kNumeric) return false;
  std::unordered_set<double> seen;
  seen.reserve(n);
  for (double v : c.numbers) {
    if (v != std::floor(v) || !seen.insert(v).second) return false;
  }
  const auto [lo, hi] = std::minmax_element(c.numbers.begin(), c.numbers.end());
  return *hi - *lo + 1 == static_cast<double>(n) || NameLooksLikeId(c.name);
}

// Distinct non-missing values, counting at most up to 2.
int DistinctUpToTwo(const data::Column& c) {
  bool have_first = false;
  double first_number = 0;
  int32_t first_code = -1;
  for (size_t r = 0; r < c.size(); ++r) {
    if (c.IsMissing(r)) continue;
    if (!have_first) {
      have_first = true;
      if (c.type == data::ColumnType::kCategorical)
        first_code = c.codes[r];
      else
        first_number = c.numbers[r];
      continue;
    }
    const bool differs =
        c.type == data::ColumnType::kCategorical ? c.codes[r] != first_code : c.numbers[r] != first_number;
    if (differs) return 2;
  }
  return have_first ? 1 : 0;
}

}  // namespace

Result<ColumnRoles> DecideColumnRoles(const data::Table& table, const std::string& target,
                                      const std::string& id_column, const std::vector<std::string>& exclude) {
  CREDO_ASSIGN_OR_RETURN(size_t target_index, table.IndexOf(target));
  ColumnRoles roles;
  std::vector<bool> excluded(table.num_columns(), false);
  excluded[target_index] = true;
  if (!id_column.empty()) {
    CREDO_ASSIGN_OR_RETURN(size_t i, table.IndexOf(id_column));
    excluded[i] = true;
    roles.id_column = id_column;
  }
  for (const std::string& name : exclude) {
    CREDO_ASSIGN_OR_RETURN(size_t i, table.IndexOf(name));
    excluded[i] = true;
  }
  for (size_t i = 0; i < table.num_columns(); ++i) {
    if (excluded[i]) continue;
    const data::Column& c = table.column(i);
    const std::string quoted = "column '" + c.name + "'";
    if (c.type == data::ColumnType::kDate) {
      roles.notices.push_back(quoted + " holds dates: left out of the features (use it with --split-by)");
      continue;
    }
    const int distinct = DistinctUpToTwo(c);
    if (distinct == 0) {
      roles.notices.push_back(quoted + " is empty in every row: left out");
      continue;
    }
    if (distinct == 1) {
      roles.notices.push_back(quoted + " has one value in every row: left out as constant");
      continue;
    }
    if (LooksLikeIdentifier(c)) {
      roles.notices.push_back(quoted +
                              " is unique per row: left out as an identifier (--id or --exclude to say so)");
      if (roles.id_column.empty()) roles.id_column = c.name;
      continue;
    }
    if (c.type == data::ColumnType::kCategorical &&
        (c.levels.size() > kHighCardinalityLevels ||
         static_cast<double>(c.levels.size()) > kHighCardinalityShare * static_cast<double>(c.size()))) {
      roles.notices.push_back(quoted + " has " + std::to_string(c.levels.size()) +
                              " distinct values: left out as free text or a key");
      continue;
    }
    roles.features.push_back(i);
  }
  if (roles.features.empty()) {
    return Status::Invalid("no column is left to use as a feature (see the notices: " +
                               std::to_string(roles.notices.size()) + " columns were left out)",
                           table.source());
  }
  return roles;
}

}  // namespace credo::modeling
