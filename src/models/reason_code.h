// models/reason_code.h — why a model scored an applicant the way it did.
#pragma once

#include <string>

namespace credo::models {

// One reason behind a score (拒绝原因码 when it drives a decline): the
// characteristic, the applicant's value or bin, and how much it cost.
// For a scorecard `impact` is the points lost against the characteristic's
// best bin; for a GBDT it is the feature's contribution (SHAP) to the
// log-odds of bad. Larger impact = stronger reason.
struct ReasonCode {
  std::string feature;
  std::string detail;  // bin label or value, e.g. "(3, 6]" or "missing"
  double impact = 0;
};

}  // namespace credo::models
