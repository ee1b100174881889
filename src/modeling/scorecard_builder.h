// modeling/scorecard_builder.h — turning a logistic fit on WOE into points.
//
// With log-odds of bad = b0 + sum_i bi * WOE_i and the scaling's
// factor = pdo / ln 2 and offset = base_score - factor * ln(base_odds), the
// exact score is offset - factor * (b0 + sum_i bi * WOE_i). Each bin j of
// characteristic i (n characteristics) gets the integer points
//
//   points_ij = round(-factor * (bi * WOE_ij + b0 / n) + offset / n)
//
// where round() is std::lround: to the nearest integer, halves away from zero.
// The score (the sum of one bin's points per characteristic) is therefore
// within n / 2 points of the exact score.
#pragma once

#include <vector>

#include "core/status.h"
#include "modeling/logistic.h"
#include "models/scorecard.h"

namespace credo::modeling {

// A scorecard from the bins of the fitted characteristics (`bins[i]` is the
// characteristic of `fit.coefficients[i]`). Fails when the counts differ, when
// there is no characteristic, or when the scaling is not positive and finite.
Result<models::Scorecard> BuildScorecard(std::vector<models::VariableBins> bins, const LogisticFit& fit,
                                         models::ScorecardScaling scaling = {});

}  // namespace credo::modeling
