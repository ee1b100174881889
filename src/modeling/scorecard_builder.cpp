#include "modeling/scorecard_builder.h"

#include <cmath>
#include <string>

namespace credo::modeling {

Result<models::Scorecard> BuildScorecard(std::vector<models::VariableBins> bins, const LogisticFit& fit,
                                         models::ScorecardScaling scaling) {
  if (bins.size() != fit.coefficients.size()) {
    return Status::Invalid("scorecard: " + std::to_string(bins.size()) +
                           " binned characteristics but the fit has " +
                           std::to_string(fit.coefficients.size()) + " coefficients");
  }
  if (bins.empty()) return Status::Invalid("scorecard: no characteristics to give points to");
  if (!(std::isfinite(scaling.base_score) && scaling.base_odds > 0 && std::isfinite(scaling.base_odds) &&
        scaling.pdo > 0 && std::isfinite(scaling.pdo))) {
    return Status::Invalid(
        "scorecard: scaling needs a finite base_score and positive, finite base_odds and pdo");
  }
  const double n = static_cast<double>(bins.size());
  const double factor = scaling.factor();
  const double offset = scaling.offset();
  models::Scorecard card;
  card.scaling = scaling;
  card.intercept = fit.intercept;
  for (size_t i = 0; i < bins.size(); ++i) {
    models::Characteristic c;
    c.coefficient = fit.coefficients[i];
    for (const models::Bin& bin : bins[i].bins) {
      const double points = -factor * (c.coefficient * bin.woe + fit.intercept / n) + offset / n;
      if (!std::isfinite(points)) {
        return Status::Invalid("scorecard: characteristic '" + bins[i].variable + "' bin " + bin.Label() +
                               " has non-finite points (WOE " + std::to_string(bin.woe) + ")");
      }
      c.points.push_back(static_cast<int>(std::lround(points)));
    }
    c.bins = std::move(bins[i]);
    card.characteristics.push_back(std::move(c));
  }
  return card;
}

}  // namespace credo::modeling
