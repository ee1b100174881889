#include "modeling/performance_report.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

#include "modeling/metrics.h"
#include "modeling/psi.h"

namespace credo::modeling {
namespace {

using nlohmann::json;

constexpr int kDistributionBins = 20;

// Histogram of goods and bads over equal-width bins between the extremes.
json Distribution(std::span<const double> values, std::span<const uint8_t> bads, const char* of) {
  const auto [lo_it, hi_it] = std::minmax_element(values.begin(), values.end());
  double lo = *lo_it, hi = *hi_it;
  if (hi <= lo) hi = lo + 1;
  std::vector<double> edges(kDistributionBins + 1);
  for (int i = 0; i <= kDistributionBins; ++i) edges[i] = lo + (hi - lo) * i / kDistributionBins;
  std::vector<int64_t> goods(kDistributionBins, 0), bad_counts(kDistributionBins, 0);
  for (size_t r = 0; r < values.size(); ++r) {
    int b = static_cast<int>((values[r] - lo) / (hi - lo) * kDistributionBins);
    b = std::clamp(b, 0, kDistributionBins - 1);
    (bads[r] ? bad_counts : goods)[b]++;
  }
  return {{"of", of}, {"edges", edges}, {"goods", goods}, {"bads", bad_counts}};
}

}  // namespace

Result<json> HeadlineMetrics(std::span<const double> probabilities, std::span<const uint8_t> bads) {
  CREDO_ASSIGN_OR_RETURN(double auc, Auc(probabilities, bads));
  CREDO_ASSIGN_OR_RETURN(KsResult ks, Ks(probabilities, bads));
  int64_t n_bad = 0;
  for (uint8_t b : bads) n_bad += b;
  return json{{"auc", auc},
              {"gini", 2 * auc - 1},
              {"ks", ks.ks},
              {"ks_threshold", ks.threshold},
              {"rows", probabilities.size()},
              {"bads", n_bad}};
}

Result<json> PerformanceReport(std::span<const double> train_probabilities,
                               std::span<const uint8_t> train_bads,
                               std::span<const double> validation_probabilities,
                               std::span<const uint8_t> validation_bads,
                               const std::optional<std::vector<int>>& validation_points) {
  json m;
  CREDO_ASSIGN_OR_RETURN(m["train"], HeadlineMetrics(train_probabilities, train_bads));
  CREDO_ASSIGN_OR_RETURN(m["validation"], HeadlineMetrics(validation_probabilities, validation_bads));

  CREDO_ASSIGN_OR_RETURN(std::vector<RocPoint> roc, RocCurve(validation_probabilities, validation_bads));
  json roc_json = json::array();
  for (const RocPoint& p : roc) roc_json.push_back({p.false_positive_rate, p.true_positive_rate});
  m["roc"] = std::move(roc_json);

  CREDO_ASSIGN_OR_RETURN(std::vector<KsPoint> ks_curve, KsCurve(validation_probabilities, validation_bads));
  json ks_json = json::array();
  for (const KsPoint& p : ks_curve)
    ks_json.push_back({p.population_share, p.cum_bad_share, p.cum_good_share});
  m["ks_curve"] = std::move(ks_json);

  CREDO_ASSIGN_OR_RETURN(std::vector<DecileBand> deciles,
                         DecileTable(validation_probabilities, validation_bads));
  json deciles_json = json::array();
  for (const DecileBand& d : deciles) {
    deciles_json.push_back({{"band", d.band},
                            {"rows", d.rows},
                            {"bads", d.bads},
                            {"bad_rate", d.bad_rate},
                            {"min_probability", d.min_score},
                            {"max_probability", d.max_score},
                            {"cumulative_bad_capture", d.cum_bad_capture_pct / 100.0},
                            {"lift", d.lift}});
  }
  m["deciles"] = std::move(deciles_json);

  CREDO_ASSIGN_OR_RETURN(std::vector<CalibrationBand> calibration,
                         CalibrationTable(validation_probabilities, validation_bads));
  json calibration_json = json::array();
  for (const CalibrationBand& c : calibration) {
    calibration_json.push_back({{"band", c.band},
                                {"rows", c.rows},
                                {"mean_predicted", c.mean_predicted},
                                {"observed", c.observed_bad_rate}});
  }
  m["calibration"] = std::move(calibration_json);

  if (validation_points) {
    std::vector<double> points(validation_points->begin(), validation_points->end());
    m["score_distribution"] = Distribution(points, validation_bads, "score (points)");
    CREDO_ASSIGN_OR_RETURN(std::vector<PointsBand> bands,
                           BadRateByScoreBand(*validation_points, validation_bads));
    json bands_json = json::array();
    for (const PointsBand& b : bands) {
      if (b.rows == 0) continue;
      bands_json.push_back(
          {{"band", "[" + std::to_string(b.lower_points) + ", " + std::to_string(b.upper_points) + ")"},
           {"rows", b.rows},
           {"bads", b.bads},
           {"bad_rate", b.bad_rate}});
    }
    m["score_bands"] = std::move(bands_json);
  } else {
    m["score_distribution"] = Distribution(validation_probabilities, validation_bads, "probability of bad");
  }

  CREDO_ASSIGN_OR_RETURN(PsiTable psi, ScorePsi(train_probabilities, validation_probabilities));
  json psi_json = json::array();
  for (const PsiBucket& b : psi.buckets) {
    psi_json.push_back({{"bucket", b.label},
                        {"expected_share", b.expected_share},
                        {"actual_share", b.actual_share},
                        {"psi", b.psi}});
  }
  m["psi"] = {{"value", psi.psi}, {"table", std::move(psi_json)}};
  return m;
}

}  // namespace credo::modeling
