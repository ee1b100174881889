#include "modeling/gbdt.h"

#include <xgboost/c_api.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <set>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "models/xgboost_booster.h"

namespace credo::modeling {
namespace {

using Clock = std::chrono::steady_clock;
using DMatrixOwner = std::unique_ptr<void, int (*)(DMatrixHandle)>;
using BoosterOwner = std::unique_ptr<void, int (*)(BoosterHandle)>;
using models::XgboostError;

// The name XGBoost gives the validation sample in its evaluation text.
constexpr char kValidationName[] = "validation";

// Exact decimal text of a double, for XGBoost's string parameters.
std::string NumberText(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.17g", value);
  return text;
}

Status CheckFeatureNames(const std::vector<std::string>& feature_names) {
  if (feature_names.empty()) return Status::Invalid("no features to train on");
  std::set<std::string_view> seen;
  for (const std::string& name : feature_names) {
    if (!seen.insert(name).second) return Status::Invalid("feature name '" + name + "' appears twice");
  }
  return Status::Ok();
}

// Checks one sample (`sample_name` is "train" or "validation"): shape,
// labels 0/1 with both present, no infinite feature value.
Status CheckSample(const LabeledSample& sample, const std::vector<std::string>& feature_names,
                   const std::string& sample_name) {
  const size_t rows = sample.bad.size();
  const size_t cols = feature_names.size();
  if (rows == 0) return Status::Invalid(sample_name + " sample is empty");
  if (sample.features.size() != rows * cols) {
    return Status::Invalid(sample_name + " sample holds " + std::to_string(sample.features.size()) +
                           " feature values for " + std::to_string(rows) + " labels; expected " +
                           std::to_string(rows) + " rows x " + std::to_string(cols) + " features");
  }
  size_t bads = 0;
  for (size_t r = 0; r < rows; ++r) {
    const double label = sample.bad[r];
    if (label != 0 && label != 1) {  // NaN fails both comparisons too
      return Status::Invalid("label is " + NumberText(label) + "; expected 0 (good) or 1 (bad)",
                             sample_name + " row " + std::to_string(r));
    }
    bads += label == 1;
  }
  if (bads == 0 || bads == rows) {
    return Status::Invalid(sample_name + " sample has only " + (bads == 0 ? "good" : "bad") +
                           " rows; AUC needs both goods and bads");
  }
  for (size_t i = 0; i < sample.features.size(); ++i) {
    if (std::isinf(sample.features[i])) {
      return Status::Invalid(
          "value is infinite; use NaN for a missing value",
          sample_name + " row " + std::to_string(i / cols) + " feature '" + feature_names[i % cols] + "'");
    }
  }
  return Status::Ok();
}

Status CheckOptions(const GbdtOptions& o, size_t feature_count) {
  // Conditions are written so that NaN fails them.
  auto out_of_range = [](const char* field, double value, const char* expected) {
    return Status::Invalid(
        std::string("GBDT option ") + field + " is " + NumberText(value) + "; expected " + expected, field);
  };
  if (o.max_trees < 1) return out_of_range("max_trees", o.max_trees, "at least 1");
  if (o.early_stopping_rounds < 0) {
    return out_of_range("early_stopping_rounds", o.early_stopping_rounds, ">= 0 (0 = keep every tree)");
  }
  if (!(o.eta > 0 && o.eta <= 1)) return out_of_range("eta", o.eta, "a value in (0, 1]");
  if (o.max_depth < 1) return out_of_range("max_depth", o.max_depth, "at least 1");
  if (!(o.min_child_weight >= 0)) return out_of_range("min_child_weight", o.min_child_weight, ">= 0");
  if (!(o.subsample > 0 && o.subsample <= 1))
    return out_of_range("subsample", o.subsample, "a value in (0, 1]");
  if (!(o.colsample_bytree > 0 && o.colsample_bytree <= 1)) {
    return out_of_range("colsample_bytree", o.colsample_bytree, "a value in (0, 1]");
  }
  if (!(o.lambda >= 0)) return out_of_range("lambda", o.lambda, ">= 0");
  if (!(o.alpha >= 0)) return out_of_range("alpha", o.alpha, ">= 0");
  if (o.threads < 0) return out_of_range("threads", o.threads, ">= 0 (0 = all cores)");
  if (o.seed > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return Status::Invalid("GBDT option seed is " + std::to_string(o.seed) + "; expected below 2^63", "seed");
  }
  if (!o.monotone_constraints.empty() && o.monotone_constraints.size() != feature_count) {
    return Status::Invalid("GBDT option monotone_constraints has " +
                               std::to_string(o.monotone_constraints.size()) + " entries for " +
                               std::to_string(feature_count) + " features",
                           "monotone_constraints");
  }
  for (size_t f = 0; f < o.monotone_constraints.size(); ++f) {
    const int c = o.monotone_constraints[f];
    if (c < -1 || c > 1) {
      return Status::Invalid("monotone constraint is " + std::to_string(c) + "; expected -1, 0 or 1",
                             "monotone_constraints[" + std::to_string(f) + "]");
    }
  }
  return Status::Ok();
}

Result<DMatrixOwner> MakeMatrix(const LabeledSample& sample, size_t cols, int threads) {
  const size_t rows = sample.bad.size();
  DMatrixHandle matrix = nullptr;
  if (XGDMatrixCreateFromMat_omp(sample.features.data(), rows, cols, std::nanf(""), &matrix, threads) != 0) {
    return XgboostError("XGDMatrixCreateFromMat_omp");
  }
  DMatrixOwner owner(matrix, XGDMatrixFree);
  const std::vector<float> labels(sample.bad.begin(), sample.bad.end());
  if (XGDMatrixSetFloatInfo(matrix, "label", labels.data(), rows) != 0) {
    return XgboostError("XGDMatrixSetFloatInfo(label)");
  }
  return owner;
}

// Both samples, checked and held as XGBoost matrices, reused by every trial.
struct Samples {
  DMatrixOwner train{nullptr, XGDMatrixFree};
  DMatrixOwner validation{nullptr, XGDMatrixFree};
  const std::vector<std::string>* feature_names = nullptr;
};

Result<Samples> PrepareSamples(const LabeledSample& train, const LabeledSample& validation,
                               const std::vector<std::string>& feature_names, const GbdtOptions& options) {
  CREDO_RETURN_IF_ERROR(CheckFeatureNames(feature_names));
  CREDO_RETURN_IF_ERROR(CheckOptions(options, feature_names.size()));
  CREDO_RETURN_IF_ERROR(CheckSample(train, feature_names, "train"));
  CREDO_RETURN_IF_ERROR(CheckSample(validation, feature_names, "validation"));
  Samples samples;
  samples.feature_names = &feature_names;
  CREDO_ASSIGN_OR_RETURN(samples.train, MakeMatrix(train, feature_names.size(), options.threads));
  CREDO_ASSIGN_OR_RETURN(samples.validation, MakeMatrix(validation, feature_names.size(), options.threads));
  return samples;
}

Status SetParameters(BoosterHandle booster, const GbdtOptions& o) {
  std::string constraints = "(";  // XGBoost's tuple syntax, "(1,0,-1)"; "()" = none
  for (size_t f = 0; f < o.monotone_constraints.size(); ++f) {
    if (f > 0) constraints += ',';
    constraints += std::to_string(o.monotone_constraints[f]);
  }
  constraints += ')';
  const std::pair<const char*, std::string> parameters[] = {
      {"objective", "binary:logistic"},
      {"tree_method", "hist"},
      {"eval_metric", "auc"},
      {"eta", NumberText(o.eta)},
      {"max_depth", std::to_string(o.max_depth)},
      {"min_child_weight", NumberText(o.min_child_weight)},
      {"subsample", NumberText(o.subsample)},
      {"colsample_bytree", NumberText(o.colsample_bytree)},
      {"lambda", NumberText(o.lambda)},
      {"alpha", NumberText(o.alpha)},
      {"seed", std::to_string(o.seed)},
      {"nthread", std::to_string(o.threads)},
      {"monotone_constraints", constraints},
  };
  for (const auto& [name, value] : parameters) {
    if (XGBoosterSetParam(booster, name, value.c_str()) != 0) {
      return XgboostError(std::string("XGBoosterSetParam(") + name + ")");
    }
  }
  return Status::Ok();
}

Status SetFeatureNames(BoosterHandle booster, const std::vector<std::string>& feature_names) {
  std::vector<const char*> names;
  for (const std::string& name : feature_names) names.push_back(name.c_str());
  if (XGBoosterSetStrFeatureInfo(booster, "feature_name", names.data(), names.size()) != 0) {
    return XgboostError("XGBoosterSetStrFeatureInfo(feature_name)");
  }
  return Status::Ok();
}

// The validation AUC in XGBoosterEvalOneIter's text, "[7]\tvalidation-auc:0.83...".
Result<double> ParseValidationAuc(const char* eval_text) {
  const std::string key = std::string(kValidationName) + "-auc:";
  const char* at = std::strstr(eval_text, key.c_str());
  if (at == nullptr)
    return Status::Internal(std::string("no validation AUC in XGBoost's '") + eval_text + "'");
  char* end = nullptr;
  const double auc = std::strtod(at + key.size(), &end);
  if (end == at + key.size() || !(auc >= 0 && auc <= 1)) {
    return Status::Internal(std::string("unreadable validation AUC in XGBoost's '") + eval_text + "'");
  }
  return auc;
}

// The validation probabilities of the first `rounds` rounds of `booster`.
Result<std::vector<double>> PredictRounds(BoosterHandle booster, DMatrixHandle matrix, int rounds) {
  const std::string config =
      "{\"type\":0,\"training\":false,\"iteration_begin\":0,\"iteration_end\":" + std::to_string(rounds) +
      ",\"strict_shape\":false}";
  const bst_ulong* shape = nullptr;
  bst_ulong dimensions = 0;
  const float* values = nullptr;
  if (XGBoosterPredictFromDMatrix(booster, matrix, config.c_str(), &shape, &dimensions, &values) != 0) {
    return XgboostError("XGBoosterPredictFromDMatrix");
  }
  return std::vector<double>(values, values + shape[0]);
}

// Total gain per feature, in feature_names order.
Result<std::vector<double>> TotalGain(BoosterHandle booster, const std::vector<std::string>& feature_names) {
  bst_ulong used = 0;
  const char** names = nullptr;
  bst_ulong dimensions = 0;
  const bst_ulong* shape = nullptr;
  const float* scores = nullptr;
  if (XGBoosterFeatureScore(booster, "{\"importance_type\":\"total_gain\",\"feature_map\":\"\"}", &used,
                            &names, &dimensions, &shape, &scores) != 0) {
    return XgboostError("XGBoosterFeatureScore");
  }
  std::unordered_map<std::string_view, size_t> index;
  for (size_t f = 0; f < feature_names.size(); ++f) index[feature_names[f]] = f;
  std::vector<double> gain(feature_names.size(), 0.0);
  for (bst_ulong i = 0; i < used; ++i) {
    auto it = index.find(names[i]);
    if (it == index.end())
      return Status::Internal(std::string("XGBoost scored unknown feature '") + names[i] + "'");
    gain[it->second] = scores[i];
  }
  return gain;
}

// One fit per fold with early stopping on the folds' mean AUC, or, when
// abandoned, none.
struct Trial {
  bool completed = false;
  // The first fold's model, cut at the round with the highest mean AUC; its
  // validation_auc is that mean AUC and best_iteration that round.
  GbdtTrainingResult result;
  std::vector<double> fold_aucs;  // per fold: the validation AUC at best_iteration
};

// Fits one model per fold in lockstep, round by round, and stops when the
// mean of the folds' validation AUCs has not risen for early_stopping_rounds
// rounds (as xgboost.cv does): every fold is then cut at the same round, the
// one whose tree count is best on average, which is far less noisy than each
// fold's own best round. It is abandoned between rounds once the next round,
// at the trial's average pace so far, would end past `deadline`
// (Clock::time_point::max() = never).
Result<Trial> Fit(std::span<const Samples> folds, const GbdtOptions& options, Clock::time_point deadline) {
  std::vector<BoosterOwner> boosters;
  for (const Samples& fold : folds) {
    DMatrixHandle matrices[] = {fold.train.get(), fold.validation.get()};
    BoosterHandle booster = nullptr;
    if (XGBoosterCreate(matrices, 2, &booster) != 0) return XgboostError("XGBoosterCreate");
    boosters.emplace_back(booster, XGBoosterFree);
    CREDO_RETURN_IF_ERROR(SetParameters(booster, options));
    CREDO_RETURN_IF_ERROR(SetFeatureNames(booster, *fold.feature_names));
  }

  const char* validation_name = kValidationName;
  const Clock::time_point start = Clock::now();
  const bool keep_every_tree = options.early_stopping_rounds == 0;
  std::vector<std::vector<double>> fold_auc_by_round(folds.size());
  int best_round = -1;
  double best_auc = 0;
  for (int round = 0;
       round < options.max_trees && (keep_every_tree || round - best_round <= options.early_stopping_rounds);
       ++round) {
    const Clock::time_point now = Clock::now();
    const Clock::duration pace = round == 0 ? Clock::duration::zero() : (now - start) / round;
    if (now + pace > deadline) return Trial();
    double auc_sum = 0;
    for (size_t f = 0; f < folds.size(); ++f) {
      BoosterHandle booster = boosters[f].get();
      if (XGBoosterUpdateOneIter(booster, round, folds[f].train.get()) != 0) {
        return XgboostError("XGBoosterUpdateOneIter");
      }
      DMatrixHandle validation = folds[f].validation.get();
      const char* eval_text = nullptr;
      if (XGBoosterEvalOneIter(booster, round, &validation, &validation_name, 1, &eval_text) != 0) {
        return XgboostError("XGBoosterEvalOneIter");
      }
      CREDO_ASSIGN_OR_RETURN(const double auc, ParseValidationAuc(eval_text));
      fold_auc_by_round[f].push_back(auc);
      auc_sum += auc;
    }
    const double auc = auc_sum / static_cast<double>(folds.size());
    if (keep_every_tree || best_round < 0 || auc > best_auc) {
      best_round = round;
      best_auc = auc;
    }
  }

  Trial trial;
  trial.completed = true;
  for (const std::vector<double>& aucs : fold_auc_by_round) trial.fold_aucs.push_back(aucs[best_round]);
  GbdtTrainingResult& result = trial.result;
  result.best_iteration = best_round;
  result.validation_auc = best_auc;
  result.chosen = options;
  BoosterHandle booster = boosters.front().get();
  CREDO_ASSIGN_OR_RETURN(result.validation_probability,
                         PredictRounds(booster, folds.front().validation.get(), best_round + 1));

  BoosterHandle kept = nullptr;
  if (XGBoosterSlice(booster, 0, best_round + 1, 1, &kept) != 0) return XgboostError("XGBoosterSlice");
  const BoosterOwner kept_owner(kept, XGBoosterFree);
  bst_ulong length = 0;
  const char* json = nullptr;
  if (XGBoosterSaveModelToBuffer(kept, "{\"format\":\"json\"}", &length, &json) != 0) {
    return XgboostError("XGBoosterSaveModelToBuffer");
  }
  result.model_json.assign(json, length);
  CREDO_ASSIGN_OR_RETURN(result.feature_importance_gain, TotalGain(kept, *folds.front().feature_names));
  return trial;
}

// Uniform on [0, 1) from the top 53 bits: the same on every platform
// (std::uniform_real_distribution is not specified bit for bit).
double Uniform01(std::mt19937_64& random) { return static_cast<double>(random() >> 11) * 0x1.0p-53; }

double LogUniform(std::mt19937_64& random, double low, double high) {
  return low * std::pow(high / low, Uniform01(random));
}

// The least fold-mean AUC gain for which the cross-validated search trades
// the best setting so far for another. Among twenty-odd settings within
// fold noise of each other the top one wins partly by luck (and the earlier
// ones, the default and the portfolio, are the better bets), so a setting
// must win by a margin a modeler would act on.
constexpr double kLeastCrossValidatedGain = 0.002;

// Whether a trial beats the best so far. With one fold: a higher AUC. With
// several: the fold-by-fold AUC gain must exceed both its standard error
// and kLeastCrossValidatedGain.
bool ClearlyBetter(const std::vector<double>& trial_aucs, const std::vector<double>& best_aucs) {
  const size_t k = trial_aucs.size();
  double mean = 0;
  for (size_t f = 0; f < k; ++f) mean += trial_aucs[f] - best_aucs[f];
  mean /= static_cast<double>(k);
  if (k == 1) return mean > 0;
  double variance = 0;
  for (size_t f = 0; f < k; ++f) variance += std::pow(trial_aucs[f] - best_aucs[f] - mean, 2);
  variance /= static_cast<double>(k - 1);
  return mean > kLeastCrossValidatedGain && mean > std::sqrt(variance / static_cast<double>(k));
}

// Settings that do well on tabular credit data, tried right after the
// peer default and before random sampling, so that a short budget still
// tries slow learning with strong column sampling (which random draws reach
// late): {max_depth, eta, min_child_weight, subsample, colsample_bytree, lambda}.
struct PortfolioSetting {
  int max_depth;
  double eta, min_child_weight, subsample, colsample_bytree, lambda;
};
constexpr PortfolioSetting kPortfolio[] = {
    {4, 0.02, 1, 0.8, 0.5, 1},
    {6, 0.02, 10, 0.8, 0.6, 1},
    {3, 0.05, 5, 0.8, 0.5, 5},
};

// Trial `k`'s hyper-parameters (k >= 1) over `base`'s other fields: the
// portfolio first, then random draws from the search space.
GbdtOptions SampleOptions(const GbdtOptions& base, int k, std::mt19937_64& random) {
  GbdtOptions o = base;
  if (k <= static_cast<int>(std::size(kPortfolio))) {
    const PortfolioSetting& p = kPortfolio[k - 1];
    o.max_depth = p.max_depth;
    o.eta = p.eta;
    o.min_child_weight = p.min_child_weight;
    o.subsample = p.subsample;
    o.colsample_bytree = p.colsample_bytree;
    o.lambda = p.lambda;
    o.alpha = 0;
    return o;
  }
  o.max_depth = 2 + static_cast<int>(Uniform01(random) * 7);  // 2..8
  o.eta = LogUniform(random, 0.02, 0.3);
  o.min_child_weight = LogUniform(random, 0.5, 50);
  o.subsample = 0.5 + 0.5 * Uniform01(random);
  o.colsample_bytree = 0.3 + 0.7 * Uniform01(random);
  o.lambda = LogUniform(random, 0.1, 30);
  // Half the trials without L1, the others with it over four decades.
  o.alpha = Uniform01(random) < 0.5 ? 0.0 : LogUniform(random, 0.001, 10);
  return o;
}

}  // namespace

Result<GbdtTrainingResult> TrainGbdt(const LabeledSample& train, const LabeledSample& validation,
                                     const std::vector<std::string>& feature_names,
                                     const GbdtOptions& options) {
  CREDO_ASSIGN_OR_RETURN(const Samples samples, PrepareSamples(train, validation, feature_names, options));
  CREDO_ASSIGN_OR_RETURN(Trial trial,
                         Fit(std::span<const Samples>(&samples, 1), options, Clock::time_point::max()));
  return std::move(trial.result);
}

Result<GbdtTrainingResult> SearchGbdt(const LabeledSample& train, const LabeledSample& validation,
                                      const std::vector<std::string>& feature_names, const GbdtOptions& base,
                                      const GbdtSearchOptions& search, const GbdtSearchCallback& progress) {
  const GbdtFold fold{train, validation};
  return SearchGbdtFolds(std::span<const GbdtFold>(&fold, 1), feature_names, base, search, progress);
}

Result<GbdtTrainingResult> SearchGbdtFolds(std::span<const GbdtFold> folds,
                                           const std::vector<std::string>& feature_names,
                                           const GbdtOptions& base, const GbdtSearchOptions& search,
                                           const GbdtSearchCallback& progress) {
  if (!(search.time_budget_seconds >= 0) || !std::isfinite(search.time_budget_seconds)) {
    return Status::Invalid("search time budget is " + NumberText(search.time_budget_seconds) +
                               " s; expected a finite number >= 0",
                           "time_budget_seconds");
  }
  if (search.max_trials < 0) {
    return Status::Invalid("search max_trials is " + std::to_string(search.max_trials) + "; expected >= 0",
                           "max_trials");
  }
  if (folds.empty()) return Status::Invalid("the search needs at least one train/validation fold", "folds");
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline = start + std::chrono::duration_cast<Clock::duration>(
                                                 std::chrono::duration<double>(search.time_budget_seconds));
  std::vector<Samples> samples;
  for (const GbdtFold& fold : folds) {
    CREDO_ASSIGN_OR_RETURN(Samples s, PrepareSamples(fold.train, fold.validation, feature_names, base));
    samples.push_back(std::move(s));
  }

  std::mt19937_64 random(base.seed);
  GbdtTrainingResult best;
  std::vector<double> best_fold_aucs;
  for (int k = 0; search.max_trials == 0 || k < search.max_trials; ++k) {
    const GbdtOptions options = k == 0 ? base : SampleOptions(base, k, random);
    // Trial 1 (the peer default) always completes; later trials must fit the budget.
    CREDO_ASSIGN_OR_RETURN(Trial trial, Fit(samples, options, k == 0 ? Clock::time_point::max() : deadline));
    if (!trial.completed) break;  // the budget is spent
    const double trial_auc = trial.result.validation_auc;
    if (k == 0 || ClearlyBetter(trial.fold_aucs, best_fold_aucs)) {
      best = std::move(trial.result);
      best_fold_aucs = std::move(trial.fold_aucs);
    }
    if (progress) {
      progress({.trial = k + 1,
                .trials_planned = search.max_trials > 0 ? search.max_trials : -1,
                .trial_validation_auc = trial_auc,
                .best_validation_auc = best.validation_auc,
                .elapsed_seconds = std::chrono::duration<double>(Clock::now() - start).count(),
                .trial_options = options});
    }
  }
  return best;
}

}  // namespace credo::modeling
