#include "modeling/psi.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>

#include "modeling/binning.h"

namespace credo::modeling {
namespace {

TEST(PopulationStabilityIndex, IdenticalSharesGiveZero) {
  const std::vector<double> shares = {0.1, 0.25, 0.0, 0.65};
  EXPECT_EQ(PopulationStabilityIndex(shares, shares), 0.0);
}

TEST(PopulationStabilityIndex, ThreeBucketsByHand) {
  // (0.4 - 0.5) ln(0.4/0.5) = -0.1 * -0.2231436 = 0.0223144
  // (0.4 - 0.3) ln(0.4/0.3) =  0.1 *  0.2876821 = 0.0287682
  // (0.2 - 0.2) ln 1        =  0
  // PSI = 0.0510826
  const std::vector<double> expected = {0.5, 0.3, 0.2}, actual = {0.4, 0.4, 0.2};
  EXPECT_NEAR(PopulationStabilityIndex(expected, actual), 0.0510826, 1e-7);
}

TEST(PopulationStabilityIndex, EmptyBucketIsFlooredAtOneInTenThousand) {
  // Third bucket: expected 0 -> 1e-4: (0.01 - 0.0001) ln(0.01/0.0001) = 0.0099 * 4.6051702 = 0.0455912
  // Second: (0.49 - 0.5) ln(0.98) = -0.01 * -0.0202027 = 0.0002020. PSI = 0.0457932
  const std::vector<double> expected = {0.5, 0.5, 0.0}, actual = {0.5, 0.49, 0.01};
  EXPECT_NEAR(PopulationStabilityIndex(expected, actual), 0.0457932, 1e-7);
}

TEST(VariablePsi, NumericSamplesOverTheBins) {
  // Bins (-inf, 10], (10, 20], (20, inf), missing. Expected shares 0.5, 0.3, 0.2, 0
  // and actual 0.4, 0.4, 0.2, 0: the three-bucket example above (the empty
  // missing bucket is floored on both sides and adds 0).
  const std::vector<double> expected = {5, 5, 5, 5, 5, 15, 15, 15, 25, 25};
  const std::vector<double> actual = {5, 5, 5, 5, 15, 15, 15, 15, 25, 25};
  const std::vector<uint8_t> bads = {0, 1, 0, 0, 1, 0, 0, 1, 0, 1};
  const std::vector<double> cuts = {10, 20};
  auto bins = BinNumeric("x", expected, bads, BinningOptions{}, &cuts);
  ASSERT_TRUE(bins.ok());
  auto table = VariablePsi(*bins, expected, actual);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_NEAR(table->psi, 0.0510826, 1e-7);
  ASSERT_EQ(table->buckets.size(), 4u);
  EXPECT_EQ(table->buckets[0].label, "(-inf, 10]");
  EXPECT_EQ(table->buckets[0].expected_count, 5);
  EXPECT_EQ(table->buckets[1].actual_count, 4);
  EXPECT_EQ(table->buckets[3].label, "missing");
  double sum = 0;
  for (const PsiBucket& b : table->buckets) sum += b.psi;
  EXPECT_NEAR(sum, table->psi, 1e-15);
  auto same = VariablePsi(*bins, expected, expected);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->psi, 0.0);
}

TEST(VariablePsi, CategoricalColumnsWithDifferentLevelLists) {
  // Bins {A}, {B, unseen}, missing. Expected A A B B: shares 0.5, 0.5, 0.
  // Actual A B B C (C unseen -> {B}): 0.25, 0.75, 0.
  // PSI = (0.25 - 0.5) ln 0.5 + (0.75 - 0.5) ln 1.5 = 0.1732868 + 0.1013663 = 0.2746531
  models::VariableBins bins;
  bins.variable = "region";
  bins.categorical = true;
  bins.bins.resize(3);
  bins.bins[0].kind = bins.bins[1].kind = models::BinKind::kCategories;
  bins.bins[0].categories = {"A"};
  bins.bins[1].categories = {"B"};
  bins.bins[1].takes_unseen = true;
  bins.bins[2].kind = models::BinKind::kMissing;
  auto region = [](std::vector<int32_t> codes, std::vector<std::string> levels) {
    data::Column c;
    c.name = "region";
    c.type = data::ColumnType::kCategorical;
    c.codes = std::move(codes);
    c.levels = std::move(levels);
    return c;
  };
  const data::Column expected = region({0, 0, 1, 1}, {"A", "B"});
  const data::Column actual = region({1, 0, 0, 2}, {"B", "A", "C"});
  auto table = VariablePsi(bins, expected, actual);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  EXPECT_NEAR(table->psi, 0.2746531, 1e-7);
  EXPECT_EQ(table->buckets[1].actual_count, 3);
}

TEST(ScorePsi, DecilesOfTheExpectedScores) {
  // Expected 1..100: cuts at 10, 20, ..., 90, each bucket 0.1. Actual 51..150:
  // buckets 1-5 empty (floored to 1e-4), 6-9 hold 10 rows (0.1), the last 60 (0.6).
  // PSI = 5 (0.0001 - 0.1) ln(0.0001/0.1) + (0.6 - 0.1) ln 6
  //     = 5 * 0.0999 * 6.9077553 + 0.5 * 1.7917595 = 3.4504238 + 0.8958797 = 4.3463035
  std::vector<double> expected, actual;
  for (int i = 1; i <= 100; ++i) {
    expected.push_back(i);
    actual.push_back(i + 50);
  }
  auto table = ScorePsi(expected, actual);
  ASSERT_TRUE(table.ok()) << table.status().ToString();
  ASSERT_EQ(table->buckets.size(), 10u);
  EXPECT_EQ(table->buckets[0].label, "(-inf, 10]");
  EXPECT_EQ(table->buckets[9].actual_count, 60);
  EXPECT_NEAR(table->psi, 4.3463035, 1e-6);

  auto same = ScorePsi(expected, expected);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->psi, 0.0);
}

TEST(ScorePsi, SameDistributionIsStable) {
  std::mt19937 rng(5);
  std::uniform_real_distribution<> unit(0, 1);
  std::vector<double> a(20000), b(20000);
  for (double& x : a) x = unit(rng);
  for (double& x : b) x = unit(rng);
  auto table = ScorePsi(a, b);
  ASSERT_TRUE(table.ok());
  // Sampling noise alone: E[PSI] ~ (buckets - 1)(1/n_a + 1/n_b) = 9e-4.
  EXPECT_LT(table->psi, 0.01);
}

TEST(Psi, Errors) {
  const std::vector<int64_t> some = {3, 4}, none = {0, 0};
  EXPECT_FALSE(PsiFromCounts({"a", "b"}, some, none).ok());
  EXPECT_FALSE(PsiFromCounts({"a", "b"}, none, some).ok());
  EXPECT_FALSE(PsiFromCounts({"a"}, some, some).ok());
  const std::vector<double> scores = {0.1, std::numeric_limits<double>::quiet_NaN()};
  EXPECT_FALSE(ScorePsi(scores, scores).ok());
  EXPECT_FALSE(ScorePsi({}, scores).ok());
}

}  // namespace
}  // namespace credo::modeling
