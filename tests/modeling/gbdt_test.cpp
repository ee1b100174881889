// Tests of modeling/gbdt.h on generated samples with a known signal.
#include "modeling/gbdt.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "models/xgboost_booster.h"

namespace credo::modeling {
namespace {

const std::vector<std::string> kFeatures = {"utilization", "age_gap", "noise", "inquiries"};

// A generated sample: row-major features and labels, with a view for the API.
struct Generated {
  std::vector<float> features;
  std::vector<double> bad;
  LabeledSample sample() const { return {features, bad}; }
  size_t rows() const { return bad.size(); }
};

// Log-odds of bad = -1 + 1.5 utilization + 0.8 (age_gap^2 - 4/3) + 0.3 inquiries;
// utilization, noise, inquiries ~ N(0, 1), age_gap ~ U(-2, 2) (a U-shaped
// effect), inquiries missing in 20% of rows (then contributing 0).
Generated Generate(size_t rows, uint64_t seed) {
  std::mt19937_64 random(seed);
  auto uniform = [&] { return static_cast<double>(random() >> 11) * 0x1.0p-53; };
  auto normal = [&] { return std::sqrt(-2 * std::log(1 - uniform())) * std::cos(2 * M_PI * uniform()); };
  Generated g;
  for (size_t r = 0; r < rows; ++r) {
    const double utilization = normal();
    const double age_gap = -2 + 4 * uniform();
    const double noise = normal();
    const double inquiries = normal();
    const bool inquiries_missing = uniform() < 0.2;
    const double log_odds = -1 + 1.5 * utilization + 0.8 * (age_gap * age_gap - 4.0 / 3) +
                            (inquiries_missing ? 0 : 0.3 * inquiries);
    g.features.insert(g.features.end(), {static_cast<float>(utilization), static_cast<float>(age_gap),
                                         static_cast<float>(noise),
                                         inquiries_missing ? std::nanf("") : static_cast<float>(inquiries)});
    g.bad.push_back(uniform() < 1 / (1 + std::exp(-log_odds)) ? 1 : 0);
  }
  return g;
}

// AUC as the Mann-Whitney statistic: the share of (bad, good) pairs in which
// the bad row scores higher, ties counting one half. A second implementation
// next to XGBoost's own.
double MannWhitneyAuc(const std::vector<double>& score, const std::vector<double>& bad) {
  double wins = 0;
  double pairs = 0;
  for (size_t i = 0; i < score.size(); ++i) {
    if (bad[i] != 1) continue;
    for (size_t j = 0; j < score.size(); ++j) {
      if (bad[j] != 0) continue;
      pairs += 1;
      wins += score[i] > score[j] ? 1 : score[i] == score[j] ? 0.5 : 0;
    }
  }
  return wins / pairs;
}

class GbdtTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    train_ = new Generated(Generate(1500, 1));
    validation_ = new Generated(Generate(800, 2));
  }
  static void TearDownTestSuite() {
    delete train_;
    delete validation_;
  }

  static GbdtOptions FastOptions() {
    GbdtOptions options;
    options.max_trees = 300;
    options.early_stopping_rounds = 20;
    options.eta = 0.3;
    // One thread: the test machine is shared, and XGBoost's OpenMP threads
    // slow down badly when cores are oversubscribed.
    options.threads = 1;
    return options;
  }

  static Generated* train_;
  static Generated* validation_;
};
Generated* GbdtTest::train_ = nullptr;
Generated* GbdtTest::validation_ = nullptr;

TEST_F(GbdtTest, EarlyStoppingKeepsTheBestRoundOnly) {
  const GbdtOptions options = FastOptions();
  auto result = TrainGbdt(train_->sample(), validation_->sample(), kFeatures, options);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  // Training stopped early: the best round was followed by fewer than
  // max_trees - 1 rounds, so the early_stopping_rounds window closed.
  EXPECT_LT(result->best_iteration + options.early_stopping_rounds, options.max_trees);
  EXPECT_GT(result->validation_auc, 0.7);

  auto trees = models::TreeEnsemble::FromJson(result->model_json);
  ASSERT_TRUE(trees.ok()) << trees.status().ToString();
  EXPECT_EQ(trees->num_trees(), static_cast<size_t>(result->best_iteration + 1));
  EXPECT_EQ(trees->feature_names(), kFeatures);

  // The saved model predicts exactly what the full booster predicted at the
  // best round during training...
  auto probability = trees->PredictProbability(validation_->features.data(), validation_->rows(), 4);
  ASSERT_TRUE(probability.ok()) << probability.status().ToString();
  EXPECT_EQ(*probability, result->validation_probability);
  // ... and those predictions have the AUC XGBoost reported for that round.
  EXPECT_NEAR(MannWhitneyAuc(*probability, validation_->bad), result->validation_auc, 1e-9);
}

TEST_F(GbdtTest, WithoutEarlyStoppingEveryTreeIsKept) {
  GbdtOptions options = FastOptions();
  options.max_trees = 30;
  options.early_stopping_rounds = 0;
  auto result = TrainGbdt(train_->sample(), validation_->sample(), kFeatures, options);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->best_iteration, 29);
  auto trees = models::TreeEnsemble::FromJson(result->model_json);
  ASSERT_TRUE(trees.ok()) << trees.status().ToString();
  EXPECT_EQ(trees->num_trees(), 30u);
  const std::vector<double> probability =
      *trees->PredictProbability(validation_->features.data(), validation_->rows(), 4);
  EXPECT_EQ(probability, result->validation_probability);
  EXPECT_NEAR(MannWhitneyAuc(probability, validation_->bad), result->validation_auc, 1e-9);
}

TEST_F(GbdtTest, GainRanksTheStrongFeaturesAboveTheWeakOnes) {
  auto result = TrainGbdt(train_->sample(), validation_->sample(), kFeatures, FastOptions());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  const std::vector<double>& gain = result->feature_importance_gain;
  ASSERT_EQ(gain.size(), 4u);
  // Generate(): utilization moves the log-odds by 1.5 per standard
  // deviation and the U-shaped age_gap by up to 2.1; inquiries by 0.3 and
  // noise not at all (though trees still split on it, fitting noise).
  for (size_t weak : {2u, 3u}) {
    EXPECT_GT(gain[0], 2 * gain[weak]) << "feature " << weak;
    EXPECT_GT(gain[1], 2 * gain[weak]) << "feature " << weak;
  }
}

TEST_F(GbdtTest, SameSeedSameModel) {
  auto first = TrainGbdt(train_->sample(), validation_->sample(), kFeatures, FastOptions());
  auto second = TrainGbdt(train_->sample(), validation_->sample(), kFeatures, FastOptions());
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->model_json, second->model_json);
  EXPECT_EQ(first->validation_auc, second->validation_auc);
}

// Probability of bad along age_gap in [-2, 2], everything else fixed.
std::vector<double> AlongAgeGap(const models::TreeEnsemble& trees) {
  std::vector<float> rows;
  for (int i = 0; i <= 40; ++i) rows.insert(rows.end(), {0.0f, -2.0f + 0.1f * i, 0.0f, std::nanf("")});
  return *trees.PredictProbability(rows.data(), 41, 4);
}

TEST_F(GbdtTest, MonotoneConstraintHoldsAlongTheFeature) {
  GbdtOptions options = FastOptions();
  auto free = TrainGbdt(train_->sample(), validation_->sample(), kFeatures, options);
  options.monotone_constraints = {0, 1, 0, 0};
  auto constrained = TrainGbdt(train_->sample(), validation_->sample(), kFeatures, options);
  ASSERT_TRUE(free.ok() && constrained.ok());

  // Unconstrained, the model learns the U shape: risk at age_gap -2 above risk at 0.
  const std::vector<double> free_curve = AlongAgeGap(*models::TreeEnsemble::FromJson(free->model_json));
  EXPECT_GT(free_curve[0], free_curve[20]);
  // Constrained to rise, it never falls.
  const std::vector<double> curve = AlongAgeGap(*models::TreeEnsemble::FromJson(constrained->model_json));
  for (size_t i = 1; i < curve.size(); ++i) EXPECT_GE(curve[i], curve[i - 1]) << "step " << i;
  EXPECT_EQ(constrained->chosen.monotone_constraints, options.monotone_constraints);
}

// Collects the progress a search reports.
struct Trials {
  std::vector<GbdtSearchProgress> reports;
  GbdtSearchCallback callback() {
    return [this](const GbdtSearchProgress& p) { reports.push_back(p); };
  }
};

// The search's result is the best trial it reported (the earliest on a tie),
// and its reports are consistent.
void ExpectBestOfReportedTrials(const GbdtTrainingResult& result, const Trials& trials) {
  ASSERT_GE(trials.reports.size(), 1u);
  size_t best = 0;
  double running_best = -1;
  for (size_t i = 0; i < trials.reports.size(); ++i) {
    const GbdtSearchProgress& p = trials.reports[i];
    EXPECT_EQ(p.trial, static_cast<int>(i + 1));
    if (p.trial_validation_auc > trials.reports[best].trial_validation_auc) best = i;
    running_best = std::max(running_best, p.trial_validation_auc);
    EXPECT_EQ(p.best_validation_auc, running_best);
  }
  EXPECT_EQ(result.validation_auc, trials.reports[best].trial_validation_auc);
  EXPECT_EQ(result.chosen.eta, trials.reports[best].trial_options.eta);
  EXPECT_EQ(result.chosen.max_depth, trials.reports[best].trial_options.max_depth);
}

TEST_F(GbdtTest, SearchWithinAShortBudgetReturnsItsBestCompletedTrial) {
  GbdtOptions base;
  base.max_trees = 200;
  base.early_stopping_rounds = 20;
  base.threads = 1;
  Trials trials;
  auto result = SearchGbdt(train_->sample(), validation_->sample(), kFeatures, base,
                           {.time_budget_seconds = 1.0}, trials.callback());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ExpectBestOfReportedTrials(*result, trials);
  // Trial 1 is the peer default, so the search cannot do worse than it.
  EXPECT_EQ(trials.reports[0].trial_options.eta, 0.05);
  EXPECT_EQ(trials.reports[0].trial_options.max_depth, 4);
  EXPECT_GE(result->validation_auc, trials.reports[0].trial_validation_auc);
  EXPECT_EQ(trials.reports[0].trials_planned, -1);
}

TEST_F(GbdtTest, SearchIsDeterministicForASeed) {
  GbdtOptions base;
  base.max_trees = 200;
  base.early_stopping_rounds = 20;
  base.threads = 1;
  const GbdtSearchOptions search = {.time_budget_seconds = 600, .max_trials = 3};
  Trials first_trials;
  Trials second_trials;
  auto first =
      SearchGbdt(train_->sample(), validation_->sample(), kFeatures, base, search, first_trials.callback());
  auto second =
      SearchGbdt(train_->sample(), validation_->sample(), kFeatures, base, search, second_trials.callback());
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_EQ(first_trials.reports.size(), 3u);
  ExpectBestOfReportedTrials(*first, first_trials);
  EXPECT_EQ(first->model_json, second->model_json);
  ASSERT_EQ(second_trials.reports.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    const GbdtOptions& o = first_trials.reports[i].trial_options;
    EXPECT_EQ(first_trials.reports[i].trials_planned, 3);
    EXPECT_EQ(first_trials.reports[i].trial_validation_auc, second_trials.reports[i].trial_validation_auc);
    EXPECT_EQ(o.eta, second_trials.reports[i].trial_options.eta);
    // Every trial stays in the search space and keeps base's other fields.
    EXPECT_GE(o.max_depth, 2);
    EXPECT_LE(o.max_depth, 8);
    EXPECT_GE(o.eta, 0.02);
    EXPECT_LE(o.eta, 0.3);
    EXPECT_EQ(o.max_trees, 200);
    EXPECT_EQ(o.seed, base.seed);
  }
}

TEST_F(GbdtTest, SearchTriesTheSamePortfolioAfterTheDefaultWhateverTheSeed) {
  GbdtOptions base = FastOptions();
  base.max_trees = 40;
  const GbdtSearchOptions search = {.time_budget_seconds = 600, .max_trials = 5};
  Trials one;
  Trials other;
  ASSERT_TRUE(
      SearchGbdt(train_->sample(), validation_->sample(), kFeatures, base, search, one.callback()).ok());
  base.seed = 7;
  ASSERT_TRUE(
      SearchGbdt(train_->sample(), validation_->sample(), kFeatures, base, search, other.callback()).ok());
  ASSERT_EQ(one.reports.size(), 5u);
  ASSERT_EQ(other.reports.size(), 5u);
  // Trials 2-4, the portfolio, are fixed settings: the same whatever the
  // seed, each unlike the default, learning slowly (eta at most 0.05) on
  // about half the columns per tree (README, "GBDT"), without L1.
  for (int t = 1; t <= 3; ++t) {
    const GbdtOptions& a = one.reports[t].trial_options;
    const GbdtOptions& b = other.reports[t].trial_options;
    EXPECT_EQ(a.max_depth, b.max_depth) << "trial " << t + 1;
    EXPECT_EQ(a.eta, b.eta) << "trial " << t + 1;
    EXPECT_EQ(a.colsample_bytree, b.colsample_bytree) << "trial " << t + 1;
    EXPECT_EQ(a.min_child_weight, b.min_child_weight) << "trial " << t + 1;
    EXPECT_LE(a.eta, 0.05) << "trial " << t + 1;
    EXPECT_LE(a.colsample_bytree, 0.6) << "trial " << t + 1;
    EXPECT_EQ(a.alpha, 0) << "trial " << t + 1;
    EXPECT_EQ(a.max_trees, 40) << "trial " << t + 1;
    EXPECT_FALSE(a.eta == base.eta && a.max_depth == base.max_depth &&
                 a.colsample_bytree == base.colsample_bytree)
        << "trial " << t + 1 << " repeats the default";
  }
  // Trial 5 is the first random draw: it follows the seed.
  EXPECT_NE(one.reports[4].trial_options.eta, other.reports[4].trial_options.eta);
}

TEST_F(GbdtTest, CrossValidatedSearchMovesOnlyForAGainOfAtLeastTwoThousandths) {
  const GbdtFold folds[] = {{train_->sample(), validation_->sample()},
                            {validation_->sample(), train_->sample()}};
  GbdtOptions base = FastOptions();
  base.max_trees = 40;
  Trials trials;
  auto result = SearchGbdtFolds(folds, kFeatures, base, {.time_budget_seconds = 600, .max_trials = 10},
                                trials.callback());
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ASSERT_EQ(trials.reports.size(), 10u);
  double best = trials.reports[0].trial_validation_auc;
  int refused_small_gains = 0;  // trials better than the best, by 0.002 or less
  for (const GbdtSearchProgress& p : trials.reports) {
    const double gain = p.trial_validation_auc - best;
    if (p.best_validation_auc != best) {
      EXPECT_EQ(p.best_validation_auc, p.trial_validation_auc) << "trial " << p.trial;
      EXPECT_GT(gain, 0.002) << "trial " << p.trial;
      best = p.best_validation_auc;
    } else if (gain > 0 && gain <= 0.002) {
      ++refused_small_gains;
    }
  }
  EXPECT_EQ(result->validation_auc, best);
  // This sample does offer small gains (without the margin the search takes
  // three of them), so the margin is exercised, not just never needed.
  EXPECT_GT(refused_small_gains, 0);
}

TEST_F(GbdtTest, FoldsStopTogetherAtTheRoundWithTheBestMeanAuc) {
  // Two folds: the generated train and validation samples, each other's check sample.
  const GbdtFold folds[] = {{train_->sample(), validation_->sample()},
                            {validation_->sample(), train_->sample()}};
  GbdtOptions base = FastOptions();
  base.max_trees = 60;
  // Every row and column per tree: with sampling, folds fitted in lockstep draw
  // from one random stream and would differ from folds fitted one at a time.
  base.subsample = 1;
  base.colsample_bytree = 1;
  auto result = SearchGbdtFolds(folds, kFeatures, base, {.time_budget_seconds = 600, .max_trials = 1});
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  // Second implementation: each fold fitted on its own, keeping every tree up to a
  // given round; the search's AUC is the folds' mean at its round and no round
  // in 1..max_trees has a higher mean (early stopping may end the search before
  // max_trees only when the mean has not risen for early_stopping_rounds rounds).
  auto mean_auc_at = [&](int rounds) {
    GbdtOptions fixed = base;
    fixed.max_trees = rounds;
    fixed.early_stopping_rounds = 0;
    double sum = 0;
    for (const GbdtFold& fold : folds)
      sum += TrainGbdt(fold.train, fold.validation, kFeatures, fixed)->validation_auc;
    return sum / 2;
  };
  const int best_rounds = result->best_iteration + 1;
  EXPECT_NEAR(mean_auc_at(best_rounds), result->validation_auc, 1e-12);
  for (int rounds : {1, 5, best_rounds - 1, best_rounds + 1, best_rounds + 10}) {
    if (rounds < 1 || rounds == best_rounds || rounds > base.max_trees) continue;
    EXPECT_LE(mean_auc_at(rounds), result->validation_auc) << rounds << " rounds";
  }
  // The first fold's model is cut at that round.
  EXPECT_EQ(models::TreeEnsemble::FromJson(result->model_json)->num_trees(),
            static_cast<size_t>(best_rounds));
}

// Bad input, one case per line: what to break, and where the error must point.
struct BadInputCase {
  const char* what;
  std::function<void(Generated& train, Generated& validation, GbdtOptions& options)> breaks;
  const char* expected_in_error;  // in the message or the path
};

TEST_F(GbdtTest, BadInputIsAStatusNamingThePlace) {
  const BadInputCase cases[] = {
      {"row length mismatch", [](Generated& t, Generated&, GbdtOptions&) { t.features.pop_back(); },
       "train sample holds 5999 feature values"},
      {"NaN label", [](Generated& t, Generated&, GbdtOptions&) { t.bad[17] = std::nan(""); }, "train row 17"},
      {"label 2", [](Generated&, Generated& v, GbdtOptions&) { v.bad[3] = 2; }, "validation row 3"},
      {"empty train",
       [](Generated& t, Generated&, GbdtOptions&) {
         t.features.clear();
         t.bad.clear();
       },
       "train sample is empty"},
      {"validation without bads",
       [](Generated&, Generated& v, GbdtOptions&) { std::fill(v.bad.begin(), v.bad.end(), 0.0); },
       "validation sample has only good rows"},
      {"infinite value", [](Generated& t, Generated&, GbdtOptions&) { t.features[9] = INFINITY; },
       "train row 2 feature 'age_gap'"},
      {"eta 0", [](Generated&, Generated&, GbdtOptions& o) { o.eta = 0; }, "eta"},
      {"negative early stopping",
       [](Generated&, Generated&, GbdtOptions& o) { o.early_stopping_rounds = -1; }, "early_stopping_rounds"},
      {"NaN subsample", [](Generated&, Generated&, GbdtOptions& o) { o.subsample = std::nan(""); },
       "subsample"},
      {"short constraints", [](Generated&, Generated&, GbdtOptions& o) { o.monotone_constraints = {1}; },
       "monotone_constraints"},
      {"constraint 2",
       [](Generated&, Generated&, GbdtOptions& o) {
         o.monotone_constraints = {0, 2, 0, 0};
       },
       "monotone_constraints[1]"},
  };
  for (const BadInputCase& c : cases) {
    Generated train = Generate(1500, 1);
    Generated validation = Generate(800, 2);
    GbdtOptions options = FastOptions();
    c.breaks(train, validation, options);
    auto result = TrainGbdt(train.sample(), validation.sample(), kFeatures, options);
    ASSERT_FALSE(result.ok()) << c.what;
    EXPECT_EQ(result.status().code(), ErrorCode::kInvalidInput) << c.what;
    EXPECT_NE(result.status().ToString().find(c.expected_in_error), std::string::npos)
        << c.what << ": " << result.status().ToString();
  }
}

TEST_F(GbdtTest, FeatureNamesMustBeUnique) {
  auto result = TrainGbdt(train_->sample(), validation_->sample(), {"a", "b", "a", "c"}, FastOptions());
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("'a' appears twice"), std::string::npos);
}

}  // namespace
}  // namespace credo::modeling
