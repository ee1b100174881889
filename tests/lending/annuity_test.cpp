// The level installment of an equal-installment loan against the annuity
// formula computed here independently, published worked examples, and
// half-fen ties worked by hand.
#include "lending/annuity.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace credo::lending {
namespace {

// A = P·r / (1 − (1+r)^−n) in fen, r = bps / 120000, by plain repeated multiplication.
long double AnnuityFormulaFen(int64_t principal_fen, int64_t annual_bps, int months) {
  const long double r = annual_bps / 120000.0L;
  long double growth = 1;
  for (int i = 0; i < months; ++i) growth *= 1 + r;
  return principal_fen * r * growth / (growth - 1);
}

int64_t Level(int64_t principal_fen, int64_t annual_bps, int months,
              RoundingMode mode = RoundingMode::kHalfUp) {
  return LevelInstallmentFen(principal_fen, annual_bps, months, mode);
}

TEST(AnnuityTest, PublishedWorkedExamples) {
  // The example: 10,000 over 12 months at 12% pays 888.49 a month.
  EXPECT_EQ(Level(1'000'000, 1200, 12), 88849);
  // Microsoft Excel's PMT help: =PMT(8%/12, 10, 10000) = (1,037.03).
  EXPECT_EQ(Level(1'000'000, 800, 10), 103703);
  // NumPy's pmt docs: np.pmt(0.075/12, 12*15, 200000) = -1854.0247…, "$1,854.02".
  EXPECT_EQ(Level(20'000'000, 750, 180), 185402);
  // Claris FileMaker's PMT help: PMT(21000; .069/12; 48) returns $501.90.
  EXPECT_EQ(Level(2'100'000, 690, 48), 50190);
  // Adobe FormCalc's Pmt reference: Pmt(150000, 0.0475/12, 25*12) = 855.17604…
  EXPECT_EQ(Level(15'000'000, 475, 300), 85518);
  // MESCIUS spreadsheet docs: PMT(6%/12, 15, 5000) gives -346.82.
  EXPECT_EQ(Level(500'000, 600, 15), 34682);
  // The usual Chinese mortgage example: 1,000,000 yuan, 30 years, 4.9%, 等额本息 月供 5307.27.
  EXPECT_EQ(Level(100'000'000, 490, 360), 530727);
}

TEST(AnnuityTest, MatchesTheFormulaOnRandomLoans) {
  std::mt19937_64 random(20260115);
  for (int i = 0; i < 2000; ++i) {
    const int64_t principal = std::uniform_int_distribution<int64_t>(100, 100'000'000)(random);
    const int64_t bps = std::uniform_int_distribution<int64_t>(1, 3600)(random);
    const int months = std::uniform_int_distribution<int>(1, 360)(random);
    const long double a = AnnuityFormulaFen(principal, bps, months);
    // Away from a tie the formula's long double value rounds the same way.
    if (std::fabs(a - std::floor(a) - 0.5L) < 1e-6L || a - std::floor(a) < 1e-6L) continue;
    EXPECT_EQ(Level(principal, bps, months, RoundingMode::kHalfUp), std::llround(a))
        << principal << " " << bps << " " << months;
    EXPECT_EQ(Level(principal, bps, months, RoundingMode::kDown), static_cast<int64_t>(std::floor(a)));
    EXPECT_EQ(Level(principal, bps, months, RoundingMode::kUp), static_cast<int64_t>(std::ceil(a)));
  }
}

TEST(AnnuityTest, RoundingModesAwayFromATie) {
  // 10,000 / 12 / 12%: A = 88848.7887 fen.
  EXPECT_EQ(Level(1'000'000, 1200, 12, RoundingMode::kHalfUp), 88849);
  EXPECT_EQ(Level(1'000'000, 1200, 12, RoundingMode::kUp), 88849);
  EXPECT_EQ(Level(1'000'000, 1200, 12, RoundingMode::kDown), 88848);
  EXPECT_EQ(Level(1'000'000, 1200, 12, RoundingMode::kHalfEven), 88849);
}

TEST(AnnuityTest, HalfFenTiesAreExact) {
  // One month: A = P·(1 + r). 1.00 yuan at 6% (r = 0.5%) is 100.5 fen; 3.00 yuan is 301.5 fen.
  EXPECT_EQ(Level(100, 600, 1, RoundingMode::kHalfUp), 101);
  EXPECT_EQ(Level(100, 600, 1, RoundingMode::kHalfEven), 100);
  EXPECT_EQ(Level(100, 600, 1, RoundingMode::kDown), 100);
  EXPECT_EQ(Level(100, 600, 1, RoundingMode::kUp), 101);
  EXPECT_EQ(Level(300, 600, 1, RoundingMode::kHalfEven), 302);
  // Two months at r = 1%: A = P·1.01² / 2.01; P = 10050 fen gives 5000 × 1.0201 = 5100.5 fen.
  EXPECT_EQ(Level(10050, 1200, 2, RoundingMode::kHalfUp), 5101);
  EXPECT_EQ(Level(10050, 1200, 2, RoundingMode::kHalfEven), 5100);
  // Two months at r = 2%: 2525 × 1.0404 / 2.02 = 1300.5 fen.
  EXPECT_EQ(Level(2525, 2400, 2, RoundingMode::kHalfUp), 1301);
  EXPECT_EQ(Level(2525, 2400, 2, RoundingMode::kHalfEven), 1300);
  // A tie on a large amount: 9,999,998,415,900 fen for one month at 18% is ×1.015 =
  // 10,149,998,392,138.5 fen, to the even 138 (a long double estimate lands above the half).
  EXPECT_EQ(Level(9'999'998'415'900, 1800, 1, RoundingMode::kHalfEven), 10'149'998'392'138);
  EXPECT_EQ(Level(9'999'998'415'900, 1800, 1, RoundingMode::kHalfUp), 10'149'998'392'139);
  // One month, exact: 1200.00 yuan at 12% is 1212.00 (no rounding in any mode).
  for (RoundingMode mode :
       {RoundingMode::kHalfUp, RoundingMode::kUp, RoundingMode::kDown, RoundingMode::kHalfEven}) {
    EXPECT_EQ(Level(120'000, 1200, 1, mode), 121'200);
  }
}

TEST(AnnuityTest, WholeFenInstallmentsStayWholeWhenRoundingUp) {
  // 10,000.00 for one month at 18% is exactly 10,150.00; computed in floating point it comes out a
  // hair above, which rounding up would turn into 10,150.01.
  EXPECT_EQ(Level(1'000'000, 1800, 1, RoundingMode::kUp), 1'015'000);
  EXPECT_EQ(Level(7'920'000'000, 1800, 1, RoundingMode::kUp), 8'038'800'000);
  // Two months at 6%: A = P·1.005² / 2.005; P = 1,069,066,000,000 fen gives exactly
  // 538,545,330,000 fen (1,069,066,000,000 / 2.005 = 533,200,000,000 × 1.010025).
  EXPECT_EQ(Level(1'069'066'000'000, 600, 2, RoundingMode::kUp), 538'545'330'000);
  EXPECT_EQ(Level(1'069'066'000'000, 600, 2, RoundingMode::kDown), 538'545'330'000);
}

TEST(AnnuityTest, ZeroRateSplitsThePrincipal) {
  EXPECT_EQ(Level(270'000, 0, 12), 22'500);
  EXPECT_EQ(Level(100'000, 0, 3, RoundingMode::kHalfUp), 33'333);  // 33333.33
  EXPECT_EQ(Level(100'000, 0, 3, RoundingMode::kUp), 33'334);
}

TEST(AnnuityTest, LongTermsAndLargeAmounts) {
  // 600 months, 100 billion yuan at 10%: the formula gives the same fen.
  const long double a = AnnuityFormulaFen(10'000'000'000'000, 1000, 600);
  EXPECT_EQ(Level(10'000'000'000'000, 1000, 600), std::llround(a));
}

}  // namespace
}  // namespace credo::lending
