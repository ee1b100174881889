// modeling/gbdt.h — training gradient-boosted trees (GBDT) on bad vs good.
//
// TrainGbdt fits one XGBoost model (binary:logistic, histogram trees) with
// early stopping on the validation sample's AUC and keeps exactly the trees
// up to the best round. SearchGbdt tries hyper-parameters within a time
// budget, starting from the peer default (depth 4, eta 0.05), and keeps the
// best on validation. Both return XGBoost's own JSON model, which
// models::TreeEnsemble loads and which Python's xgboost loads unchanged.
//
// Both are deterministic for the same data, options and thread count, and
// may run from several threads at once.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"

namespace credo::modeling {

// Hyper-parameters of one GBDT fit (XGBoost's names and meanings).
struct GbdtOptions {
  int max_trees = 1000;  // boosting rounds at most
  // Stop after this many rounds without a better validation AUC and keep the
  // trees up to the best round; 0 = never stop early, keep all max_trees trees.
  int early_stopping_rounds = 50;
  double eta = 0.05;  // learning rate (shrinkage)
  int max_depth = 4;
  double min_child_weight = 1;    // least hessian (about p(1-p) per row) a leaf may hold
  double subsample = 0.8;         // share of rows each tree sees
  double colsample_bytree = 0.8;  // share of features each tree sees
  double lambda = 1;              // L2 penalty on leaf values
  double alpha = 0;               // L1 penalty on leaf values
  // Per feature: 1 = the probability of bad may only rise with the feature,
  // -1 = only fall, 0 = free. Empty = no constraints.
  std::vector<int> monotone_constraints;
  uint64_t seed = 42;  // below 2^63 (XGBoost's seed is signed)
  int threads = 0;     // 0 = all cores
};

// Rows of features with their outcome. `features` is row-major float, one
// row per label, NaN = missing; `bad` is 1 for a bad outcome, 0 for good.
struct LabeledSample {
  std::span<const float> features;
  std::span<const double> bad;
};

// A fitted model and how it did on the validation sample.
struct GbdtTrainingResult {
  std::string model_json;  // XGBoost JSON holding best_iteration + 1 trees, with feature names
  // 0-based last kept round: the one with the highest validation AUC (the
  // earliest on a tie), or the last one when early_stopping_rounds is 0.
  int best_iteration = 0;
  double validation_auc = 0;  // at best_iteration, as XGBoost evaluated it
  // Per validation row: the probability of bad at best_iteration, which is
  // what model_json predicts for that row.
  std::vector<double> validation_probability;
  // Per feature, in feature_names order: the total gain of its splits (0 = unused).
  std::vector<double> feature_importance_gain;
  GbdtOptions chosen;  // the hyper-parameters of this model
};

// Fits one model on `train`, stopping early on `validation` AUC. Errors name
// the sample, row and feature of bad input: a row length that does not
// match feature_names, a label other than 0/1, an infinite value, a sample
// that is empty or lacks a class; or the option that is out of range.
Result<GbdtTrainingResult> TrainGbdt(const LabeledSample& train, const LabeledSample& validation,
                                     const std::vector<std::string>& feature_names,
                                     const GbdtOptions& options);

// Limits of a hyper-parameter search.
struct GbdtSearchOptions {
  double time_budget_seconds = 300;
  int max_trials = 0;  // 0 = as many as the budget allows
};

// Where a search stands, reported after each completed trial.
struct GbdtSearchProgress {
  int trial = 0;            // 1-based count of completed trials
  int trials_planned = -1;  // max_trials, or -1 when only the budget limits the search
  double trial_validation_auc = 0;
  double best_validation_auc = 0;
  double elapsed_seconds = 0;
  GbdtOptions trial_options;
};
using GbdtSearchCallback = std::function<void(const GbdtSearchProgress&)>;

// Hyper-parameter search: trial 1 is `base` itself and always runs to
// completion, so the result is never worse on validation than `base`;
// trials 2-4 are a fixed portfolio of settings that do well on credit data
// (slow learning, about half the columns per tree); later trials draw
// max_depth 2-8, eta 0.02-0.3 (log-uniform), min_child_weight, subsample,
// colsample_bytree 0.3-1, lambda and alpha at random. The other fields of
// `base` (trees, early stopping, constraints, seed, threads) hold for every
// trial. A trial after the first is abandoned between rounds once it would
// overrun the budget.
// Returns the completed trial with the highest validation AUC (the earliest
// on a tie). The k-th trial's hyper-parameters and result depend only on
// the seed, the data and k; how many trials fit depends on the machine.
Result<GbdtTrainingResult> SearchGbdt(const LabeledSample& train, const LabeledSample& validation,
                                      const std::vector<std::string>& feature_names, const GbdtOptions& base,
                                      const GbdtSearchOptions& search,
                                      const GbdtSearchCallback& progress = {});

// One train/validation pair of a cross-validated search.
struct GbdtFold {
  LabeledSample train;
  LabeledSample validation;
};

// The same search, each trial scored on every fold, which makes the choice
// far less noisy on small samples. A trial fits one model per fold in
// lockstep and stops when the folds' mean validation AUC has not risen for
// early_stopping_rounds rounds (as xgboost.cv does); its validation_auc is
// that mean at its best round and best_iteration that round, the same for
// every fold (the tree count to refit with). A trial replaces the best so far
// only when its fold-by-fold AUC gain exceeds both the gain's standard error
// and 0.002 (a top setting among many within noise wins partly by luck). The
// result's model_json and validation_probability are those of the first
// fold. With row or column sampling the folds draw from one random stream,
// so a fold's model differs from the same fold fitted alone (the search
// stays deterministic).
Result<GbdtTrainingResult> SearchGbdtFolds(std::span<const GbdtFold> folds,
                                           const std::vector<std::string>& feature_names,
                                           const GbdtOptions& base, const GbdtSearchOptions& search,
                                           const GbdtSearchCallback& progress = {});

}  // namespace credo::modeling
