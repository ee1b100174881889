// modeling/sample_split.h — which rows train a model and which validate it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "data/table.h"

namespace credo::modeling {

// Row indices of the two parts, each in increasing order.
struct SampleSplit {
  std::vector<size_t> train;
  std::vector<size_t> validation;
  std::string
      description;  // "random 75% / 25%, stratified, seed 42" or "out-of-time: application_date < 2026-01-01"
};

// Random split stratified by the target: the same share of bads in both
// parts. Deterministic for a seed.
SampleSplit RandomSplit(const std::vector<uint8_t>& bads, double validation_share, uint64_t seed);

// The fold (0..k-1) of each row for k-fold cross-validation, stratified by
// the target: every fold gets the same share of bads. Deterministic for a seed.
std::vector<int> StratifiedFolds(const std::vector<uint8_t>& bads, int k, uint64_t seed);

// Out-of-time split: rows whose `column` is below `cut` (a date for a date
// column, a number for a numeric one) train, the rest validate. Rows with
// a missing value train. Errors name the column or the cut value.
Result<SampleSplit> OutOfTimeSplit(const data::Table& table, const std::string& column,
                                   const std::string& cut);

// Checks that both parts have bads and goods; the error says which part lacks which.
Status CheckSplitHasBothClasses(const SampleSplit& split, const std::vector<uint8_t>& bads);

}  // namespace credo::modeling
