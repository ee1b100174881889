// The wide variables: names, kinds, and whether each kind carries the risk
// signal it should.
#include "population/wide_variables.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "population/default_process.h"

namespace credo::population {
namespace {

constexpr int kRows = 40000;
constexpr int kVariables = 75;

TEST(WideVariablesTest, NamesAndKindsFollowTheNumber) {
  EXPECT_EQ(WideVariableName(1), "x001");
  EXPECT_EQ(WideVariableName(75), "x075");
  EXPECT_EQ(WideVariableName(999), "x999");
  EXPECT_EQ(KindOfWideVariable(1), WideVariableKind::kMonotone);
  EXPECT_EQ(KindOfWideVariable(2), WideVariableKind::kUShaped);
  EXPECT_EQ(KindOfWideVariable(3), WideVariableKind::kNoise);
  EXPECT_EQ(KindOfWideVariable(4), WideVariableKind::kMonotoneWithMissing);
  EXPECT_EQ(KindOfWideVariable(5), WideVariableKind::kCount);
  EXPECT_EQ(KindOfWideVariable(6), WideVariableKind::kMonotone);
  EXPECT_EQ(WideVariableDecimals(5), 0);  // counts are integers
  EXPECT_EQ(WideVariableDecimals(1), 4);
}

// AUC of `score` for bad, by the Mann-Whitney rank sum with mid-ranks for ties.
double Auc(std::vector<std::pair<double, bool>> scored) {
  std::sort(scored.begin(), scored.end());
  double bad_rank_sum = 0, bads = 0;
  for (size_t i = 0; i < scored.size();) {
    size_t j = i;
    while (j < scored.size() && scored[j].first == scored[i].first) ++j;
    const double mid_rank = (i + 1 + j) / 2.0;
    for (size_t k = i; k < j; ++k) {
      if (scored[k].second) {
        bad_rank_sum += mid_rank;
        bads += 1;
      }
    }
    i = j;
  }
  const double goods = static_cast<double>(scored.size()) - bads;
  return (bad_rank_sum - bads * (bads + 1) / 2) / (bads * goods);
}

TEST(WideVariablesTest, EachKindCarriesTheSignalItShould) {
  std::vector<std::vector<double>> values(kVariables, std::vector<double>(kRows));
  std::vector<bool> bad(kRows);
  std::vector<double> row_values(kVariables);
  for (int row = 0; row < kRows; ++row) {
    const Applicant a = GenerateApplicant(4, row);
    GenerateWideVariables(4, a, row_values);
    bad[row] = a.bad;
    for (int v = 0; v < kVariables; ++v) values[v][row] = row_values[v];
  }
  // Standard error of an uninformative AUC with n1 bads and n0 goods:
  // sqrt((n0 + n1 + 1) / (12 n0 n1)) (Hanley and McNeil 1982), about 0.0055 here.
  const double bads = static_cast<double>(std::count(bad.begin(), bad.end(), true));
  const double null_se = std::sqrt((kRows + 1) / (12 * bads * (kRows - bads)));
  for (int v = 0; v < kVariables; ++v) {
    const int number = v + 1;
    std::vector<std::pair<double, bool>> raw, distance;
    std::vector<double> present;
    for (int row = 0; row < kRows; ++row) {
      if (!std::isnan(values[v][row])) present.push_back(values[v][row]);
    }
    std::nth_element(present.begin(), present.begin() + present.size() / 2, present.end());
    const double median = present[present.size() / 2];
    for (int row = 0; row < kRows; ++row) {
      if (std::isnan(values[v][row])) continue;
      raw.emplace_back(values[v][row], bad[row]);
      distance.emplace_back(std::abs(values[v][row] - median), bad[row]);
    }
    const double missing_share = 1.0 - static_cast<double>(raw.size()) / kRows;
    const double auc = Auc(raw);
    SCOPED_TRACE(WideVariableName(number) + " AUC " + std::to_string(auc));
    switch (KindOfWideVariable(number)) {
      case WideVariableKind::kNoise:
        EXPECT_LT(std::abs(auc - 0.5), 4 * null_se);
        EXPECT_EQ(missing_share, 0.0);
        break;
      case WideVariableKind::kUShaped:
        // Risk lies at both ends, so the distance from the median ranks it.
        EXPECT_GT(Auc(distance), 0.5 + 8 * null_se);
        break;
      case WideVariableKind::kMonotoneWithMissing:
        EXPECT_GT(missing_share, 0.03);  // documented 5% to 40%, give or take the risk effect
        EXPECT_LT(missing_share, 0.45);
        [[fallthrough]];
      case WideVariableKind::kMonotone:
      case WideVariableKind::kCount:
        EXPECT_GT(std::abs(auc - 0.5), 6 * null_se);
        break;
    }
  }
}

TEST(WideVariablesTest, MoreVariablesNeverChangeTheFirstOnes) {
  const Applicant a = GenerateApplicant(9, 123);
  std::vector<double> three(3), ten(10);
  GenerateWideVariables(9, a, three);
  GenerateWideVariables(9, a, ten);
  for (int v = 0; v < 3; ++v) {
    if (std::isnan(three[v])) {
      EXPECT_TRUE(std::isnan(ten[v]));
    } else {
      EXPECT_EQ(three[v], ten[v]);
    }
  }
}

}  // namespace
}  // namespace credo::population
