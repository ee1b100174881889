#include "modeling/selection.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

namespace credo::modeling {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Names(const std::vector<Candidate>& candidates) {
  std::vector<std::string> names;
  for (const Candidate& c : candidates) names.push_back(c.variable);
  return names;
}

std::vector<std::string> DroppedNames(const std::vector<DroppedVariable>& dropped) {
  std::vector<std::string> names;
  for (const DroppedVariable& d : dropped) names.push_back(d.variable + "@" + d.step);
  return names;
}

// Standard normal columns from a fixed seed.
class Columns {
 public:
  explicit Columns(uint64_t seed) : rng_(seed) {}
  std::vector<double> Normal(size_t n) {
    std::vector<double> v(n);
    for (double& x : v) x = normal_(rng_);
    return v;
  }
  // `of` plus normal noise of standard deviation `sd`.
  std::vector<double> Noisy(const std::vector<double>& of, double sd) {
    std::vector<double> v = of;
    for (double& x : v) x += sd * normal_(rng_);
    return v;
  }
  // 1 with probability logistic(log_odds[i]).
  std::vector<uint8_t> Bads(const std::vector<double>& log_odds) {
    std::vector<uint8_t> bads;
    for (double eta : log_odds) bads.push_back(uniform_(rng_) < 1 / (1 + std::exp(-eta)));
    return bads;
  }

 private:
  std::mt19937_64 rng_;
  std::normal_distribution<double> normal_;
  std::uniform_real_distribution<double> uniform_;
};

TEST(FilterByCorrelationTest, DropsTheLowerIvMemberOfACorrelatedPair) {
  // a_copy = a + N(0, 0.1^2): correlation 1 / sqrt(1.01) = 0.995 > 0.7; b is independent.
  Columns gen(11);
  const std::vector<double> a = gen.Normal(2000), a_copy = gen.Noisy(a, 0.1), b = gen.Normal(2000);
  Selection s = FilterByCorrelation({{"a", 0.30, a}, {"a_copy", 0.25, a_copy}, {"b", 0.10, b}});
  EXPECT_THAT(Names(s.kept), ElementsAre("a", "b"));
  ASSERT_EQ(s.dropped.size(), 1u);
  EXPECT_EQ(s.dropped[0].variable, "a_copy");
  EXPECT_EQ(s.dropped[0].step, "correlation");
  EXPECT_THAT(s.dropped[0].reason, HasSubstr("with 'a'"));

  // With the IVs the other way round the copy is kept instead.
  s = FilterByCorrelation({{"a", 0.25, a}, {"a_copy", 0.30, a_copy}, {"b", 0.10, b}});
  EXPECT_THAT(Names(s.kept), ElementsAre("a_copy", "b"));
  EXPECT_THAT(DroppedNames(s.dropped), ElementsAre("a@correlation"));
}

TEST(FilterByIvTest, DropsBelowThresholdWithTheReason) {
  const std::vector<double> x(10, 0.0);
  Selection s = FilterByIv({{"weak", 0.019, x}, {"edge", 0.02, x}, {"strong", 0.4, x}});
  EXPECT_THAT(Names(s.kept), ElementsAre("edge", "strong"));
  ASSERT_EQ(s.dropped.size(), 1u);
  EXPECT_EQ(s.dropped[0].reason, "IV 0.019 < 0.02");
}

TEST(FilterByVifTest, DropsTheCollinearCombination) {
  // c = a + b + N(0, 0.2^2) with a, b, d independent N(0, 1). By hand:
  // VIF_c = var(c) / residual var = (2 + 0.04) / 0.04 = 51, VIF_a = VIF_b =
  // (1 + 0.04) / 0.04 = 26, VIF_d = 1. So c goes first; then every VIF is ~1.
  Columns gen(12);
  const std::vector<double> a = gen.Normal(5000), b = gen.Normal(5000), d = gen.Normal(5000);
  std::vector<double> a_plus_b(a.size());
  for (size_t i = 0; i < a.size(); ++i) a_plus_b[i] = a[i] + b[i];
  const std::vector<double> c = gen.Noisy(a_plus_b, 0.2);
  Selection s = FilterByVif({{"a", 0.3, a}, {"b", 0.2, b}, {"c", 0.5, c}, {"d", 0.1, d}});
  EXPECT_THAT(Names(s.kept), ElementsAre("a", "b", "d"));
  ASSERT_THAT(DroppedNames(s.dropped), ElementsAre("c@vif"));
  // The reported VIF is the sample's, close to the population 51.
  const double vif = std::stod(s.dropped[0].reason.substr(4));
  EXPECT_NEAR(vif, 51, 5);
}

TEST(FilterByVifTest, ExactCombinationDropsTheLowestIvOfTheTiedMembers) {
  // e = a + b exactly: all three have infinite VIF; the lowest IV goes.
  Columns gen(13);
  const std::vector<double> a = gen.Normal(1000), b = gen.Normal(1000);
  std::vector<double> e(a.size());
  for (size_t i = 0; i < a.size(); ++i) e[i] = a[i] + b[i];
  Selection s = FilterByVif({{"a", 0.3, a}, {"b", 0.2, b}, {"e", 0.1, e}});
  EXPECT_THAT(Names(s.kept), ElementsAre("a", "b"));
  EXPECT_THAT(DroppedNames(s.dropped), ElementsAre("e@vif"));
  s = FilterByVif({{"a", 0.3, a}, {"b", 0.2, b}, {"e", 0.5, e}});
  EXPECT_THAT(Names(s.kept), ElementsAre("a", "e"));
  EXPECT_THAT(s.dropped[0].reason, HasSubstr("infinite"));
}

// Rows where only x1 and x2 matter. Each base row (x1, x2, w, bad) is
// repeated for the 8 sign patterns of (x3, x4, x5), so each noise column is
// exactly symmetric given everything else: its MLE coefficient is 0, adding
// it leaves the log-likelihood unchanged (AIC +2, Wald p-value 1), and
// removing it lowers AIC by 2. Log-odds of bad = -1.5 - x1 - 0.7 x2 + w_effect * w.
struct StepwiseData {
  std::vector<double> x1, x2, w, x3, x4, x5;
  std::vector<uint8_t> bads;

  explicit StepwiseData(double w_effect) {
    Columns gen(14);
    const size_t base = 2000;
    const std::vector<double> b1 = gen.Normal(base), b2 = gen.Normal(base), bw = gen.Normal(base);
    const std::vector<double> u3 = gen.Normal(base), u4 = gen.Normal(base), u5 = gen.Normal(base);
    std::vector<double> log_odds(base);
    for (size_t i = 0; i < base; ++i) log_odds[i] = -1.5 - b1[i] - 0.7 * b2[i] + w_effect * bw[i];
    const std::vector<uint8_t> base_bads = gen.Bads(log_odds);
    for (size_t i = 0; i < base; ++i) {
      for (int signs = 0; signs < 8; ++signs) {
        x1.push_back(b1[i]);
        x2.push_back(b2[i]);
        w.push_back(bw[i]);
        x3.push_back((signs & 1 ? -1 : 1) * u3[i]);
        x4.push_back((signs & 2 ? -1 : 1) * u4[i]);
        x5.push_back((signs & 4 ? -1 : 1) * u5[i]);
        bads.push_back(base_bads[i]);
      }
    }
  }

  std::vector<Candidate> FiveCandidates() const {
    return {{"x3", 0.1, x3}, {"x1", 0.1, x1}, {"x4", 0.1, x4}, {"x2", 0.1, x2}, {"x5", 0.1, x5}};
  }
};

class StepwiseTest : public ::testing::TestWithParam<std::tuple<StepwiseDirection, StepwiseCriterion>> {};

TEST_P(StepwiseTest, PicksTheTwoVariablesThatMatter) {
  const StepwiseData data(0);
  StepwiseOptions options;
  options.direction = std::get<0>(GetParam());
  options.criterion = std::get<1>(GetParam());
  Result<Selection> s = Stepwise(data.FiveCandidates(), data.bads, options);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_THAT(Names(s->kept), ElementsAre("x1", "x2"));
  EXPECT_THAT(DroppedNames(s->dropped), ElementsAre("x3@stepwise", "x4@stepwise", "x5@stepwise"));
}

INSTANTIATE_TEST_SUITE_P(
    AllDirections, StepwiseTest,
    ::testing::Combine(::testing::Values(StepwiseDirection::kForward, StepwiseDirection::kBackward,
                                         StepwiseDirection::kBoth),
                       ::testing::Values(StepwiseCriterion::kAic, StepwiseCriterion::kPValue)));

TEST(StepwiseCapTest, StopsAtTheCapKeepingTheStrongestVariable) {
  // x1 (coefficient -1) lowers AIC more than x2 (-0.7), so with a cap of one
  // variable forward selection keeps x1; backward removes down to x1 too.
  const StepwiseData data(0);
  for (StepwiseDirection direction : {StepwiseDirection::kForward, StepwiseDirection::kBackward}) {
    StepwiseOptions options;
    options.direction = direction;
    options.max_variables = 1;
    Result<Selection> s = Stepwise(data.FiveCandidates(), data.bads, options);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_THAT(Names(s->kept), ElementsAre("x1"));
    for (const DroppedVariable& d : s->dropped) {
      if (d.variable == "x2") {
        EXPECT_THAT(d.reason, HasSubstr("cap of 1"));
      }
    }
  }
}

TEST(DropWrongSignsTest, DropsThePositiveCoefficient) {
  // Log-odds of bad = -1.5 - 0.8 a - 0.6 b + 0.5 w: w has the wrong sign for a WOE column.
  Columns gen(15);
  const std::vector<double> a = gen.Normal(5000), b = gen.Normal(5000), w = gen.Normal(5000);
  std::vector<double> log_odds(a.size());
  for (size_t i = 0; i < a.size(); ++i) log_odds[i] = -1.5 - 0.8 * a[i] - 0.6 * b[i] + 0.5 * w[i];
  const std::vector<uint8_t> bads = gen.Bads(log_odds);
  Result<Selection> s = DropWrongSigns({{"a", 0.2, a}, {"w", 0.2, w}, {"b", 0.2, b}}, bads);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_THAT(Names(s->kept), ElementsAre("a", "b"));
  ASSERT_THAT(DroppedNames(s->dropped), ElementsAre("w@sign"));
  EXPECT_THAT(s->dropped[0].reason, HasSubstr("positive"));
}

TEST(SelectVariablesTest, RunsTheChainAndReportsEveryDropInOrder) {
  const StepwiseData data(0.4);  // w matters, but with the wrong sign
  Columns gen(16);
  const std::vector<double> x1_copy = gen.Noisy(data.x1, 0.1), weak = gen.Normal(data.x1.size());
  std::vector<Candidate> candidates = data.FiveCandidates();
  candidates[1].iv = 0.5;  // x1
  candidates.push_back({"x1_copy", 0.3, x1_copy});
  candidates.push_back({"weak", 0.01, weak});
  candidates.push_back({"w", 0.2, data.w});
  Result<SelectedModel> model = SelectVariables(candidates, data.bads);
  ASSERT_TRUE(model.ok()) << model.status().ToString();
  EXPECT_THAT(Names(model->selection.kept), ElementsAre("x1", "x2"));
  EXPECT_THAT(
      DroppedNames(model->selection.dropped),
      ElementsAre("weak@iv", "x1_copy@correlation", "x3@stepwise", "x4@stepwise", "x5@stepwise", "w@sign"));
  // The returned fit is the fit of the kept variables, in kept order.
  Result<LogisticFit> direct = FitLogistic({data.x1, data.x2}, data.bads);
  ASSERT_TRUE(direct.ok());
  EXPECT_EQ(model->fit.coefficients, direct->coefficients);
  EXPECT_LT(model->fit.coefficients[0], 0);
  EXPECT_LT(model->fit.coefficients[1], 0);
}

}  // namespace
}  // namespace credo::modeling
