// modeling/performance_report.h — a model's performance on one sample, as
// the "metrics" JSON of the model report (AUC, KS, Gini, ROC and KS curves,
// deciles, calibration, score distribution, score bands, score PSI).
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <vector>

#include "core/status.h"

namespace credo::modeling {

// AUC, KS (with its threshold) and Gini of probabilities of bad.
Result<nlohmann::json> HeadlineMetrics(std::span<const double> probabilities, std::span<const uint8_t> bads);

// The full "metrics" section: `train` and `validation` headline metrics,
// curves and tables on the validation sample, and the PSI of the score
// between the two. `validation_points` (scorecards) adds score bands and
// draws the distribution in points rather than probability.
Result<nlohmann::json> PerformanceReport(std::span<const double> train_probabilities,
                                         std::span<const uint8_t> train_bads,
                                         std::span<const double> validation_probabilities,
                                         std::span<const uint8_t> validation_bads,
                                         const std::optional<std::vector<int>>& validation_points);

}  // namespace credo::modeling
