#include "modeling/psi.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

#include "modeling/binning.h"

namespace credo::modeling {
namespace {

// One bucket's term of the PSI sum, with both shares floored.
double PsiTerm(double expected_share, double actual_share) {
  const double e = std::max(expected_share, kPsiShareFloor);
  const double a = std::max(actual_share, kPsiShareFloor);
  return (a - e) * std::log(a / e);
}

std::vector<std::string> BinLabels(const models::VariableBins& bins) {
  std::vector<std::string> labels;
  for (const models::Bin& b : bins.bins) labels.push_back(b.Label());
  return labels;
}

std::vector<int64_t> CountByBin(size_t num_bins, std::span<const int32_t> bin_of_row) {
  std::vector<int64_t> counts(num_bins, 0);
  for (int32_t bin : bin_of_row) ++counts[bin];
  return counts;
}

// Rows per bin of a column.
std::vector<int64_t> CountColumn(const models::VariableBins& bins, const data::Column& column) {
  std::vector<int32_t> bin_of_row(column.size());
  if (column.type == data::ColumnType::kCategorical) {
    LocateAll(bins, column.codes, column.levels, bin_of_row);
  } else {
    LocateAll(bins, column.numbers, bin_of_row);
  }
  return CountByBin(bins.bins.size(), bin_of_row);
}

std::vector<int64_t> CountValues(const models::VariableBins& bins, std::span<const double> values) {
  std::vector<int32_t> bin_of_row(values.size());
  LocateAll(bins, values, bin_of_row);
  return CountByBin(bins.bins.size(), bin_of_row);
}

Status CheckScores(std::span<const double> scores, const char* sample) {
  if (scores.empty()) return Status::Invalid(std::string("the ") + sample + " sample has no scores");
  for (size_t i = 0; i < scores.size(); ++i) {
    if (std::isnan(scores[i])) {
      return Status::Invalid(std::string("score ") + std::to_string(i) + " of the " + sample +
                             " sample is NaN");
    }
  }
  return Status::Ok();
}

}  // namespace

double PopulationStabilityIndex(std::span<const double> expected_shares,
                                std::span<const double> actual_shares) {
  assert(expected_shares.size() == actual_shares.size());
  double psi = 0;
  for (size_t i = 0; i < expected_shares.size(); ++i) psi += PsiTerm(expected_shares[i], actual_shares[i]);
  return psi;
}

Result<PsiTable> PsiFromCounts(std::vector<std::string> labels, std::span<const int64_t> expected_counts,
                               std::span<const int64_t> actual_counts) {
  if (expected_counts.size() != actual_counts.size() || labels.size() != expected_counts.size()) {
    return Status::Invalid("PSI needs as many expected counts, actual counts and labels (" +
                           std::to_string(expected_counts.size()) + ", " +
                           std::to_string(actual_counts.size()) + ", " + std::to_string(labels.size()) + ")");
  }
  int64_t expected_total = 0, actual_total = 0;
  for (size_t i = 0; i < expected_counts.size(); ++i) {
    expected_total += expected_counts[i];
    actual_total += actual_counts[i];
  }
  if (expected_total <= 0) return Status::Invalid("the expected sample of the PSI has no rows");
  if (actual_total <= 0) return Status::Invalid("the actual sample of the PSI has no rows");
  PsiTable table;
  for (size_t i = 0; i < labels.size(); ++i) {
    PsiBucket b;
    b.label = std::move(labels[i]);
    b.expected_count = expected_counts[i];
    b.actual_count = actual_counts[i];
    b.expected_share = static_cast<double>(b.expected_count) / static_cast<double>(expected_total);
    b.actual_share = static_cast<double>(b.actual_count) / static_cast<double>(actual_total);
    b.psi = PsiTerm(b.expected_share, b.actual_share);
    table.psi += b.psi;
    table.buckets.push_back(std::move(b));
  }
  return table;
}

Result<PsiTable> VariablePsi(const models::VariableBins& bins, std::span<const double> expected_values,
                             std::span<const double> actual_values) {
  return PsiFromCounts(BinLabels(bins), CountValues(bins, expected_values), CountValues(bins, actual_values));
}

Result<PsiTable> VariablePsi(const models::VariableBins& bins, const data::Column& expected,
                             const data::Column& actual) {
  if (expected.type != actual.type) {
    return Status::Invalid("PSI of variable '" + bins.variable + "': the two samples' columns '" +
                           expected.name + "' and '" + actual.name + "' have different types");
  }
  return PsiFromCounts(BinLabels(bins), CountColumn(bins, expected), CountColumn(bins, actual));
}

Result<PsiTable> ScorePsi(std::span<const double> expected_scores, std::span<const double> actual_scores,
                          int buckets) {
  if (buckets < 2) return Status::Invalid("score PSI needs at least 2 buckets");
  CREDO_RETURN_IF_ERROR(CheckScores(expected_scores, "expected"));
  CREDO_RETURN_IF_ERROR(CheckScores(actual_scores, "actual"));
  // The score buckets as range bins, so they label and locate like variable bins.
  models::VariableBins score_bins;
  score_bins.variable = "score";
  double lower = -std::numeric_limits<double>::infinity();
  for (double cut : QuantileCuts(expected_scores, buckets)) {
    models::Bin b;
    b.lower = lower;
    b.upper = cut;
    score_bins.bins.push_back(b);
    lower = cut;
  }
  models::Bin last;
  last.lower = lower;
  score_bins.bins.push_back(last);
  return VariablePsi(score_bins, expected_scores, actual_scores);
}

}  // namespace credo::modeling
