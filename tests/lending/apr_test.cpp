// The IRR-based APR: the 16.2% example, checked by discounting the
// cash flows independently, and the cap on offers.
#include "lending/apr.h"

#include <gtest/gtest.h>

#include "lending/offer.h"
#include "lending/schedule.h"

namespace credo::lending {
namespace {

// Σ payment_k / (1 + apr / 12)^k, the apr in bps: computed here without the solver.
long double PresentValue(const std::vector<int64_t>& payments, long double apr_bps) {
  const long double monthly = apr_bps / 120000.0L;
  long double value = 0, discount = 1;
  for (int64_t payment : payments) {
    discount /= 1 + monthly;
    value += payment * discount;
  }
  return value;
}

// The APR the solver returned brackets the true IRR: half a bp either side discounts the payments
// to more and to less than the cash received.
void ExpectBracketsIrr(int64_t cash_fen, const std::vector<int64_t>& payments, int64_t apr_bps) {
  EXPECT_GT(PresentValue(payments, apr_bps - 0.5L), cash_fen);
  EXPECT_LT(PresentValue(payments, apr_bps + 0.5L), cash_fen);
}

TEST(AprTest, FlatMonthlyFeeAdvertisedAsNinePercentIsAboutSixteenPointTwo) {
  // 2,700 over 12 months at a flat 0.75% of the original principal a month: 225.00 + 20.25 = 245.25
  // a month. "0.75% × 12 = 9%" ignores that the balance falls; the monthly IRR i solves
  // 2700 = 245.25 × (1 − (1+i)^−12) / i, i ≈ 1.352%, so the APR is about 16.2%.
  const std::vector<int64_t> payments(12, 24'525);
  const int64_t apr = IrrAprBps(270'000, payments);
  EXPECT_GE(apr, 1615);
  EXPECT_LE(apr, 1625);
  ExpectBracketsIrr(270'000, payments, apr);

  // The same loan as a schedule.
  LoanTerms terms;
  terms.principal_fen = 270'000;
  terms.term_months = 12;
  terms.method = RepaymentMethod::kFlatFee;
  terms.flat_fee_annual_bps = 900;
  terms.start = *CivilDate::Parse("2026-01-15");
  EXPECT_EQ(BuildSchedule(terms)->apr_irr_bps, apr);
}

TEST(AprTest, AnInterestOnlyLoanYieldsItsNominalRate) {
  // 1,000 at 1% a month for 6 months: 10.00 a month and 1,010.00 at the end; IRR exactly 1%.
  std::vector<int64_t> payments(6, 1'000);
  payments.back() = 101'000;
  EXPECT_EQ(IrrAprBps(100'000, payments), 1200);
}

TEST(AprTest, ZeroCostAndUpfrontFees) {
  EXPECT_EQ(IrrAprBps(120'000, std::vector<int64_t>(12, 10'000)), 0);
  // A 1% fee kept at disbursement on a 0% loan of 1,200 over 12 months: 1,188 received, 100 a month.
  const std::vector<int64_t> payments(12, 10'000);
  const int64_t apr = IrrAprBps(118'800, payments);
  ExpectBracketsIrr(118'800, payments, apr);
  EXPECT_GT(apr, 150);  // roughly 1% over an average outstanding of half a year: ~1.8%
  EXPECT_LT(apr, 200);
}

TEST(AprTest, PaymentsBelowTheCashGiveANegativeRate) {
  const std::vector<int64_t> payments(10, 9'000);
  const int64_t apr = IrrAprBps(100'000, payments);
  EXPECT_LT(apr, 0);
  ExpectBracketsIrr(100'000, payments, apr);
}

TEST(AprTest, EqualInstallmentAprIsTheNominalRateAcrossRates) {
  for (int64_t bps : {100, 720, 1200, 1800, 2000, 2400, 3600}) {
    LoanTerms terms;
    terms.principal_fen = 270'000;
    terms.term_months = 12;
    terms.interest_annual_bps = bps;
    terms.start = *CivilDate::Parse("2026-01-15");
    // Rounding to the fen moves the IRR by well under a bp on 2,700.
    EXPECT_NEAR(BuildSchedule(terms)->apr_irr_bps, bps, 1) << bps;
  }
}

TEST(AprCapTest, OffersAboveTheCapAreRejected) {
  OfferRequest request;
  request.principal_fen = 270'000;
  request.term_months = 12;
  request.start = *CivilDate::Parse("2026-01-15");

  request.rate_bps = 2400;
  ASSERT_TRUE(PriceOffer(*PlainTerms(RepaymentMethod::kEqualInstallment, request), kDefaultAprCapBps).ok());
  request.rate_bps = 2401;
  Result<Schedule> above =
      PriceOffer(*PlainTerms(RepaymentMethod::kEqualInstallment, request), kDefaultAprCapBps);
  ASSERT_FALSE(above.ok());
  EXPECT_EQ(above.status().path(), "rate");
  EXPECT_NE(above.status().message().find("above the cap of 24.00%"), std::string::npos)
      << above.status().message();

  // Flat fees: 0.75% a month ("9%") passes at ~16.2%; 1.25% a month ("15%") is ~26.6%: rejected,
  // although its advertised rate is far below 24%.
  request.rate_bps = 900;
  EXPECT_TRUE(PriceOffer(*PlainTerms(RepaymentMethod::kFlatFee, request), kDefaultAprCapBps).ok());
  request.rate_bps = 1500;
  Result<Schedule> flat = PriceOffer(*PlainTerms(RepaymentMethod::kFlatFee, request), kDefaultAprCapBps);
  ASSERT_FALSE(flat.ok());
  EXPECT_EQ(flat.status().path(), "rate");
}

TEST(AprCapTest, FormatsBpsAsPercent) {
  EXPECT_EQ(FormatBpsAsPercent(1622), "16.22%");
  EXPECT_EQ(FormatBpsAsPercent(2400), "24.00%");
  EXPECT_EQ(FormatBpsAsPercent(5), "0.05%");
  EXPECT_EQ(FormatBpsAsPercent(-150), "-1.50%");
}

}  // namespace
}  // namespace credo::lending
