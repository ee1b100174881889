// models/scorecard.h — a points scorecard (评分卡) built on WOE bins.
//
// Each characteristic maps a value to a bin, and each bin carries integer
// points; the score is the sum of points. The logistic model underneath
// (intercept + coefficient x WOE, on the log-odds of bad) gives the
// probability. Scaling follows the industry convention: `base_score` points
// at `base_odds` good:bad odds, and the odds double every `pdo` points.
// Immutable after construction; safe to share across threads.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <span>
#include <vector>

#include "models/reason_code.h"
#include "models/variable_bins.h"

namespace credo::models {

// Points scaling: base_score points at base_odds (good:bad), doubling odds every pdo points.
struct ScorecardScaling {
  double base_score = 600;
  double base_odds = 50;
  double pdo = 20;

  double factor() const;  // pdo / ln 2
  double offset() const;  // base_score - factor * ln(base_odds)
};

// One characteristic of the scorecard: its bins, its logistic coefficient
// (on WOE) and the integer points of each bin.
struct Characteristic {
  VariableBins bins;
  double coefficient = 0;
  std::vector<int> points;  // one per bin, same order as bins.bins
};

// A fitted scorecard. `bin_of[i]` is the bin index of characteristic i.
struct Scorecard {
  ScorecardScaling scaling;
  double intercept = 0;  // log-odds of bad when every WOE is 0
  std::vector<Characteristic> characteristics;

  // Sum of the points of the applicant's bins.
  int Score(std::span<const int> bin_of) const;
  // Probability of bad: logistic(intercept + sum coefficient * woe).
  double Probability(std::span<const int> bin_of) const;
  // The `top_n` characteristics that lost the most points against their
  // best bin, largest loss first (ties by characteristic order); only
  // characteristics that lost points are listed.
  std::vector<ReasonCode> Reasons(std::span<const int> bin_of, size_t top_n) const;
};

void to_json(nlohmann::json& j, const Scorecard& s);
void from_json(const nlohmann::json& j, Scorecard& s);

}  // namespace credo::models
