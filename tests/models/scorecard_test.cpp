#include "models/scorecard.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <vector>

namespace credo::models {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

Bin Range(double lower, double upper, double woe) {
  Bin b;
  b.lower = lower;
  b.upper = upper;
  b.woe = woe;
  return b;
}

Bin Missing(double woe) {
  Bin b;
  b.kind = BinKind::kMissing;
  b.woe = woe;
  return b;
}

Characteristic Make(std::string variable, double coefficient, std::vector<Bin> bins,
                    std::vector<int> points) {
  Characteristic c;
  c.bins.variable = std::move(variable);
  c.bins.bins = std::move(bins);
  c.coefficient = coefficient;
  c.points = std::move(points);
  return c;
}

// A hand-built card: intercept -2; the points are given, not derived, so that
// Score, Probability and Reasons are checked on their own.
Scorecard HandCard() {
  Scorecard card;
  card.intercept = -2;
  card.characteristics.push_back(
      Make("age_years", -0.8, {Range(-kInf, 25, -0.6), Range(25, 40, 0.1), Range(40, kInf, 0.7), Missing(0)},
           {259, 275, 289, 272}));
  card.characteristics.push_back(Make(
      "months_on_book", -0.5, {Range(-kInf, 12, -0.4), Range(12, kInf, 0.5), Missing(0)}, {267, 280, 272}));
  card.characteristics.push_back(
      Make("inquiries_6m", -0.3, {Range(-kInf, 2, 1.0), Range(2, kInf, -0.9), Missing(0)}, {30, 16, 20}));
  return card;
}

TEST(ScorecardScalingTest, FactorAndOffsetByHand) {
  // factor = 20 / ln 2 = 20 / 0.693147180559945 = 28.853900817779268;
  // offset = 600 - 28.853900817779268 * ln 50 (3.912023005428146) = 487.12287620450549.
  const ScorecardScaling scaling;
  EXPECT_NEAR(scaling.factor(), 28.853900817779268, 1e-12);
  EXPECT_NEAR(scaling.offset(), 487.12287620450549, 1e-10);
  // 600 points at 50:1 good:bad and 620 at 100:1 (one pdo doubles the odds).
  EXPECT_NEAR(scaling.offset() + scaling.factor() * std::log(50.0), 600, 1e-10);
  EXPECT_NEAR(scaling.offset() + scaling.factor() * std::log(100.0), 620, 1e-10);
}

TEST(ScorecardTest, ScoreIsTheSumOfTheBinsPoints) {
  const Scorecard card = HandCard();
  EXPECT_EQ(card.Score(std::vector<int>{0, 0, 1}), 259 + 267 + 16);
  EXPECT_EQ(card.Score(std::vector<int>{3, 2, 2}), 272 + 272 + 20);
}

TEST(ScorecardTest, ProbabilityIsTheLogisticOfTheLinearPredictor) {
  // Bins (0, 1, 0): log-odds = -2 + (-0.8)(-0.6) + (-0.5)(0.5) + (-0.3)(1.0) = -2.07,
  // p = 1 / (1 + e^2.07) = 0.11204703855699032 (python3 -c "import math; print(1/(1+math.exp(2.07)))").
  const Scorecard card = HandCard();
  EXPECT_NEAR(card.Probability(std::vector<int>{0, 1, 0}), 0.11204703855699032, 1e-15);
  // Missing everywhere: only the intercept, 1 / (1 + e^2) = 0.11920292202211755.
  EXPECT_NEAR(card.Probability(std::vector<int>{3, 2, 2}), 0.11920292202211755, 1e-15);
}

TEST(ScorecardTest, ProbabilityStaysFiniteForExtremeLogOdds) {
  Scorecard card = HandCard();
  card.intercept = -800;  // e^800 overflows a double; the answer is e^-800 ~ 0
  EXPECT_EQ(card.Probability(std::vector<int>{3, 2, 2}), 0.0);
  card.intercept = 800;
  EXPECT_EQ(card.Probability(std::vector<int>{3, 2, 2}), 1.0);
}

TEST(ScorecardTest, ReasonsAreTheLargestPointLossesAgainstEachBestBin) {
  const Scorecard card = HandCard();
  // Bins (0, 0, 1): age loses 289 - 259 = 30, months 280 - 267 = 13, inquiries 30 - 16 = 14.
  std::vector<ReasonCode> reasons = card.Reasons(std::vector<int>{0, 0, 1}, 5);
  ASSERT_EQ(reasons.size(), 3u);
  EXPECT_EQ(reasons[0].feature, "age_years");
  EXPECT_EQ(reasons[0].detail, "(-inf, 25]");
  EXPECT_EQ(reasons[0].impact, 30);
  EXPECT_EQ(reasons[1].feature, "inquiries_6m");
  EXPECT_EQ(reasons[1].impact, 14);
  EXPECT_EQ(reasons[2].feature, "months_on_book");
  EXPECT_EQ(reasons[2].impact, 13);
  // top_n cuts the list.
  reasons = card.Reasons(std::vector<int>{0, 0, 1}, 1);
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_EQ(reasons[0].feature, "age_years");
  // Bins (1, 1, 1): age and inquiries both lose 14 (tie: characteristic
  // order); months is at its best bin and is not a reason.
  reasons = card.Reasons(std::vector<int>{1, 1, 1}, 5);
  ASSERT_EQ(reasons.size(), 2u);
  EXPECT_EQ(reasons[0].feature, "age_years");
  EXPECT_EQ(reasons[0].detail, "(25, 40]");
  EXPECT_EQ(reasons[1].feature, "inquiries_6m");
  EXPECT_EQ(reasons[1].detail, "(2, inf]");
  // Best bin everywhere: no reasons.
  EXPECT_TRUE(card.Reasons(std::vector<int>{2, 1, 0}, 5).empty());
}

TEST(ScorecardTest, JsonRoundTripScoresEveryBinCombinationIdentically) {
  Scorecard card = HandCard();
  card.scaling = {650, 30, 40};
  card.intercept = -2.123456789012345;
  card.characteristics[0].coefficient = -0.8123456789;
  card.characteristics[0].bins.bins[1].woe = 0.1 / 3;
  const std::string text = nlohmann::json(card).dump();
  const Scorecard loaded = nlohmann::json::parse(text).get<Scorecard>();
  EXPECT_EQ(loaded.scaling.base_score, 650);
  EXPECT_EQ(loaded.scaling.base_odds, 30);
  EXPECT_EQ(loaded.scaling.pdo, 40);
  ASSERT_EQ(loaded.characteristics.size(), 3u);
  int combinations = 0;
  for (int a = 0; a < 4; ++a) {
    for (int m = 0; m < 3; ++m) {
      for (int q = 0; q < 3; ++q) {
        const std::vector<int> bins = {a, m, q};
        EXPECT_EQ(loaded.Score(bins), card.Score(bins));
        EXPECT_EQ(loaded.Probability(bins), card.Probability(bins));
        ++combinations;
      }
    }
  }
  EXPECT_EQ(combinations, 4 * 3 * 3);
  // The artifact shows each bin's points next to its edges and WOE.
  const nlohmann::json j = card;
  EXPECT_EQ(j["characteristics"][0]["bins"][2]["points"], 289);
  EXPECT_EQ(j["characteristics"][0]["variable"], "age_years");
}

}  // namespace
}  // namespace credo::models
