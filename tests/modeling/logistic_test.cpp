#include "modeling/logistic.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace credo::modeling {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

// Rows of a 2x2 table: `bad` bads and `good` goods with predictor value x.
void AddCell(std::vector<double>& x, std::vector<uint8_t>& bads, double value, int bad, int good) {
  for (int i = 0; i < bad + good; ++i) {
    x.push_back(value);
    bads.push_back(i < bad ? 1 : 0);
  }
}

TEST(FitLogisticTest, BinaryPredictorGivesTheLogOddsRatioOfTheTwoByTwoTable) {
  // x = 0: 20 bads, 80 goods; x = 1: 45 bads, 55 goods. The MLE of a
  // saturated 2x2 model reproduces the cell odds:
  //   intercept = ln(20/80) = -1.386294...,
  //   slope = ln((45/55) / (20/80)) = ln(3.272727...) = 1.185624...,
  //   se(slope) = sqrt(1/20 + 1/80 + 1/45 + 1/55) = 0.317162...,
  //   se(intercept) = sqrt(1/20 + 1/80) = 0.25.
  std::vector<double> x;
  std::vector<uint8_t> bads;
  AddCell(x, bads, 0, 20, 80);
  AddCell(x, bads, 1, 45, 55);
  Result<LogisticFit> fit = FitLogistic({x}, bads);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_NEAR(fit->intercept, std::log(20.0 / 80.0), 1e-12);
  ASSERT_EQ(fit->coefficients.size(), 1u);
  EXPECT_NEAR(fit->coefficients[0], std::log((45.0 / 55.0) / (20.0 / 80.0)), 1e-12);
  EXPECT_NEAR(fit->standard_errors[0], std::sqrt(1.0 / 20 + 1.0 / 80 + 1.0 / 45 + 1.0 / 55), 1e-10);
  EXPECT_NEAR(fit->intercept_standard_error, 0.25, 1e-10);
  EXPECT_NEAR(fit->z[0], fit->coefficients[0] / fit->standard_errors[0], 1e-12);
  // Log-likelihood of the saturated model: sum over cells of n ln(p) with the cell rates.
  const double ll = 20 * std::log(0.2) + 80 * std::log(0.8) + 45 * std::log(0.45) + 55 * std::log(0.55);
  EXPECT_NEAR(fit->log_likelihood, ll, 1e-9);
  EXPECT_NEAR(fit->aic, -2 * ll + 4, 1e-9);
}

TEST(FitLogisticTest, InterceptOnlyModelIsTheLogOddsOfTheBadRate) {
  // 37 bads in 200: intercept = ln(37/163), se = sqrt(1/37 + 1/163).
  std::vector<uint8_t> bads(200, 0);
  for (int i = 0; i < 37; ++i) bads[i * 5] = 1;
  Result<LogisticFit> fit = FitLogistic({}, bads);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_NEAR(fit->intercept, std::log(37.0 / 163.0), 1e-12);
  EXPECT_NEAR(fit->intercept_standard_error, std::sqrt(1.0 / 37 + 1.0 / 163), 1e-10);
  EXPECT_TRUE(fit->coefficients.empty());
  EXPECT_NEAR(fit->aic, -2 * (37 * std::log(37.0 / 200) + 163 * std::log(163.0 / 200)) + 2, 1e-9);
}

// tests/modeling/fixtures/logistic/data.csv: x1,x2,x3,bad.
struct Fixture {
  std::vector<std::vector<double>> x = std::vector<std::vector<double>>(3);
  std::vector<uint8_t> bads;
  nlohmann::json expected;
};

Fixture ReadFixture() {
  Fixture f;
  const std::string dir = CREDO_SOURCE_DIR "/tests/modeling/fixtures/logistic/";
  std::ifstream csv(dir + "data.csv");
  std::string line;
  std::getline(csv, line);  // header
  while (std::getline(csv, line)) {
    std::istringstream cells(line);
    std::string cell;
    for (int j = 0; j < 3; ++j) {
      std::getline(cells, cell, ',');
      f.x[j].push_back(std::stod(cell));
    }
    std::getline(cells, cell, ',');
    f.bads.push_back(static_cast<uint8_t>(std::stoi(cell)));
  }
  f.expected = nlohmann::json::parse(std::ifstream(dir + "expected.json"));
  return f;
}

std::vector<std::span<const double>> Spans(const std::vector<std::vector<double>>& columns) {
  return {columns.begin(), columns.end()};
}

TEST(FitLogisticTest, AgreesWithScikitLearnUnpenalised) {
  // Expected figures: tests/modeling/fixtures/logistic/make_expected.py
  // (sklearn LogisticRegression(penalty=None, tol=1e-10, max_iter=1000);
  // standard errors and p-values recomputed there with numpy and scipy).
  const Fixture f = ReadFixture();
  ASSERT_EQ(f.bads.size(), f.expected["rows"].get<size_t>());
  const nlohmann::json& e = f.expected["unpenalised"];
  Result<LogisticFit> fit = FitLogistic(Spans(f.x), f.bads);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_NEAR(fit->intercept, e["intercept"].get<double>(), 1e-6);
  EXPECT_NEAR(fit->intercept_standard_error, e["intercept_standard_error"].get<double>(), 1e-6);
  for (size_t j = 0; j < 3; ++j) {
    EXPECT_NEAR(fit->coefficients[j], e["coefficients"][j].get<double>(), 1e-6) << j;
    EXPECT_NEAR(fit->standard_errors[j], e["standard_errors"][j].get<double>(), 1e-6) << j;
    const double p = e["p_values"][j].get<double>();
    EXPECT_NEAR(fit->p_values[j], p, 1e-5 * p) << j;
  }
  EXPECT_NEAR(fit->log_likelihood, e["log_likelihood"].get<double>(), 1e-8);
  EXPECT_NEAR(fit->aic, e["aic"].get<double>(), 1e-7);
}

TEST(FitLogisticTest, RidgeAgreesWithScikitLearnAtCEqualsOneOverL2) {
  const Fixture f = ReadFixture();
  const nlohmann::json& e = f.expected["l2"];
  LogisticOptions options;
  options.l2 = e["l2"].get<double>();
  ASSERT_DOUBLE_EQ(options.l2, 1 / e["sklearn_C"].get<double>());
  Result<LogisticFit> fit = FitLogistic(Spans(f.x), f.bads, options);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_NEAR(fit->intercept, e["intercept"].get<double>(), 1e-6);
  for (size_t j = 0; j < 3; ++j) {
    EXPECT_NEAR(fit->coefficients[j], e["coefficients"][j].get<double>(), 1e-6) << j;
  }
}

TEST(FitLogisticTest, RowSubsetEqualsFittingTheCopiedRows) {
  const Fixture f = ReadFixture();
  std::vector<size_t> rows;
  std::vector<std::vector<double>> x(3);
  std::vector<uint8_t> bads;
  for (size_t i = 0; i < f.bads.size(); i += 3) {
    rows.push_back(i);
    for (size_t j = 0; j < 3; ++j) x[j].push_back(f.x[j][i]);
    bads.push_back(f.bads[i]);
  }
  Result<LogisticFit> subset = FitLogistic(Spans(f.x), f.bads, {}, rows);
  Result<LogisticFit> copied = FitLogistic(Spans(x), bads);
  ASSERT_TRUE(subset.ok() && copied.ok());
  EXPECT_EQ(subset->intercept, copied->intercept);
  EXPECT_EQ(subset->coefficients, copied->coefficients);
  EXPECT_EQ(subset->standard_errors, copied->standard_errors);
}

TEST(FitLogisticTest, WarmStartReachesTheSameEstimate) {
  const Fixture f = ReadFixture();
  Result<LogisticFit> cold = FitLogistic(Spans(f.x), f.bads);
  ASSERT_TRUE(cold.ok());
  LogisticOptions options;
  options.start = {-1.0, -0.5, 0.0, 0.5};
  Result<LogisticFit> warm = FitLogistic(Spans(f.x), f.bads, options);
  ASSERT_TRUE(warm.ok()) << warm.status().ToString();
  EXPECT_NEAR(warm->intercept, cold->intercept, 1e-10);
  for (size_t j = 0; j < 3; ++j) EXPECT_NEAR(warm->coefficients[j], cold->coefficients[j], 1e-10);
  options.start = {-1.0, -0.5};
  EXPECT_THAT(FitLogistic(Spans(f.x), f.bads, options).status().message(),
              HasSubstr("the start has 2 values"));
}

TEST(FitLogisticTest, PerfectSeparationIsAnErrorNamingTheVariable) {
  // bad exactly when x > 5: the slope runs to +infinity.
  std::vector<double> x, noise;
  std::vector<uint8_t> bads;
  for (int i = 1; i <= 40; ++i) {
    x.push_back(i % 10 + 1);
    noise.push_back((i * 7) % 11);
    bads.push_back(i % 10 + 1 > 5);
  }
  LogisticOptions options;
  options.column_names = {"months_on_book", "age_years"};
  Result<LogisticFit> fit = FitLogistic({x, noise}, bads, options);
  ASSERT_FALSE(fit.ok());
  EXPECT_THAT(fit.status().message(), AllOf(HasSubstr("separation"), HasSubstr("'months_on_book'")));
}

TEST(FitLogisticTest, QuasiCompleteSeparationNamesOnlyTheSeparatedVariable) {
  // The flag = 1 group has no bads (quasi-complete separation), while
  // 'score_band' is an ordinary predictor.
  std::vector<double> flag, band;
  std::vector<uint8_t> bads;
  for (int i = 0; i < 400; ++i) {
    flag.push_back(i % 4 == 0);
    band.push_back(i % 5);
    bads.push_back(i % 4 != 0 && i % 3 == 0);
  }
  LogisticOptions options;
  options.column_names = {"has_mortgage", "score_band"};
  Result<LogisticFit> fit = FitLogistic({flag, band}, bads, options);
  ASSERT_FALSE(fit.ok());
  EXPECT_THAT(fit.status().message(),
              AllOf(HasSubstr("separation"), HasSubstr("'has_mortgage'"), Not(HasSubstr("'score_band'"))));
}

TEST(FitLogisticTest, CollinearColumnsAreAnErrorNamingThem) {
  const Fixture f = ReadFixture();
  std::vector<double> sum(f.bads.size());
  for (size_t i = 0; i < sum.size(); ++i) sum[i] = f.x[0][i] + 2 * f.x[2][i];
  LogisticOptions options;
  options.column_names = {"a", "b", "c", "a_plus_2c"};
  Result<LogisticFit> fit = FitLogistic({f.x[0], f.x[1], f.x[2], sum}, f.bads, options);
  ASSERT_FALSE(fit.ok());
  EXPECT_THAT(fit.status().message(),
              AllOf(HasSubstr("singular"), HasSubstr("'a_plus_2c' is a linear combination "
                                                     "of 'a', 'c'")));
}

TEST(FitLogisticTest, RejectsConstantColumnsBadTargetsAndNonFiniteValues) {
  std::vector<double> x = {1, 2, 3, 4}, constant = {7, 7, 7, 7}, with_nan = {1, NAN, 3, 4};
  std::vector<uint8_t> bads = {0, 1, 0, 1};
  LogisticOptions options;
  options.column_names = {"x", "y"};
  EXPECT_THAT(FitLogistic({x, constant}, bads, options).status().message(),
              AllOf(HasSubstr("'y'"), HasSubstr("constant")));
  EXPECT_THAT(FitLogistic({x, with_nan}, bads, options).status().message(),
              AllOf(HasSubstr("'y' at row 1"), HasSubstr("finite")));
  EXPECT_THAT(FitLogistic({x}, std::vector<uint8_t>{0, 2, 0, 1}, options).status().message(),
              HasSubstr("row 1 is 2"));
  EXPECT_THAT(FitLogistic({x}, std::vector<uint8_t>{0, 0, 0, 0}, options).status().message(),
              HasSubstr("all 4 rows are good"));
  EXPECT_THAT(FitLogistic({x}, std::vector<uint8_t>{0, 1, 0}, options).status().message(),
              HasSubstr("'x' has 4 values but the target has 3"));
}

TEST(FitLogisticTest, RecoversKnownCoefficientsOnHundredThousandRowsAndThirtyColumns) {
  // Simulated from log-odds = -2 + sum_j beta_j x_j with beta_j = -0.05 * (j - 15)
  // and x_j standard normal: every estimate lies within 5 standard errors of
  // the truth (a 5-sigma band; the run is deterministic for the fixed seed).
  constexpr size_t kRows = 100000, kColumns = 30;
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal;
  std::uniform_real_distribution<double> uniform;
  std::vector<std::vector<double>> x(kColumns, std::vector<double>(kRows));
  std::vector<uint8_t> bads(kRows);
  std::vector<double> beta(kColumns);
  for (size_t j = 0; j < kColumns; ++j) beta[j] = -0.05 * (static_cast<double>(j) - 15);
  for (size_t i = 0; i < kRows; ++i) {
    double eta = -2;
    for (size_t j = 0; j < kColumns; ++j) {
      x[j][i] = normal(rng);
      eta += beta[j] * x[j][i];
    }
    bads[i] = uniform(rng) < 1 / (1 + std::exp(-eta));
  }
  Result<LogisticFit> fit = FitLogistic(Spans(x), bads);
  ASSERT_TRUE(fit.ok()) << fit.status().ToString();
  EXPECT_NEAR(fit->intercept, -2, 5 * fit->intercept_standard_error);
  for (size_t j = 0; j < kColumns; ++j) {
    EXPECT_NEAR(fit->coefficients[j], beta[j], 5 * fit->standard_errors[j]) << j;
  }
  EXPECT_LE(fit->iterations, 10);
}

}  // namespace
}  // namespace credo::modeling
