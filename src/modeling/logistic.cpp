#include "modeling/logistic.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <cstdio>

namespace credo::modeling {
namespace {

// A column whose residual variance, after regressing it on the columns
// before it, is below this share of its variance is taken as collinear.
constexpr double kCollinearResidualShare = 1e-9;
// An information matrix whose smallest LDLT pivot is below this share of the
// largest is numerically singular; with a full-rank design this means the
// weights of some rows have collapsed to zero (separation).
constexpr double kSingularPivotRatio = 1e-14;
// |log-odds| above this is a fitted probability within 1e-6 of 0 or 1.
const double kCertainLogOdds = std::log(1e6);
constexpr int kMaxStepHalvings = 30;

std::string ColumnName(const LogisticOptions& options, size_t j) {
  if (j < options.column_names.size()) return "'" + options.column_names[j] + "'";
  return "column " + std::to_string(j);
}

std::string JoinColumnNames(const LogisticOptions& options, const std::vector<size_t>& columns) {
  std::string s;
  for (size_t i = 0; i < columns.size(); ++i) s += (i ? ", " : "") + ColumnName(options, columns[i]);
  return s;
}

std::string FormatNumber(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", x);
  return buf;
}

// The fitted rows with the columns standardised: column 0 is the intercept
// (all ones), column j + 1 is (x_j - mean_j) / sd_j.
struct Design {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
  std::vector<double> mean, sd;
};

Result<Design> BuildDesign(const std::vector<std::span<const double>>& columns, std::span<const uint8_t> bads,
                           const LogisticOptions& options, std::span<const size_t> rows) {
  const size_t n = rows.empty() ? bads.size() : rows.size();
  const size_t k = columns.size();
  if (n == 0) return Status::Invalid("logistic fit: no rows to fit");
  for (size_t j = 0; j < k; ++j) {
    if (columns[j].size() != bads.size()) {
      return Status::Invalid("logistic fit: " + ColumnName(options, j) + " has " +
                             std::to_string(columns[j].size()) + " values but the target has " +
                             std::to_string(bads.size()));
    }
  }
  Design d;
  d.x.resize(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(k + 1));
  d.y.resize(static_cast<Eigen::Index>(n));
  d.x.col(0).setOnes();
  size_t bad_count = 0;
  for (size_t i = 0; i < n; ++i) {
    const size_t row = rows.empty() ? i : rows[i];
    if (row >= bads.size()) {
      return Status::Invalid("logistic fit: row index " + std::to_string(row) + " is past the last row (" +
                             std::to_string(bads.size()) + " rows)");
    }
    if (bads[row] > 1) {
      return Status::Invalid("logistic fit: target at row " + std::to_string(row) + " is " +
                             std::to_string(bads[row]) + ", not 0 (good) or 1 (bad)");
    }
    bad_count += bads[row];
    d.y[static_cast<Eigen::Index>(i)] = bads[row];
  }
  for (size_t j = 0; j < k; ++j) {
    double* out = d.x.col(static_cast<Eigen::Index>(j + 1)).data();
    for (size_t i = 0; i < n; ++i) {
      const size_t row = rows.empty() ? i : rows[i];
      out[i] = columns[j][row];
      if (!std::isfinite(out[i])) {
        return Status::Invalid("logistic fit: " + ColumnName(options, j) + " at row " + std::to_string(row) +
                               " is " + FormatNumber(out[i]) + "; every value must be finite");
      }
    }
  }
  if (bad_count == 0 || bad_count == n) {
    return Status::Invalid("logistic fit: all " + std::to_string(n) + " rows are " +
                           (bad_count == 0 ? "good" : "bad") + "; the log-odds is unbounded");
  }
  d.mean.resize(k);
  d.sd.resize(k);
  for (size_t j = 0; j < k; ++j) {
    auto col = d.x.col(static_cast<Eigen::Index>(j + 1));
    d.mean[j] = col.mean();
    d.sd[j] = std::sqrt((col.array() - d.mean[j]).square().mean());
    if (!(d.sd[j] > 1e-12 * std::max(1.0, std::abs(d.mean[j])))) {
      return Status::Invalid("logistic fit: " + ColumnName(options, j) + " is constant (" +
                             FormatNumber(d.mean[j]) +
                             ") over the fitted rows, so it cannot be told apart from the intercept");
    }
    col = (col.array() - d.mean[j]) / d.sd[j];
  }
  return d;
}

// An error when a column is (nearly) a linear combination of the intercept
// and the columns before it, naming both sides. `gram` is X'WX of the
// standardised design (intercept first) for positive row weights W, so
// exact collinearity in X shows here too; a column's residual share is its
// weighted residual sum of squares after regressing it on the intercept and
// the earlier kept columns, over its weighted sum of squares about the mean.
Status CheckCollinearity(const Eigen::MatrixXd& gram, const LogisticOptions& options) {
  std::vector<Eigen::Index> kept = {0};
  for (Eigen::Index j = 1; j < gram.cols(); ++j) {
    const Eigen::Index m = static_cast<Eigen::Index>(kept.size());
    Eigen::MatrixXd a(m, m);
    Eigen::VectorXd b(m);
    for (Eigen::Index r = 0; r < m; ++r) {
      b[r] = gram(kept[r], j);
      for (Eigen::Index c = 0; c < m; ++c) a(r, c) = gram(kept[r], kept[c]);
    }
    const Eigen::VectorXd weights = a.ldlt().solve(b);
    const double about_mean = gram(j, j) - gram(0, j) * gram(0, j) / gram(0, 0);
    const double residual_share = (gram(j, j) - b.dot(weights)) / about_mean;
    if (residual_share >= kCollinearResidualShare) {
      kept.push_back(j);
      continue;
    }
    std::vector<size_t> partners;  // column indices (the intercept, kept[0], is not one)
    const double largest = m > 1 ? weights.tail(m - 1).cwiseAbs().maxCoeff() : 0;
    for (Eigen::Index r = 1; r < m; ++r) {
      if (std::abs(weights[r]) > 1e-6 * largest) partners.push_back(static_cast<size_t>(kept[r] - 1));
    }
    return Status::Invalid(
        "logistic fit: singular design: " + ColumnName(options, static_cast<size_t>(j - 1)) +
        " is a linear combination of " + JoinColumnNames(options, partners) + " (R-squared 1 - " +
        FormatNumber(std::max(residual_share, 0.0)) + "); drop one of them");
  }
  return Status::Ok();
}

// The model at one coefficient vector (standardised scale): log-odds, the
// shared term e^-|eta| from which both the likelihood and the weights follow
// without overflow, and the (penalised) log-likelihood.
struct Point {
  Eigen::VectorXd beta, eta, tail;
  double log_likelihood = 0;
  double objective = 0;  // log_likelihood - ridge term
};

Point Evaluate(const Design& d, Eigen::VectorXd beta, const Eigen::VectorXd& penalty) {
  Point at;
  at.eta = d.x * beta;
  at.tail = (-at.eta.array().abs()).exp();
  // ln(1 + e^eta) = max(eta, 0) + ln(1 + e^-|eta|).
  for (Eigen::Index i = 0; i < at.eta.size(); ++i) {
    at.log_likelihood += d.y[i] * at.eta[i] - std::max(at.eta[i], 0.0) - std::log1p(at.tail[i]);
  }
  at.objective = at.log_likelihood - 0.5 * beta.dot(penalty.cwiseProduct(beta));
  at.beta = std::move(beta);
  return at;
}

// Why Newton's method failed: separation (some rows fitted with certainty)
// or plain non-convergence, naming the columns along the direction where the
// information matrix is flattest — the direction the coefficients run off in.
Status DiagnoseFailure(const Design& d, const Eigen::VectorXd& eta, const Eigen::MatrixXd& information,
                       const LogisticOptions& options, int iterations) {
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(information);
  const Eigen::VectorXd flattest = eigen.eigenvectors().col(0);
  std::vector<size_t> involved;
  const double largest = flattest.size() > 1 ? flattest.tail(flattest.size() - 1).cwiseAbs().maxCoeff() : 0;
  for (Eigen::Index j = 1; j < flattest.size(); ++j) {
    if (std::abs(flattest[j]) >= 0.3 * largest) involved.push_back(static_cast<size_t>(j - 1));
  }
  std::sort(involved.begin(), involved.end(), [&](size_t a, size_t b) {
    return std::abs(flattest[static_cast<Eigen::Index>(a + 1)]) >
           std::abs(flattest[static_cast<Eigen::Index>(b + 1)]);
  });
  const std::string names = involved.empty() ? "the intercept" : JoinColumnNames(options, involved);
  const auto certain = (eta.array().abs() > kCertainLogOdds).count();
  if (certain > 0) {
    return Status::Invalid("logistic fit: perfect or quasi-complete separation: the coefficients of " +
                           names + " grow without bound (" + std::to_string(certain) + " of " +
                           std::to_string(d.x.rows()) +
                           " rows fitted with a probability within 1e-6 of 0 or 1); merge bins or drop the "
                           "variable");
  }
  return Status::Invalid("logistic fit: did not converge after " + std::to_string(iterations) +
                         " iterations; variables involved: " + names);
}

}  // namespace

Result<LogisticFit> FitLogistic(const std::vector<std::span<const double>>& columns,
                                std::span<const uint8_t> bads, const LogisticOptions& options,
                                std::span<const size_t> rows) {
  if (!(options.l2 >= 0) || options.max_iterations < 1 || !(options.tolerance > 0)) {
    return Status::Usage("logistic fit: need l2 >= 0, max_iterations >= 1 and tolerance > 0");
  }
  CREDO_ASSIGN_OR_RETURN(const Design d, BuildDesign(columns, bads, options, rows));
  const Eigen::Index p = d.x.cols();
  if (!options.start.empty() && static_cast<Eigen::Index>(options.start.size()) != p) {
    return Status::Usage("logistic fit: the start has " + std::to_string(options.start.size()) +
                         " values; it needs the intercept and one per column, " + std::to_string(p));
  }
  // The ridge term on the standardised scale: l2 * beta_j^2 = (l2 / sd_j^2) * beta_std_j^2.
  Eigen::VectorXd penalty = Eigen::VectorXd::Zero(p);
  for (Eigen::Index j = 1; j < p; ++j) penalty[j] = options.l2 / (d.sd[j - 1] * d.sd[j - 1]);

  Eigen::VectorXd start = Eigen::VectorXd::Zero(p);
  if (options.start.empty()) {
    const double bad_rate = d.y.mean();
    start[0] = std::log(bad_rate / (1 - bad_rate));
  } else {
    // To the standardised scale: beta_std_j = beta_j * sd_j, intercept_std = intercept + sum beta_j * mean_j.
    start[0] = options.start[0];
    for (Eigen::Index j = 1; j < p; ++j) {
      start[j] = options.start[j] * d.sd[j - 1];
      start[0] += options.start[j] * d.mean[j - 1];
    }
  }
  Point current = Evaluate(d, std::move(start), penalty);
  Eigen::MatrixXd weighted(d.x.rows(), p);
  Eigen::MatrixXd information(p, p);
  Eigen::LDLT<Eigen::MatrixXd> ldlt;
  int iterations = 0;
  bool converged = false;
  while (iterations < options.max_iterations) {
    ++iterations;
    // mu = logistic(eta) and the weight mu (1 - mu) = t / (1 + t)^2 with t = e^-|eta|.
    const Eigen::ArrayXd t = current.tail.array();
    const Eigen::ArrayXd mu = (current.eta.array() >= 0).select(1 / (1 + t), t / (1 + t));
    const Eigen::ArrayXd sqrt_weight = t.sqrt() / (1 + t);
    weighted = d.x.array().colwise() * sqrt_weight;
    information.setZero();
    information.selfadjointView<Eigen::Lower>().rankUpdate(weighted.transpose());
    information = information.selfadjointView<Eigen::Lower>();
    if (iterations == 1 && options.l2 == 0) CREDO_RETURN_IF_ERROR(CheckCollinearity(information, options));
    information.diagonal() += penalty;
    ldlt.compute(information);
    const Eigen::VectorXd pivots = ldlt.vectorD();
    if (ldlt.info() != Eigen::Success || !(pivots.minCoeff() > kSingularPivotRatio * pivots.maxCoeff())) {
      return DiagnoseFailure(d, current.eta, information, options, iterations);
    }
    const Eigen::VectorXd gradient =
        d.x.transpose() * (d.y.array() - mu).matrix() - penalty.cwiseProduct(current.beta);
    const Eigen::VectorXd step = ldlt.solve(gradient);
    if (step.cwiseAbs().maxCoeff() < options.tolerance) {
      current = Evaluate(d, current.beta + step, penalty);
      converged = true;
      break;
    }
    // Step halving: accept the longest step (1, 1/2, 1/4, ...) that does not
    // lower the penalised log-likelihood beyond rounding.
    double fraction = 1;
    bool improved = false;
    for (int h = 0; h <= kMaxStepHalvings && !improved; ++h, fraction /= 2) {
      Point trial = Evaluate(d, current.beta + fraction * step, penalty);
      if (trial.objective >= current.objective - 1e-12 * (1 + std::abs(current.objective))) {
        current = std::move(trial);
        improved = true;
      }
    }
    if (!improved) break;
  }
  if (!converged) return DiagnoseFailure(d, current.eta, information, options, iterations);

  // Back to the original scale: beta = A * beta_std, covariance = A * H^-1 * A'.
  Eigen::MatrixXd to_original = Eigen::MatrixXd::Identity(p, p);
  for (Eigen::Index j = 1; j < p; ++j) {
    to_original(0, j) = -d.mean[j - 1] / d.sd[j - 1];
    to_original(j, j) = 1 / d.sd[j - 1];
  }
  const Eigen::VectorXd estimate = to_original * current.beta;
  const Eigen::MatrixXd covariance =
      to_original * ldlt.solve(Eigen::MatrixXd::Identity(p, p)) * to_original.transpose();

  LogisticFit fit;
  fit.intercept = estimate[0];
  fit.intercept_standard_error = std::sqrt(covariance(0, 0));
  for (Eigen::Index j = 1; j < p; ++j) {
    const double se = std::sqrt(covariance(j, j));
    const double z = estimate[j] / se;
    fit.coefficients.push_back(estimate[j]);
    fit.standard_errors.push_back(se);
    fit.z.push_back(z);
    fit.p_values.push_back(std::erfc(std::abs(z) / std::sqrt(2.0)));
  }
  fit.log_likelihood = current.log_likelihood;
  fit.aic = -2 * fit.log_likelihood + 2 * static_cast<double>(p);
  fit.iterations = iterations;
  return fit;
}

}  // namespace credo::modeling
