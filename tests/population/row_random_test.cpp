// The samplers' moments against their textbook values.
#include "population/row_random.h"

#include <gtest/gtest.h>

#include <array>
#include <cmath>

namespace credo::population {
namespace {

constexpr int kDraws = 200000;

TEST(RowRandomTest, StreamsDependOnSeedRowAndStreamOnly) {
  const auto first = [](uint64_t seed, int64_t row, RowStream stream) {
    return RowRandom(seed, row, stream).NextBits();
  };
  EXPECT_EQ(first(5, 17, RowStream::kApplicant), first(5, 17, RowStream::kApplicant));
  EXPECT_NE(first(5, 17, RowStream::kApplicant), first(5, 18, RowStream::kApplicant));
  EXPECT_NE(first(5, 17, RowStream::kApplicant), first(6, 17, RowStream::kApplicant));
  EXPECT_NE(first(5, 17, RowStream::kApplicant), first(5, 17, RowStream::kWideVariables));
}

// Each mean must be within 4 standard errors (sd / sqrt(n)) of its true value.
TEST(RowRandomTest, MomentsMatchTheDistributions) {
  RowRandom rng(2026, 0, RowStream::kApplicant);
  double uniform_sum = 0, normal_sum = 0, normal_squares = 0, poisson_sum = 0, binomial_sum = 0;
  int64_t int_sum = 0;
  for (int i = 0; i < kDraws; ++i) {
    const double u = rng.Uniform();
    ASSERT_TRUE(u >= 0 && u < 1);
    uniform_sum += u;
    const double z = rng.Normal();
    normal_sum += z;
    normal_squares += z * z;
    poisson_sum += rng.Poisson(3.5);
    binomial_sum += rng.Binomial(10, 0.3);
    const int64_t k = rng.UniformInt(7);
    ASSERT_TRUE(k >= 0 && k < 7);
    int_sum += k;
  }
  const double se = 4 / std::sqrt(static_cast<double>(kDraws));
  EXPECT_NEAR(uniform_sum / kDraws, 0.5, std::sqrt(1.0 / 12) * se);  // Var U(0,1) = 1/12
  EXPECT_NEAR(normal_sum / kDraws, 0.0, 1.0 * se);
  EXPECT_NEAR(normal_squares / kDraws, 1.0, std::sqrt(2.0) * se);     // Var z^2 = 2
  EXPECT_NEAR(poisson_sum / kDraws, 3.5, std::sqrt(3.5) * se);        // Var = mean
  EXPECT_NEAR(binomial_sum / kDraws, 3.0, std::sqrt(2.1) * se);       // n p (1 - p) = 2.1
  EXPECT_NEAR(static_cast<double>(int_sum) / kDraws, 3.0, 2.0 * se);  // Var U{0..6} = 4
}

TEST(RowRandomTest, CategoricalFollowsTheWeights) {
  RowRandom rng(7, 3, RowStream::kApplicant);
  const std::array<double, 4> weights = {1, 0, 3, 6};
  std::array<int, 4> counts{};
  for (int i = 0; i < kDraws; ++i) ++counts[rng.Categorical(weights)];
  EXPECT_EQ(counts[1], 0);  // zero weight: never
  for (int i : {0, 2, 3}) {
    const double p = weights[i] / 10;
    EXPECT_NEAR(counts[i] / static_cast<double>(kDraws), p, 4 * std::sqrt(p * (1 - p) / kDraws)) << i;
  }
}

TEST(RowRandomTest, LogNormalHasTheGivenMedian) {
  RowRandom rng(8, 0, RowStream::kApplicant);
  int below = 0;
  for (int i = 0; i < kDraws; ++i) below += rng.LogNormal(std::log(6000.0), 0.5) < 6000 ? 1 : 0;
  EXPECT_NEAR(below / static_cast<double>(kDraws), 0.5, 4 * std::sqrt(0.25 / kDraws));
}

}  // namespace
}  // namespace credo::population
