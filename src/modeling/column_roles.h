// modeling/column_roles.h — which columns of a table are model features.
//
// A newcomer's first run on a raw export must be right: identifier-like
// columns (unique per row, such as a row number or an unnamed first column),
// constant and all-missing columns, dates and free-text-like categoricals
// are left out, each with a notice saying why. `--id` and `--exclude`
// override the detection.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "data/table.h"

namespace credo::modeling {

// The roles decided for a table's columns.
struct ColumnRoles {
  std::vector<size_t> features;      // column indices, in table order
  std::string id_column;             // given or detected; "" if none
  std::vector<std::string> notices;  // one line per column left out, saying why
};

// Decides roles. `target`, `id_column` and `exclude` must name existing
// columns (NotFound otherwise, naming the file and the column).
Result<ColumnRoles> DecideColumnRoles(const data::Table& table, const std::string& target,
                                      const std::string& id_column, const std::vector<std::string>& exclude);

}  // namespace credo::modeling
