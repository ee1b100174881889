// data/column_names.h — internal to the data module: the "which columns are
// there" part of a NotFound message, shared by Table::IndexOf and ReadCsv.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace credo::data {

// "the columns are: a, b, c" for a short list; for a long one, the few names
// closest to `wanted` (by case-insensitive edit distance) and how many there are.
std::string DescribeColumnNames(std::string_view wanted, const std::vector<std::string_view>& names);

}  // namespace credo::data
