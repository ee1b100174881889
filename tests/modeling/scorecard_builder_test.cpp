#include "modeling/scorecard_builder.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

namespace credo::modeling {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr double kInf = std::numeric_limits<double>::infinity();

models::VariableBins Bins(std::string variable, const std::vector<double>& range_woes, double missing_woe) {
  models::VariableBins v;
  v.variable = std::move(variable);
  for (size_t i = 0; i < range_woes.size(); ++i) {
    models::Bin b;
    b.lower = i == 0 ? -kInf : static_cast<double>(i);
    b.upper = i + 1 == range_woes.size() ? kInf : static_cast<double>(i + 1);
    b.woe = range_woes[i];
    v.bins.push_back(b);
  }
  models::Bin missing;
  missing.kind = models::BinKind::kMissing;
  missing.woe = missing_woe;
  v.bins.push_back(missing);
  return v;
}

LogisticFit Fit(double intercept, std::vector<double> coefficients) {
  LogisticFit fit;
  fit.intercept = intercept;
  fit.coefficients = std::move(coefficients);
  return fit;
}

TEST(BuildScorecardTest, PointsPerBinByHand) {
  // Default scaling: factor = 28.853900817779268, offset = 487.12287620450549.
  // n = 2, b0 = -2: every bin gets offset/2 - factor * b0/2 = 243.5614381 + 28.8539008 = 272.4153389,
  // plus -factor * bi * WOE:
  //   age (b1 = -0.8, 23.0831207 per unit WOE): WOE -0.6 -> 258.5654665 -> 259;
  //     0.1 -> 274.7236510 -> 275; 0.7 -> 288.5735234 -> 289; missing 0 -> 272.4153389 -> 272
  //   months (b2 = -0.5, 14.4269504 per unit WOE): -0.4 -> 266.6445588 -> 267;
  //     0.5 -> 279.6288141 -> 280; missing 0 -> 272
  Result<models::Scorecard> card =
      BuildScorecard({Bins("age_years", {-0.6, 0.1, 0.7}, 0), Bins("months_on_book", {-0.4, 0.5}, 0)},
                     Fit(-2, {-0.8, -0.5}));
  ASSERT_TRUE(card.ok()) << card.status().ToString();
  EXPECT_EQ(card->intercept, -2);
  ASSERT_EQ(card->characteristics.size(), 2u);
  EXPECT_THAT(card->characteristics[0].points, ElementsAre(259, 275, 289, 272));
  EXPECT_THAT(card->characteristics[1].points, ElementsAre(267, 280, 272));
  EXPECT_EQ(card->characteristics[0].coefficient, -0.8);
  EXPECT_EQ(card->characteristics[1].bins.variable, "months_on_book");
}

TEST(BuildScorecardTest, ScoreIsWithinHalfAPointPerCharacteristicOfTheExactScore) {
  const std::vector<double> intercepts = {-2.7, 0.35};
  for (double b0 : intercepts) {
    Result<models::Scorecard> card =
        BuildScorecard({Bins("a", {-1.1, -0.25, 0.3, 0.9}, 0.05), Bins("b", {-0.7, 0.2}, -0.3),
                        Bins("c", {-0.45, 0.6, 1.4}, 0)},
                       Fit(b0, {-0.9, -0.4, -1.3}));
    ASSERT_TRUE(card.ok());
    const models::ScorecardScaling& s = card->scaling;
    for (int a = 0; a < 5; ++a) {
      for (int b = 0; b < 3; ++b) {
        for (int c = 0; c < 4; ++c) {
          const std::vector<int> bins = {a, b, c};
          double log_odds = b0;
          for (size_t i = 0; i < 3; ++i) {
            log_odds +=
                card->characteristics[i].coefficient * card->characteristics[i].bins.bins[bins[i]].woe;
          }
          const double exact = s.offset() - s.factor() * log_odds;
          EXPECT_LE(std::abs(card->Score(bins) - exact), 1.5) << a << b << c;
        }
      }
    }
  }
}

TEST(BuildScorecardTest, BaseScoreAtBaseOddsAndOnePdoPerDoubling) {
  // One characteristic, b0 = -ln 50, b1 = -1: WOE 0 gives log-odds of bad
  // -ln 50 (50:1 good:bad) -> 600 points; WOE ln 2 gives -ln 100 (100:1) -> 620.
  Result<models::Scorecard> card =
      BuildScorecard({Bins("x", {0, std::log(2.0)}, 0)}, Fit(-std::log(50.0), {-1}));
  ASSERT_TRUE(card.ok());
  EXPECT_EQ(card->Score(std::vector<int>{0}), 600);
  EXPECT_EQ(card->Score(std::vector<int>{1}), 620);
  EXPECT_NEAR(card->Probability(std::vector<int>{0}), 1.0 / 51, 1e-15);
  EXPECT_NEAR(card->Probability(std::vector<int>{1}), 1.0 / 101, 1e-15);
}

TEST(BuildScorecardTest, RejectsMismatchedOrEmptyInputsAndBadScaling) {
  EXPECT_THAT(BuildScorecard({Bins("x", {0.1}, 0)}, Fit(-2, {-1, -1})).status().message(),
              HasSubstr("1 binned characteristics but the fit has 2 coefficients"));
  EXPECT_THAT(BuildScorecard({}, Fit(-2, {})).status().message(), HasSubstr("no characteristics"));
  EXPECT_THAT(BuildScorecard({Bins("x", {0.1}, 0)}, Fit(-2, {-1}), {600, 50, 0}).status().message(),
              HasSubstr("pdo"));
}

TEST(BuildScorecardTest, CardProbabilityEqualsTheFittedModel) {
  // Fit on WOE-coded rows, build the card, and check that the card's
  // probability for each bin combination is the fit's logistic prediction.
  const models::VariableBins age = Bins("age_years", {-0.5, 0.2, 0.8}, -0.1);
  const models::VariableBins months = Bins("months_on_book", {-0.3, 0.4}, 0);
  std::vector<double> age_woe, months_woe;
  std::vector<uint8_t> bads;
  for (int i = 0; i < 3000; ++i) {
    const int a = i % 4, m = (i / 4) % 3;
    age_woe.push_back(age.bins[a].woe);
    months_woe.push_back(months.bins[m].woe);
    // A deterministic bad pattern whose rate falls with both WOEs.
    bads.push_back((i * 7919) % 100 < 20 - 8 * (age.bins[a].woe + months.bins[m].woe));
  }
  Result<LogisticFit> fit = FitLogistic({age_woe, months_woe}, bads);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  Result<models::Scorecard> card = BuildScorecard({age, months}, *fit);
  ASSERT_TRUE(card.ok());
  for (int a = 0; a < 4; ++a) {
    for (int m = 0; m < 3; ++m) {
      const double eta =
          fit->intercept + fit->coefficients[0] * age.bins[a].woe + fit->coefficients[1] * months.bins[m].woe;
      EXPECT_NEAR(card->Probability(std::vector<int>{a, m}), 1 / (1 + std::exp(-eta)), 1e-15);
    }
  }
  // Safer bins score higher: the coefficients are negative on WOE.
  EXPECT_LT(fit->coefficients[0], 0);
  EXPECT_GT(card->Score(std::vector<int>{2, 1}), card->Score(std::vector<int>{0, 0}));
}

}  // namespace
}  // namespace credo::modeling
