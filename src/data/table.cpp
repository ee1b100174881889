#include "data/table.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <numeric>

#include "core/civil_date.h"
#include "data/column_names.h"

namespace credo::data {
namespace {

// Lists of up to this many names are given whole in NotFound messages.
constexpr size_t kNamesListedWhole = 12;
// Otherwise this many of the closest names are given.
constexpr size_t kClosestNamesListed = 5;

// Levenshtein distance, ignoring ASCII case.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> previous(b.size() + 1), current(b.size() + 1);
  std::iota(previous.begin(), previous.end(), size_t{0});
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                        std::tolower(static_cast<unsigned char>(b[j - 1]));
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (same ? 0 : 1)});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::string JoinNames(const std::vector<std::string_view>& names) {
  std::string joined;
  for (std::string_view name : names) {
    if (!joined.empty()) joined += ", ";
    joined += name;
  }
  return joined;
}

}  // namespace

std::string DescribeColumnNames(std::string_view wanted, const std::vector<std::string_view>& names) {
  if (names.empty()) return "there are no columns";
  if (names.size() <= kNamesListedWhole) return "the columns are: " + JoinNames(names);
  std::vector<std::pair<size_t, size_t>> by_distance;  // (distance, position)
  by_distance.reserve(names.size());
  for (size_t i = 0; i < names.size(); ++i) by_distance.emplace_back(EditDistance(wanted, names[i]), i);
  std::partial_sort(by_distance.begin(), by_distance.begin() + kClosestNamesListed, by_distance.end());
  std::vector<std::string_view> closest;
  for (size_t k = 0; k < kClosestNamesListed; ++k) closest.push_back(names[by_distance[k].second]);
  return "the closest of the " + std::to_string(names.size()) + " columns are: " + JoinNames(closest);
}

const char* ColumnTypeName(ColumnType type) {
  switch (type) {
    case ColumnType::kNumeric:
      return "numeric";
    case ColumnType::kCategorical:
      return "categorical";
    case ColumnType::kDate:
      return "date";
  }
  return "numeric";
}

bool Column::IsMissing(size_t row) const {
  return type == ColumnType::kCategorical ? codes[row] < 0 : std::isnan(numbers[row]);
}

size_t Column::CountMissing() const {
  if (type == ColumnType::kCategorical)
    return std::count_if(codes.begin(), codes.end(), [](int32_t c) { return c < 0; });
  return std::count_if(numbers.begin(), numbers.end(), [](double x) { return std::isnan(x); });
}

std::string Column::ValueText(size_t row) const {
  if (IsMissing(row)) return {};
  switch (type) {
    case ColumnType::kCategorical:
      return levels[codes[row]];
    case ColumnType::kDate:
      return CivilDate::FromDaysSinceEpoch(static_cast<int32_t>(numbers[row])).ToString();
    case ColumnType::kNumeric:
      break;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%.15g", numbers[row]);
  return text;
}

const Column* Table::Find(std::string_view name) const {
  for (const Column& column : columns_) {
    if (column.name == name) return &column;
  }
  return nullptr;
}

Result<size_t> Table::IndexOf(std::string_view name) const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i].name == name) return i;
  }
  std::vector<std::string_view> names;
  names.reserve(columns_.size());
  for (const Column& column : columns_) names.push_back(column.name);
  return Status::NotFound("no column '" + std::string(name) + "'; " + DescribeColumnNames(name, names),
                          source_);
}

Status Table::AddColumn(Column column) {
  if (Find(column.name) != nullptr) {
    return Status::Invalid("the table already has a column '" + column.name + "'", source_);
  }
  if (!columns_.empty() && column.size() != num_rows()) {
    return Status::Invalid("column '" + column.name + "' has " + std::to_string(column.size()) +
                               " values but the table has " + std::to_string(num_rows()) + " rows",
                           source_);
  }
  columns_.push_back(std::move(column));
  return Status::Ok();
}

Table Table::TakeRows(const std::vector<size_t>& rows) const {
  assert(std::all_of(rows.begin(), rows.end(), [&](size_t row) { return row < num_rows(); }));
  Table taken(source_);
  taken.columns_.reserve(columns_.size());
  for (const Column& column : columns_) {
    Column copy;
    copy.name = column.name;
    copy.type = column.type;
    copy.levels = column.levels;
    if (column.type == ColumnType::kCategorical) {
      copy.codes.reserve(rows.size());
      for (size_t row : rows) copy.codes.push_back(column.codes[row]);
    } else {
      copy.numbers.reserve(rows.size());
      for (size_t row : rows) copy.numbers.push_back(column.numbers[row]);
    }
    taken.columns_.push_back(std::move(copy));
  }
  return taken;
}

}  // namespace credo::data
