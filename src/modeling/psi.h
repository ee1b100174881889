// modeling/psi.h — population stability index (群体稳定性指标, PSI).
//
// PSI measures how far an actual sample (this month's applicants) has moved
// from the expected one (the development sample) over the same buckets:
//   PSI = sum_i (actual_i - expected_i) * ln(actual_i / expected_i)
// over bucket shares. A share below 1e-4 (an empty bucket) is floored to
// 1e-4 in both terms, so PSI stays finite. The usual reading: < 0.1 stable,
// 0.1-0.25 worth a look, > 0.25 shifted.
// All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "data/table.h"
#include "models/variable_bins.h"

namespace credo::modeling {

// The floor applied to bucket shares before taking logarithms.
inline constexpr double kPsiShareFloor = 1e-4;

// PSI of two equally long lists of bucket shares (each summing to 1).
double PopulationStabilityIndex(std::span<const double> expected_shares,
                                std::span<const double> actual_shares);

// One bucket of a PSI report.
struct PsiBucket {
  std::string label;  // "(600, 620]", "missing", "{A, B}"
  int64_t expected_count = 0;
  int64_t actual_count = 0;
  double expected_share = 0;
  double actual_share = 0;
  double psi = 0;  // this bucket's term; the buckets' terms sum to PsiTable::psi
};

// The per-bucket table and the total PSI.
struct PsiTable {
  std::vector<PsiBucket> buckets;
  double psi = 0;
};

// PSI from bucket counts of the two samples. Fails when the lengths differ
// or either sample has no rows.
Result<PsiTable> PsiFromCounts(std::vector<std::string> labels, std::span<const int64_t> expected_counts,
                               std::span<const int64_t> actual_counts);

// PSI of a numeric variable between two samples over the bins of `bins`
// (each value placed as VariableBins::Locate places it).
Result<PsiTable> VariablePsi(const models::VariableBins& bins, std::span<const double> expected_values,
                             std::span<const double> actual_values);

// PSI of a variable between two columns (numeric, date or categorical; the
// two columns may have different level lists).
Result<PsiTable> VariablePsi(const models::VariableBins& bins, const data::Column& expected,
                             const data::Column& actual);

// PSI of scores or probabilities, with buckets cut at the deciles (or
// `buckets` quantiles) of the expected sample; tied scores are never split,
// so there may be fewer buckets. NaN scores are an error.
Result<PsiTable> ScorePsi(std::span<const double> expected_scores, std::span<const double> actual_scores,
                          int buckets = 10);

}  // namespace credo::modeling
