// modeling/metrics.h — how well a model separates bads from goods (模型评估).
//
// Scores here are "higher = more likely bad" (a probability of bad, or any
// risk score) and the target is 1 for bad, 0 for good; only scorecard points
// (BadRateByScoreBand) run the other way, "higher = safer".
// Every function fails with a Status on empty input, a length mismatch, a NaN
// score, a target other than 0/1, or a sample without bads or without goods.
// All functions are pure and thread-safe; each sorts once, O(n log n).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/status.h"

namespace credo::modeling {

// Area under the ROC curve: the chance that a random bad scores above a
// random good, ties counting one half (Mann-Whitney).
Result<double> Auc(std::span<const double> scores, std::span<const uint8_t> bads);

// Gini (accuracy ratio) = 2 AUC - 1.
Result<double> Gini(std::span<const double> scores, std::span<const uint8_t> bads);

// The Kolmogorov-Smirnov statistic and where it is reached: rows with
// score >= threshold are called bad.
struct KsResult {
  double ks = 0;         // max |cumulative bad share - cumulative good share|
  double threshold = 0;  // the score at which the maximum is first reached
};
Result<KsResult> Ks(std::span<const double> scores, std::span<const uint8_t> bads);

// The most points a plotted curve keeps.
inline constexpr size_t kMaxCurvePoints = 200;

// One point of a ROC curve: calling rows with score >= threshold bad.
struct RocPoint {
  double threshold = 0;            // +inf at (0, 0)
  double false_positive_rate = 0;  // share of goods called bad
  double true_positive_rate = 0;   // share of bads called bad
};
// The ROC curve from (0, 0) to (1, 1), one point per distinct score,
// thinned evenly to at most `max_points` (>= 2) for plotting; the end points
// are always kept.
Result<std::vector<RocPoint>> RocCurve(std::span<const double> scores, std::span<const uint8_t> bads,
                                       size_t max_points = kMaxCurvePoints);

// One point of a KS curve: the riskiest `population_share` of rows.
struct KsPoint {
  double threshold = 0;  // rows with score >= threshold; +inf at the origin
  double population_share = 0;
  double cum_bad_share = 0;   // share of all bads among them
  double cum_good_share = 0;  // share of all goods among them
};
// The KS curve, thinned like RocCurve.
Result<std::vector<KsPoint>> KsCurve(std::span<const double> scores, std::span<const uint8_t> bads,
                                     size_t max_points = kMaxCurvePoints);

// One band of equal row count, riskiest band first.
struct DecileBand {
  int band = 0;  // 1 = riskiest
  double min_score = 0;
  double max_score = 0;
  int64_t rows = 0;
  int64_t bads = 0;
  double bad_rate = 0;
  double cum_bad_capture_pct = 0;  // share of all bads in this and riskier bands, 0..100
  double lift = 0;                 // bad_rate / overall bad rate
};
// `bands` (10: deciles) equal-count bands by descending score; tied scores
// are ordered by row so the table is deterministic. Bands with no rows (fewer
// rows than bands) are left out.
Result<std::vector<DecileBand>> DecileTable(std::span<const double> scores, std::span<const uint8_t> bads,
                                            int bands = 10);

// Predicted against observed bad rate in one band, riskiest band first.
struct CalibrationBand {
  int band = 0;
  int64_t rows = 0;
  double mean_predicted = 0;  // mean probability of bad
  double observed_bad_rate = 0;
};
// Equal-count bands as in DecileTable; probabilities must lie in [0, 1].
Result<std::vector<CalibrationBand>> CalibrationTable(std::span<const double> probabilities,
                                                      std::span<const uint8_t> bads, int bands = 10);

// Rows and bad rate of scorecard points in [lower_points, upper_points).
struct PointsBand {
  int lower_points = 0;
  int upper_points = 0;  // exclusive
  int64_t rows = 0;
  int64_t bads = 0;
  double bad_rate = 0;  // 0 when the band is empty
  double population_share = 0;
};
// Bad rate by bands of `band_width_points` points of an integer scorecard
// score ("higher = safer"), aligned to multiples of the width, lowest
// (riskiest) band first, every band from the lowest to the highest score.
Result<std::vector<PointsBand>> BadRateByScoreBand(std::span<const int> scores_points,
                                                   std::span<const uint8_t> bads, int band_width_points = 20);

// Every summary of a risk score at once, sorting once: what a model report shows.
struct Evaluation {
  int64_t rows = 0;
  int64_t bads = 0;
  double auc = 0;
  double gini = 0;
  KsResult ks;
  std::vector<RocPoint> roc;
  std::vector<KsPoint> ks_curve;
  std::vector<DecileBand> deciles;
};
Result<Evaluation> Evaluate(std::span<const double> scores, std::span<const uint8_t> bads);

}  // namespace credo::modeling
