// modeling/logistic.h — maximum-likelihood logistic regression for scorecards.
//
// Fits the log-odds of bad (target = 1) as intercept + sum coefficient x
// column by Newton's method (iteratively reweighted least squares) with step
// halving. Columns are standardised internally for conditioning and the
// results are reported on the original scale. An optional ridge (L2) penalty
// never applies to the intercept. A fit that cannot be trusted — a constant
// or collinear column, perfect or quasi-complete separation, no convergence —
// is an error naming the variables involved, never a silently wrong model.
// Pure functions: safe to call from any number of threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace credo::modeling {

// How to fit.
struct LogisticOptions {
  // Ridge penalty: the fit maximises log-likelihood - (l2 / 2) * sum_j coefficient_j^2
  // (intercept excluded). This equals scikit-learn's LogisticRegression with
  // C = 1 / l2 (its objective is 0.5 * |w|^2 + C * sum of losses).
  double l2 = 0;
  int max_iterations = 50;
  // Converged when no coefficient moves by more than this in a Newton step
  // (on the standardised scale).
  double tolerance = 1e-8;
  // One name per column, used in error messages; "column <i>" when empty.
  std::vector<std::string> column_names;
  // Where Newton's method starts (a warm start, e.g. from a nested model in
  // stepwise selection): the intercept, then one coefficient per column.
  // Empty: the log-odds of the bad rate and zero coefficients.
  std::vector<double> start;
};

// A fitted model. The per-column vectors are aligned with the input columns;
// the intercept's estimate and standard error are separate fields.
struct LogisticFit {
  double intercept = 0;
  double intercept_standard_error = 0;
  std::vector<double> coefficients;
  // Wald standard errors: square roots of the diagonal of the inverse of the
  // information matrix X'WX (plus the ridge term when l2 > 0) at the estimate.
  std::vector<double> standard_errors;
  std::vector<double> z;         // coefficient / standard error
  std::vector<double> p_values;  // two-sided, standard normal
  double log_likelihood = 0;     // unpenalised, natural log
  double aic = 0;                // -2 log_likelihood + 2 (columns + 1)
  int iterations = 0;            // Newton steps taken
};

// Fits the log-odds of `bads` (each 0 or 1) on `columns` (each as long as
// `bads`, finite values) using the rows listed in `rows`, or every row when
// `rows` is empty. With no columns it fits the intercept only.
Result<LogisticFit> FitLogistic(const std::vector<std::span<const double>>& columns,
                                std::span<const uint8_t> bads, const LogisticOptions& options = {},
                                std::span<const size_t> rows = {});

}  // namespace credo::modeling
