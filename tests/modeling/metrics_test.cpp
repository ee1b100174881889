#include "modeling/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

namespace credo::modeling {
namespace {

// Eight rows with ties. Bads score 0.9, 0.8, 0.7, 0.6; goods 0.8, 0.6, 0.3, 0.2.
const std::vector<double> kScores = {0.9, 0.8, 0.8, 0.7, 0.6, 0.6, 0.3, 0.2};
const std::vector<uint8_t> kBads = {1, 1, 0, 1, 1, 0, 0, 0};

TEST(Auc, HandCountedPairsWithTies) {
  // Each bad against the 4 goods (win 1, tie 1/2):
  //   0.9: beats 0.8 0.6 0.3 0.2          = 4
  //   0.8: ties 0.8, beats 0.6 0.3 0.2    = 3.5
  //   0.7: loses to 0.8, beats 0.6 0.3 0.2 = 3
  //   0.6: loses to 0.8, ties 0.6, beats 0.3 0.2 = 2.5
  // AUC = 13 / 16 = 0.8125; Gini = 2 * 0.8125 - 1 = 0.625.
  EXPECT_DOUBLE_EQ(*Auc(kScores, kBads), 0.8125);
  EXPECT_DOUBLE_EQ(*Gini(kScores, kBads), 0.625);
}

TEST(Ks, HandComputedWithTies) {
  // Threshold (rows with score >= t): cum bad share, cum good share, gap
  //   0.9: 1/4, 0/4, 0.25   0.8: 2/4, 1/4, 0.25   0.7: 3/4, 1/4, 0.5
  //   0.6: 4/4, 2/4, 0.5    0.3: 1, 3/4, 0.25     0.2: 1, 1, 0
  // KS = 0.5, first reached at 0.7.
  auto ks = Ks(kScores, kBads);
  ASSERT_TRUE(ks.ok());
  EXPECT_DOUBLE_EQ(ks->ks, 0.5);
  EXPECT_EQ(ks->threshold, 0.7);
}

// Random scores on a coarse grid (many ties) with a weak signal.
void MakeRandom(size_t n, uint32_t seed, std::vector<double>& scores, std::vector<uint8_t>& bads) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<> unit(0, 1);
  scores.clear();
  bads.clear();
  for (size_t i = 0; i < n; ++i) {
    const double s = std::round(unit(rng) * 50) / 50;
    scores.push_back(s);
    bads.push_back(unit(rng) < 0.1 + 0.3 * s ? 1 : 0);
  }
}

TEST(Auc, AgreesWithBruteForcePairCount) {
  for (uint32_t seed = 1; seed <= 5; ++seed) {
    std::vector<double> scores;
    std::vector<uint8_t> bads;
    MakeRandom(700, seed, scores, bads);
    double wins = 0, pairs = 0;
    for (size_t i = 0; i < scores.size(); ++i) {
      for (size_t j = 0; j < scores.size(); ++j) {
        if (!bads[i] || bads[j]) continue;
        pairs += 1;
        wins += scores[i] > scores[j] ? 1.0 : scores[i] == scores[j] ? 0.5 : 0.0;
      }
    }
    EXPECT_NEAR(*Auc(scores, bads), wins / pairs, 1e-12);
  }
}

TEST(Ks, AgreesWithBruteForceOverThresholds) {
  std::vector<double> scores;
  std::vector<uint8_t> bads;
  MakeRandom(2000, 9, scores, bads);
  double all_bads = 0, all_goods = 0;
  for (uint8_t b : bads) (b ? all_bads : all_goods) += 1;
  double best = 0;
  for (double t : scores) {
    double cum_bads = 0, cum_goods = 0;
    for (size_t i = 0; i < scores.size(); ++i) {
      if (scores[i] >= t) (bads[i] ? cum_bads : cum_goods) += 1;
    }
    best = std::max(best, std::abs(cum_bads / all_bads - cum_goods / all_goods));
  }
  EXPECT_NEAR(Ks(scores, bads)->ks, best, 1e-12);
}

TEST(RocCurve, EndsAtCornersAndItsAreaIsTheAuc) {
  std::vector<double> scores;
  std::vector<uint8_t> bads;
  MakeRandom(5000, 3, scores, bads);
  for (double& s : scores) s += 1e-9 * (&s - scores.data());  // mostly distinct: 5000 thresholds
  auto full = RocCurve(scores, bads, 1'000'000);
  ASSERT_TRUE(full.ok());
  // Trapezoids under the full curve (ties are diagonal segments) = Mann-Whitney AUC.
  double area = 0;
  for (size_t i = 1; i < full->size(); ++i) {
    const RocPoint &a = (*full)[i - 1], &b = (*full)[i];
    area +=
        (b.false_positive_rate - a.false_positive_rate) * (a.true_positive_rate + b.true_positive_rate) / 2;
  }
  EXPECT_NEAR(area, *Auc(scores, bads), 1e-12);

  auto plotted = RocCurve(scores, bads);
  ASSERT_TRUE(plotted.ok());
  ASSERT_LE(plotted->size(), 200u);
  EXPECT_GT(plotted->size(), 100u);
  EXPECT_EQ(plotted->front().false_positive_rate, 0);
  EXPECT_EQ(plotted->front().true_positive_rate, 0);
  EXPECT_EQ(plotted->back().false_positive_rate, 1);
  EXPECT_EQ(plotted->back().true_positive_rate, 1);
  for (size_t i = 1; i < plotted->size(); ++i) {
    EXPECT_GE((*plotted)[i].false_positive_rate, (*plotted)[i - 1].false_positive_rate);
    EXPECT_GE((*plotted)[i].true_positive_rate, (*plotted)[i - 1].true_positive_rate);
  }
}

TEST(KsCurve, ItsLargestGapIsTheKs) {
  std::vector<double> scores;
  std::vector<uint8_t> bads;
  MakeRandom(3000, 4, scores, bads);
  auto curve = KsCurve(scores, bads, 1'000'000);
  ASSERT_TRUE(curve.ok());
  double gap = 0;
  for (const KsPoint& p : *curve) gap = std::max(gap, std::abs(p.cum_bad_share - p.cum_good_share));
  EXPECT_DOUBLE_EQ(gap, Ks(scores, bads)->ks);
  EXPECT_EQ(curve->front().population_share, 0);
  EXPECT_EQ(curve->back().population_share, 1);
}

TEST(DecileTable, FourBandsByHand) {
  // Riskiest first, ties by row: (0.9 bad) (0.8 bad) | (0.8 good) (0.7 bad) | (0.6 bad) (0.6 good) | (0.3)
  // (0.2). Overall bad rate 0.5. Band bads 2, 1, 1, 0 -> rates 1, 0.5, 0.5, 0; lift 2, 1, 1, 0; cumulative
  // capture 50, 75, 100, 100 %.
  auto table = DecileTable(kScores, kBads, 4);
  ASSERT_TRUE(table.ok());
  ASSERT_EQ(table->size(), 4u);
  const int64_t bads[] = {2, 1, 1, 0};
  const double lift[] = {2, 1, 1, 0}, capture[] = {50, 75, 100, 100};
  const double max_score[] = {0.9, 0.8, 0.6, 0.3}, min_score[] = {0.8, 0.7, 0.6, 0.2};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ((*table)[i].band, i + 1);
    EXPECT_EQ((*table)[i].rows, 2);
    EXPECT_EQ((*table)[i].bads, bads[i]);
    EXPECT_DOUBLE_EQ((*table)[i].lift, lift[i]);
    EXPECT_DOUBLE_EQ((*table)[i].cum_bad_capture_pct, capture[i]);
    EXPECT_EQ((*table)[i].max_score, max_score[i]);
    EXPECT_EQ((*table)[i].min_score, min_score[i]);
  }
}

TEST(DecileTable, SumsToTotalsAndARandomScoreHasNoLift) {
  std::mt19937 rng(17);
  std::uniform_real_distribution<> unit(0, 1);
  std::vector<double> scores(100'003);
  std::vector<uint8_t> bads(scores.size());
  int64_t all_bads = 0;
  for (size_t i = 0; i < scores.size(); ++i) {
    scores[i] = unit(rng);
    bads[i] = unit(rng) < 0.1;
    all_bads += bads[i];
  }
  auto table = DecileTable(scores, bads);
  ASSERT_TRUE(table.ok());
  ASSERT_EQ(table->size(), 10u);
  int64_t rows = 0, band_bads = 0;
  for (const DecileBand& d : *table) {
    rows += d.rows;
    band_bads += d.bads;
    EXPECT_NEAR(d.rows, 10'000, 1);
    // ~1,000 bads per band: the lift's standard deviation is about 0.03.
    EXPECT_NEAR(d.lift, 1.0, 0.15) << "band " << d.band;
  }
  EXPECT_EQ(rows, static_cast<int64_t>(scores.size()));
  EXPECT_EQ(band_bads, all_bads);
  EXPECT_DOUBLE_EQ(table->back().cum_bad_capture_pct, 100);
}

TEST(CalibrationTable, HandExampleAndACalibratedScore) {
  // Two bands of the eight rows: mean predicted (0.9+0.8+0.8+0.7)/4 = 0.8 with
  // 3 bads of 4; (0.6+0.6+0.3+0.2)/4 = 0.425 with 1 bad of 4.
  auto two = CalibrationTable(kScores, kBads, 2);
  ASSERT_TRUE(two.ok());
  ASSERT_EQ(two->size(), 2u);
  EXPECT_DOUBLE_EQ((*two)[0].mean_predicted, 0.8);
  EXPECT_DOUBLE_EQ((*two)[0].observed_bad_rate, 0.75);
  EXPECT_DOUBLE_EQ((*two)[1].mean_predicted, 0.425);
  EXPECT_DOUBLE_EQ((*two)[1].observed_bad_rate, 0.25);

  // Bads drawn with exactly the predicted probability: observed matches predicted
  // within sampling noise (10,000 rows a band: standard deviation <= 0.005).
  std::mt19937 rng(23);
  std::uniform_real_distribution<> unit(0, 1);
  std::vector<double> p(100'000);
  std::vector<uint8_t> bads(p.size());
  for (size_t i = 0; i < p.size(); ++i) {
    p[i] = unit(rng);
    bads[i] = unit(rng) < p[i];
  }
  auto table = CalibrationTable(p, bads);
  ASSERT_TRUE(table.ok());
  for (const CalibrationBand& c : *table) EXPECT_NEAR(c.observed_bad_rate, c.mean_predicted, 0.025);
  EXPECT_GT(table->front().mean_predicted, table->back().mean_predicted);

  const std::vector<double> out_of_range = {0.5, 1.5};
  const std::vector<uint8_t> two_bads = {0, 1};
  EXPECT_FALSE(CalibrationTable(out_of_range, two_bads).ok());
}

TEST(BadRateByScoreBand, BandsOfTwentyPoints) {
  // 585 -> [580, 600); 600 615 619 -> [600, 620); 620 639 -> [620, 640); 645 -> [640, 660).
  const std::vector<int> points = {600, 615, 585, 619, 620, 639, 645};
  const std::vector<uint8_t> bads = {1, 0, 1, 1, 0, 0, 0};
  auto table = BadRateByScoreBand(points, bads, 20);
  ASSERT_TRUE(table.ok());
  ASSERT_EQ(table->size(), 4u);
  const int lower[] = {580, 600, 620, 640};
  const int64_t rows[] = {1, 3, 2, 1}, band_bads[] = {1, 2, 0, 0};
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ((*table)[i].lower_points, lower[i]);
    EXPECT_EQ((*table)[i].upper_points, lower[i] + 20);
    EXPECT_EQ((*table)[i].rows, rows[i]);
    EXPECT_EQ((*table)[i].bads, band_bads[i]);
  }
  EXPECT_DOUBLE_EQ((*table)[1].bad_rate, 2.0 / 3);
  // Negative points floor towards minus infinity: -5 is in [-10, 0).
  const std::vector<int> around_zero = {-5, 5};
  const std::vector<uint8_t> one_bad = {1, 0};
  auto signed_bands = BadRateByScoreBand(around_zero, one_bad, 10);
  ASSERT_TRUE(signed_bands.ok());
  ASSERT_EQ(signed_bands->size(), 2u);
  EXPECT_EQ((*signed_bands)[0].lower_points, -10);
  EXPECT_EQ((*signed_bands)[1].lower_points, 0);
}

TEST(Evaluate, AgreesWithTheSingleMetrics) {
  std::vector<double> scores;
  std::vector<uint8_t> bads;
  MakeRandom(4000, 8, scores, bads);
  auto e = Evaluate(scores, bads);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->auc, *Auc(scores, bads));
  EXPECT_EQ(e->ks.ks, Ks(scores, bads)->ks);
  EXPECT_EQ(e->deciles.size(), 10u);
  EXPECT_EQ(e->roc.size(), RocCurve(scores, bads)->size());
  EXPECT_EQ(e->rows, 4000);
}

TEST(Metrics, Errors) {
  const std::vector<double> two = {0.1, 0.2};
  const std::vector<uint8_t> mixed = {0, 1}, goods = {0, 0}, all_bad = {1, 1}, three = {0, 1, 0};
  const std::vector<double> with_nan = {0.1, std::numeric_limits<double>::quiet_NaN()};
  EXPECT_FALSE(Auc({}, {}).ok());
  EXPECT_FALSE(Auc(two, three).ok());
  EXPECT_FALSE(Auc(two, goods).ok());
  EXPECT_FALSE(Ks(two, all_bad).ok());
  EXPECT_FALSE(DecileTable(with_nan, mixed).ok());
  EXPECT_EQ(Auc(two, goods).status().code(), ErrorCode::kInvalidInput);
  EXPECT_TRUE(Auc(two, mixed).ok());
}

}  // namespace
}  // namespace credo::modeling
