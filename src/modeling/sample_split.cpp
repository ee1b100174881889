#include "modeling/sample_split.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <random>

#include "core/civil_date.h"

namespace credo::modeling {

namespace {

// The goods, then the bads, each in a seeded random order: what both
// stratified splits deal out.
std::array<std::vector<size_t>, 2> ShuffledRowsByClass(const std::vector<uint8_t>& bads, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::array<std::vector<size_t>, 2> by_class;
  for (size_t r = 0; r < bads.size(); ++r) by_class[bads[r] ? 1 : 0].push_back(r);
  for (auto& rows : by_class) std::shuffle(rows.begin(), rows.end(), rng);
  return by_class;
}

}  // namespace

SampleSplit RandomSplit(const std::vector<uint8_t>& bads, double validation_share, uint64_t seed) {
  SampleSplit split;
  for (const std::vector<size_t>& rows : ShuffledRowsByClass(bads, seed)) {
    const size_t n_validation =
        static_cast<size_t>(std::llround(validation_share * static_cast<double>(rows.size())));
    split.validation.insert(split.validation.end(), rows.begin(), rows.begin() + n_validation);
    split.train.insert(split.train.end(), rows.begin() + n_validation, rows.end());
  }
  std::sort(split.train.begin(), split.train.end());
  std::sort(split.validation.begin(), split.validation.end());
  split.description = "random " +
                      std::to_string(static_cast<int>(std::lround(100 * (1 - validation_share)))) +
                      "% train / " + std::to_string(static_cast<int>(std::lround(100 * validation_share))) +
                      "% validation, stratified by the target, seed " + std::to_string(seed);
  return split;
}

std::vector<int> StratifiedFolds(const std::vector<uint8_t>& bads, int k, uint64_t seed) {
  std::vector<int> fold(bads.size());
  for (const std::vector<size_t>& rows : ShuffledRowsByClass(bads, seed)) {
    for (size_t i = 0; i < rows.size(); ++i) fold[rows[i]] = static_cast<int>(i % k);
  }
  return fold;
}

Result<SampleSplit> OutOfTimeSplit(const data::Table& table, const std::string& column,
                                   const std::string& cut) {
  CREDO_ASSIGN_OR_RETURN(size_t index, table.IndexOf(column));
  const data::Column& c = table.column(index);
  double cut_value = 0;
  if (c.type == data::ColumnType::kDate) {
    auto date = CivilDate::Parse(cut);
    if (!date.ok())
      return Status::Usage("--split-at: " + date.status().message() + " (column '" + column +
                           "' holds dates)");
    cut_value = date->days_since_epoch();
  } else if (c.type == data::ColumnType::kNumeric) {
    const auto [end, ec] = std::from_chars(cut.data(), cut.data() + cut.size(), cut_value);
    if (ec != std::errc() || end != cut.data() + cut.size()) {
      return Status::Usage("--split-at: '" + cut + "' is not a number (column '" + column +
                           "' holds numbers)");
    }
  } else {
    return Status::Usage("--split-by: column '" + column +
                         "' holds text; an out-of-time split needs dates or numbers");
  }
  SampleSplit split;
  for (size_t r = 0; r < c.size(); ++r) {
    const double v = c.numbers[r];
    (std::isnan(v) || v < cut_value ? split.train : split.validation).push_back(r);
  }
  split.description = "out-of-time: " + column + " < " + cut + " trains, the rest validates";
  return split;
}

Status CheckSplitHasBothClasses(const SampleSplit& split, const std::vector<uint8_t>& bads) {
  for (const auto& [name, rows] :
       {std::pair{"train", &split.train}, std::pair{"validation", &split.validation}}) {
    size_t n_bad = 0;
    for (size_t r : *rows) n_bad += bads[r];
    if (rows->empty()) return Status::Invalid(std::string("the ") + name + " part of the split has no rows");
    if (n_bad == 0 || n_bad == rows->size()) {
      return Status::Invalid(std::string("the ") + name + " part of the split has no " +
                             (n_bad == 0 ? "bads" : "goods") + " (" + split.description + ")");
    }
  }
  return Status::Ok();
}

}  // namespace credo::modeling
