#include "modeling/selection.h"

#include <Eigen/Dense>
#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>

namespace credo::modeling {
namespace {

std::string FormatNumber(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", x);
  return buf;
}

// AIC to two decimals: the differences that matter are of order 1.
std::string FormatAic(double aic) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", aic);
  return buf;
}

// Pearson correlation matrix of the candidates' WOE. A constant column is
// uncorrelated with everything (its row and column are zero, diagonal 1).
Eigen::MatrixXd Correlations(const std::vector<Candidate>& candidates) {
  const Eigen::Index k = static_cast<Eigen::Index>(candidates.size());
  const Eigen::Index n = k == 0 ? 0 : static_cast<Eigen::Index>(candidates[0].woe.size());
  Eigen::MatrixXd standardised(n, k);
  for (Eigen::Index j = 0; j < k; ++j) {
    const std::span<const double> woe = candidates[static_cast<size_t>(j)].woe;
    assert(static_cast<Eigen::Index>(woe.size()) == n);
    auto col = standardised.col(j);
    col = Eigen::Map<const Eigen::VectorXd>(woe.data(), n);
    col.array() -= col.mean();
    const double norm = col.norm();
    if (norm > 0) col /= norm;
  }
  Eigen::MatrixXd corr = standardised.transpose() * standardised;
  corr.diagonal().setOnes();
  return corr;
}

// Splits `candidates` into kept (where keep[i]) and dropped (with reason[i]), in input order.
Selection Split(std::vector<Candidate> candidates, const std::vector<bool>& keep,
                const std::vector<std::string>& reasons, const char* step) {
  Selection s;
  for (size_t i = 0; i < candidates.size(); ++i) {
    if (keep[i]) {
      s.kept.push_back(std::move(candidates[i]));
    } else {
      s.dropped.push_back({candidates[i].variable, step, reasons[i]});
    }
  }
  return s;
}

// The logistic fit of `bads` on the candidates at `model`, in that order,
// starting Newton's method at `start` (intercept first; empty: cold start).
Result<LogisticFit> FitModel(const std::vector<Candidate>& candidates, const std::vector<size_t>& model,
                             std::span<const uint8_t> bads, LogisticOptions options,
                             std::vector<double> start = {}) {
  std::vector<std::span<const double>> columns;
  options.start = std::move(start);
  options.column_names.clear();
  for (size_t i : model) {
    columns.push_back(candidates[i].woe);
    options.column_names.push_back(candidates[i].variable);
  }
  return FitLogistic(columns, bads, options);
}

// Stepwise search over candidate indices; `model` is the current model.
class StepwiseSearch {
 public:
  StepwiseSearch(const std::vector<Candidate>& candidates, std::span<const uint8_t> bads,
                 const StepwiseOptions& options)
      : candidates_(candidates), bads_(bads), options_(options), reasons_(candidates.size()) {}

  Status Start(std::vector<size_t> model) {
    model_ = std::move(model);
    CREDO_ASSIGN_OR_RETURN(fit_, FitModel(candidates_, model_, bads_, options_.logistic));
    return Status::Ok();
  }

  // Enters the best candidate if it improves the criterion; true if one entered.
  bool Enter() {
    std::vector<size_t> outside;
    for (size_t c = 0; c < candidates_.size(); ++c) {
      if (std::find(model_.begin(), model_.end(), c) == model_.end()) outside.push_back(c);
    }
    if (static_cast<int>(model_.size()) >= options_.max_variables) {
      for (size_t c : outside) {
        reasons_[c] = "not entered: the model has reached its cap of " +
                      std::to_string(options_.max_variables) + " variables";
      }
      return false;
    }
    size_t best = outside.size();
    double best_value = std::numeric_limits<double>::infinity();
    LogisticFit best_fit;
    std::vector<double> values(outside.size(), std::numeric_limits<double>::infinity());
    for (size_t o = 0; o < outside.size(); ++o) {
      std::vector<size_t> trial = model_;
      trial.push_back(outside[o]);
      std::vector<double> start = WarmStart();
      start.push_back(0);
      Result<LogisticFit> fit = FitModel(candidates_, trial, bads_, options_.logistic, std::move(start));
      if (!fit.ok()) {
        reasons_[outside[o]] = "cannot enter: " + fit.status().message();
        continue;
      }
      values[o] = by_aic() ? fit->aic : fit->p_values.back();
      if (values[o] < best_value) {
        best_value = values[o];
        best = o;
        best_fit = std::move(*fit);
      }
    }
    const bool enters =
        best < outside.size() && (by_aic() ? best_value < fit_.aic : best_value < options_.p_enter);
    for (size_t o = 0; o < outside.size(); ++o) {
      if (std::isinf(values[o])) continue;  // the fit failed; the reason is set above
      reasons_[outside[o]] = by_aic() ? "not entered: AIC would be " + FormatAic(values[o]) + " against " +
                                            FormatAic(fit_.aic) + " without it"
                                      : "not entered: Wald p-value " + FormatNumber(values[o]) +
                                            " >= " + FormatNumber(options_.p_enter);
    }
    if (!enters) return false;
    model_.push_back(outside[best]);
    fit_ = std::move(best_fit);
    return true;
  }

  // Removes the variable whose removal improves the criterion most; true if
  // one left. With `forced`, removes the cheapest one even if the criterion
  // worsens (the lowest AIC without it, or the largest p-value).
  bool Remove(bool forced) {
    if (model_.empty()) return false;
    size_t leaving = model_.size();
    LogisticFit fit_without;
    if (by_aic()) {
      for (size_t m = 0; m < model_.size(); ++m) {
        Result<LogisticFit> fit =
            FitModel(candidates_, Without(m), bads_, options_.logistic, WarmStartWithout(m));
        if (fit.ok() && (leaving == model_.size() || fit->aic < fit_without.aic)) {
          leaving = m;
          fit_without = std::move(*fit);
        }
      }
      if (leaving == model_.size() || !(forced || fit_without.aic < fit_.aic)) return false;
    } else {
      leaving = static_cast<size_t>(std::max_element(fit_.p_values.begin(), fit_.p_values.end()) -
                                    fit_.p_values.begin());
      if (!(forced || fit_.p_values[leaving] > options_.p_stay)) return false;
      Result<LogisticFit> fit =
          FitModel(candidates_, Without(leaving), bads_, options_.logistic, WarmStartWithout(leaving));
      if (!fit.ok()) return false;
      fit_without = std::move(*fit);
    }
    const size_t c = model_[leaving];
    if (forced) {
      reasons_[c] = "removed: over the cap of " + std::to_string(options_.max_variables) +
                    " variables, and the cheapest to remove";
    } else if (by_aic()) {
      reasons_[c] = "removed: AIC falls from " + FormatAic(fit_.aic) + " to " + FormatAic(fit_without.aic) +
                    " without it";
    } else {
      reasons_[c] = "removed: Wald p-value " + FormatNumber(fit_.p_values[leaving]) + " > " +
                    FormatNumber(options_.p_stay);
    }
    model_.erase(model_.begin() + static_cast<std::ptrdiff_t>(leaving));
    fit_ = std::move(fit_without);
    return true;
  }

  Selection Outcome(std::vector<Candidate> candidates) const {
    std::vector<bool> keep(candidates.size(), false);
    for (size_t c : model_) keep[c] = true;
    return Split(std::move(candidates), keep, reasons_, "stepwise");
  }

  size_t model_size() const { return model_.size(); }

 private:
  bool by_aic() const { return options_.criterion == StepwiseCriterion::kAic; }

  // The model without its m-th variable.
  std::vector<size_t> Without(size_t m) const {
    std::vector<size_t> rest = model_;
    rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(m));
    return rest;
  }

  // The current estimate as a warm start for a nested or nesting model.
  std::vector<double> WarmStart() const {
    std::vector<double> start = {fit_.intercept};
    start.insert(start.end(), fit_.coefficients.begin(), fit_.coefficients.end());
    return start;
  }
  std::vector<double> WarmStartWithout(size_t m) const {
    std::vector<double> start = WarmStart();
    start.erase(start.begin() + 1 + static_cast<std::ptrdiff_t>(m));
    return start;
  }

  const std::vector<Candidate>& candidates_;
  std::span<const uint8_t> bads_;
  const StepwiseOptions& options_;
  std::vector<std::string> reasons_;
  std::vector<size_t> model_;
  LogisticFit fit_;
};

// The sign check, keeping the final fit.
Result<SelectedModel> SignCheck(std::vector<Candidate> candidates, std::span<const uint8_t> bads,
                                const LogisticOptions& options) {
  std::vector<bool> keep(candidates.size(), true);
  std::vector<std::string> reasons(candidates.size());
  while (true) {
    std::vector<size_t> model;
    for (size_t c = 0; c < candidates.size(); ++c) {
      if (keep[c]) model.push_back(c);
    }
    CREDO_ASSIGN_OR_RETURN(LogisticFit fit, FitModel(candidates, model, bads, options));
    size_t worst = model.size();
    for (size_t m = 0; m < model.size(); ++m) {
      if (fit.coefficients[m] > 0 &&
          (worst == model.size() || fit.coefficients[m] > fit.coefficients[worst])) {
        worst = m;
      }
    }
    if (worst == model.size()) return SelectedModel{Split(std::move(candidates), keep, reasons, "sign"), fit};
    keep[model[worst]] = false;
    reasons[model[worst]] = "coefficient " + FormatNumber(fit.coefficients[worst]) +
                            " on WOE is positive; with WOE = ln(good share / bad share) it must be negative";
  }
}

void Append(std::vector<DroppedVariable>& to, std::vector<DroppedVariable> from) {
  to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

}  // namespace

Selection FilterByIv(std::vector<Candidate> candidates, double min_iv) {
  std::vector<bool> keep(candidates.size());
  std::vector<std::string> reasons(candidates.size());
  for (size_t i = 0; i < candidates.size(); ++i) {
    keep[i] = candidates[i].iv >= min_iv;
    reasons[i] = "IV " + FormatNumber(candidates[i].iv) + " < " + FormatNumber(min_iv);
  }
  return Split(std::move(candidates), keep, reasons, "iv");
}

Selection FilterByCorrelation(std::vector<Candidate> candidates, double max_abs_correlation) {
  const Eigen::MatrixXd corr = Correlations(candidates);
  std::vector<size_t> by_iv(candidates.size());
  std::iota(by_iv.begin(), by_iv.end(), 0);
  std::stable_sort(by_iv.begin(), by_iv.end(),
                   [&](size_t a, size_t b) { return candidates[a].iv > candidates[b].iv; });
  std::vector<bool> keep(candidates.size(), false);
  std::vector<std::string> reasons(candidates.size());
  std::vector<size_t> kept;
  for (size_t c : by_iv) {
    size_t partner = c;
    double strongest = 0;
    for (size_t k : kept) {
      const double r = std::abs(corr(static_cast<Eigen::Index>(c), static_cast<Eigen::Index>(k)));
      if (r > max_abs_correlation && r > strongest) {
        strongest = r;
        partner = k;
      }
    }
    if (partner == c) {
      keep[c] = true;
      kept.push_back(c);
    } else {
      reasons[c] = "|correlation| " + FormatNumber(strongest) + " > " + FormatNumber(max_abs_correlation) +
                   " with '" + candidates[partner].variable + "' (IV " +
                   FormatNumber(candidates[partner].iv) + " against " + FormatNumber(candidates[c].iv) + ")";
    }
  }
  return Split(std::move(candidates), keep, reasons, "correlation");
}

Selection FilterByVif(std::vector<Candidate> candidates, double max_vif) {
  const Eigen::MatrixXd corr = Correlations(candidates);
  std::vector<size_t> active(candidates.size());
  std::iota(active.begin(), active.end(), 0);
  std::vector<bool> keep(candidates.size(), true);
  std::vector<std::string> reasons(candidates.size());
  while (active.size() > 1) {
    // VIF of each active candidate: regress its standardised WOE on the
    // others' (normal equations on the correlation matrix, which is the
    // least-squares fit with an intercept).
    size_t worst = active.size();
    double worst_vif = 0;
    for (size_t a = 0; a < active.size(); ++a) {
      const Eigen::Index m = static_cast<Eigen::Index>(active.size() - 1);
      Eigen::MatrixXd others(m, m);
      Eigen::VectorXd with(m);
      for (Eigen::Index r = 0, rr = 0; r <= m; ++r) {
        if (static_cast<size_t>(r) == a) continue;
        const Eigen::Index cr = static_cast<Eigen::Index>(active[static_cast<size_t>(r)]);
        with[rr] = corr(cr, static_cast<Eigen::Index>(active[a]));
        for (Eigen::Index c = 0, cc = 0; c <= m; ++c) {
          if (static_cast<size_t>(c) == a) continue;
          others(rr, cc++) = corr(cr, static_cast<Eigen::Index>(active[static_cast<size_t>(c)]));
        }
        ++rr;
      }
      const double r_squared = with.dot(others.colPivHouseholderQr().solve(with));
      const double vif =
          1 - r_squared <= 1e-12 ? std::numeric_limits<double>::infinity() : 1 / (1 - r_squared);
      const bool lower_iv = worst < active.size() && candidates[active[a]].iv < candidates[active[worst]].iv;
      if (worst == active.size() || vif > worst_vif || (vif == worst_vif && lower_iv)) {
        worst = a;
        worst_vif = vif;
      }
    }
    if (!(worst_vif > max_vif)) break;
    const size_t c = active[worst];
    keep[c] = false;
    reasons[c] = std::isinf(worst_vif)
                     ? "VIF infinite (a linear combination of the others) > " + FormatNumber(max_vif)
                     : "VIF " + FormatNumber(worst_vif) + " > " + FormatNumber(max_vif);
    active.erase(active.begin() + static_cast<std::ptrdiff_t>(worst));
  }
  return Split(std::move(candidates), keep, reasons, "vif");
}

Result<Selection> Stepwise(std::vector<Candidate> candidates, std::span<const uint8_t> bads,
                           const StepwiseOptions& options) {
  StepwiseSearch search(candidates, bads, options);
  // Every move strictly improves AIC, so AIC search cannot cycle; the p-value
  // rules can (a variable entering at p < p_enter may later leave at p > p_stay),
  // so the number of moves is bounded.
  const size_t max_moves = 4 * candidates.size() + 4;
  size_t moves = 0;
  if (options.direction == StepwiseDirection::kBackward) {
    std::vector<size_t> all(candidates.size());
    std::iota(all.begin(), all.end(), 0);
    CREDO_RETURN_IF_ERROR(search.Start(std::move(all)));
    while (moves < max_moves && search.Remove(false)) ++moves;
    while (static_cast<int>(search.model_size()) > options.max_variables && search.Remove(true)) {
    }
  } else {
    CREDO_RETURN_IF_ERROR(search.Start({}));
    while (moves < max_moves && search.Enter()) {
      ++moves;
      if (options.direction == StepwiseDirection::kBoth) {
        while (moves < max_moves && search.Remove(false)) ++moves;
      }
    }
  }
  return search.Outcome(std::move(candidates));
}

Result<Selection> DropWrongSigns(std::vector<Candidate> candidates, std::span<const uint8_t> bads,
                                 const LogisticOptions& options) {
  CREDO_ASSIGN_OR_RETURN(SelectedModel model, SignCheck(std::move(candidates), bads, options));
  return std::move(model.selection);
}

Result<SelectedModel> SelectVariables(std::vector<Candidate> candidates, std::span<const uint8_t> bads,
                                      const SelectionOptions& options) {
  std::vector<DroppedVariable> dropped;
  Selection s = FilterByIv(std::move(candidates), options.min_iv);
  Append(dropped, std::move(s.dropped));
  s = FilterByCorrelation(std::move(s.kept), options.max_abs_correlation);
  Append(dropped, std::move(s.dropped));
  s = FilterByVif(std::move(s.kept), options.max_vif);
  Append(dropped, std::move(s.dropped));
  CREDO_ASSIGN_OR_RETURN(s, Stepwise(std::move(s.kept), bads, options.stepwise));
  Append(dropped, std::move(s.dropped));
  CREDO_ASSIGN_OR_RETURN(SelectedModel model, SignCheck(std::move(s.kept), bads, options.stepwise.logistic));
  Append(dropped, std::move(model.selection.dropped));
  model.selection.dropped = std::move(dropped);
  return model;
}

}  // namespace credo::modeling
